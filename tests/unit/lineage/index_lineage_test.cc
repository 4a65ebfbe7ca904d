// Lineage datasets and jobs in the search index: type filters, the owning
// product's domain (also after the claim changes), and rebuilds.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "index/follower.h"
#include "index/searcher.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class IndexLineageTest : public LineageFixture {
 protected:
  void SetUp() override { StartFollower(); }
  void TearDown() override {
    searcher_.reset();
    follower_.reset();
  }

  void StartFollower() {
    searcher_.reset();
    index::IndexFollowerOptions options;
    options.sync_commits = false;
    options.idle_wait = absl::Milliseconds(5);
    follower_ = std::make_unique<index::IndexFollower>(*store_, dir_.Sub("index"), options);
    ASSERT_TRUE(follower_->Start().ok());
    searcher_ = std::make_unique<index::Searcher>(*follower_);
  }

  // "<type> <urn> <domain>" of each hit.
  std::vector<std::string> Hits(const std::string& query) {
    meshdex::v1::SearchRequest request;
    request.set_query(query);
    request.set_page_size(100);
    request.set_min_sequence(store_->LastSequence());
    absl::StatusOr<meshdex::v1::SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> hits;
    if (!response.ok()) return hits;
    for (const meshdex::v1::SearchHit& hit : response->hits()) {
      hits.push_back(absl::StrCat(hit.type(), " ", hit.urn(), " ", hit.domain()));
    }
    return hits;
  }

  std::unique_ptr<index::IndexFollower> follower_;
  std::unique_ptr<index::Searcher> searcher_;
};

TEST_F(IndexLineageTest, DatasetsAndJobsAreSearchable) {
  Json event = RunEvent("COMPLETE", RunId(1), "nightly_revenue", {Topic("payments")},
                        {{"s3://lake", "finance/revenue"}});
  event["outputs"][0]["facets"]["schema"] = {
      {"fields", {{{"name", "gross_margin"}, {"type", "decimal"}, {"description", "Margin after returns"}}}}};
  event["job"]["facets"]["sql"] = {{"query", "SELECT sum(amount) FROM payments"}};
  Ingest(event);

  EXPECT_THAT(Hits("type:dataset"),
              UnorderedElementsAre("dataset dataset:kafka://broker:9092:payments ",
                                   "dataset dataset:s3://lake:finance/revenue "));
  EXPECT_THAT(Hits("type:job"), ElementsAre("job job:scheduler:nightly_revenue "));
  // By schema field (whole and by parts), description, job SQL.
  EXPECT_THAT(Hits("gross_margin"), ElementsAre("dataset dataset:s3://lake:finance/revenue "));
  EXPECT_THAT(Hits("margin returns"), ElementsAre("dataset dataset:s3://lake:finance/revenue "));
  EXPECT_THAT(Hits("amount type:job"), ElementsAre("job job:scheduler:nightly_revenue "));
  // Runs are not documents.
  EXPECT_EQ(Hits("").size(), 3u);
}

TEST_F(IndexLineageTest, OwnedDatasetsCarryTheirProductsDomainAsClaimsChange) {
  Ingest(RunEvent("COMPLETE", RunId(1), "load", {}, {{"kafka://Broker", "orders"}, Topic("free")}));
  EXPECT_THAT(Hits("type:dataset domain:sales"), ElementsAre());

  ApplyProduct("sales", "orders", {"orders"});
  EXPECT_THAT(Hits("type:dataset domain:sales"),
              ElementsAre("dataset dataset:kafka://Broker:orders sales"));
  // The unowned dataset stays discoverable, without a domain.
  EXPECT_THAT(Hits("free"), ElementsAre("dataset dataset:kafka://broker:9092:free "));

  // The product lets go of the topic: the dataset loses the domain.
  meshdex::v1::DeleteProductRequest remove;
  remove.set_urn("urn:dp:sales:orders");
  ASSERT_TRUE(catalog_->DeleteProduct(remove).ok());
  EXPECT_THAT(Hits("type:dataset domain:sales"), ElementsAre());
  EXPECT_THAT(Hits("type:dataset orders"), ElementsAre("dataset dataset:kafka://Broker:orders "));
}

TEST_F(IndexLineageTest, RebuildIndexesLineageToo) {
  Ingest(RunEvent("COMPLETE", RunId(1), "load", {Topic("in")}, {Topic("out")}));
  ApplyProduct("sales", "out", {"out"});
  ASSERT_TRUE(follower_->Rebuild().ok());
  EXPECT_THAT(Hits("type:dataset"),
              UnorderedElementsAre("dataset dataset:kafka://broker:9092:in ",
                                   "dataset dataset:kafka://broker:9092:out sales"));
  EXPECT_THAT(Hits("type:job"), ElementsAre("job job:scheduler:load "));
  EXPECT_THAT(Hits("type:product"), ElementsAre("product urn:dp:sales:out sales"));
}

}  // namespace
}  // namespace meshdex::lineage
