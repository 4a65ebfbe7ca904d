// Bad input never hurts the server: a table of limit breaches against the
// real meshdexd (gRPC message size, descriptor size and counts, string
// lengths, query length, nesting depth, batch sizes, lineage bounds, HTTP
// body size), each answered INVALID_ARGUMENT or RESOURCE_EXHAUSTED naming the
// limit, nothing stored, and the server still serving afterwards.
#include <functional>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using grpc::StatusCode;
using meshdex::v1::DataProduct;

constexpr int kMaxMessageBytes = 2 << 20;

DataProduct Product() {
  DataProduct product;
  product.mutable_metadata()->set_domain("limits");
  product.mutable_metadata()->set_name("probe");
  product.mutable_spec()->set_title("Probe");
  product.mutable_spec()->set_version("1.0.0");
  return product;
}

meshdex::v1::Port* AddPort(DataProduct& product, int i) {
  meshdex::v1::Port* port = product.mutable_spec()->add_output_ports();
  port->set_name("p" + std::to_string(i));
  port->set_kind("kafka");
  port->set_address("kafka://broker:9092/topic-" + std::to_string(i));
  return port;
}

struct Breach {
  std::string name;
  // Makes the call; returns its status.
  std::function<grpc::Status()> call;
  StatusCode code;
  // Part of the message naming the limit.
  std::string names;
};

class LimitsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(
        dir_.Sub("data"),
        std::vector<std::string>{"--grpc_max_message_bytes=" + std::to_string(kMaxMessageBytes),
                                 "--http_max_body_bytes=65536"});
    ASSERT_TRUE(server_->Start());
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
    search_ = meshdex::v1::SearchService::NewStub(server_->Channel());
    lineage_ = meshdex::v1::LineageService::NewStub(server_->Channel());
  }

  grpc::Status Apply(const DataProduct& product) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    meshdex::v1::ApplyProductResponse response;
    grpc::ClientContext context;
    return catalog_->ApplyProduct(&context, request, &response);
  }

  uint64_t LastSequence() {
    auto admin = meshdex::v1::AdminService::NewStub(server_->Channel());
    meshdex::v1::Stats stats;
    grpc::ClientContext context;
    EXPECT_TRUE(admin->GetStats(&context, meshdex::v1::GetStatsRequest(), &stats).ok());
    return stats.last_sequence();
  }

  std::vector<Breach> Breaches() {
    std::vector<Breach> breaches;
    breaches.push_back({"gRPC message larger than --grpc_max_message_bytes",
                        [this] {
                          DataProduct product = Product();
                          product.mutable_spec()->set_description(
                              std::string(kMaxMessageBytes + 1, 'x'));
                          return Apply(product);
                        },
                        StatusCode::RESOURCE_EXHAUSTED, "larger than max"});
    breaches.push_back({"65 output ports",
                        [this] {
                          DataProduct product = Product();
                          for (int i = 0; i < 65; ++i) AddPort(product, i);
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "64"});
    breaches.push_back({"1001 fields in a schema",
                        [this] {
                          DataProduct product = Product();
                          meshdex::v1::Port* port = AddPort(product, 0);
                          for (int i = 0; i < 1001; ++i) {
                            auto* field = port->mutable_schema()->add_fields();
                            field->set_name("f" + std::to_string(i));
                            field->set_type("string");
                          }
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "1000"});
    breaches.push_back({"65 tags",
                        [this] {
                          DataProduct product = Product();
                          for (int i = 0; i < 65; ++i) {
                            product.mutable_spec()->add_tags("t" + std::to_string(i));
                          }
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "spec.tags"});
    breaches.push_back({"label value of 257 characters",
                        [this] {
                          DataProduct product = Product();
                          (*product.mutable_metadata()->mutable_labels())["tier"] =
                              std::string(257, 'g');
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "256"});
    breaches.push_back({"title of 257 characters",
                        [this] {
                          DataProduct product = Product();
                          product.mutable_spec()->set_title(std::string(257, 'T'));
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "spec.title"});
    breaches.push_back({"descriptor over 1 MiB",
                        [this] {
                          DataProduct product = Product();
                          meshdex::v1::Port* port = AddPort(product, 0);
                          for (int i = 0; i < 1000; ++i) {
                            auto* field = port->mutable_schema()->add_fields();
                            field->set_name("f" + std::to_string(i));
                            field->set_type("string");
                            field->set_description(std::string(1100, 'd'));
                          }
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "exceeds the limit of 1 MiB"});
    breaches.push_back({"search query over 2048 bytes",
                        [this] {
                          meshdex::v1::SearchRequest request;
                          request.set_query(std::string(3000, 'q'));
                          meshdex::v1::SearchResponse response;
                          grpc::ClientContext context;
                          return search_->Search(&context, request, &response);
                        },
                        StatusCode::INVALID_ARGUMENT, "2048"});
    breaches.push_back({"1001 URNs in one BatchGetProducts",
                        [this] {
                          meshdex::v1::BatchGetProductsRequest request;
                          for (int i = 0; i < 1001; ++i) request.add_urns("urn:dp:a:b");
                          meshdex::v1::BatchGetProductsResponse response;
                          grpc::ClientContext context;
                          return catalog_->BatchGetProducts(&context, request, &response);
                        },
                        StatusCode::INVALID_ARGUMENT, "1000"});
    breaches.push_back({"OpenLineage event nested 100,000 deep",
                        [this] {
                          meshdex::v1::IngestEventRequest request;
                          request.set_event_json(std::string(100000, '[') +
                                                 std::string(100000, ']'));
                          meshdex::v1::IngestEventResponse response;
                          grpc::ClientContext context;
                          return lineage_->IngestEvent(&context, request, &response);
                        },
                        StatusCode::INVALID_ARGUMENT, "deep"});
    breaches.push_back({"address of 2049 characters",
                        [this] {
                          DataProduct product = Product();
                          AddPort(product, 0)->set_address("kafka://broker:9092/" +
                                                           std::string(2030, 't'));
                          return Apply(product);
                        },
                        StatusCode::INVALID_ARGUMENT, "2048"});
    return breaches;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  std::unique_ptr<meshdex::v1::SearchService::Stub> search_;
  std::unique_ptr<meshdex::v1::LineageService::Stub> lineage_;
};

TEST_F(LimitsIntegrationTest, EveryBreachIsRefusedNamingTheLimitAndStoresNothing) {
  const uint64_t before = LastSequence();
  for (const Breach& breach : Breaches()) {
    grpc::Status status = breach.call();
    EXPECT_EQ(status.error_code(), breach.code) << breach.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(breach.names), std::string::npos)
        << breach.name << ": " << status.error_message();
  }
  EXPECT_EQ(LastSequence(), before);
  // Still serving.
  EXPECT_TRUE(Apply(Product()).ok());
}

TEST_F(LimitsIntegrationTest, HttpBodiesOverTheLimitAre413) {
  httplib::Client client("http://" + server_->http_address());
  httplib::Result result = client.Post("/v1/products", std::string(70000, ' '), "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_NE(result->body.find("65536"), std::string::npos) << result->body;
}

TEST(LimitFlagsTest, NonsenseLimitsStopTheStartNamingTheFlag) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"), {"--grpc_max_message_bytes=10"});
  EXPECT_FALSE(server.Start());
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--grpc_max_message_bytes", "10"}, {"--grpc_idle_threads", "1"},
           {"--http_threads", "0"}, {"--index_batch_records", "0"},
           {"--index_commit_interval_ms", "-1"}, {"--block_cache_mb", "4"}}) {
    const testing::CommandResult result =
        testing::RunCommand({MESHDEXD_PATH, "--data_dir=" + dir.Sub(flag), flag + "=" + value,
                             "--grpc_listen=127.0.0.1:0", "--http_listen=127.0.0.1:0"});
    EXPECT_NE(result.exit_code, 0) << flag;
    EXPECT_NE(result.err.find(flag + ": must be"), std::string::npos) << flag << ": " << result.err;
  }
}

}  // namespace
}  // namespace meshdex
