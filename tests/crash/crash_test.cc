// Crash test: concurrent writers apply, update and delete products and ingest
// OpenLineage run events on the real meshdexd while it is SIGKILLed at random
// moments; after each restart it verifies that
//  * every acknowledged product write is in the product's history at its
//    revision, and the product is at its last acknowledged state (or exactly
//    one write further: the write in flight at the kill may have landed, but
//    never partly);
//  * every acknowledged event's run is listed by ListRuns in the state its
//    events give it, no run appears that no event named, and every dataset
//    those events name exists in the lineage graph;
//  * the change log replayed by Watch from 1 has consecutive sequences up to
//    the last one, never rewrites a record seen before a kill, and holds every
//    acknowledged write at or before its acknowledged sequence;
//  * the search index, once caught up (min_sequence), holds exactly the
//    store's products (`type:product` paged vs ListProducts) with the same
//    domain and lifecycle facet counts, and exactly its datasets and jobs.
// Cycles: MESHDEX_CRASH_CYCLES (default 20, ~10 s; `make crashtest CYCLES=200`).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using meshdex::v1::ChangeEvent;
using meshdex::v1::DataProduct;

constexpr int kDefaultCycles = 20;
constexpr int kWriters = 4;
constexpr int kProductsPerWriter = 3;
// Product k of every writer lives in domain kDomains[k].
const char* const kDomains[kProductsPerWriter] = {"crash-a", "crash-b", "crash-c"};
// Product ports and lineage datasets share this namespace, so events write
// datasets that products own (and claim changes touch them).
constexpr char kTopicNamespace[] = "kafka://broker.crash:9092";
constexpr char kJobNamespace[] = "crash";
constexpr auto kRpcTimeout = std::chrono::seconds(5);
// Searches wait at most ~2 s for min_sequence; a restart may need longer.
constexpr int kSearchAttempts = 15;

std::string ProductName(int writer, int k) { return absl::StrFormat("w%d-p%d", writer, k); }
std::string ProductUrn(int writer, int k) {
  return absl::StrFormat("urn:dp:%s:%s", kDomains[k], ProductName(writer, k));
}
std::string TopicAddress(const std::string& topic) {
  return absl::StrFormat("%s/%s", kTopicNamespace, topic);
}
std::string DatasetId(const std::string& dataset) {
  return absl::StrFormat("dataset:%s:%s", kTopicNamespace, dataset);
}
std::string SourceDataset(int writer) { return absl::StrFormat("w%d-source", writer); }
std::string JobName(int writer) { return absl::StrFormat("w%d-job", writer); }
std::string JobId(int writer) { return absl::StrFormat("job:%s:%s", kJobNamespace, JobName(writer)); }
std::string RunId(int64_t n) { return absl::StrFormat("00000000-0000-4000-8000-%012d", n); }

// Versions are 1.<n>.0 with n unique over the whole test; the lifecycle
// follows n's parity so the index's facet counts have something to compare.
std::string LifecycleOf(const std::string& version) {
  return (version[version.size() - 3] - '0') % 2 == 0 ? "production" : "experimental";
}

DataProduct MakeProduct(int writer, int k, const std::string& version) {
  const std::string name = ProductName(writer, k);
  DataProduct product;
  product.mutable_metadata()->set_domain(kDomains[k]);
  product.mutable_metadata()->set_name(name);
  product.mutable_spec()->set_title("Crash " + name);
  product.mutable_spec()->set_version(version);
  product.mutable_spec()->set_lifecycle(LifecycleOf(version));
  auto* port = product.mutable_spec()->add_output_ports();
  port->set_name("events");
  port->set_kind("kafka");
  port->set_address(TopicAddress(name));
  return product;
}

int Cycles() {
  const char* env = std::getenv("MESHDEX_CRASH_CYCLES");
  const int cycles = env != nullptr ? std::atoi(env) : kDefaultCycles;
  return cycles > 0 ? std::min(cycles, 100000) : kDefaultCycles;
}

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + kRpcTimeout;
}

// A write that fails for any reason but the server going away is a bug.
bool ServerGone(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::CANCELLED;
}

// One product write the server acknowledged (or that was in flight at a kill
// and turned out to have landed).
struct ProductWrite {
  int64_t revision = 0;
  // Empty for the tombstone of a delete.
  std::string version;
  // Change-log sequence from the response; 0 for a write found landed.
  uint64_t sequence = 0;
};

struct ProductState {
  std::vector<ProductWrite> writes;  // in revision order
  std::optional<ProductWrite> in_flight;

  int64_t revision() const { return writes.empty() ? 0 : writes.back().revision; }
  bool exists() const { return !writes.empty() && !writes.back().version.empty(); }
};

// A run a writer started: a START event, later perhaps a COMPLETE one.
struct RunState {
  std::string id;
  // Dataset the run writes (a product's topic); it reads SourceDataset().
  std::string output;
  // Events stored: 0 none, 1 START, 2 START and COMPLETE.
  int stored = 0;
  // The next event was in flight at a kill.
  bool in_flight = false;
};

struct AcknowledgedEvent {
  std::string run_id;
  uint64_t sequence = 0;
  // Ids of the entities the event writes: one of them is the change-log
  // record at `sequence`.
  std::set<std::string> entities;
};

// Everything one writer did; only its thread touches it during a cycle.
struct WriterState {
  ProductState products[kProductsPerWriter];
  std::vector<RunState> runs;
  std::vector<AcknowledgedEvent> events;
};

std::string RunEventJson(int writer, const RunState& run, const std::string& type) {
  nlohmann::json event = {
      {"eventType", type},
      {"eventTime", absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())},
      {"producer", "https://meshdex.test/crash"},
      {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
      {"run", {{"runId", run.id}}},
      {"job", {{"namespace", kJobNamespace}, {"name", JobName(writer)}}},
      {"inputs", {{{"namespace", kTopicNamespace}, {"name", SourceDataset(writer)}}}},
      {"outputs", {{{"namespace", kTopicNamespace}, {"name", run.output}}}}};
  return event.dump();
}

// Acknowledged operations of the current cycle; the test waits for a random
// number of them before it kills the server.
struct Progress {
  absl::Mutex mu;
  int acknowledged ABSL_GUARDED_BY(mu) = 0;
  // Writers that stopped (the server died, or a check failed).
  int stopped ABSL_GUARDED_BY(mu) = 0;
};

class CrashTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  WriterState writers_[kWriters];
  // The change log as replayed so far: record i has sequence i + 1.
  std::vector<ChangeEvent> log_;
  std::atomic<int64_t> next_version_{0};
  std::atomic<int64_t> next_run_{1};
  int64_t landed_in_flight_ = 0;

  // One writer's loop until the server dies or `stop` is set: each step
  // updates or deletes one of its products, or starts or completes a run.
  void Write(int writer, const std::shared_ptr<grpc::Channel>& channel, std::atomic<bool>& stop,
             uint32_t seed, Progress& progress) {
    auto catalog = meshdex::v1::CatalogService::NewStub(channel);
    auto lineage = meshdex::v1::LineageService::NewStub(channel);
    WriterState& mine = writers_[writer];
    std::mt19937 random(seed);
    std::optional<size_t> open_run;  // START acknowledged this cycle, COMPLETE not sent
    while (!stop.load()) {
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      grpc::Status status;
      if (random() % 4 == 0) {
        if (!open_run) {
          RunState run;
          run.id = RunId(next_run_++);
          run.output = ProductName(writer, static_cast<int>(random() % kProductsPerWriter));
          mine.runs.push_back(run);
        }
        RunState& run = open_run ? mine.runs[*open_run] : mine.runs.back();
        const std::string type = open_run ? "COMPLETE" : "START";
        meshdex::v1::IngestEventRequest request;
        request.set_event_json(RunEventJson(writer, run, type));
        meshdex::v1::IngestEventResponse response;
        run.in_flight = true;
        status = lineage->IngestEvent(&context, request, &response);
        if (status.ok()) {
          EXPECT_FALSE(response.duplicate()) << run.id << " " << type;
          run.in_flight = false;
          ++run.stored;
          open_run = run.stored == 1 ? std::optional<size_t>(&run - mine.runs.data()) : std::nullopt;
          mine.events.push_back({run.id, response.sequence(),
                                 {"run:" + run.id, JobId(writer), DatasetId(SourceDataset(writer)),
                                  DatasetId(run.output)}});
        }
      } else {
        const int k = static_cast<int>(random() % kProductsPerWriter);
        ProductState& product = mine.products[k];
        const bool remove = product.exists() && random() % 5 == 0;
        if (remove) {
          meshdex::v1::DeleteProductRequest request;
          request.set_urn(ProductUrn(writer, k));
          meshdex::v1::DeleteProductResponse response;
          product.in_flight = ProductWrite{product.revision() + 1, "", 0};
          status = catalog->DeleteProduct(&context, request, &response);
          if (status.ok()) product.in_flight->sequence = response.sequence();
        } else {
          const std::string version = absl::StrFormat("1.%d.0", next_version_++);
          meshdex::v1::ApplyProductRequest request;
          *request.mutable_product() = MakeProduct(writer, k, version);
          meshdex::v1::ApplyProductResponse response;
          product.in_flight = ProductWrite{product.revision() + 1, version, 0};
          status = catalog->ApplyProduct(&context, request, &response);
          if (status.ok()) {
            ASSERT_EQ(response.product().metadata().revision(), product.revision() + 1)
                << ProductUrn(writer, k);
            product.in_flight->sequence = response.sequence();
          }
        }
        if (status.ok()) {
          product.writes.push_back(*product.in_flight);
          product.in_flight.reset();
        }
      }
      if (!status.ok()) {
        // The server is gone; this write stays in flight.
        EXPECT_TRUE(ServerGone(status)) << "writer " << writer << ": " << status.error_code()
                                        << " " << status.error_message();
        return;
      }
      absl::MutexLock lock(&progress.mu);
      ++progress.acknowledged;
    }
  }

  void Verify(testing::ServerProcess& server) {
    VerifyProducts(server);
    if (HasFatalFailure()) return;
    VerifyRuns(server);
    if (HasFatalFailure()) return;
    VerifyDatasets(server);
    if (HasFatalFailure()) return;
    VerifyChangeLog(server);
    if (HasFatalFailure()) return;
    VerifyIndex(server);
  }

  // History and current state of every product; settles in-flight writes.
  void VerifyProducts(testing::ServerProcess& server) {
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    for (int w = 0; w < kWriters; ++w) {
      for (int k = 0; k < kProductsPerWriter; ++k) {
        ProductState& state = writers_[w].products[k];
        const std::string urn = ProductUrn(w, k);
        std::vector<DataProduct> history;
        meshdex::v1::ListRevisionsRequest request;
        request.set_urn(urn);
        request.set_page_size(1000);
        do {
          meshdex::v1::ListRevisionsResponse page;
          grpc::ClientContext context;
          context.set_deadline(Deadline());
          grpc::Status status = catalog->ListRevisions(&context, request, &page);
          if (status.error_code() == grpc::StatusCode::NOT_FOUND) break;  // never written
          ASSERT_TRUE(status.ok()) << urn << ": " << status.error_message();
          history.insert(history.end(), page.revisions().begin(), page.revisions().end());
          request.set_page_token(page.next_page_token());
        } while (!request.page_token().empty());
        for (size_t i = 0; i < history.size(); ++i) {
          ASSERT_EQ(history[i].metadata().revision(), static_cast<int64_t>(i) + 1) << urn;
        }
        const int64_t last = static_cast<int64_t>(history.size());
        const bool landed = state.in_flight.has_value() && last == state.in_flight->revision;
        ASSERT_TRUE(last == state.revision() || landed)
            << urn << ": history ends at " << last << ", acknowledged " << state.revision();
        if (landed) {
          state.writes.push_back(*state.in_flight);
          ++landed_in_flight_;
        }
        state.in_flight.reset();
        for (const ProductWrite& write : state.writes) {
          const DataProduct& stored = history[write.revision - 1];
          if (write.version.empty()) {
            EXPECT_TRUE(stored.metadata().has_delete_time()) << urn << "@" << write.revision;
          } else {
            EXPECT_FALSE(stored.metadata().has_delete_time()) << urn << "@" << write.revision;
            EXPECT_EQ(stored.spec().version(), write.version) << urn << "@" << write.revision;
          }
        }

        DataProduct product;
        meshdex::v1::GetProductRequest get;
        get.set_urn(urn);
        grpc::ClientContext get_context;
        get_context.set_deadline(Deadline());
        grpc::Status status = catalog->GetProduct(&get_context, get, &product);
        ASSERT_EQ(status.ok(), state.exists()) << urn << ": " << status.error_message();
        // Its address claim is part of the same atomic write.
        meshdex::v1::ResolveAddressRequest resolve;
        resolve.set_address(TopicAddress(ProductName(w, k)));
        meshdex::v1::ResolveAddressResponse owner;
        grpc::ClientContext resolve_context;
        resolve_context.set_deadline(Deadline());
        grpc::Status resolved = catalog->ResolveAddress(&resolve_context, resolve, &owner);
        if (state.exists()) {
          EXPECT_EQ(product.spec().version(), state.writes.back().version) << urn;
          EXPECT_EQ(product.metadata().revision(), state.revision()) << urn;
          ASSERT_TRUE(resolved.ok()) << urn << ": " << resolved.error_message();
          EXPECT_EQ(owner.product_urn(), urn);
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << urn;
          EXPECT_EQ(resolved.error_code(), grpc::StatusCode::NOT_FOUND) << urn;
        }
      }
    }
  }

  // ListRuns of every writer's job against its runs; settles in-flight events.
  void VerifyRuns(testing::ServerProcess& server) {
    auto lineage = meshdex::v1::LineageService::NewStub(server.Channel());
    for (int w = 0; w < kWriters; ++w) {
      std::map<std::string, std::string> listed;  // run id -> state
      meshdex::v1::ListRunsRequest request;
      request.set_job_id(JobId(w));
      request.set_page_size(1000);
      do {
        meshdex::v1::ListRunsResponse page;
        grpc::ClientContext context;
        context.set_deadline(Deadline());
        grpc::Status status = lineage->ListRuns(&context, request, &page);
        if (status.error_code() == grpc::StatusCode::NOT_FOUND) break;  // no event stored yet
        ASSERT_TRUE(status.ok()) << JobId(w) << ": " << status.error_message();
        for (const meshdex::v1::Run& run : page.runs()) {
          EXPECT_EQ(run.job_id(), JobId(w));
          ASSERT_TRUE(listed.emplace(run.run_id(), run.state()).second) << "listed twice: " << run.run_id();
        }
        request.set_page_token(page.next_page_token());
      } while (!request.page_token().empty());

      for (RunState& run : writers_[w].runs) {
        auto found = listed.find(run.id);
        const int observed = found == listed.end()            ? 0
                             : found->second == "START"       ? 1
                             : found->second == "COMPLETE"    ? 2
                                                              : -1;
        ASSERT_NE(observed, -1) << run.id << " in state " << found->second;
        ASSERT_TRUE(observed == run.stored || (run.in_flight && observed == run.stored + 1))
            << run.id << ": listed as " << (found == listed.end() ? "absent" : found->second)
            << " after " << run.stored << " acknowledged events";
        if (observed > run.stored) ++landed_in_flight_;
        run.stored = observed;
        run.in_flight = false;
        if (found != listed.end()) listed.erase(found);
      }
      EXPECT_TRUE(listed.empty()) << JobId(w) << " lists " << listed.size()
                                  << " runs no event named, e.g. " << listed.begin()->first;
    }
  }

  // Datasets and jobs the stored runs imply, as node ids.
  std::set<std::string> ExpectedLineageNodes(const std::string& type) const {
    std::set<std::string> ids;
    for (int w = 0; w < kWriters; ++w) {
      for (const RunState& run : writers_[w].runs) {
        if (run.stored == 0) continue;
        if (type == "job") {
          ids.insert(JobId(w));
        } else {
          ids.insert(DatasetId(SourceDataset(w)));
          ids.insert(DatasetId(run.output));
        }
      }
    }
    return ids;
  }

  void VerifyDatasets(testing::ServerProcess& server) {
    auto lineage = meshdex::v1::LineageService::NewStub(server.Channel());
    for (const std::string& id : ExpectedLineageNodes("dataset")) {
      meshdex::v1::GetLineageRequest request;
      request.set_node_id(id);
      request.set_depth(1);
      meshdex::v1::LineageGraph graph;
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      grpc::Status status = lineage->GetLineage(&context, request, &graph);
      ASSERT_TRUE(status.ok()) << id << ": " << status.error_message();
      EXPECT_TRUE(std::any_of(graph.nodes().begin(), graph.nodes().end(),
                              [&](const meshdex::v1::LineageNode& node) { return node.id() == id; }))
          << id << " missing from its own graph";
    }
  }

  uint64_t LastSequence(testing::ServerProcess& server) {
    auto admin = meshdex::v1::AdminService::NewStub(server.Channel());
    meshdex::v1::Stats stats;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status status = admin->GetStats(&context, meshdex::v1::GetStatsRequest(), &stats);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return stats.last_sequence();
  }

  // The change-log record at `sequence`.
  const ChangeEvent& Record(uint64_t sequence) const { return log_[sequence - 1]; }

  void VerifyChangeLog(testing::ServerProcess& server) {
    const uint64_t last = LastSequence(server);
    ASSERT_GE(last, log_.size()) << "the change log shrank";
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    meshdex::v1::WatchRequest watch;
    watch.set_from_sequence(1);
    auto reader = catalog->Watch(&context, watch);
    ChangeEvent event;
    uint64_t expected = 1;
    while (expected <= last && reader->Read(&event)) {
      ASSERT_EQ(event.sequence(), expected) << "gap in the change log";
      if (expected <= log_.size()) {
        const ChangeEvent& seen = Record(expected);
        ASSERT_TRUE(event.type() == seen.type() && event.urn() == seen.urn() &&
                    event.revision() == seen.revision())
            << "change-log record " << expected << " rewritten: " << seen.ShortDebugString()
            << " -> " << event.ShortDebugString();
      } else {
        log_.push_back(event);
      }
      ++expected;
    }
    context.TryCancel();
    ASSERT_EQ(expected, last + 1) << "change log ends early";

    // (urn, revision) -> sequence of the product records; runs -> first sequence.
    std::map<std::pair<std::string, int64_t>, const ChangeEvent*> product_records;
    std::map<std::string, uint64_t> first_run_record;
    for (const ChangeEvent& record : log_) {
      if (record.type() == ChangeEvent::PRODUCT_UPSERTED ||
          record.type() == ChangeEvent::PRODUCT_DELETED) {
        ASSERT_TRUE(product_records.emplace(std::make_pair(record.urn(), record.revision()), &record).second)
            << "two records for " << record.urn() << "@" << record.revision();
      } else if (record.type() == ChangeEvent::RUN_UPSERTED) {
        first_run_record.emplace(record.urn(), record.sequence());
      }
    }
    for (int w = 0; w < kWriters; ++w) {
      for (int k = 0; k < kProductsPerWriter; ++k) {
        const ProductState& state = writers_[w].products[k];
        const std::string urn = ProductUrn(w, k);
        for (const ProductWrite& write : state.writes) {
          auto found = product_records.find({urn, write.revision});
          ASSERT_NE(found, product_records.end()) << urn << "@" << write.revision << " not in the change log";
          EXPECT_EQ(found->second->type(), write.version.empty() ? ChangeEvent::PRODUCT_DELETED
                                                                 : ChangeEvent::PRODUCT_UPSERTED);
          if (write.sequence == 0) continue;
          ASSERT_LE(write.sequence, log_.size()) << urn << "@" << write.revision;
          EXPECT_LE(found->second->sequence(), write.sequence) << urn << "@" << write.revision;
          const std::string& at = Record(write.sequence).urn();
          EXPECT_TRUE(at == urn || at == DatasetId(ProductName(w, k)))
              << "sequence " << write.sequence << " acknowledged for " << urn << " names " << at;
        }
        // No record of a write the store does not hold.
        EXPECT_EQ(product_records.count({urn, state.revision() + 1}), 0u) << urn;
      }
      for (const AcknowledgedEvent& event : writers_[w].events) {
        auto found = first_run_record.find("run:" + event.run_id);
        ASSERT_NE(found, first_run_record.end()) << "run " << event.run_id << " not in the change log";
        ASSERT_LE(event.sequence, log_.size()) << event.run_id;
        EXPECT_LE(found->second, event.sequence) << event.run_id;
        EXPECT_EQ(event.entities.count(Record(event.sequence).urn()), 1u)
            << "sequence " << event.sequence << " acknowledged for run " << event.run_id << " names "
            << Record(event.sequence).urn();
      }
    }
  }

  // One search, retried while the index catches up after the restart.
  meshdex::v1::SearchResponse SearchCaughtUp(testing::ServerProcess& server,
                                             meshdex::v1::SearchRequest request) {
    auto search = meshdex::v1::SearchService::NewStub(server.Channel());
    request.set_min_sequence(log_.size());
    meshdex::v1::SearchResponse response;
    grpc::Status status;
    for (int attempt = 0; attempt < kSearchAttempts; ++attempt) {
      response.Clear();
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      status = search->Search(&context, request, &response);
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    }
    EXPECT_TRUE(status.ok()) << request.query() << ": " << status.error_message();
    return response;
  }

  // Every hit of `query`, paged; `first_page` gets the first response.
  std::set<std::string> SearchAll(testing::ServerProcess& server, const std::string& query,
                                  const std::vector<std::string>& facets,
                                  meshdex::v1::SearchResponse* first_page = nullptr) {
    std::set<std::string> urns;
    meshdex::v1::SearchRequest request;
    request.set_query(query);
    request.set_page_size(5);  // several pages even for this small catalog
    for (const std::string& facet : facets) request.add_facets(facet);
    do {
      meshdex::v1::SearchResponse page = SearchCaughtUp(server, request);
      if (HasFailure() && page.hits().empty()) break;
      for (const meshdex::v1::SearchHit& hit : page.hits()) {
        EXPECT_TRUE(urns.insert(hit.urn()).second) << query << ": " << hit.urn() << " twice";
      }
      if (first_page != nullptr && request.page_token().empty()) *first_page = page;
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return urns;
  }

  void VerifyIndex(testing::ServerProcess& server) {
    if (log_.empty()) return;  // nothing written yet: no index to compare
    // The store's side: ListProducts, paged.
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    std::set<std::string> stored;
    std::map<std::string, int64_t> domains;
    std::map<std::string, int64_t> lifecycles;
    meshdex::v1::ListProductsRequest list;
    list.set_page_size(5);  // several pages even for this small catalog
    do {
      meshdex::v1::ListProductsResponse page;
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      grpc::Status status = catalog->ListProducts(&context, list, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const DataProduct& product : page.products()) {
        EXPECT_TRUE(stored.insert(product.metadata().urn()).second) << product.metadata().urn();
        ++domains[product.metadata().domain()];
        ++lifecycles[product.spec().lifecycle()];
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
    std::set<std::string> expected;
    for (int w = 0; w < kWriters; ++w) {
      for (int k = 0; k < kProductsPerWriter; ++k) {
        if (writers_[w].products[k].exists()) expected.insert(ProductUrn(w, k));
      }
    }
    EXPECT_EQ(stored, expected) << "ListProducts";

    // The index's side, caught up with the last sequence.
    meshdex::v1::SearchResponse first;
    EXPECT_EQ(SearchAll(server, "type:product", {"domain", "lifecycle"}, &first), stored)
        << "search type:product";
    EXPECT_EQ(first.total_estimate(), static_cast<int64_t>(stored.size()));
    EXPECT_FALSE(first.approximate());
    std::map<std::string, std::map<std::string, int64_t>> facets;
    for (const meshdex::v1::Facet& facet : first.facets()) {
      for (const meshdex::v1::FacetValue& value : facet.values()) {
        facets[facet.name()][value.value()] = value.count();
      }
    }
    EXPECT_EQ(facets["domain"], domains);
    EXPECT_EQ(facets["lifecycle"], lifecycles);

    EXPECT_EQ(SearchAll(server, "type:dataset", {}), ExpectedLineageNodes("dataset"));
    EXPECT_EQ(SearchAll(server, "type:job", {}), ExpectedLineageNodes("job"));
  }
};

TEST_F(CrashTest, AcknowledgedWritesSurviveRandomKills) {
  const int cycles = Cycles();
  const auto start = std::chrono::steady_clock::now();
  std::mt19937 random(20261125);
  for (int cycle = 0; cycle < cycles; ++cycle) {
    testing::ServerProcess server(dir_.Sub("data"));
    ASSERT_TRUE(server.Start()) << "cycle " << cycle;
    Verify(server);
    if (HasFailure()) {
      std::fprintf(stderr, "cycle %d failed; server log: %s\n", cycle, server.log_path().c_str());
      return;
    }

    std::atomic<bool> stop{false};
    Progress progress;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w, seed = static_cast<uint32_t>(random())] {
        Write(w, server.Channel(), stop, seed, progress);
        absl::MutexLock lock(&progress.mu);
        ++progress.stopped;
      });
    }
    // Crash the server once a random number of operations were acknowledged,
    // with the other writers' requests in flight.
    const int kill_after = 5 + static_cast<int>(random() % 60);
    {
      absl::MutexLock lock(&progress.mu);
      auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(progress.mu) {
        return progress.acknowledged >= kill_after || progress.stopped == kWriters;
      };
      progress.mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60));
    }
    server.Kill();
    stop = true;
    for (std::thread& writer : writers) writer.join();
    if (HasFailure()) return;
  }
  testing::ServerProcess server(dir_.Sub("data"));
  ASSERT_TRUE(server.Start());
  Verify(server);

  int64_t product_writes = 0;
  int64_t events = 0;
  for (const WriterState& writer : writers_) {
    for (const ProductState& product : writer.products) {
      product_writes += std::count_if(product.writes.begin(), product.writes.end(),
                                      [](const ProductWrite& write) { return write.sequence != 0; });
    }
    events += static_cast<int64_t>(writer.events.size());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "crash test: %d kill -9 cycles in %.1f s; verified %lld acknowledged product writes, %lld "
      "acknowledged events, %lld in-flight writes and events that landed, %zu change-log records\n",
      cycles, seconds, static_cast<long long>(product_writes), static_cast<long long>(events),
      static_cast<long long>(landed_in_flight_), log_.size());
  EXPECT_GT(product_writes, cycles);
  EXPECT_GT(events, 0);
}

}  // namespace
}  // namespace meshdex
