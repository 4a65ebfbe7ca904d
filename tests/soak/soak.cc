// meshdex-soak: mixed read/write load against a real meshdexd on loopback for
// a while, reporting throughput, latency percentiles and the server's RSS per
// interval, so slow leaks and latency creep show. `make soak MINUTES=N`.
//
// It starts meshdexd --demo on a fresh data dir (tests/testing/server_process)
// and runs --threads workers; each picks, per operation: 60% reads
// (GetProduct, Search, ListProducts), 25% product updates, 10% OpenLineage
// events, 5% delete + re-create. The exit code is 1 when any call failed or
// when the RSS grew by more than --max_rss_growth after the warm-up (the
// first half of the run).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/health_probe.h"
#include "tests/testing/load_stats.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::soak {
namespace {

using Clock = std::chrono::steady_clock;

// Latencies and errors of one interval, shared by the workers.
class IntervalStats {
 public:
  void Add(double millis, bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    latencies_.push_back(millis);
    if (!ok) ++errors_;
  }
  // Takes the interval's figures and starts the next one.
  void Take(std::vector<double>* latencies, int64_t* errors) {
    std::lock_guard<std::mutex> lock(mu_);
    latencies->swap(latencies_);
    latencies_.clear();
    *errors = errors_;
    errors_ = 0;
  }

 private:
  std::mutex mu_;
  std::vector<double> latencies_;
  int64_t errors_ = 0;
};

using ::meshdex::testing::Percentile;
using ::meshdex::testing::RssKib;

meshdex::v1::DataProduct SoakProduct(int index, int64_t version) {
  meshdex::v1::DataProduct product;
  product.mutable_metadata()->set_domain("soak");
  product.mutable_metadata()->set_name("product-" + std::to_string(index));
  product.mutable_spec()->set_title("Soak product " + std::to_string(index));
  product.mutable_spec()->set_description(
      absl::StrFormat("Written by the soak run, update %d, about parcels and orders.", version));
  product.mutable_spec()->set_version("1.0.0");
  product.mutable_spec()->set_lifecycle("experimental");
  product.mutable_spec()->add_tags("soak");
  product.mutable_spec()->mutable_owner()->set_team("soak");
  product.mutable_spec()->mutable_owner()->set_email("soak@example.com");
  meshdex::v1::Port* port = product.mutable_spec()->add_output_ports();
  port->set_name("events");
  port->set_kind("kafka");
  port->set_address("kafka://broker.soak:9092/soak.product." + std::to_string(index));
  port->mutable_slo()->set_freshness_seconds(3600);
  auto* field = port->mutable_schema()->add_fields();
  field->set_name("id");
  field->set_type("string");
  field->set_required(true);
  return product;
}

std::string LineageEvent(std::mt19937_64& random, int index) {
  char run_id[37];
  std::snprintf(run_id, sizeof(run_id), "%08x-%04x-4%03x-8%03x-%012llx",
                static_cast<unsigned>(random()), static_cast<unsigned>(random() & 0xffff),
                static_cast<unsigned>(random() & 0xfff), static_cast<unsigned>(random() & 0xfff),
                static_cast<unsigned long long>(random() & 0xffffffffffffULL));
  nlohmann::json event = {
      {"eventType", "COMPLETE"},
      {"eventTime", "2026-11-25T10:00:00Z"},
      {"producer", "https://example.com/meshdex-soak"},
      {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
      {"run", {{"runId", run_id}}},
      {"job", {{"namespace", "soak"}, {"name", "job-" + std::to_string(index)}}},
      {"inputs", {{{"namespace", "kafka://broker.sales:9092"}, {"name", "sales.orders.v1"}}}},
      {"outputs",
       {{{"namespace", "kafka://broker.soak:9092"},
         {"name", "soak.product." + std::to_string(index)}}}}};
  return event.dump();
}

struct Options {
  double minutes = 1;
  int threads = 4;
  int interval_seconds = 10;
  int products = 200;
  double max_rss_growth = 0.25;
  std::string report;
};

int Run(const Options& options) {
  ::meshdex::testing::TempDir dir;
  ::meshdex::testing::ServerProcess server(dir.Sub("data"), {"--demo", "--sync_writes=false"});
  if (!server.Start()) {
    std::cerr << "meshdex-soak: meshdexd did not start\n";
    return 1;
  }
  auto channel = server.Channel();
  // Searches are UNAVAILABLE until the first index build is done: the run
  // measures a serving instance, as a load balancer would send it traffic.
  if (::meshdex::testing::ProbeUntilServing(channel, "meshdex.v1.SearchService") !=
      grpc::health::v1::HealthCheckResponse::SERVING) {
    std::cerr << "meshdex-soak: the search index did not become ready\n";
    return 1;
  }
  auto catalog = meshdex::v1::CatalogService::NewStub(channel);
  auto search = meshdex::v1::SearchService::NewStub(channel);
  auto lineage = meshdex::v1::LineageService::NewStub(channel);
  for (int i = 0; i < options.products; ++i) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = SoakProduct(i, 0);
    meshdex::v1::ApplyProductResponse response;
    grpc::ClientContext context;
    grpc::Status status = catalog->ApplyProduct(&context, request, &response);
    if (!status.ok()) {
      std::cerr << "meshdex-soak: seeding failed: " << status.error_message() << "\n";
      return 1;
    }
  }

  const auto end = Clock::now() + std::chrono::milliseconds(
                                      static_cast<int64_t>(options.minutes * 60 * 1000));
  IntervalStats stats;
  std::atomic<int64_t> version{1};
  const std::vector<std::string> queries = {"shipments", "orders", "parcel events",
                                            "classification:pii", "domain:soak", "invoice*",
                                            "governance:violating", "machine telemetry"};
  std::vector<std::thread> workers;
  for (int t = 0; t < options.threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 random(static_cast<uint64_t>(t) * 7919 + 17);
      while (Clock::now() < end) {
        const int dice = static_cast<int>(random() % 100);
        const int index = static_cast<int>(random() % options.products);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        const auto start = Clock::now();
        grpc::Status status;
        if (dice < 20) {
          meshdex::v1::GetProductRequest request;
          request.set_urn("urn:dp:soak:product-" + std::to_string(index));
          meshdex::v1::DataProduct response;
          status = catalog->GetProduct(&context, request, &response);
          // A product between its delete and re-create is a legitimate miss.
          if (status.error_code() == grpc::StatusCode::NOT_FOUND) status = grpc::Status::OK;
        } else if (dice < 50) {
          meshdex::v1::SearchRequest request;
          request.set_query(queries[random() % queries.size()]);
          request.add_facets("domain");
          meshdex::v1::SearchResponse response;
          status = search->Search(&context, request, &response);
        } else if (dice < 60) {
          meshdex::v1::ListProductsRequest request;
          request.set_domain("soak");
          request.set_page_size(50);
          meshdex::v1::ListProductsResponse response;
          status = catalog->ListProducts(&context, request, &response);
        } else if (dice < 85) {
          meshdex::v1::ApplyProductRequest request;
          *request.mutable_product() = SoakProduct(index, version++);
          meshdex::v1::ApplyProductResponse response;
          status = catalog->ApplyProduct(&context, request, &response);
        } else if (dice < 95) {
          meshdex::v1::IngestEventRequest request;
          request.set_event_json(LineageEvent(random, index));
          meshdex::v1::IngestEventResponse response;
          status = lineage->IngestEvent(&context, request, &response);
        } else {
          meshdex::v1::DeleteProductRequest request;
          request.set_urn("urn:dp:soak:product-" + std::to_string(index));
          meshdex::v1::DeleteProductResponse response;
          status = catalog->DeleteProduct(&context, request, &response);
          if (status.error_code() == grpc::StatusCode::NOT_FOUND) status = grpc::Status::OK;
          grpc::ClientContext recreate;
          meshdex::v1::ApplyProductRequest apply;
          *apply.mutable_product() = SoakProduct(index, version++);
          meshdex::v1::ApplyProductResponse applied;
          grpc::Status created = catalog->ApplyProduct(&recreate, apply, &applied);
          if (status.ok()) status = created;
        }
        const double millis =
            std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (!status.ok()) {
          std::cerr << "error: " << status.error_code() << " " << status.error_message() << "\n";
        }
        stats.Add(millis, status.ok());
      }
    });
  }

  nlohmann::json intervals = nlohmann::json::array();
  int64_t total_ops = 0, total_errors = 0;
  const auto started = Clock::now();
  std::printf("%8s %10s %9s %9s %9s %7s %10s\n", "t(s)", "ops/s", "p50(ms)", "p99(ms)",
              "max(ms)", "errors", "rss(MiB)");
  while (Clock::now() < end) {
    std::this_thread::sleep_until(
        std::min(end, Clock::now() + std::chrono::seconds(options.interval_seconds)));
    std::vector<double> latencies;
    int64_t errors = 0;
    stats.Take(&latencies, &errors);
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const double seconds_in_interval = options.interval_seconds;
    const int64_t rss = RssKib(server.pid());
    const double p50 = Percentile(latencies, 0.50), p99 = Percentile(latencies, 0.99);
    const double max = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
    total_ops += static_cast<int64_t>(latencies.size());
    total_errors += errors;
    std::printf("%8.0f %10.0f %9.2f %9.2f %9.2f %7lld %10.1f\n", elapsed,
                latencies.size() / seconds_in_interval, p50, p99, max,
                static_cast<long long>(errors), rss / 1024.0);
    std::fflush(stdout);
    intervals.push_back({{"t_seconds", elapsed},
                         {"ops_per_second", latencies.size() / seconds_in_interval},
                         {"p50_ms", p50},
                         {"p99_ms", p99},
                         {"max_ms", max},
                         {"errors", errors},
                         {"rss_kib", rss}});
  }
  for (std::thread& worker : workers) worker.join();
  const int stopped = server.Stop();

  // RSS after the warm-up (the first half: the RocksDB memtables, up to their
  // shared 128 MiB budget, and the caches fill first) against the end.
  const size_t warm = intervals.size() / 2;
  const int64_t rss_warm = intervals.empty() ? 0 : intervals[warm]["rss_kib"].get<int64_t>();
  const int64_t rss_end = intervals.empty() ? 0 : intervals.back()["rss_kib"].get<int64_t>();
  const double growth = rss_warm > 0 ? static_cast<double>(rss_end - rss_warm) / rss_warm : 0;
  nlohmann::json report = {{"minutes", options.minutes},
                           {"threads", options.threads},
                           {"operations", total_ops},
                           {"errors", total_errors},
                           {"rss_warm_kib", rss_warm},
                           {"rss_end_kib", rss_end},
                           {"rss_growth", growth},
                           {"server_exit_status", stopped},
                           {"intervals", intervals}};
  if (!options.report.empty()) std::ofstream(options.report) << report.dump(2) << "\n";
  std::printf("\n%lld operations, %lld errors; RSS %.1f MiB after warm-up, %.1f MiB at the end "
              "(%+.1f%%); meshdexd exit status %d\n",
              static_cast<long long>(total_ops), static_cast<long long>(total_errors),
              rss_warm / 1024.0, rss_end / 1024.0, growth * 100, stopped);
  std::vector<std::string> failures;
  if (total_ops == 0) failures.push_back("no operation completed");
  if (total_errors > 0) failures.push_back("calls failed");
  if (growth > options.max_rss_growth) {
    failures.push_back(absl::StrFormat("RSS grew by more than %.0f%% after the warm-up",
                                       options.max_rss_growth * 100));
  }
  if (stopped != 0) failures.push_back("meshdexd did not exit cleanly on SIGTERM");
  for (const std::string& failure : failures) std::printf("FAIL: %s\n", failure.c_str());
  return failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace meshdex::soak

int main(int argc, char** argv) {
  meshdex::soak::Options options;
  CLI::App app{"meshdex-soak: mixed read/write load against meshdexd on loopback"};
  app.add_option("--minutes", options.minutes, "How long to run")->capture_default_str();
  app.add_option("--threads", options.threads, "Concurrent workers")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--interval", options.interval_seconds, "Seconds per reported interval")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--products", options.products, "Products the writers update")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--max_rss_growth", options.max_rss_growth,
                 "Largest allowed RSS growth after warm-up, as a fraction")
      ->capture_default_str();
  app.add_option("--report", options.report, "Write the figures as JSON to this file");
  CLI11_PARSE(app, argc, argv);
  return meshdex::soak::Run(options);
}
