// meshdexctl against the real meshdexd: the README tour, multi-document and
// directory input, output formats, exit codes (0 ok, 1 error, 2 usage), the
// audit listing, bearer tokens (sent, never printed; token hash|new) and the
// TLS options.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using testing::CommandResult;

constexpr char kShipments[] = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  domain: logistics
  name: shipments
  labels: {tier: gold}
spec:
  title: Shipments
  description: Every parcel movement, as events, within 5 minutes.
  owner: {team: logistics-core, email: logistics@example.com}
  version: 1.10.0
  lifecycle: production
  tags: [shipping, events]
  outputPorts:
    - name: events
      kind: kafka
      address: kafka://broker.logistics:9092/logistics.shipments.v1
      format: avro
      schema:
        fields:
          - {name: shipment_id, type: string, required: true}
          - {name: customer_email, type: string, classification: pii}
      slo: {freshnessSeconds: 900, availabilityPercent: 99.9}
)";

constexpr char kTwoProducts[] = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: sales, name: orders}
spec:
  version: 2.0.0
  outputPorts:
    - {name: table, kind: sql, address: "postgres://db.sales:5432/shop.public.orders"}
---
apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: sales, name: customers}
spec:
  version: 0.1.0
  outputPorts:
    - {name: files, kind: s3, address: "s3://sales-lake/customers/"}
)";

class CliIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"));
    ASSERT_TRUE(server_->Start());
  }

  CommandResult Ctl(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), {testing::BinaryPath("meshdexctl"), "--server", server_->grpc_address()});
    return testing::RunCommand(args, stdin_text);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = dir_.Sub(name);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(CliIntegrationTest, TourApplyGetResolveHistory) {
  std::string file = WriteFile("shipments.yaml", kShipments);
  CommandResult applied = Ctl({"apply", "-f", file});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.out.find("urn:dp:logistics:shipments created (revision 1)"), std::string::npos)
      << applied.out;

  CommandResult again = Ctl({"apply", "-f", file});
  EXPECT_NE(again.out.find("unchanged (revision 1)"), std::string::npos) << again.out;

  CommandResult list = Ctl({"get", "products", "logistics"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("urn:dp:logistics:shipments"), std::string::npos);
  // A numeric-looking version keeps its text (1.10.0, not 1.1).
  EXPECT_NE(list.out.find("1.10.0"), std::string::npos) << list.out;

  CommandResult yaml = Ctl({"-o", "yaml", "get", "product", "urn:dp:logistics:shipments"});
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_NE(yaml.out.find("customer_email"), std::string::npos);
  EXPECT_NE(yaml.out.find("revision"), std::string::npos);
  // Global options also work after the subcommand, as the README tour writes them.
  CommandResult trailing = Ctl({"get", "product", "urn:dp:logistics:shipments", "-o", "yaml"});
  ASSERT_EQ(trailing.exit_code, 0) << trailing.err;
  EXPECT_EQ(trailing.out, yaml.out);
  // What get prints can be applied back as is, and changes nothing.
  CommandResult reapplied = Ctl({"apply", "-f", "-"}, yaml.out);
  ASSERT_EQ(reapplied.exit_code, 0) << reapplied.err;
  EXPECT_NE(reapplied.out.find("unchanged"), std::string::npos) << reapplied.out;

  CommandResult resolved = Ctl({"resolve", "kafka://BROKER.logistics/logistics.shipments.v1"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_NE(resolved.out.find("urn:dp:logistics:shipments"), std::string::npos);
  EXPECT_NE(resolved.out.find("events"), std::string::npos);

  CommandResult described = Ctl({"describe", "urn:dp:logistics:shipments"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find("logistics-core <logistics@example.com>"), std::string::npos)
      << described.out;
  EXPECT_NE(described.out.find("pii"), std::string::npos);

  ASSERT_EQ(Ctl({"delete", "urn:dp:logistics:shipments"}).exit_code, 0);
  CommandResult history = Ctl({"history", "urn:dp:logistics:shipments"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("created"), std::string::npos);
  EXPECT_NE(history.out.find("deleted"), std::string::npos);
  CommandResult gone = Ctl({"get", "product", "urn:dp:logistics:shipments"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_NE(gone.err.find("NOT_FOUND"), std::string::npos) << gone.err;
}

TEST_F(CliIntegrationTest, MultiDocumentFilesDirectoriesAndDryRun) {
  std::string dir = dir_.Sub("products");
  WriteFile("products/a.yaml", kTwoProducts);
  WriteFile("products/b.yml", kShipments);
  WriteFile("products/notes.txt", "not a descriptor");

  CommandResult dry = Ctl({"apply", "--dry-run", "-f", dir});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("[dry run]"), std::string::npos);
  CommandResult none = Ctl({"get", "products"});
  EXPECT_EQ(none.out.find("urn:dp:"), std::string::npos) << none.out;

  CommandResult applied = Ctl({"apply", "-f", dir});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  CommandResult all = Ctl({"-o", "json", "get", "products"});
  EXPECT_NE(all.out.find("urn:dp:sales:orders"), std::string::npos);
  EXPECT_NE(all.out.find("urn:dp:sales:customers"), std::string::npos);
  EXPECT_NE(all.out.find("urn:dp:logistics:shipments"), std::string::npos);
}

TEST_F(CliIntegrationTest, UnknownFieldIsAnErrorNamingItAndAppliesNothing) {
  std::string text = std::string(kTwoProducts) + "\n---\n" +
                     "apiVersion: meshdex.io/v1\nkind: DataProduct\nmetadata: {domain: x, name: y}\n"
                     "spec:\n  version: 1.0.0\n  outputPorts:\n    - {name: p, kind: s3, adress: s3://b/c}\n";
  CommandResult result = Ctl({"apply", "-f", "-"}, text);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("adress"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("document 3"), std::string::npos) << result.err;
  EXPECT_EQ(Ctl({"get", "products"}).out.find("urn:dp:sales"), std::string::npos);
}

TEST_F(CliIntegrationTest, SearchFiltersByFieldWithoutQuerySyntax) {
  ASSERT_EQ(Ctl({"apply", "-f", "-"}, std::string(kTwoProducts) + "---\n" + kShipments).exit_code,
            0);
  // The CLI has no min_sequence: search until the index has the three
  // products (it follows the store within milliseconds).
  CommandResult sales;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    sales = Ctl({"-o", "json", "search", "--filter", "domain:sales"});
    ASSERT_EQ(sales.exit_code, 0) << sales.err;
    if (sales.out.find("urn:dp:sales:customers") != std::string::npos &&
        sales.out.find("urn:dp:sales:orders") != std::string::npos) {
      break;
    }
  }
  EXPECT_NE(sales.out.find("urn:dp:sales:orders"), std::string::npos) << sales.out;
  EXPECT_NE(sales.out.find("urn:dp:sales:customers"), std::string::npos) << sales.out;
  EXPECT_EQ(sales.out.find("urn:dp:logistics:shipments"), std::string::npos) << sales.out;

  CommandResult others =
      Ctl({"-o", "json", "search", "--filter=-domain:sales", "--filter", "owner:logistics-core"});
  ASSERT_EQ(others.exit_code, 0) << others.err;
  EXPECT_NE(others.out.find("urn:dp:logistics:shipments"), std::string::npos) << others.out;
  EXPECT_EQ(others.out.find("urn:dp:sales:"), std::string::npos) << others.out;

  CommandResult malformed = Ctl({"search", "--filter", "sales"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("is not field:value"), std::string::npos) << malformed.err;
  CommandResult unknown = Ctl({"search", "--filter", "colour:red"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("filters[0].field"), std::string::npos) << unknown.err;
}

TEST_F(CliIntegrationTest, ServerErrorsExitOneWithTheMessage) {
  std::string text = kShipments;
  text.replace(text.find("kafka://broker"), 5, "ftp");
  CommandResult result = Ctl({"apply", "-f", "-"}, text);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("INVALID_ARGUMENT"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("spec.outputPorts[0].address"), std::string::npos) << result.err;
}

std::string RunEventLine(int run, const std::string& input, const std::string& output) {
  char run_id[64];
  std::snprintf(run_id, sizeof run_id, "7c9e6679-7425-40de-944b-e07fc1f9%04d", run);
  return std::string(R"({"eventType":"COMPLETE","eventTime":"2026-11-25T10:00:00Z","run":{"runId":")") +
         run_id + R"("},"job":{"namespace":"etl","name":"step)" + std::to_string(run) +
         R"("},"inputs":[{"namespace":"s3://lake","name":")" + input +
         R"("}],"outputs":[{"namespace":"s3://lake","name":")" + output +
         R"("}],"producer":"https://example.com/cli-test","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"})";
}

TEST_F(CliIntegrationTest, IngestReportsEveryRejectedLineThenLineageAndRuns) {
  const std::string events = RunEventLine(1, "raw", "clean") + "\n" +
                             R"({"eventType":"COMPLETE"})" + "\n\n" +
                             RunEventLine(2, "clean", "report") + "\n" + "not json\n";
  CommandResult ingested = Ctl({"ingest", "-f", "-"}, events);
  EXPECT_EQ(ingested.exit_code, 1);
  EXPECT_NE(ingested.out.find("2 accepted, 2 rejected"), std::string::npos) << ingested.out;
  EXPECT_NE(ingested.err.find("<stdin>:2: "), std::string::npos) << ingested.err;
  EXPECT_NE(ingested.err.find("<stdin>:5: "), std::string::npos) << ingested.err;

  CommandResult dot = Ctl({"lineage", "dataset:s3://lake:raw", "--down", "-o", "dot"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_EQ(dot.out.rfind("digraph lineage {", 0), 0u) << dot.out;
  EXPECT_NE(dot.out.find("\"job:etl:step2\" -> \"dataset:s3://lake:report\""), std::string::npos)
      << dot.out;
  CommandResult upstream = Ctl({"lineage", "dataset:s3://lake:raw", "--up"});
  ASSERT_EQ(upstream.exit_code, 0) << upstream.err;
  EXPECT_EQ(upstream.out.find("step2"), std::string::npos) << upstream.out;
  // Graphviz is for lineage only.
  EXPECT_EQ(Ctl({"-o", "dot", "get", "products"}).exit_code, 2);

  CommandResult runs = Ctl({"runs", "job:etl:step1"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_NE(runs.out.find("7c9e6679-7425-40de-944b-e07fc1f90001"), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find("COMPLETE"), std::string::npos);
}

TEST_F(CliIntegrationTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Ctl({}).exit_code, 2);
  EXPECT_EQ(Ctl({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Ctl({"apply"}).exit_code, 2);
  EXPECT_EQ(Ctl({"-o", "xml", "get", "products"}).exit_code, 2);
  CommandResult help = Ctl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("apply"), std::string::npos);
}

TEST_F(CliIntegrationTest, UnreachableServerIsAnError) {
  CommandResult result = testing::RunCommand(
      {testing::BinaryPath("meshdexctl"), "--server", "127.0.0.1:1", "--timeout", "2", "get", "products"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("UNAVAILABLE"), std::string::npos) << result.err;
}

TEST_F(CliIntegrationTest, AuditPrintsItsTableAndFollowsFilters) {
  ASSERT_EQ(Ctl({"apply", "-f", WriteFile("shipments.yaml", kShipments)}).exit_code, 0);
  CommandResult table = Ctl({"audit"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream header(table.out.substr(0, table.out.find('\n')));
  std::vector<std::string> columns{std::istream_iterator<std::string>(header), {}};
  EXPECT_EQ(columns, (std::vector<std::string>{"TIME", "PRINCIPAL", "OPERATION", "TARGET", "REV",
                                               "SEQ", "CODE", "TRANSPORT"}))
      << table.out;
  CommandResult filtered = Ctl({"audit", "--principal", "nobody", "--urn",
                                "urn:dp:logistics:shipments", "--limit", "5"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  EXPECT_EQ(filtered.out.find("nobody"), std::string::npos) << filtered.out;
  CommandResult json = Ctl({"-o", "json", "audit"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("{", 0), 0u) << json.out;
  EXPECT_EQ(Ctl({"audit", "--limit", "0"}).exit_code, 2);
}

TEST_F(CliIntegrationTest, TokenIsSentAndAcceptedFromFlagOrEnvironment) {
  // Without an auth file the server lets everyone in, token or not.
  CommandResult flag = Ctl({"--token", "flag-token-1234", "get", "products"});
  EXPECT_EQ(flag.exit_code, 0) << flag.err;
  CommandResult env = testing::RunCommand({"/usr/bin/env", "MESHDEX_TOKEN=env-token-5678",
                                           testing::BinaryPath("meshdexctl"), "--server",
                                           server_->grpc_address(), "audit"});
  EXPECT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(env.out.find("env-token-5678"), std::string::npos);
  // A token that cannot travel in a header is a usage error, and not quoted.
  CommandResult spaced = Ctl({"--token", "has a-secret space", "get", "products"});
  EXPECT_EQ(spaced.exit_code, 2);
  EXPECT_NE(spaced.err.find("--token"), std::string::npos) << spaced.err;
  EXPECT_EQ(spaced.err.find("a-secret"), std::string::npos) << spaced.err;
}

TEST(CliTokenTest, NeverPrintedWhenACallOrTheCommandLineFails) {
  const std::string secret = "Zx9-SECRET-token_value";
  const std::string ctl = testing::BinaryPath("meshdexctl");
  const std::vector<std::vector<std::string>> command_lines = {
      {ctl, "--server", "127.0.0.1:1", "--timeout", "2", "--token", secret, "get", "products"},
      {ctl, "--server", "127.0.0.1:1", "--timeout", "2", "audit", "--token=" + secret},
      {"/usr/bin/env", "MESHDEX_TOKEN=" + secret, ctl, "--server", "127.0.0.1:1", "--timeout",
       "2", "stats"},
      // Usage errors may quote arguments; a token that looks like an option
      // (base64url may start with '-') must still be hidden.
      {ctl, "--token", "-" + secret, "get", "products"},
      {ctl, "--token", secret, "frobnicate"},
  };
  for (const std::vector<std::string>& argv : command_lines) {
    CommandResult result = testing::RunCommand(argv);
    EXPECT_NE(result.exit_code, 0) << argv.back();
    EXPECT_EQ(result.out.find(secret), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(secret), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("SECRET"), std::string::npos) << result.err;
  }
}

TEST(CliTokenTest, HashPrintsTheAuthFileEntry) {
  const std::string ctl = testing::BinaryPath("meshdexctl");
  CommandResult hashed = testing::RunCommand({ctl, "token", "hash"}, "hello\n");
  ASSERT_EQ(hashed.exit_code, 0) << hashed.err;
  EXPECT_EQ(hashed.out,
            "{principal: someone, sha256: "
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824, roles: [reader]}\n");
  // Without the trailing newline: the same digest.
  EXPECT_EQ(testing::RunCommand({ctl, "token", "hash"}, "hello").out, hashed.out);

  CommandResult roles = testing::RunCommand(
      {ctl, "token", "hash", "--principal", "airflow", "--role", "ingest", "--role",
       "owner:logistics"},
      "hello\n");
  ASSERT_EQ(roles.exit_code, 0) << roles.err;
  EXPECT_EQ(roles.out,
            "{principal: airflow, sha256: "
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824, "
            "roles: [ingest, \"owner:logistics\"]}\n");
  // A principal that is not a plain YAML word is quoted.
  CommandResult quoted = testing::RunCommand(
      {ctl, "token", "hash", "--principal", "ops, team: a"}, "hello\n");
  ASSERT_EQ(quoted.exit_code, 0) << quoted.err;
  EXPECT_NE(quoted.out.find("{principal: \"ops, team: a\", "), std::string::npos) << quoted.out;

  EXPECT_EQ(testing::RunCommand({ctl, "token", "hash", "--role", "owner:"}, "hello\n").exit_code, 2);
  EXPECT_EQ(testing::RunCommand({ctl, "token", "hash", "--role", "root"}, "hello\n").exit_code, 2);
  EXPECT_EQ(testing::RunCommand({ctl, "token", "hash", "--role", "reader", "--role", "reader"},
                                "hello\n")
                .exit_code,
            2);
  CommandResult empty = testing::RunCommand({ctl, "token", "hash"}, "\n");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.out, "");
  CommandResult spaced = testing::RunCommand({ctl, "token", "hash"}, "two words-secret\n");
  EXPECT_EQ(spaced.exit_code, 1);
  EXPECT_EQ(spaced.err.find("words-secret"), std::string::npos) << spaced.err;
}

TEST(CliTokenTest, NewTokensAreRandomUrlSafeAndHashable) {
  const std::string ctl = testing::BinaryPath("meshdexctl");
  CommandResult first = testing::RunCommand({ctl, "token", "new"});
  CommandResult second = testing::RunCommand({ctl, "token", "new"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_FALSE(first.out.empty());
  EXPECT_EQ(first.out.back(), '\n');
  EXPECT_NE(first.out, second.out);
  for (const std::string& out : {first.out, second.out}) {
    const std::string token = out.substr(0, out.size() - 1);
    EXPECT_GE(token.size(), 43u) << token;
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << token;
  }
  CommandResult hashed = testing::RunCommand({ctl, "token", "hash"}, first.out);
  ASSERT_EQ(hashed.exit_code, 0) << hashed.err;
  EXPECT_EQ(hashed.out.find(first.out.substr(0, first.out.size() - 1)), std::string::npos);
}

TEST(CliTlsTest, UnreadableOrMismatchedTlsFilesAreUsageErrors) {
  testing::TempDir dir;
  const std::string ctl = testing::BinaryPath("meshdexctl");
  const std::string not_pem = dir.Sub("not.pem");
  std::ofstream(not_pem) << "hello";
  CommandResult missing =
      testing::RunCommand({ctl, "--tls_ca", dir.Sub("absent.pem"), "get", "products"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--tls_ca: cannot read"), std::string::npos) << missing.err;
  CommandResult garbage = testing::RunCommand({ctl, "--tls_ca", not_pem, "get", "products"});
  EXPECT_EQ(garbage.exit_code, 2);
  EXPECT_NE(garbage.err.find("not a PEM file"), std::string::npos) << garbage.err;
  EXPECT_EQ(testing::RunCommand({ctl, "--tls_cert", not_pem, "get", "products"}).exit_code, 2);
  EXPECT_EQ(testing::RunCommand({ctl, "--tls_key", not_pem, "get", "products"}).exit_code, 2);
}

TEST(CliTlsTest, ConnectsOverTlsAndMutualTls) {
  const std::string openssl = "/usr/bin/openssl";
  if (!std::filesystem::exists(openssl)) GTEST_SKIP() << "needs " << openssl << " to make a certificate";
  testing::TempDir dir;
  const std::string cert = dir.Sub("cert.pem"), key = dir.Sub("key.pem");
  // Self-signed, so one file serves as server certificate, client
  // certificate and the CA of both.
  CommandResult made = testing::RunCommand(
      {openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
       "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  const std::string ctl = testing::BinaryPath("meshdexctl");
  {
    testing::ServerProcess server(dir.Sub("tls"), {"--tls_cert=" + cert, "--tls_key=" + key});
    ASSERT_TRUE(server.Start());
    CommandResult verified = testing::RunCommand(
        {ctl, "--server", server.grpc_address(), "--tls_ca", cert, "get", "products"});
    EXPECT_EQ(verified.exit_code, 0) << verified.err;
    CommandResult plaintext = testing::RunCommand(
        {ctl, "--server", server.grpc_address(), "--timeout", "2", "get", "products"});
    EXPECT_EQ(plaintext.exit_code, 1);
  }
  testing::ServerProcess mutual(dir.Sub("mtls"), {"--tls_cert=" + cert, "--tls_key=" + key,
                                                  "--tls_client_ca=" + cert});
  ASSERT_TRUE(mutual.Start());
  CommandResult anonymous = testing::RunCommand(
      {ctl, "--server", mutual.grpc_address(), "--timeout", "2", "--tls_ca", cert, "stats"});
  EXPECT_EQ(anonymous.exit_code, 1);
  CommandResult with_cert =
      testing::RunCommand({ctl, "--server", mutual.grpc_address(), "--tls_ca", cert, "--tls_cert",
                           cert, "--tls_key", key, "stats"});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.err;
}

}  // namespace
}  // namespace meshdex
