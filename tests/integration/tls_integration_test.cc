// TLS and mutual TLS of the real meshdexd (--tls_cert/--tls_key,
// --tls_client_ca) on gRPC and HTTP, with a CA and certificates made by the
// openssl command line in the test: a verified client gets in, a plaintext
// client or (with mTLS) a client without a certificate is refused.
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A throwaway CA and two certificates it signed: the server's (for
// localhost and 127.0.0.1) and a client's.
class Certificates {
 public:
  explicit Certificates(const testing::TempDir& dir) : dir_(dir) {}

  bool Make() {
    return Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Path("ca.key"),
                "-out", Path("ca.pem"), "-days", "1", "-subj", "/CN=meshdex test CA"}) &&
           Issue("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1") &&
           Issue("client", "meshdex test client", "extendedKeyUsage=clientAuth");
  }

  std::string Path(const std::string& name) const { return dir_.Sub(name); }

 private:
  bool Issue(const std::string& name, const std::string& common_name, const std::string& ext) {
    std::ofstream(Path(name + ".ext")) << ext << "\n";
    return Run({"/usr/bin/openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", Path(name + ".key"),
                "-out", Path(name + ".csr"), "-subj", "/CN=" + common_name}) &&
           Run({"/usr/bin/openssl", "x509", "-req", "-in", Path(name + ".csr"), "-CA", Path("ca.pem"),
                "-CAkey", Path("ca.key"), "-CAcreateserial", "-out", Path(name + ".pem"), "-days",
                "1", "-extfile", Path(name + ".ext")});
  }

  static bool Run(const std::vector<std::string>& argv) {
    testing::CommandResult result = testing::RunCommand(argv);
    EXPECT_EQ(result.exit_code, 0) << argv[1] << ": " << result.err;
    return result.exit_code == 0;
  }

  const testing::TempDir& dir_;
};

class TlsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A server refusing the handshake closes the socket under the client's
    // TLS write; that must be an error, not a signal that kills the test.
    std::signal(SIGPIPE, SIG_IGN);
    ASSERT_TRUE(certificates_.Make());
  }

  void StartServer(bool mutual) {
    std::vector<std::string> flags = {"--demo", "--tls_cert=" + certificates_.Path("server.pem"),
                                      "--tls_key=" + certificates_.Path("server.key")};
    if (mutual) flags.push_back("--tls_client_ca=" + certificates_.Path("ca.pem"));
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"), flags);
    ASSERT_TRUE(server_->Start());
  }

  grpc::Status GetProduct(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto channel = grpc::CreateCustomChannel(server_->grpc_address(), credentials, args);
    auto stub = meshdex::v1::CatalogService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    meshdex::v1::GetProductRequest request;
    request.set_urn("urn:dp:logistics:shipments");
    meshdex::v1::DataProduct product;
    return stub->GetProduct(&context, request, &product);
  }

  std::shared_ptr<grpc::ChannelCredentials> Tls(bool with_client_certificate) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(certificates_.Path("ca.pem"));
    if (with_client_certificate) {
      options.pem_private_key = ReadFile(certificates_.Path("client.key"));
      options.pem_cert_chain = ReadFile(certificates_.Path("client.pem"));
    }
    return grpc::SslCredentials(options);
  }

  // Status of GET /healthz over HTTPS; -1 when no response came.
  int HttpsHealth(bool with_client_certificate) {
    const size_t colon = server_->http_address().rfind(':');
    const int port = std::stoi(server_->http_address().substr(colon + 1));
    std::unique_ptr<httplib::SSLClient> client =
        with_client_certificate
            ? std::make_unique<httplib::SSLClient>("localhost", port,
                                                   certificates_.Path("client.pem"),
                                                   certificates_.Path("client.key"))
            : std::make_unique<httplib::SSLClient>("localhost", port);
    client->set_ca_cert_path(certificates_.Path("ca.pem").c_str());
    client->enable_server_certificate_verification(true);
    client->set_connection_timeout(5);
    httplib::Result result = client->Get("/healthz");
    return result ? result->status : -1;
  }

  testing::TempDir dir_;
  Certificates certificates_{dir_};
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(TlsIntegrationTest, TlsServesVerifiedClientsAndRefusesPlaintext) {
  StartServer(/*mutual=*/false);
  grpc::Status status = GetProduct(Tls(/*with_client_certificate=*/false));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(GetProduct(grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  EXPECT_EQ(HttpsHealth(/*with_client_certificate=*/false), 200);
  httplib::Client plaintext("http://" + server_->http_address());
  plaintext.set_connection_timeout(5);
  plaintext.set_read_timeout(5);
  EXPECT_FALSE(plaintext.Get("/healthz")) << "a plaintext client gets no HTTP answer";

  // meshdexctl with --tls_ca.
  testing::CommandResult result = testing::RunCommand(
      {testing::BinaryPath("meshdexctl"), "--server", "localhost:" +
           server_->grpc_address().substr(server_->grpc_address().rfind(':') + 1),
       "--tls_ca", certificates_.Path("ca.pem"), "get", "product", "urn:dp:logistics:shipments"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("urn:dp:logistics:shipments"), std::string::npos) << result.out;
}

TEST_F(TlsIntegrationTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  StartServer(/*mutual=*/true);
  grpc::Status status = GetProduct(Tls(/*with_client_certificate=*/true));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(GetProduct(Tls(/*with_client_certificate=*/false)).ok());
  EXPECT_EQ(HttpsHealth(/*with_client_certificate=*/true), 200);
  EXPECT_EQ(HttpsHealth(/*with_client_certificate=*/false), -1);
}

TEST(TlsStartupTest, UnreadableCertificatesStopTheStartNamingTheFlag) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("cert.pem")) << "not a certificate\n";
  testing::ServerProcess server(dir.Sub("data"), {"--tls_cert=" + dir.Sub("cert.pem"),
                                                  "--tls_key=" + dir.Sub("missing.key")});
  EXPECT_FALSE(server.Start());
  EXPECT_NE(ReadFile(server.log_path()).find("--tls_"), std::string::npos)
      << ReadFile(server.log_path());
}

}  // namespace
}  // namespace meshdex
