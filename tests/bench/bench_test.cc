// The bench's generator (deterministic, shaped as issue 10 asks) and a tiny
// meshdex-bench run whose report must hold every figure. No timing is
// asserted: figures only have to be sane numbers, or null with a note.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <vector>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/bench/generator.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::bench {
namespace {

TEST(BenchGenerator, SameSeedMakesTheSameMesh) {
  const MeshGenerator a(7, 300, 300), b(7, 300, 300);
  for (int64_t i = 0; i < 300; ++i) {
    ASSERT_EQ(a.Product(i).SerializeAsString(), b.Product(i).SerializeAsString()) << i;
    ASSERT_EQ(a.EventJson(i), b.EventJson(i)) << i;
    ASSERT_EQ(a.Query(i).MeshdexQuery(), b.Query(i).MeshdexQuery()) << i;
  }
}

TEST(BenchGenerator, OtherSeedMakesAnotherMesh) {
  const MeshGenerator a(7, 100, 100), b(8, 100, 100);
  int same = 0;
  for (int64_t i = 0; i < 100; ++i) {
    same += a.Product(i).SerializeAsString() == b.Product(i).SerializeAsString();
  }
  EXPECT_LT(same, 5);
}

TEST(BenchGenerator, ProductsHaveZipfDomainsPortsAndSchemasWithPii) {
  const MeshGenerator mesh(1, 2000, 10);
  std::map<std::string, int> per_domain;
  int with_pii = 0, with_tags = 0;
  std::set<std::string> kinds;
  for (int64_t i = 0; i < mesh.products(); ++i) {
    const meshdex::v1::DataProduct product = mesh.Product(i);
    ASSERT_EQ(mesh.ProductUrn(i), absl::StrCat("urn:dp:", product.metadata().domain(), ":",
                                               product.metadata().name()));
    ++per_domain[product.metadata().domain()];
    with_tags += product.spec().tags_size() > 0;
    ASSERT_GE(product.spec().output_ports_size(), 1);
    ASSERT_LE(product.spec().output_ports_size(), 6);
    bool pii = false;
    for (const meshdex::v1::Port& port : product.spec().output_ports()) {
      kinds.insert(port.kind());
      ASSERT_GE(port.schema().fields_size(), 3);
      ASSERT_LE(port.schema().fields_size(), 60);
      for (const auto& field : port.schema().fields()) pii |= field.classification() == "pii";
    }
    with_pii += pii;
  }
  EXPECT_EQ(per_domain.size(), static_cast<size_t>(mesh.domain_count()));
  std::vector<int> sizes;
  for (const auto& [domain, count] : per_domain) sizes.push_back(count);
  std::sort(sizes.begin(), sizes.end());
  EXPECT_GT(sizes.back(), 3 * sizes.front());  // Zipf: the head domain dwarfs the tail
  EXPECT_GT(with_pii, 100);
  EXPECT_LT(with_pii, 2000);
  EXPECT_GT(with_tags, 1000);
  EXPECT_EQ(kinds, (std::set<std::string>{"api", "kafka", "s3", "sql"}));
}

TEST(BenchGenerator, LakeIsALayeredDagAndHubsFeedHundredsOfJobs) {
  const MeshGenerator mesh(1, 10, 20000);
  std::map<std::string, std::set<std::string>> hub_readers;
  for (int64_t i = 0; i < mesh.events(); ++i) {
    const LineageRun run = mesh.Run(i);
    const int64_t job = std::stoll(run.job_name.substr(4));  // "job-<n>"
    for (const std::string& input : run.inputs) {
      if (run.job_namespace == "hub") {
        if (absl::StartsWith(input, "hub")) hub_readers[input].insert(run.job_name);
        else ASSERT_LT(std::stoll(input.substr(1)), job) << input;  // "h<n>": an earlier job's
      } else if (absl::StartsWith(input, "t")) {
        ASSERT_LT(std::stoll(input.substr(1)), job) << input;  // "t<n>_<o>": an earlier layer's
      }
    }
  }
  ASSERT_EQ(static_cast<int64_t>(hub_readers.size()), mesh.hub_count());
  for (const auto& [hub, readers] : hub_readers) EXPECT_GE(readers.size(), 100u) << hub;
}

// A tiny run: every figure in the report, and the table on stdout.
TEST(BenchSmoke, TinyRunReportsEveryFigureAndPrintsVerdicts) {
  meshdex::testing::TempDir dir;
  const meshdex::testing::CommandResult result = meshdex::testing::RunCommand(
      {MESHDEX_BENCH_PATH, "--products", "200", "--events", "200", "--seconds", "1",
       "--min_samples", "300", "--clients", "2", "--report", dir.Sub("report.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(dir.Sub("report.json"));
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report["products"], 200);
  EXPECT_EQ(report["events"], 200);
  EXPECT_TRUE(report["machine"].contains("cores"));
  const std::set<std::string> expected = {
      "health_p50_us", "get_p50_us", "get_p99_us", "search_p50_us", "search_p99_us",
      "xapian_raw_p50_us", "postgres_search_p50_us", "suggest_p50_us", "register_per_s",
      "ingest_grpc_per_s", "ingest_http_per_s", "lineage_depth5_p50_us",
      "postgres_lineage_depth5_p50_us", "lineage_hub_depth5_p99_us",
      "postgres_lineage_hub_depth5_p99_us", "rss_bytes", "disk_bytes", "restart_s"};
  std::set<std::string> keys;
  for (const auto& [key, value] : report["results"].items()) {
    keys.insert(key);
    if (value.is_null()) {
      EXPECT_TRUE(report["notes"].contains(key)) << key << " is null without a note";
    } else {
      ASSERT_TRUE(value.is_number()) << key;
      EXPECT_GE(value.get<double>(), 0) << key;
    }
  }
  EXPECT_EQ(keys, expected);
  // What meshdex itself serves is always measurable on a local server.
  for (const char* key : {"health_p50_us", "get_p50_us", "search_p50_us", "xapian_raw_p50_us",
                          "suggest_p50_us", "register_per_s", "ingest_grpc_per_s",
                          "ingest_http_per_s", "lineage_depth5_p50_us", "rss_bytes",
                          "disk_bytes", "restart_s"}) {
    ASSERT_TRUE(report["results"][key].is_number()) << key << ": " << report["notes"].value(key, "");
    EXPECT_GT(report["results"][key].get<double>(), 0) << key;
  }
  // Raw Xapian's p99, which the search p99 goal may be relative to, is beside
  // the binding keys and in the table as search_p99_us's peer.
  ASSERT_TRUE(report["extra"]["xapian_raw_p99_us"].is_number()) << report["extra"];
  EXPECT_GT(report["extra"]["xapian_raw_p99_us"].get<double>(), 0);
  EXPECT_TRUE(absl::StrContains(result.out, "xapian_raw_p99_us")) << result.out;
  EXPECT_TRUE(absl::StrContains(result.out, "search_p50_us")) << result.out;
  EXPECT_TRUE(absl::StrContains(result.out, "PASS") || absl::StrContains(result.out, "MISS"))
      << result.out;
}

// Against a running server (--server), raw Xapian is measured on its index
// when --server_data_dir names its data directory; what only a bench-started
// server allows (RSS, restart) is null with a note.
TEST(BenchSmoke, ServerModeMeasuresRawXapianOnTheServersIndex) {
  meshdex::testing::TempDir dir;
  meshdex::testing::ServerProcess server(dir.Sub("data"));
  ASSERT_TRUE(server.Start()) << server.log_path();
  const meshdex::testing::CommandResult result = meshdex::testing::RunCommand(
      {MESHDEX_BENCH_PATH, "--products", "100", "--events", "100", "--seconds", "0.5",
       "--min_samples", "100", "--clients", "2", "--postgres=false", "--server",
       server.grpc_address(), "--http", server.http_address(), "--server_data_dir",
       dir.Sub("data"), "--report", dir.Sub("report.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(dir.Sub("report.json"));
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  ASSERT_TRUE(report["results"]["xapian_raw_p50_us"].is_number()) << report["notes"];
  EXPECT_GT(report["results"]["xapian_raw_p50_us"].get<double>(), 0);
  EXPECT_TRUE(report["extra"]["xapian_raw_p99_us"].is_number()) << report["extra"];
  EXPECT_TRUE(report["results"]["rss_bytes"].is_null());
  EXPECT_TRUE(report["notes"].contains("rss_bytes")) << report["notes"];
}

// --keep_data_dir keeps the started server's data, which a later run
// re-measures with --server --skip_load (its reads would fail on an empty
// store); a directory holding data is refused. The re-measure runs the
// phases --phases names, the others' figures are null with a note.
TEST(BenchSmoke, KeptDataDirIsReMeasuredWithSkipLoad) {
  meshdex::testing::TempDir dir;
  const std::vector<std::string> mesh = {"--products", "100", "--events", "100", "--seconds",
                                         "0.2", "--min_samples", "50", "--clients", "2",
                                         "--postgres=false"};
  auto command = [&mesh](std::vector<std::string> flags) {
    flags.insert(flags.begin(), MESHDEX_BENCH_PATH);
    flags.insert(flags.begin() + 1, mesh.begin(), mesh.end());
    return meshdex::testing::RunCommand(flags);
  };
  const meshdex::testing::CommandResult loaded = command({"--keep_data_dir", dir.Sub("kept")});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  ASSERT_TRUE(std::filesystem::exists(dir.Sub("kept") + "/index/CURRENT"));

  const meshdex::testing::CommandResult again = command({"--keep_data_dir", dir.Sub("kept")});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(again.err, "not empty")) << again.err;

  meshdex::testing::ServerProcess server(dir.Sub("kept"));
  ASSERT_TRUE(server.Start()) << server.log_path();
  const meshdex::testing::CommandResult measured =
      command({"--server", server.grpc_address(), "--http", server.http_address(),
               "--server_data_dir", dir.Sub("kept"), "--skip_load", "--phases", "get,lineage",
               "--report", dir.Sub("report.json")});
  ASSERT_EQ(measured.exit_code, 0) << measured.err;
  std::ifstream in(dir.Sub("report.json"));
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_TRUE(report["results"]["get_p50_us"].is_number()) << report["notes"];
  EXPECT_TRUE(report["results"]["lineage_depth5_p50_us"].is_number()) << report["notes"];
  EXPECT_TRUE(report["results"]["register_per_s"].is_null());
  for (const char* omitted : {"health_p50_us", "search_p50_us", "xapian_raw_p50_us"}) {
    EXPECT_TRUE(report["results"][omitted].is_null()) << omitted;
    EXPECT_TRUE(absl::StrContains(report["notes"].value(omitted, ""), "--phases omits"))
        << report["notes"];
  }

  const meshdex::testing::CommandResult unknown = command({"--phases", "get,nonsense"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(unknown.err, "nonsense")) << unknown.err;
}

// A peer phase runs with the meshdex phase it is the peer of: with --phases
// naming none of search, lineage and hubs, PostgreSQL is not even started
// (no postgres_version), whether or not it is installed.
TEST(BenchSmoke, PhasesWithoutAPeerStartNoPostgres) {
  meshdex::testing::TempDir dir;
  const meshdex::testing::CommandResult result = meshdex::testing::RunCommand(
      {MESHDEX_BENCH_PATH, "--products", "50", "--events", "50", "--seconds", "0.2",
       "--min_samples", "50", "--clients", "2", "--phases", "health,get", "--report",
       dir.Sub("report.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(dir.Sub("report.json"));
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_TRUE(report["results"]["get_p50_us"].is_number()) << report["notes"];
  EXPECT_FALSE(report["extra"].contains("postgres_version")) << report["extra"];
  for (const char* peer : {"postgres_search_p50_us", "postgres_lineage_depth5_p50_us",
                           "postgres_lineage_hub_depth5_p99_us"}) {
    EXPECT_TRUE(report["results"][peer].is_null()) << peer;
    EXPECT_TRUE(absl::StrContains(report["notes"].value(peer, ""), "--phases omits"))
        << report["notes"];
  }
}

TEST(BenchDigest, SameSeedSameDigestOtherSeedOtherDigest) {
  const auto digest = [](const std::string& seed) {
    meshdex::testing::CommandResult result = meshdex::testing::RunCommand(
        {MESHDEX_BENCH_PATH, "--products", "300", "--events", "300", "--seed", seed,
         "--print_digest"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  };
  const std::string first = digest("3");
  EXPECT_EQ(first.size(), 17u) << first;
  EXPECT_EQ(first, digest("3"));
  EXPECT_NE(first, digest("4"));
}

}  // namespace
}  // namespace meshdex::bench
