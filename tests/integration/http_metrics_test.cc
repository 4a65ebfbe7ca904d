// Unit tests of the metrics (server/metrics): the registry's text exposition
// and the server gauges over a real store and index in a temp dir.
#include <filesystem>
#include <fstream>
#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "index/follower.h"
#include "index/searcher.h"
#include "server/catalog/catalog.h"
#include "server/metrics/registry.h"
#include "server/metrics/server_gauges.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistryTest, CountersRenderPerLabelSetSorted) {
  Registry registry;
  Counter& requests = registry.AddCounter("meshdex_test_total", "Requests.", {"route", "code"});
  requests.Increment({"/b", "200"});
  requests.Increment({"/a", "404"}, 2);
  requests.Increment({"/b", "200"});
  EXPECT_EQ(requests.Value({"/b", "200"}), 2);
  EXPECT_EQ(requests.Value({"/c", "200"}), 0);
  EXPECT_EQ(registry.Render(),
            "# HELP meshdex_test_total Requests.\n"
            "# TYPE meshdex_test_total counter\n"
            "meshdex_test_total{route=\"/a\",code=\"404\"} 2\n"
            "meshdex_test_total{route=\"/b\",code=\"200\"} 2\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulative) {
  Registry registry;
  Histogram& latency = registry.AddHistogram("meshdex_test_seconds", "Latency.", {"m"}, {0.125, 1});
  latency.Observe({"x"}, 0.0625);
  latency.Observe({"x"}, 0.125);  // on a bound: counted in that bucket
  latency.Observe({"x"}, 0.5);
  latency.Observe({"x"}, 3);
  EXPECT_EQ(latency.Count({"x"}), 4u);
  EXPECT_EQ(registry.Render(),
            "# HELP meshdex_test_seconds Latency.\n"
            "# TYPE meshdex_test_seconds histogram\n"
            "meshdex_test_seconds_bucket{m=\"x\",le=\"0.125\"} 2\n"
            "meshdex_test_seconds_bucket{m=\"x\",le=\"1\"} 3\n"
            "meshdex_test_seconds_bucket{m=\"x\",le=\"+Inf\"} 4\n"
            "meshdex_test_seconds_sum{m=\"x\"} 3.6875\n"
            "meshdex_test_seconds_count{m=\"x\"} 4\n");
}

TEST(MetricsRegistryTest, GaugesAreReadAtRenderTimeInRegistrationOrder) {
  Registry registry;
  double value = 1;
  registry.AddGauge("meshdex_b", "B.", [&value] { return value; });
  registry.AddCounter("meshdex_a_total", "A.", {});
  value = 2.5;
  EXPECT_EQ(registry.Render(),
            "# HELP meshdex_b B.\n# TYPE meshdex_b gauge\nmeshdex_b 2.5\n"
            "# HELP meshdex_a_total A.\n# TYPE meshdex_a_total counter\n");
}

TEST(MetricsRegistryTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.AddCounter("meshdex_x_total", "Line one\nback\\slash", {"v"})
      .Increment({"quote\" back\\ newline\n"});
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP meshdex_x_total Line one\\nback\\\\slash\n"));
  EXPECT_THAT(text, HasSubstr("meshdex_x_total{v=\"quote\\\" back\\\\ newline\\n\"} 1\n"));
}

TEST(MetricsRegistryTest, SampleValues) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(1234567), "1234567");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(1e20), "1e+20");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

meshdex::v1::DataProduct Product(const std::string& name) {
  meshdex::v1::DataProduct product;
  product.mutable_metadata()->set_domain("metrics");
  product.mutable_metadata()->set_name(name);
  product.mutable_spec()->set_title(name);
  product.mutable_spec()->set_version("1.0.0");
  return product;
}

class MetricsServerGaugesTest : public ::testing::Test {
 protected:
  MetricsServerGaugesTest() {
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::Store::Open({dir_.Sub("store"), /*sync_writes=*/true});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    index::IndexFollowerOptions options;
    options.sync_commits = false;
    options.idle_wait = absl::Milliseconds(5);
    follower_ = std::make_unique<index::IndexFollower>(*store_, dir_.Sub("index"), options);
    catalog_ = std::make_unique<catalog::Catalog>(*store_);
    ServerGauges::Options gauge_options;
    gauge_options.clock = [this] { return now_; };
    gauges_ = std::make_unique<ServerGauges>(registry_, *store_, *follower_, dir_.Sub("store"),
                                             dir_.Sub("index"), gauge_options);
  }
  ~MetricsServerGaugesTest() override {
    gauges_.reset();
    catalog_.reset();
    follower_.reset();
    store_.reset();
  }

  uint64_t Apply(const std::string& name) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = Product(name);
    absl::StatusOr<meshdex::v1::ApplyProductResponse> response = catalog_->ApplyProduct(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->sequence() : 0;
  }

  // The value of one gauge in the rendered registry.
  double Gauge(const std::string& name) {
    const std::string text = registry_.Render();
    const size_t at = text.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
  }

  testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  Registry registry_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<index::IndexFollower> follower_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<ServerGauges> gauges_;
};

TEST_F(MetricsServerGaugesTest, ProductCountFollowsEveryWrite) {
  EXPECT_EQ(Gauge("meshdex_products"), 0);
  Apply("one");
  EXPECT_EQ(Gauge("meshdex_products"), 1);
  Apply("two");
  EXPECT_EQ(Gauge("meshdex_products"), 2);
  EXPECT_EQ(Gauge("meshdex_changelog_last_sequence"), 2);
}

TEST_F(MetricsServerGaugesTest, WalSyncsCountTheFsyncsOfWrites) {
  const double at_open = Gauge("meshdex_store_wal_syncs");
  Apply("one");
  EXPECT_EQ(Gauge("meshdex_store_wal_syncs"), at_open + 1);
  // Applying the same product again changes nothing: nothing to sync.
  Apply("one");
  EXPECT_EQ(Gauge("meshdex_store_wal_syncs"), at_open + 1);
  Apply("two");
  EXPECT_EQ(Gauge("meshdex_store_wal_syncs"), at_open + 2);
}

TEST_F(MetricsServerGaugesTest, IndexLagInSequencesAndSeconds) {
  const uint64_t first = Apply("one");
  Apply("two");
  // The follower has not started: nothing is searchable yet.
  EXPECT_EQ(Gauge("meshdex_index_applied_sequence"), 0);
  EXPECT_EQ(Gauge("meshdex_index_lag_sequences"), 2);
  absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> changes = store_->ReadChanges(first, 1);
  ASSERT_TRUE(changes.ok() && !changes->empty());
  now_ = absl::FromUnixSeconds(changes->front().time().seconds()) +
         absl::Nanoseconds(changes->front().time().nanos()) + absl::Seconds(30);
  EXPECT_DOUBLE_EQ(Gauge("meshdex_index_lag_seconds"), 30);

  ASSERT_TRUE(follower_->Start().ok());
  ASSERT_TRUE(follower_->WaitForSequence(store_->LastSequence(), absl::Now() + absl::Seconds(10)));
  EXPECT_EQ(Gauge("meshdex_index_applied_sequence"), 2);
  EXPECT_EQ(Gauge("meshdex_index_lag_sequences"), 0);
  EXPECT_EQ(Gauge("meshdex_index_lag_seconds"), 0);
  follower_->Stop();
}

TEST_F(MetricsServerGaugesTest, DiskSizesAreCachedDirectorySizes) {
  Apply("one");
  ASSERT_TRUE(follower_->Start().ok());
  ASSERT_TRUE(follower_->WaitForSequence(store_->LastSequence(), absl::Now() + absl::Seconds(10)));
  follower_->Stop();
  const double store_bytes = Gauge("meshdex_store_disk_bytes");
  EXPECT_GT(store_bytes, 0);
  EXPECT_GT(Gauge("meshdex_index_disk_bytes"), 0);

  std::ofstream(dir_.Sub("store") + "/extra") << std::string(10000, 'x');
  EXPECT_EQ(Gauge("meshdex_store_disk_bytes"), store_bytes);
  now_ += absl::Seconds(31);
  EXPECT_GE(Gauge("meshdex_store_disk_bytes"), store_bytes + 10000);
}

TEST_F(MetricsServerGaugesTest, InMemoryLineageGraphSize) {
  ASSERT_TRUE(store_->AwaitLineageGraphInMemory(absl::Now() + absl::Seconds(30)));
  EXPECT_EQ(Gauge("meshdex_lineage_graph_loaded"), 1);
  EXPECT_EQ(Gauge("meshdex_lineage_graph_edges"), 0);
  const storage::LineageNodeKey orders{storage::LineageNodeKey::Kind::kDataset, "s3://lake", "orders"};
  const storage::LineageNodeKey job{storage::LineageNodeKey::Kind::kJob, "etl", "daily"};
  const storage::LineageNodeKey revenue{storage::LineageNodeKey::Kind::kDataset, "s3://lake", "revenue"};
  ASSERT_TRUE(store_
                  ->Write([&](storage::WriteTxn& txn) {
                    txn.PutEdge(orders, job);
                    txn.PutEdge(job, revenue);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Gauge("meshdex_lineage_graph_nodes"), 3);
  EXPECT_EQ(Gauge("meshdex_lineage_graph_edges"), 2);
}

TEST_F(MetricsServerGaugesTest, FacetColumnsMemoryOnceASearchCountsAFacet) {
  Apply("one");
  Apply("two");
  ASSERT_TRUE(follower_->Start().ok());
  ASSERT_TRUE(follower_->WaitForSequence(store_->LastSequence(), absl::Now() + absl::Seconds(10)));
  const index::Searcher searcher(*follower_);
  meshdex::v1::SearchRequest request;
  request.set_query("one");
  ASSERT_TRUE(searcher.Search(request).ok());
  EXPECT_EQ(Gauge("meshdex_index_facet_columns_bytes"), 0);  // No facet asked for yet.
  request.add_facets("domain");
  ASSERT_TRUE(searcher.Search(request).ok());
  EXPECT_GT(Gauge("meshdex_index_facet_columns_bytes"), 0);
  // A rebuild replaces the database: its columns are loaded again when asked for.
  ASSERT_TRUE(follower_->Rebuild().ok());
  EXPECT_EQ(Gauge("meshdex_index_facet_columns_bytes"), 0);
  follower_->Stop();
}

TEST_F(MetricsServerGaugesTest, ResidentMemory) {
  EXPECT_GT(Gauge("meshdex_process_resident_memory_bytes"), 1 << 20);
  EXPECT_EQ(DirectorySize(dir_.Sub("does-not-exist")), 0u);
}

}  // namespace
}  // namespace meshdex::metrics
