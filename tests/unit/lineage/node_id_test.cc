// Node ids: Marquez-style ids whose namespaces (and names) contain ':'
// resolve to the stored dataset or job, with Marquez's split preferred.
#include "server/lineage/node_id.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/lineage_ids.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(ColonSplitsTest, MarquezSplitFirstThenLeftToRight) {
  // The first ':' not followed by "//" or a digit is Marquez's split.
  EXPECT_THAT(storage::ColonSplits("kafka://broker:9092:orders"),
              ElementsAre(Pair("kafka://broker:9092", "orders"), Pair("kafka", "//broker:9092:orders"),
                          Pair("kafka://broker", "9092:orders")));
  EXPECT_THAT(storage::ColonSplits("ns:2020_sales"), ElementsAre(Pair("ns", "2020_sales")));
  EXPECT_THAT(storage::ColonSplits("a:b:c"), ElementsAre(Pair("a", "b:c"), Pair("a:b", "c")));
  EXPECT_THAT(storage::ColonSplits("plain"), ElementsAre());
  EXPECT_THAT(storage::ColonSplits(":x"), ElementsAre());
}

TEST(NodeIdFormatTest, JoinsWithColons) {
  EXPECT_EQ(storage::DatasetNodeId({"kafka://broker:9092", "orders"}),
            "dataset:kafka://broker:9092:orders");
  EXPECT_EQ(storage::JobNodeId({"airflow", "dag.task"}), "job:airflow:dag.task");
  EXPECT_EQ(storage::FieldNodeId({{"s3://b", "a/b"}, "id"}), "datasetField:s3://b:a/b:id");
}

class NodeIdTest : public LineageFixture {
 protected:
  // Stores the datasets (as outputs of one run each).
  void Datasets(const std::vector<Ds>& datasets) {
    int run = 100;
    for (const Ds& dataset : datasets) Ingest(RunEvent("COMPLETE", RunId(++run), "load", {}, {dataset}));
  }

  storage::DatasetKey Dataset(const std::string& id) {
    absl::StatusOr<StartNode> start = ResolveNodeId(*store_, id, "node_id");
    EXPECT_TRUE(start.ok()) << id << ": " << start.status();
    return start.ok() ? start->dataset : storage::DatasetKey();
  }
};

TEST_F(NodeIdTest, NamespacesWithColonsResolve) {
  Datasets({{"kafka://broker:9092", "orders"},
            {"arn:aws:glue:us-east-1:123456789012", "table/sales/orders"},
            {"ns", "2020_sales"},
            {"postgres://db:5432", "shop.public.orders"},
            {"bigquery", "project:dataset.table"}});
  EXPECT_EQ(Dataset("dataset:kafka://broker:9092:orders"), (storage::DatasetKey{"kafka://broker:9092", "orders"}));
  EXPECT_EQ(Dataset("dataset:arn:aws:glue:us-east-1:123456789012:table/sales/orders"),
            (storage::DatasetKey{"arn:aws:glue:us-east-1:123456789012", "table/sales/orders"}));
  // Marquez's split alone would fail here (':' before a digit).
  EXPECT_EQ(Dataset("dataset:ns:2020_sales"), (storage::DatasetKey{"ns", "2020_sales"}));
  EXPECT_EQ(Dataset("dataset:postgres://db:5432:shop.public.orders"),
            (storage::DatasetKey{"postgres://db:5432", "shop.public.orders"}));
  // A name with a colon.
  EXPECT_EQ(Dataset("dataset:bigquery:project:dataset.table"),
            (storage::DatasetKey{"bigquery", "project:dataset.table"}));
}

TEST_F(NodeIdTest, AmbiguousIdsPreferTheMarquezSplit) {
  Datasets({{"a", "b:c"}, {"a:b", "c"}});
  EXPECT_EQ(Dataset("dataset:a:b:c"), (storage::DatasetKey{"a", "b:c"}));
}

TEST_F(NodeIdTest, JobsAndProducts) {
  Ingest(RunEvent("START", RunId(1), "dag:task"));
  absl::StatusOr<StartNode> job = ResolveNodeId(*store_, "job:scheduler:dag:task", "node_id");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->kind, StartNode::Kind::kJob);
  EXPECT_EQ(job->job.name, "dag:task");

  ApplyProduct("sales", "orders", {"orders"});
  absl::StatusOr<StartNode> product = ResolveNodeId(*store_, "urn:dp:sales:orders", "node_id");
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->kind, StartNode::Kind::kProduct);
  EXPECT_EQ(product->product_urn, "urn:dp:sales:orders");
  EXPECT_EQ(ResolveNodeId(*store_, "urn:dp:Sales:x", "node_id").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NodeIdTest, FieldIdsSplitTheFieldAtTheLastColonFirst) {
  Json event = RunEvent("COMPLETE", RunId(1), "j", {{"kafka://broker:9092", "in"}},
                        {{"kafka://broker:9092", "out"}});
  AddColumnLineage(event, 0, "total", {{{"kafka://broker:9092", "in"}, "a:b"}});
  Ingest(event);
  absl::StatusOr<StartNode> field =
      ResolveColumnNodeId(*store_, "datasetField:kafka://broker:9092:out:total", "node_id");
  ASSERT_TRUE(field.ok()) << field.status();
  EXPECT_EQ(field->dataset, (storage::DatasetKey{"kafka://broker:9092", "out"}));
  EXPECT_EQ(field->field, "total");
  // A field name with a colon: the last ':' leaves no known dataset, an
  // earlier one does.
  absl::StatusOr<StartNode> colon =
      ResolveColumnNodeId(*store_, "datasetField:kafka://broker:9092:in:a:b", "node_id");
  ASSERT_TRUE(colon.ok()) << colon.status();
  EXPECT_EQ(colon->dataset.name, "in");
  EXPECT_EQ(colon->field, "a:b");
}

}  // namespace
}  // namespace meshdex::lineage
