// meshdex-bench: loads a synthetic mesh (tests/bench/generator) into a real
// meshdexd and measures the figures of DESIGN.md section 6, each beside its
// floor (an empty gRPC health check, raw Xapian on the same index) or peer
// (PostgreSQL 15, tsvector + GIN and a recursive CTE, on the same data).
//
//   meshdex-bench --products 100000 --events 100000 --report build/bench-report.json
//
// Without --server it starts the sibling meshdexd (default flags: synced
// writes) on a temp dir and loopback port 0; with --server HOST:PORT it uses
// that server and reports the figures it cannot take there (RSS, disk,
// restart, raw Xapian) as null with a note. Latency phases run --clients
// closed-loop clients on one channel, after a warm-up, until both --seconds
// and --min_samples are reached (or --max_phase_seconds passes). The report
// holds "products", "events", "machine", "results" (the keys of kResultKeys,
// a number or null) and "notes" (why a figure is null, or caveats); the same
// is printed as a table with each figure's ratio to its floor/peer and
// PASS/MISS against the goals of issue 10.
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cpp/meshdex_client.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "httplib.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/bench/generator.h"
#include "tests/bench/postgres_baseline.h"
#include "tests/bench/progress.h"
#include "tests/bench/raw_xapian.h"
#include "tests/testing/load_stats.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using meshdex::client::Client;
using meshdex::testing::Percentile;

// The report's result keys, in table order (issue 10; binding).
const char* const kResultKeys[] = {
    "health_p50_us",        "get_p50_us",
    "get_p99_us",           "search_p50_us",
    "search_p99_us",        "xapian_raw_p50_us",
    "postgres_search_p50_us", "suggest_p50_us",
    "register_per_s",       "ingest_grpc_per_s",
    "ingest_http_per_s",    "lineage_depth5_p50_us",
    "postgres_lineage_depth5_p50_us", "lineage_hub_depth5_p99_us",
    "postgres_lineage_hub_depth5_p99_us", "rss_bytes",
    "disk_bytes",           "restart_s"};

constexpr int kLineageDepth = 5;
constexpr int kLineageMaxNodes = 10000;
// Events per IngestEvents stream.
constexpr int64_t kEventsPerStream = 1000;
constexpr absl::Duration kRpcDeadline = absl::Seconds(60);
constexpr auto kIndexWait = std::chrono::minutes(60);

struct Options {
  int64_t products = 10000;
  int64_t events = 10000;
  int clients = 4;
  // Products per BatchApplyProducts; 1 = one ApplyProduct each.
  int64_t apply_batch = 100;
  double seconds = 5;
  int64_t min_samples = 10000;
  double max_phase_seconds = 60;
  double http_share = 0.1;
  uint64_t seed = 1;
  std::string server;
  std::string http;
  std::string token;
  std::string report;
  bool postgres = true;
  bool print_digest = false;
  // With --server: the mesh of these flags is loaded already (an earlier run);
  // only measure.
  bool skip_load = false;
  // With --server: its data directory when on this machine, so raw Xapian
  // is measured on its index.
  std::string server_data_dir;
  // Without --server: the started meshdexd's data directory, kept after the
  // run (else a temp dir, removed).
  std::string keep_data_dir;
  // The latency phases to run (names of kLatencyPhases); the keys of the
  // others are null, noted as not measured.
  std::vector<std::string> phases;
};

// The figures of one run: results[key] is a number or null; notes say why
// a figure is null, or what to know about it.
struct Report {
  nlohmann::json results = nlohmann::json::object();
  nlohmann::json notes = nlohmann::json::object();
  nlohmann::json samples = nlohmann::json::object();
  nlohmann::json extra = nlohmann::json::object();

  void Set(const std::string& key, double value) { results[key] = value; }
  void Null(const std::string& key, const std::string& why) {
    results[key] = nullptr;
    notes[key] = why;
  }
  // A result, else a number of `extra` (figures beyond the binding keys).
  std::optional<double> Get(const std::string& key) const {
    for (const nlohmann::json* figures : {&results, &extra}) {
      if (figures->contains(key) && (*figures)[key].is_number()) return (*figures)[key].get<double>();
    }
    return std::nullopt;
  }
};

// Latencies (µs) of one phase and its failures.
struct PhaseResult {
  std::vector<double> micros;
  int64_t errors = 0;
  std::string first_error;
  double p50() { return Percentile(micros, 0.50); }
  double p99() { return Percentile(micros, 0.99); }
};

// One operation of a phase: `op(i)` runs call number i; returns its status.
using Operation = std::function<absl::Status(int64_t)>;

// The latency phases, in the order they run; --phases picks some.
const std::vector<std::string> kLatencyPhases = {"health", "get",   "search",    "suggest",
                                                 "lineage", "hubs", "raw_xapian"};

// A client gives up a phase after this many failures without a success.
constexpr int64_t kHopelessErrors = 100;

// Runs `make_op(thread)` on `options.clients` threads: a warm-up (a tenth of
// the samples, at least one per client, or a tenth of max_phase_seconds,
// whichever comes first; not recorded), then until min_samples and seconds
// are both reached, or max_phase_seconds passes.
PhaseResult RunPhase(const std::string& label, const Options& options,
                     const std::function<Operation(int)>& make_op) {
  PhaseResult result;
  std::mutex mu;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> recorded{0};
  const int64_t warmup = std::max<int64_t>(options.clients, options.min_samples / 10);
  const auto warmup_limit = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.max_phase_seconds / 10));
  ProgressBar progress(label, options.min_samples);
  const Clock::time_point start = Clock::now();
  std::atomic<bool> measuring{false};
  Clock::time_point measure_start;
  std::vector<std::thread> threads;
  for (int t = 0; t < options.clients; ++t) {
    threads.emplace_back([&, t] {
      Operation op = make_op(t);
      std::vector<double> micros;
      int64_t errors = 0;
      std::string first_error;
      while (true) {
        const int64_t i = next++;
        if (errors >= kHopelessErrors && micros.empty()) break;
        if (!measuring.load() && (i >= warmup || Clock::now() - start >= warmup_limit)) {
          std::lock_guard<std::mutex> lock(mu);
          if (!measuring.load()) {
            measure_start = Clock::now();
            measuring = true;
          }
        }
        const bool recording = measuring.load();
        if (recording) {
          std::lock_guard<std::mutex> lock(mu);
          const double elapsed = std::chrono::duration<double>(Clock::now() - measure_start).count();
          const double total = std::chrono::duration<double>(Clock::now() - start).count();
          if ((recorded.load() >= options.min_samples && elapsed >= options.seconds) ||
              total >= options.max_phase_seconds) {
            break;
          }
        }
        const Clock::time_point before = Clock::now();
        absl::Status status = op(i);
        const double us = std::chrono::duration<double, std::micro>(Clock::now() - before).count();
        if (!status.ok()) {
          if (errors++ == 0) first_error = status.ToString();
        } else if (recording) {
          micros.push_back(us);
          progress.Update(++recorded);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      result.micros.insert(result.micros.end(), micros.begin(), micros.end());
      result.errors += errors;
      if (result.first_error.empty()) result.first_error = first_error;
    });
  }
  for (std::thread& thread : threads) thread.join();
  progress.Finish(recorded.load());
  return result;
}

// The status of a result whose value a latency phase does not need.
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& result) {
  return result.ok() ? absl::OkStatus() : result.status();
}

// Records the p50 (and p99 when p99_key is set) of a phase, or null with the
// failure.
void Record(Report& report, PhaseResult result, const std::string& p50_key,
            const std::string& p99_key = "") {
  std::vector<std::string> keys;
  for (const std::string& key : {p50_key, p99_key}) {
    if (!key.empty()) keys.push_back(key);
  }
  if (result.micros.empty()) {
    const std::string why = result.errors > 0
                                ? "no successful call: " + result.first_error
                                : "no sample within --max_phase_seconds (warm-up too slow)";
    for (const std::string& key : keys) report.Null(key, why);
    return;
  }
  if (!p50_key.empty()) report.Set(p50_key, result.p50());
  if (!p99_key.empty()) report.Set(p99_key, result.p99());
  for (const std::string& key : keys) {
    report.samples[key] = result.micros.size();
    if (result.errors > 0) {
      report.notes[key] = absl::StrFormat("%d calls failed, first: %s", result.errors,
                                          result.first_error);
    }
  }
}

int64_t DirectoryBytes(const std::string& dir) {
  int64_t bytes = 0;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) bytes += static_cast<int64_t>(entry.file_size(error));
  }
  return bytes;
}

nlohmann::json Machine() {
  nlohmann::json machine;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      machine["cpu"] = line.substr(line.find(':') + 2);
      break;
    }
  }
  machine["cores"] = std::thread::hardware_concurrency();
  std::ifstream meminfo("/proc/meminfo");
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemTotal:", 0) == 0) {
      machine["memory_bytes"] = std::stoll(line.substr(9)) * 1024;
      break;
    }
  }
  utsname name{};
  if (::uname(&name) == 0) machine["kernel"] = absl::StrCat(name.sysname, " ", name.release);
  std::ifstream os_release("/etc/os-release");
  while (std::getline(os_release, line)) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      machine["os"] = std::string(absl::StripSuffix(absl::StripPrefix(line.substr(12), "\""), "\""));
    }
  }
  return machine;
}

// Waits until the index has applied `sequence`, or with 0 everything the
// store holds (the last sequence from GetStats, which counts products by
// scan: seconds at 1M products, so it is asked once per load, not after the
// restart); returns the sequence waited for. A Search with that min_sequence
// is answered as soon as the index is there (UNAVAILABLE when its bounded
// wait ends first: asked again).
absl::StatusOr<uint64_t> WaitForIndex(const Client& client, uint64_t sequence = 0) {
  if (sequence == 0) {
    absl::StatusOr<meshdex::v1::Stats> stats = client.Call(
        &meshdex::v1::AdminService::Stub::GetStats, client.admin(), meshdex::v1::GetStatsRequest());
    if (!stats.ok()) return stats.status();
    sequence = stats->last_sequence();
  }
  meshdex::v1::SearchRequest search;
  search.set_page_size(1);
  search.set_min_sequence(sequence);
  const Clock::time_point end = Clock::now() + kIndexWait;
  absl::Status searched;
  while (Clock::now() < end) {
    searched = StatusOf(
        client.Call(&meshdex::v1::SearchService::Stub::Search, client.search(), search));
    if (searched.code() != absl::StatusCode::kUnavailable) {
      if (!searched.ok()) return searched;
      return sequence;
    }
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the index did not catch up: ", searched.message()));
}

// Runs `work(begin, end)` over [0, total) split in chunks of `chunk` across
// `threads` threads, stopping at the first failure.
absl::Status Parallel(int64_t total, int64_t chunk, int threads, ProgressBar& progress,
                      const std::function<absl::Status(int64_t, int64_t)>& work) {
  std::atomic<int64_t> next{0}, done{0};
  std::mutex mu;
  absl::Status failure;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (true) {
        const int64_t begin = next.fetch_add(chunk);
        if (begin >= total) return;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!failure.ok()) return;
        }
        const int64_t end = std::min(total, begin + chunk);
        absl::Status status = work(begin, end);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (failure.ok()) failure = status;
          return;
        }
        progress.Update(done += end - begin);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  progress.Finish(done.load());
  return failure;
}

// The server under test and the client library's connection to it; a local
// server is restartable.
struct Target {
  std::unique_ptr<meshdex::testing::TempDir> dir;
  std::unique_ptr<meshdex::testing::ServerProcess> local;
  std::string grpc_address;
  std::string http_address;
  std::string token;
  std::unique_ptr<Client> client;

  // The server's data directory; "" when it is not on this machine.
  std::string data_dir() const { return dir ? dir->Sub("data") : server_data_dir; }
  // --server_data_dir, or --keep_data_dir for a started server.
  std::string server_data_dir;

  // (Re)connects to grpc_address: the deadline bounds every call, and the
  // library's bounded retries ride out a server that is still starting.
  absl::Status Connect() {
    meshdex::client::ClientOptions client_options;
    client_options.server = grpc_address;
    client_options.token = token;
    client_options.deadline = kRpcDeadline;
    absl::StatusOr<std::unique_ptr<Client>> connected =
        Client::Connect(std::move(client_options));
    if (!connected.ok()) return connected.status();
    client = *std::move(connected);
    return absl::OkStatus();
  }
};

absl::Status LoadProducts(const MeshGenerator& mesh, const Options& options,
                          const Client& client, Report& report) {
  ProgressBar progress("register products", mesh.products());
  const Clock::time_point start = Clock::now();
  absl::Status status = Parallel(
      mesh.products(), options.apply_batch, options.clients, progress,
      [&](int64_t begin, int64_t end) {
        absl::Status applied;
        if (options.apply_batch == 1) {
          meshdex::v1::ApplyProductRequest request;
          *request.mutable_product() = mesh.Product(begin);
          applied = StatusOf(client.Call(&meshdex::v1::CatalogService::Stub::ApplyProduct,
                                         client.catalog(), request));
        } else {
          meshdex::v1::BatchApplyProductsRequest request;
          for (int64_t i = begin; i < end; ++i) {
            *request.add_requests()->mutable_product() = mesh.Product(i);
          }
          applied = StatusOf(client.Call(&meshdex::v1::CatalogService::Stub::BatchApplyProducts,
                                         client.catalog(), request));
        }
        if (!applied.ok()) {
          return absl::Status(applied.code(), absl::StrCat("products ", mesh.ProductUrn(begin),
                                                           "...: ", applied.message()));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  const double acked = std::chrono::duration<double>(Clock::now() - start).count();
  status = WaitForIndex(client).status();
  if (!status.ok()) return status;
  const double indexed = std::chrono::duration<double>(Clock::now() - start).count();
  report.Set("register_per_s", mesh.products() / indexed);
  report.extra["register_acked_per_s"] = mesh.products() / acked;
  report.notes["register_per_s"] = absl::StrFormat(
      "%d concurrent %s, until the index caught up; acknowledged at %.0f/s", options.clients,
      options.apply_batch == 1 ? std::string("ApplyProduct")
                               : absl::StrCat("BatchApplyProducts of ", options.apply_batch),
      mesh.products() / acked);
  return absl::OkStatus();
}

absl::Status IngestGrpc(const MeshGenerator& mesh, int64_t count, const Options& options,
                        const Client& client, Report& report) {
  ProgressBar progress("ingest events (gRPC)", count);
  const Clock::time_point start = Clock::now();
  absl::Status status = Parallel(count, kEventsPerStream, options.clients, progress,
                                 [&](int64_t begin, int64_t end) {
    std::unique_ptr<grpc::ClientContext> context = client.NewContext();
    meshdex::v1::IngestEventsResponse response;
    std::unique_ptr<grpc::ClientWriter<meshdex::v1::IngestEventRequest>> writer =
        client.lineage().IngestEvents(context.get(), &response);
    meshdex::v1::IngestEventRequest request;
    for (int64_t i = begin; i < end; ++i) {
      request.set_event_json(mesh.EventJson(i));
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    absl::Status finished = Client::ToStatus(writer->Finish());
    if (!finished.ok()) return finished;
    if (response.has_rejected_index() || response.accepted() != end - begin) {
      return absl::InternalError(absl::StrFormat("IngestEvents accepted %d of %d: %s",
                                                 response.accepted(), end - begin,
                                                 response.rejected_reason()));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report.Set("ingest_grpc_per_s", count / seconds);
  report.notes["ingest_grpc_per_s"] = absl::StrFormat(
      "%d events over %d concurrent IngestEvents streams of %d events, acknowledged",
      count, options.clients, kEventsPerStream);
  return absl::OkStatus();
}

absl::Status IngestHttp(const MeshGenerator& mesh, int64_t first, const std::string& address,
                        const Options& options, Report& report) {
  const int64_t count = mesh.events() - first;
  const std::vector<std::string> host_port = absl::StrSplit(address, absl::MaxSplits(':', 1));
  if (host_port.size() != 2) return absl::InvalidArgumentError("bad HTTP address " + address);
  ProgressBar progress("ingest events (HTTP)", count);
  const Clock::time_point start = Clock::now();
  absl::Status status = Parallel(count, 1, options.clients, progress, [&](int64_t begin, int64_t) {
    thread_local std::unique_ptr<httplib::Client> client;
    if (!client) {
      client = std::make_unique<httplib::Client>(host_port[0], std::stoi(host_port[1]));
      client->set_keep_alive(true);
      // Headers and body go out in two writes: without TCP_NODELAY the
      // second waits for the server's delayed ACK (40 ms).
      client->set_tcp_nodelay(true);
      if (!options.token.empty()) client->set_bearer_token_auth(options.token);
    }
    httplib::Result result =
        client->Post("/api/v1/lineage", mesh.EventJson(first + begin), "application/json");
    if (!result) return absl::UnavailableError("POST /api/v1/lineage: " + httplib::to_string(result.error()));
    if (result->status / 100 != 2) {
      return absl::InternalError(absl::StrFormat("POST /api/v1/lineage: %d %s", result->status,
                                                 result->body));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report.Set("ingest_http_per_s", count / seconds);
  report.notes["ingest_http_per_s"] = absl::StrFormat(
      "%d events, one POST each, %d keep-alive clients", count, options.clients);
  return absl::OkStatus();
}

meshdex::v1::SearchRequest SearchRequestOf(const BenchQuery& query) {
  meshdex::v1::SearchRequest request;
  request.set_query(query.MeshdexQuery());
  request.set_page_size(RawXapian::kPageSize);
  for (const std::string& facet : query.facets) request.add_facets(facet);
  return request;
}

// Whether --phases names `phase`; if not, its result keys are noted as not
// measured.
bool Wanted(const Options& options, absl::string_view phase,
            const std::vector<std::string>& keys, Report& report) {
  if (absl::c_linear_search(options.phases, phase)) return true;
  for (const std::string& key : keys) {
    if (!key.empty()) report.Null(key, absl::StrCat("not measured: --phases omits ", phase));
  }
  return false;
}

void MeasureServer(const MeshGenerator& mesh, const Options& options, Target& target,
                   Report& report) {
  const Client& client = *target.client;
  const auto health = grpc::health::v1::Health::NewStub(client.channel());
  // Phase `phase` of --phases, run under `label` and recorded under its keys.
  const auto measure = [&](absl::string_view phase, const std::string& label,
                           const std::function<Operation(int)>& make_op, const std::string& p50_key,
                           const std::string& p99_key) {
    if (Wanted(options, phase, {p50_key, p99_key}, report)) {
      Record(report, RunPhase(label, options, make_op), p50_key, p99_key);
    }
  };

  measure(
      "health", "health (empty RPC)",
      [&](int) -> Operation {
        return [&](int64_t) {
          return StatusOf(client.Call(&grpc::health::v1::Health::Stub::Check, *health,
                                      grpc::health::v1::HealthCheckRequest()));
        };
      },
      "health_p50_us", "");
  measure(
      "get", "GetProduct",
      [&](int t) -> Operation {
        return [&, t](int64_t i) {
          meshdex::v1::GetProductRequest request;
          request.set_urn(mesh.ProductUrn((i * 7919 + t * 104729) % mesh.products()));
          return StatusOf(client.Call(&meshdex::v1::CatalogService::Stub::GetProduct,
                                      client.catalog(), request));
        };
      },
      "get_p50_us", "get_p99_us");
  measure(
      "search", "Search",
      [&](int) -> Operation {
        return [&](int64_t i) {
          const meshdex::v1::SearchRequest request = SearchRequestOf(mesh.Query(i));
          return StatusOf(
              client.Call(&meshdex::v1::SearchService::Stub::Search, client.search(), request));
        };
      },
      "search_p50_us", "search_p99_us");
  measure(
      "suggest", "Suggest",
      [&](int) -> Operation {
        return [&](int64_t i) {
          meshdex::v1::SuggestRequest request;
          request.set_prefix(mesh.SuggestPrefix(i));
          return StatusOf(
              client.Call(&meshdex::v1::SearchService::Stub::Suggest, client.search(), request));
        };
      },
      "suggest_p50_us", "");
  std::atomic<int64_t> truncated{0};
  const auto walk = [&](const std::function<std::string(int64_t)>& start) {
    return [&, start](int) -> Operation {
      return [&, start](int64_t i) {
        meshdex::v1::GetLineageRequest request;
        request.set_node_id(start(i));
        request.set_direction(meshdex::v1::GetLineageRequest::DOWNSTREAM);
        request.set_depth(kLineageDepth);
        request.set_level(meshdex::v1::GetLineageRequest::DATASET);
        request.set_max_nodes(kLineageMaxNodes);
        absl::StatusOr<meshdex::v1::LineageGraph> graph =
            client.Call(&meshdex::v1::LineageService::Stub::GetLineage, client.lineage(), request);
        if (graph.ok() && graph->truncated()) ++truncated;
        return StatusOf(graph);
      };
    };
  };
  measure("lineage", "lineage depth 5", walk([&](int64_t i) { return mesh.LakeWalkStart(i); }),
          "lineage_depth5_p50_us", "");
  measure("hubs", "lineage depth 5 (hubs)", walk([&](int64_t i) { return mesh.HubWalkStart(i); }),
          "", "lineage_hub_depth5_p99_us");
  if (truncated > 0) {
    report.notes["lineage_hub_depth5_p99_us"] =
        absl::StrFormat("%d walks hit max_nodes %d", truncated.load(), kLineageMaxNodes);
  }

  if (!Wanted(options, "raw_xapian", {"xapian_raw_p50_us"}, report)) return;
  if (target.data_dir().empty()) {
    report.Null("xapian_raw_p50_us",
                "--server given without --server_data_dir: the index directory is not known");
    return;
  }
  // The follower's stub file names the live database (index/follower.h).
  const std::string index_dir = target.data_dir() + "/index/CURRENT";
  PhaseResult raw_search = RunPhase("raw Xapian search", options, [&](int) -> Operation {
    auto raw = std::make_shared<absl::StatusOr<RawXapian>>(RawXapian::Open(index_dir));
    return [raw, &mesh](int64_t i) -> absl::Status {
      if (!raw->ok()) return raw->status();
      return StatusOf((*raw)->Search(mesh.Query(i)));
    };
  });
  // The search p99 goal is relative to it where it exceeds 20 ms.
  if (!raw_search.micros.empty()) report.extra["xapian_raw_p99_us"] = raw_search.p99();
  Record(report, std::move(raw_search), "xapian_raw_p50_us");
}

// RSS and disk of the loaded server, then a restart on the same data dir:
// seconds from exec to serving (ready file written) with the index current,
// i.e. a search answered at `loaded_sequence`, the store's last sequence.
void MeasureFootprintAndRestart(Target& target, uint64_t loaded_sequence, Report& report) {
  if (!target.local) {
    for (const char* key : {"rss_bytes", "disk_bytes", "restart_s"}) {
      report.Null(key, "--server given: the process and its data dir are not local");
    }
    return;
  }
  report.Set("rss_bytes", static_cast<double>(meshdex::testing::RssKib(target.local->pid()) * 1024));
  report.Set("disk_bytes", static_cast<double>(DirectoryBytes(target.data_dir())));
  report.extra["index_bytes"] = DirectoryBytes(target.data_dir() + "/index");
  const int stopped = target.local->Stop();
  if (stopped != 0) report.notes["restart_s"] = absl::StrCat("meshdexd exit status ", stopped);
  const Clock::time_point start = Clock::now();
  if (!target.local->Start()) {
    report.Null("restart_s", "meshdexd did not restart; log at " + target.local->log_path());
    return;
  }
  // A restarted local server listens on new ports.
  target.grpc_address = target.local->grpc_address();
  target.http_address = target.local->http_address();
  absl::Status indexed = target.Connect();
  if (indexed.ok()) indexed = WaitForIndex(*target.client, loaded_sequence).status();
  if (!indexed.ok()) {
    report.Null("restart_s", "index not current after restart: " + indexed.ToString());
    return;
  }
  report.Set("restart_s", std::chrono::duration<double>(Clock::now() - start).count());
  report.notes["restart_s"] = "SIGTERM, then exec to ready file and index current (a Search with min_sequence = last sequence)";
}

void MeasurePostgres(const MeshGenerator& mesh, const Options& options, Report& report) {
  const char* const keys[] = {"postgres_search_p50_us", "postgres_lineage_depth5_p50_us",
                              "postgres_lineage_hub_depth5_p99_us"};
  const auto skip = [&](const std::string& why) {
    std::fprintf(stderr, "PostgreSQL baseline skipped: %s\n", why.c_str());
    for (const char* key : keys) {
      if (!report.notes.contains(key)) report.Null(key, why);
    }
  };
  if (!options.postgres) return skip("--postgres=false");
  // Each peer phase runs with the meshdex phase it is the peer of.
  const bool search = Wanted(options, "search", {"postgres_search_p50_us"}, report);
  const bool lake = Wanted(options, "lineage", {"postgres_lineage_depth5_p50_us"}, report);
  const bool hubs = Wanted(options, "hubs", {"postgres_lineage_hub_depth5_p99_us"}, report);
  if (!search && !lake && !hubs) return;
  absl::StatusOr<std::unique_ptr<PostgresBaseline>> pg = PostgresBaseline::Start();
  if (!pg.ok()) return skip(std::string(pg.status().message()));
  report.extra["postgres_version"] = (*pg)->version();
  {
    ProgressBar products("postgres COPY products", mesh.products());
    ProgressBar events("postgres COPY edges", mesh.events());
    const Clock::time_point start = Clock::now();
    absl::Status loaded = (*pg)->Load(
        mesh, [&](int64_t done, int64_t) { products.Update(done); },
        [&](int64_t done, int64_t) { events.Update(done); });
    products.Finish(mesh.products());
    events.Finish(mesh.events());
    if (!loaded.ok()) return skip(loaded.ToString());
    report.extra["postgres_load_s"] = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const auto sessions = [&](const std::function<absl::Status(PostgresBaseline::Session&, int64_t)>& op) {
    return [&, op](int) -> Operation {
      std::shared_ptr<absl::StatusOr<std::unique_ptr<PostgresBaseline::Session>>> session =
          std::make_shared<absl::StatusOr<std::unique_ptr<PostgresBaseline::Session>>>(
              (*pg)->Connect());
      return [session, op](int64_t i) -> absl::Status {
        if (!session->ok()) return session->status();
        return op(***session, i);
      };
    };
  };
  if (search) {
    Record(report, RunPhase("postgres search", options, sessions([&](auto& s, int64_t i) {
                              return StatusOf(s.Search(mesh.Query(i)));
                            })),
           "postgres_search_p50_us");
  }
  if (lake) {
    Record(report, RunPhase("postgres lineage depth 5", options, sessions([&](auto& s, int64_t i) {
                              return StatusOf(s.Downstream(mesh.LakeWalkStart(i), kLineageDepth));
                            })),
           "postgres_lineage_depth5_p50_us");
  }
  if (hubs) {
    Record(report,
           RunPhase("postgres lineage (hubs)", options, sessions([&](auto& s, int64_t i) {
                      return StatusOf(s.Downstream(mesh.HubWalkStart(i), kLineageDepth));
                    })),
           "", "postgres_lineage_hub_depth5_p99_us");
  }
}

// One line of the table: a figure, its floor/peer and the goal.
struct Row {
  std::string key;
  std::string peer;     // key of the floor/peer, "" when none
  std::string goal;     // text of the goal, "" when none
  std::function<bool(double value, std::optional<double> peer)> met;
};

std::string Format(std::optional<double> value, const std::string& key) {
  if (!value.has_value()) return "null";
  if (key == "rss_bytes" || key == "disk_bytes") return absl::StrFormat("%.1f MiB", *value / (1 << 20));
  if (key == "restart_s") return absl::StrFormat("%.2f s", *value);
  if (absl::EndsWith(key, "_per_s")) return absl::StrFormat("%.0f/s", *value);
  return absl::StrFormat("%.0f us", *value);
}

void PrintTable(const Report& report, const MeshGenerator& mesh) {
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  const std::vector<Row> rows = {
      {"health_p50_us", "", "", nullptr},
      {"get_p50_us", "health_p50_us", "<= 1.5x empty RPC",
       [](double v, std::optional<double> p) { return p && v <= 1.5 * *p; }},
      {"get_p99_us", "", "", nullptr},
      {"search_p50_us", "xapian_raw_p50_us", "<= 5 ms and <= 1.3x raw Xapian",
       [](double v, std::optional<double> p) { return p && v <= 5000 && v <= 1.3 * *p; }},
      {"search_p99_us", "xapian_raw_p99_us", "<= 20 ms, or <= 1.3x raw Xapian p99",
       [](double v, std::optional<double> p) { return v <= std::max(20000.0, p ? 1.3 * *p : 0); }},
      {"xapian_raw_p50_us", "", "", nullptr},
      {"postgres_search_p50_us", "search_p50_us", "meshdex >= 5x faster at p50",
       [](double v, std::optional<double> p) { return p && v >= 5 * *p; }},
      {"suggest_p50_us", "", "<= 2 ms", [](double v, std::optional<double>) { return v <= 2000; }},
      {"register_per_s", "", ">= 5000/s incl. indexing",
       [](double v, std::optional<double>) { return v >= 5000; }},
      {"ingest_grpc_per_s", "", ">= 10000/s", [](double v, std::optional<double>) { return v >= 10000; }},
      {"ingest_http_per_s", "", ">= 3000/s", [](double v, std::optional<double>) { return v >= 3000; }},
      {"lineage_depth5_p50_us", "postgres_lineage_depth5_p50_us", "<= PostgreSQL p50",
       [](double v, std::optional<double> p) { return p && v <= *p; }},
      {"postgres_lineage_depth5_p50_us", "", "", nullptr},
      {"lineage_hub_depth5_p99_us", "postgres_lineage_hub_depth5_p99_us",
       ">= 5x faster than PostgreSQL p99",
       [](double v, std::optional<double> p) { return p && 5 * v <= *p; }},
      {"postgres_lineage_hub_depth5_p99_us", "", "", nullptr},
      {"rss_bytes", "", "<= 2 GiB", [](double v, std::optional<double>) { return v <= 2 * kGiB; }},
      {"disk_bytes", "", "", nullptr},
      {"restart_s", "", "<= 5 s, no reindex", [](double v, std::optional<double>) { return v <= 5; }},
  };
  std::printf("\nmeshdex-bench: %lld products, %lld events (%d domains, %lld hub datasets)\n",
              static_cast<long long>(mesh.products()), static_cast<long long>(mesh.events()),
              mesh.domain_count(), static_cast<long long>(mesh.hub_count()));
  std::printf("%-36s %14s  %-34s %8s  %-34s %s\n", "figure", "value", "floor/peer", "ratio", "goal",
              "");
  for (const Row& row : rows) {
    const std::optional<double> value = report.Get(row.key);
    const std::optional<double> peer = row.peer.empty() ? std::nullopt : report.Get(row.peer);
    const std::string ratio =
        value && peer && *peer > 0 ? absl::StrFormat("%.2fx", *value / *peer) : "";
    std::string verdict;
    if (row.met) verdict = !value ? "n/a" : row.met(*value, peer) ? "PASS" : "MISS";
    std::printf("%-36s %14s  %-34s %8s  %-34s %s\n", row.key.c_str(),
                Format(value, row.key).c_str(),
                row.peer.empty() ? "" : absl::StrCat(row.peer, " ", Format(peer, row.peer)).c_str(),
                ratio.c_str(), row.goal.c_str(), verdict.c_str());
  }
  for (const auto& [key, note] : report.notes.items()) {
    std::printf("  note %s: %s\n", key.c_str(), note.get<std::string>().c_str());
  }
}

// The determinism check: a digest of every generated product, event and
// query, no server involved.
int PrintDigest(const MeshGenerator& mesh) {
  uint64_t hash = Fnv1a("");
  for (int64_t i = 0; i < mesh.products(); ++i) hash = Fnv1a(mesh.Product(i).SerializeAsString(), hash);
  for (int64_t i = 0; i < mesh.events(); ++i) hash = Fnv1a(mesh.EventJson(i), hash);
  for (int64_t i = 0; i < 1000; ++i) hash = Fnv1a(mesh.Query(i).MeshdexQuery(), hash);
  std::printf("%016llx\n", static_cast<unsigned long long>(hash));
  return 0;
}

int Run(const Options& options) {
  const MeshGenerator mesh(options.seed, options.products, options.events);
  if (options.print_digest) return PrintDigest(mesh);

  Target target;
  if (options.server.empty()) {
    if (options.keep_data_dir.empty()) {
      target.dir = std::make_unique<meshdex::testing::TempDir>();
    } else {
      target.server_data_dir = options.keep_data_dir;
    }
    target.local = std::make_unique<meshdex::testing::ServerProcess>(target.data_dir());
    if (!target.local->Start()) {
      std::fprintf(stderr, "meshdex-bench: meshdexd did not start\n");
      return 1;
    }
    target.grpc_address = target.local->grpc_address();
    target.http_address = target.local->http_address();
  } else {
    target.grpc_address = options.server;
    target.http_address = options.http;
    target.server_data_dir = options.server_data_dir;
  }
  target.token = options.token;
  if (absl::Status connected = target.Connect(); !connected.ok()) {
    std::fprintf(stderr, "meshdex-bench: %s\n", connected.ToString().c_str());
    return 1;
  }
  Report report;

  const int64_t http_events =
      target.http_address.empty()
          ? 0
          : std::min(mesh.events(), static_cast<int64_t>(mesh.events() * options.http_share));
  const int64_t grpc_events = mesh.events() - http_events;
  absl::Status loaded = absl::OkStatus();
  if (options.skip_load) {
    for (const char* key : {"register_per_s", "ingest_grpc_per_s", "ingest_http_per_s"}) {
      report.Null(key, "--skip_load: loaded by an earlier run");
    }
  } else {
    loaded = LoadProducts(mesh, options, *target.client, report);
    if (loaded.ok()) loaded = IngestGrpc(mesh, grpc_events, options, *target.client, report);
  }
  if (loaded.ok() && !options.skip_load) {
    if (http_events > 0) {
      loaded = IngestHttp(mesh, grpc_events, target.http_address, options, report);
    } else {
      report.Null("ingest_http_per_s", target.http_address.empty()
                                           ? "--server given without --http"
                                           : "no events left for HTTP (--http_share)");
    }
  }
  uint64_t loaded_sequence = 0;
  if (loaded.ok()) {
    absl::StatusOr<uint64_t> indexed = WaitForIndex(*target.client);
    if (indexed.ok()) {
      loaded_sequence = *indexed;
    } else {
      loaded = indexed.status();
    }
  }
  if (!loaded.ok()) {
    std::fprintf(stderr, "meshdex-bench: loading failed: %s\n", loaded.ToString().c_str());
    if (target.local) std::fprintf(stderr, "meshdexd log: %s\n", target.local->log_path().c_str());
    return 1;
  }

  MeasureServer(mesh, options, target, report);
  MeasureFootprintAndRestart(target, loaded_sequence, report);
  // The peer runs alone: meshdexd stops first so both get the same CPUs.
  if (target.local) target.local->Stop();
  MeasurePostgres(mesh, options, report);

  nlohmann::json results = nlohmann::json::object();
  for (const char* key : kResultKeys) {
    results[key] = report.results.contains(key) ? report.results[key] : nlohmann::json();
    if (results[key].is_null() && !report.notes.contains(key)) report.notes[key] = "not measured";
  }
  report.results = results;
  const nlohmann::json document = {
      {"products", mesh.products()},
      {"events", mesh.events()},
      {"machine", Machine()},
      {"seed", options.seed},
      {"clients", options.clients},
      {"server", options.server.empty() ? "meshdexd started by the bench (default flags)"
                                        : options.server},
      {"results", report.results},
      {"notes", report.notes},
      {"samples", report.samples},
      {"extra", report.extra}};
  if (!options.report.empty()) {
    std::ofstream out(options.report);
    out << document.dump(2) << "\n";
    if (!out) {
      std::fprintf(stderr, "meshdex-bench: cannot write %s\n", options.report.c_str());
      return 1;
    }
  }
  PrintTable(report, mesh);
  return 0;
}

}  // namespace
}  // namespace meshdex::bench

int main(int argc, char** argv) {
  meshdex::bench::Options options;
  CLI::App app{"meshdex-bench: load a synthetic mesh into meshdexd and measure it against its "
               "floors and PostgreSQL"};
  app.add_option("--products", options.products, "Products to generate and register")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}))
      ->capture_default_str();
  app.add_option("--events", options.events, "OpenLineage events to generate and ingest")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}))
      ->capture_default_str();
  app.add_option("--apply_batch", options.apply_batch,
                 "Products registered per BatchApplyProducts (1 = one ApplyProduct each)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--clients", options.clients, "Concurrent clients of every phase")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--seconds", options.seconds, "Least seconds each latency phase measures")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--min_samples", options.min_samples, "Least samples of each latency phase")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}))
      ->capture_default_str();
  app.add_option("--max_phase_seconds", options.max_phase_seconds,
                 "A latency phase stops after this long even with fewer samples")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  app.add_option("--http_share", options.http_share,
                 "Share of the events posted to POST /api/v1/lineage (the rest is streamed)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of the generated mesh")->capture_default_str();
  app.add_option("--server", options.server,
                 "HOST:PORT of a running meshdexd (gRPC) instead of starting one");
  app.add_option("--http", options.http, "HOST:PORT of its HTTP gateway (with --server)");
  app.add_option("--token", options.token,
                 "Bearer token sent with every gRPC call and HTTP request (with --server)")
      ->envname("MESHDEX_TOKEN");
  app.add_option("--report", options.report, "Write the figures as JSON to this file");
  app.add_option("--postgres", options.postgres, "Measure the PostgreSQL baseline")
      ->capture_default_str();
  app.add_flag("--skip_load", options.skip_load,
               "With --server: the mesh of these flags is loaded already (same --seed, "
               "--products, --events); only measure");
  app.add_option("--server_data_dir", options.server_data_dir,
                 "With --server on this machine: its --data_dir, to measure raw Xapian on its index");
  app.add_option("--keep_data_dir", options.keep_data_dir,
                 "Without --server: start meshdexd on this new (or empty) directory and keep it, "
                 "to re-measure later with --server ... --server_data_dir DIR --skip_load");
  options.phases = meshdex::bench::kLatencyPhases;
  app.add_option("--phases", options.phases,
                 "Latency phases to run, comma-separated (the others' figures are null); "
                 "PostgreSQL's search and walks run with search, lineage and hubs")
      ->delimiter(',')
      ->check(CLI::IsMember(meshdex::bench::kLatencyPhases))
      ->capture_default_str();
  app.add_flag("--print_digest", options.print_digest,
               "Print a digest of the generated mesh and exit (determinism check)");
  CLI11_PARSE(app, argc, argv);
  if (options.skip_load && options.server.empty()) {
    std::fprintf(stderr, "meshdex-bench: --skip_load needs --server (a meshdexd already loaded)\n");
    return 2;
  }
  if (!options.keep_data_dir.empty()) {
    std::error_code error;
    if (!options.server.empty()) {
      std::fprintf(stderr, "meshdex-bench: --keep_data_dir starts a meshdexd; not with --server\n");
      return 2;
    }
    if (std::filesystem::exists(options.keep_data_dir, error) &&
        !std::filesystem::is_empty(options.keep_data_dir, error)) {
      std::fprintf(stderr, "meshdex-bench: --keep_data_dir %s is not empty; a run loads a new mesh\n",
                   options.keep_data_dir.c_str());
      return 2;
    }
  }
  return meshdex::bench::Run(options);
}
