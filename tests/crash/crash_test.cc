// Crash test: concurrent writers apply, update and delete products on the real
// meshdexd while it is SIGKILLed at random moments; after each restart it
// verifies that
//  * every acknowledged write is there with its revision (a write that was in
//    flight at the kill may or may not be, but never partly: the product is
//    at the acknowledged state or exactly one write further);
//  * the change log has no gaps (Watch replays consecutive sequences);
//  * the search index, once caught up (min_sequence), holds exactly the
//    store's products with the same facet counts.
// Cycles: MESHDEX_CRASH_CYCLES (default 10; `make crashtest CYCLES=200`).
#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using meshdex::v1::DataProduct;

constexpr int kWriters = 4;
constexpr int kProductsPerWriter = 3;

// What one product must look like after a restart.
struct Expectation {
  bool exists = false;
  int64_t revision = 0;  // last acknowledged revision (tombstones count)
  std::string version;
  // The write in flight when the server died, if any: it may have landed.
  bool in_flight = false;
  bool in_flight_exists = false;
  std::string in_flight_version;
};

// Versions are 1.<n>.0 with n unique over the whole test; the lifecycle
// follows n's parity so the index's facet counts have something to compare.
std::string LifecycleOf(const std::string& version) {
  return (version[version.size() - 3] - '0') % 2 == 0 ? "production" : "experimental";
}

DataProduct MakeProduct(const std::string& name, const std::string& version) {
  DataProduct product;
  product.mutable_metadata()->set_domain("crash");
  product.mutable_metadata()->set_name(name);
  product.mutable_spec()->set_title("Crash " + name);
  product.mutable_spec()->set_version(version);
  product.mutable_spec()->set_lifecycle(LifecycleOf(version));
  auto* port = product.mutable_spec()->add_output_ports();
  port->set_name("events");
  port->set_kind("kafka");
  port->set_address("kafka://broker.crash:9092/" + name);
  return product;
}

int Cycles() {
  const char* env = std::getenv("MESHDEX_CRASH_CYCLES");
  int cycles = env != nullptr ? std::atoi(env) : 10;
  return cycles > 0 ? std::min(cycles, 100000) : 10;
}

// Acknowledged writes of the current cycle; the test waits for a random
// number of them before it kills the server.
struct Progress {
  absl::Mutex mu;
  int acknowledged ABSL_GUARDED_BY(mu) = 0;
};

class CrashTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::map<std::string, Expectation> expected_;
  uint64_t verified_sequence_ = 0;
  std::atomic<int64_t> next_version_{0};

  // One writer's loop until the server dies or `stop` is set: each step
  // updates or deletes one of its own products and records the outcome.
  void Write(int writer, const std::shared_ptr<grpc::Channel>& channel, std::atomic<bool>& stop,
             std::map<std::string, Expectation>& mine, uint32_t seed, Progress& progress) {
    auto catalog = meshdex::v1::CatalogService::NewStub(channel);
    std::mt19937 random(seed);
    for (int step = 0; step < 100000 && !stop.load(); ++step) {
      const std::string name = "w" + std::to_string(writer) + "-p" +
                               std::to_string(random() % kProductsPerWriter);
      Expectation& expect = mine[name];
      const bool remove = expect.exists && random() % 5 == 0;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      grpc::Status status;
      if (remove) {
        meshdex::v1::DeleteProductRequest request;
        request.set_urn("urn:dp:crash:" + name);
        meshdex::v1::DeleteProductResponse response;
        expect.in_flight = true;
        expect.in_flight_exists = false;
        status = catalog->DeleteProduct(&context, request, &response);
        if (status.ok()) {
          expect = {false, expect.revision + 1, "", false, false, ""};
        }
      } else {
        const std::string version = "1." + std::to_string(next_version_++) + ".0";
        meshdex::v1::ApplyProductRequest request;
        *request.mutable_product() = MakeProduct(name, version);
        meshdex::v1::ApplyProductResponse response;
        expect.in_flight = true;
        expect.in_flight_exists = true;
        expect.in_flight_version = version;
        status = catalog->ApplyProduct(&context, request, &response);
        if (status.ok()) {
          ASSERT_EQ(response.product().metadata().revision(), expect.revision + 1) << name;
          expect = {true, expect.revision + 1, version, false, false, ""};
        }
      }
      if (!status.ok()) return;  // the server is gone; this write stays in flight
      absl::MutexLock lock(&progress.mu);
      ++progress.acknowledged;
    }
  }

  void Verify(testing::ServerProcess& server) {
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    for (auto& [name, expect] : expected_) {
      const std::string urn = "urn:dp:crash:" + name;
      DataProduct product;
      grpc::ClientContext context;
      meshdex::v1::GetProductRequest request;
      request.set_urn(urn);
      grpc::Status status = catalog->GetProduct(&context, request, &product);
      meshdex::v1::ListRevisionsRequest history_request;
      history_request.set_urn(urn);
      history_request.set_page_size(1000);
      meshdex::v1::ListRevisionsResponse history;
      grpc::ClientContext history_context;
      grpc::Status history_status = catalog->ListRevisions(&history_context, history_request, &history);
      const int64_t last_revision =
          history_status.ok() && history.revisions_size() > 0
              ? history.revisions(history.revisions_size() - 1).metadata().revision()
              : 0;

      const bool landed = expect.in_flight && last_revision == expect.revision + 1;
      ASSERT_TRUE(last_revision == expect.revision || landed)
          << urn << ": history ends at " << last_revision << ", acknowledged " << expect.revision;
      const bool exists = landed ? expect.in_flight_exists : expect.exists;
      const std::string version = landed ? expect.in_flight_version : expect.version;
      ASSERT_EQ(status.ok(), exists) << urn << ": " << status.error_message();
      if (exists) {
        EXPECT_EQ(product.spec().version(), version) << urn;
        EXPECT_EQ(product.metadata().revision(), last_revision) << urn;
        // Its address claim is part of the same atomic write.
        meshdex::v1::ResolveAddressRequest resolve;
        resolve.set_address("kafka://broker.crash:9092/" + name);
        meshdex::v1::ResolveAddressResponse owner;
        grpc::ClientContext resolve_context;
        ASSERT_TRUE(catalog->ResolveAddress(&resolve_context, resolve, &owner).ok()) << urn;
        EXPECT_EQ(owner.product_urn(), urn);
      }
      expect = {exists, last_revision, version, false, false, ""};
    }
    VerifyChangeLogAndIndex(server);
  }

  void VerifyChangeLogAndIndex(testing::ServerProcess& server) {
    auto admin = meshdex::v1::AdminService::NewStub(server.Channel());
    meshdex::v1::Stats stats;
    grpc::ClientContext stats_context;
    ASSERT_TRUE(admin->GetStats(&stats_context, meshdex::v1::GetStatsRequest(), &stats).ok());
    const uint64_t last = stats.last_sequence();

    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    grpc::ClientContext watch_context;
    watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    meshdex::v1::WatchRequest watch;
    watch.set_from_sequence(verified_sequence_ + 1);
    auto reader = catalog->Watch(&watch_context, watch);
    meshdex::v1::ChangeEvent event;
    uint64_t expected_sequence = verified_sequence_ + 1;
    while (expected_sequence <= last && reader->Read(&event)) {
      ASSERT_EQ(event.sequence(), expected_sequence) << "gap in the change log";
      ++expected_sequence;
    }
    watch_context.TryCancel();
    ASSERT_EQ(expected_sequence, last + 1) << "change log ends early";
    verified_sequence_ = last;

    if (last == 0) return;  // nothing written yet: no index to compare
    std::map<std::string, int64_t> lifecycles;
    int64_t products = 0;
    for (const auto& [name, expect] : expected_) {
      if (!expect.exists) continue;
      ++products;
      ++lifecycles[LifecycleOf(expect.version)];
    }
    auto search = meshdex::v1::SearchService::NewStub(server.Channel());
    meshdex::v1::SearchRequest request;
    request.set_min_sequence(last);
    request.set_page_size(100);
    request.add_facets("lifecycle");
    meshdex::v1::SearchResponse response;
    grpc::ClientContext search_context;
    grpc::Status status = search->Search(&search_context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.total_estimate(), products);
    std::map<std::string, int64_t> indexed;
    for (const auto& facet : response.facets()) {
      for (const auto& value : facet.values()) indexed[value.value()] = value.count();
    }
    EXPECT_EQ(indexed, lifecycles);
  }
};

TEST_F(CrashTest, AcknowledgedWritesSurviveRandomKills) {
  const int cycles = Cycles();
  std::mt19937 random(20261125);
  for (int w = 0; w < kWriters; ++w) {
    for (int p = 0; p < kProductsPerWriter; ++p) {
      expected_["w" + std::to_string(w) + "-p" + std::to_string(p)];
    }
  }
  int64_t acknowledged_total = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    testing::ServerProcess server(dir_.Sub("data"));
    ASSERT_TRUE(server.Start()) << "cycle " << cycle;
    Verify(server);
    if (::testing::Test::HasFatalFailure()) return;

    std::atomic<bool> stop{false};
    std::vector<std::map<std::string, Expectation>> shards(kWriters);
    for (auto& [name, expect] : expected_) shards[name[1] - '0'][name] = expect;
    Progress progress;
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w, seed = static_cast<uint32_t>(random())] {
        Write(w, server.Channel(), stop, shards[w], seed, progress);
      });
    }
    // Crash the server once a random number of writes were acknowledged, with
    // the other writers' requests in flight.
    const int kill_after = 5 + static_cast<int>(random() % 60);
    {
      absl::MutexLock lock(&progress.mu);
      auto reached = [&]() ABSL_SHARED_LOCKS_REQUIRED(progress.mu) {
        return progress.acknowledged >= kill_after;
      };
      progress.mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60));
    }
    server.Kill();
    stop = true;
    for (std::thread& writer : writers) writer.join();
    for (auto& shard : shards) {
      for (auto& [name, expect] : shard) {
        acknowledged_total += expect.revision - expected_[name].revision;
        expected_[name] = expect;
      }
    }
  }
  testing::ServerProcess server(dir_.Sub("data"));
  ASSERT_TRUE(server.Start());
  Verify(server);
  std::printf("crash test: %d kill -9 cycles, %lld acknowledged writes verified, %llu change-log records\n",
              cycles, static_cast<long long>(acknowledged_total),
              static_cast<unsigned long long>(verified_sequence_));
  EXPECT_GT(acknowledged_total, cycles);
}

}  // namespace
}  // namespace meshdex
