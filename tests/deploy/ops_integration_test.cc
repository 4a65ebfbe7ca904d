// Operating meshdexd, against the real server: --version, GetStats and
// `meshdexctl stats`, JSON logs with the slow-request log (gRPC and HTTP),
// the flags of the Kubernetes ConfigMap (deploy/k8s/configmap.yaml) serving
// with an auth file on 0.0.0.0 while the health service answers without a
// token (the kubelet's gRPC probe sends none), and Kubernetes custom
// resources applied with meshdexctl and over HTTP.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/health_probe.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "yaml-cpp/yaml.h"

namespace meshdex {
namespace {

using testing::RunCommand;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// The JSON log lines of a server; fails the test on a line that is not one.
std::vector<nlohmann::json> JsonLogLines(const std::string& log_path) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(ReadFile(log_path), '\n', absl::SkipEmpty())) {
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << "not a JSON log line: " << line;
    if (!parsed.is_object()) continue;
    EXPECT_TRUE(parsed.contains("time") && parsed.contains("level") && parsed.contains("msg"))
        << line;
    lines.push_back(std::move(parsed));
  }
  return lines;
}

std::vector<nlohmann::json> SlowRequestLines(const std::string& log_path) {
  std::vector<nlohmann::json> slow;
  for (nlohmann::json& line : JsonLogLines(log_path)) {
    if (line.value("msg", "") == "slow request") slow.push_back(std::move(line));
  }
  return slow;
}

// A Search that waits for a sequence the store never reaches: the server
// holds it for its bounded wait (about 2 s) and answers UNAVAILABLE. A
// deterministic slow request.
grpc::Status SlowSearch(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto search = meshdex::v1::SearchService::NewStub(channel);
  meshdex::v1::SearchRequest request;
  request.set_query("anything");
  request.set_min_sequence(1u << 30);
  meshdex::v1::SearchResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  return search->Search(&context, request, &response);
}

grpc::Status GetStats(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                      meshdex::v1::Stats* stats) {
  auto admin = meshdex::v1::AdminService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  return admin->GetStats(&context, meshdex::v1::GetStatsRequest(), stats);
}

TEST(OpsTest, VersionFlagPrintsTheBuildVersion) {
  testing::CommandResult result = RunCommand({MESHDEXD_PATH, "--version"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind(absl::StrCat("meshdexd ", MESHDEX_PROJECT_VERSION), 0), 0u)
      << result.out;
}

TEST(OpsTest, StatsReportCountsLagAndTheVersion) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"), {"--demo"});
  ASSERT_TRUE(server.Start());
  meshdex::v1::Stats stats;
  grpc::Status status = GetStats(server.Channel(), "", &stats);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The same version string as --version.
  const std::string version_line = RunCommand({MESHDEXD_PATH, "--version"}).out;
  EXPECT_EQ(absl::StrCat("meshdexd ", stats.version(), "\n"), version_line);
  EXPECT_EQ(stats.products(), 18);  // the demo mesh
  EXPECT_GT(stats.datasets(), 0);   // its lineage runs name datasets
  EXPECT_GT(stats.last_sequence(), 0u);
  EXPECT_EQ(stats.index_lag(),
            stats.last_sequence() - std::min(stats.last_sequence(), stats.index_applied_sequence()));
  EXPECT_GE(stats.uptime_seconds(), 0);
  EXPECT_GT(stats.store_bytes(), 0);

  testing::CommandResult json = RunCommand(
      {testing::BinaryPath("meshdexctl"), "--server=" + server.grpc_address(), "-o", "json", "stats"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json printed = nlohmann::json::parse(json.out);
  EXPECT_EQ(printed.value("products", ""), "18");  // int64: a string in the JSON mapping
  EXPECT_EQ(printed.value("version", ""), stats.version());
  EXPECT_TRUE(printed.contains("datasets"));
  testing::CommandResult table = RunCommand(
      {testing::BinaryPath("meshdexctl"), "--server=" + server.grpc_address(), "stats"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("DATASETS"), std::string::npos) << table.out;
}

TEST(OpsTest, SlowRequestsAreLoggedWithTheirFieldsOnBothTransports) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"), {"--log_format=json", "--slow_request_ms=300"});
  ASSERT_TRUE(server.Start());
  meshdex::v1::Stats stats;
  ASSERT_TRUE(GetStats(server.Channel(), "", &stats).ok());  // fast: not logged
  grpc::Status slow = SlowSearch(server.Channel(), "");
  EXPECT_EQ(slow.error_code(), grpc::StatusCode::UNAVAILABLE) << slow.error_message();
  httplib::Client http(absl::StrCat("http://", server.http_address()));
  http.set_read_timeout(20);
  httplib::Result answer = http.Get("/v1/search?q=anything&min_sequence=1073741824");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503);
  ASSERT_EQ(server.Stop(), 0);

  const std::vector<nlohmann::json> lines = SlowRequestLines(server.log_path());
  ASSERT_EQ(lines.size(), 2u) << ReadFile(server.log_path());
  EXPECT_EQ(lines[0]["level"], "warning");
  EXPECT_EQ(lines[0]["transport"], "grpc");
  EXPECT_EQ(lines[0]["rpc"], "meshdex.v1.SearchService/Search");
  EXPECT_EQ(lines[0]["code"], "UNAVAILABLE");
  EXPECT_EQ(lines[0]["principal"], "local");
  EXPECT_GE(lines[0]["latency_ms"].get<double>(), 300);
  EXPECT_EQ(lines[1]["transport"], "http");
  EXPECT_EQ(lines[1]["rpc"], "GET /v1/search");
  EXPECT_EQ(lines[1]["code"], "503");
  EXPECT_GE(lines[1]["latency_ms"].get<double>(), 300);
}

TEST(OpsTest, TextLogsCarryTheFieldsAsKeyValuePairs) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"), {"--slow_request_ms=300"});
  ASSERT_TRUE(server.Start());
  EXPECT_EQ(SlowSearch(server.Channel(), "").error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_EQ(server.Stop(), 0);
  const std::string log = ReadFile(server.log_path());
  EXPECT_NE(log.find("slow request: rpc=meshdex.v1.SearchService/Search code=UNAVAILABLE "
                     "latency_ms="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("principal=local transport=grpc"), std::string::npos) << log;
}

TEST(OpsTest, NegativeSlowRequestThresholdIsRefused) {
  testing::TempDir dir;
  testing::CommandResult result = RunCommand(
      {MESHDEXD_PATH, "--data_dir=" + dir.Sub("data"), "--slow_request_ms=-1"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--slow_request_ms"), std::string::npos) << result.err;
}

// The ConfigMap's flag file, with the container's paths and ports replaced
// by the test's: what the pod runs, on this machine.
std::string KubernetesFlags(const testing::TempDir& dir) {
  YAML::Node config_map = YAML::LoadFile(MESHDEX_SOURCE_DIR "/deploy/k8s/configmap.yaml");
  std::string flags = config_map["data"]["meshdexd.flags"].as<std::string>();
  return absl::StrReplaceAll(flags, {{"--data_dir=/data", "--data_dir=" + dir.Sub("data")},
                                     {"/etc/meshdex/auth/auth.yaml", dir.Sub("auth.yaml")},
                                     {"0.0.0.0:50051", "0.0.0.0:0"},
                                     {"0.0.0.0:8080", "0.0.0.0:0"}});
}

TEST(OpsTest, KubernetesConfigMapFlagsServeWithAuthAndAnUnauthenticatedHealthProbe) {
  testing::TempDir dir;
  const std::string token = "ops-test-token-0123456789abcdef";
  testing::CommandResult line = RunCommand(
      {testing::BinaryPath("meshdexctl"), "token", "hash", "--principal", "ops-admin", "--role", "admin"},
      token + "\n");
  ASSERT_EQ(line.exit_code, 0) << line.err;
  WriteFile(dir.Sub("auth.yaml"), "tokens:\n  - " + line.out);
  const std::string flags = KubernetesFlags(dir);
  ASSERT_NE(flags.find("--grpc_listen=0.0.0.0:0"), std::string::npos) << flags;
  WriteFile(dir.Sub("meshdexd.flags"), flags);
  testing::ServerProcess server(dir.Sub("data"), {"--flagfile=" + dir.Sub("meshdexd.flags")});
  ASSERT_TRUE(server.Start()) << ReadFile(server.log_path());
  EXPECT_EQ(server.grpc_address().rfind("0.0.0.0:", 0), 0u) << server.grpc_address();

  // The kubelet's gRPC probes: grpc.health.v1.Health/Check, no token;
  // liveness for the server, readiness for the search index.
  EXPECT_EQ(testing::ProbeUntilServing(server.Channel(), ""), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(testing::ProbeUntilServing(server.Channel(), "meshdex.v1.SearchService"),
            grpc::health::v1::HealthCheckResponse::SERVING);

  meshdex::v1::Stats stats;
  EXPECT_EQ(GetStats(server.Channel(), "", &stats).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(GetStats(server.Channel(), token, &stats).ok());
  EXPECT_EQ(SlowSearch(server.Channel(), token).error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_EQ(server.Stop(), 0);
  const std::vector<nlohmann::json> slow = SlowRequestLines(server.log_path());
  ASSERT_EQ(slow.size(), 1u) << ReadFile(server.log_path());
  EXPECT_EQ(slow[0]["principal"], "ops-admin");
}

// A DataProduct as a domain team gives it to kubectl: Kubernetes metadata,
// the domain from the namespace.
constexpr char kCustomResource[] = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  name: parcel-scans
  namespace: logistics
  labels: {tier: silver}
  annotations: {team.example.com/oncall: "#logistics-oncall"}
  uid: 4f1c2a3b-0000-4000-8000-000000000001
  resourceVersion: "1234"
  generation: 2
spec:
  title: Parcel scans
  version: 1.0.0
  outputPorts:
    - {name: scans, kind: kafka, address: "kafka://broker.logistics:9092/logistics.scans.v1"}
)";

TEST(OpsTest, KubernetesCustomResourcesApplyWithMeshdexctlAndOverHttp) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"));
  ASSERT_TRUE(server.Start());
  WriteFile(dir.Sub("cr.yaml"), kCustomResource);
  const std::string ctl = testing::BinaryPath("meshdexctl");
  testing::CommandResult applied =
      RunCommand({ctl, "--server=" + server.grpc_address(), "apply", "-f", dir.Sub("cr.yaml")});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  testing::CommandResult got = RunCommand({ctl, "--server=" + server.grpc_address(), "-o", "json",
                                           "get", "product", "urn:dp:logistics:parcel-scans"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  nlohmann::json product = nlohmann::json::parse(got.out);
  EXPECT_EQ(product["metadata"]["domain"], "logistics");
  EXPECT_EQ(product["metadata"]["labels"]["tier"], "silver");
  EXPECT_FALSE(product["metadata"].contains("annotations"));

  // HTTP reads the same document the same way: applying it again is unchanged.
  httplib::Client http(absl::StrCat("http://", server.http_address()));
  httplib::Result put =
      http.Post("/v1/products", std::string(kCustomResource), "application/yaml");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200) << put->body;
  EXPECT_NE(put->body.find("UNCHANGED"), std::string::npos) << put->body;
}

}  // namespace
}  // namespace meshdex
