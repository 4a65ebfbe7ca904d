// Graph queries: depth bounds, directions, cycles, diamonds, max_nodes,
// product-level collapse and column lineage, over ingested events.
#include "server/lineage/graph.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Request = meshdex::v1::GetLineageRequest;

constexpr char kA[] = "dataset:kafka://broker:9092:a";
constexpr char kB[] = "dataset:kafka://broker:9092:b";
constexpr char kC[] = "dataset:kafka://broker:9092:c";
constexpr char kD[] = "dataset:kafka://broker:9092:d";
constexpr char kJ1[] = "job:scheduler:j1";
constexpr char kJ2[] = "job:scheduler:j2";
constexpr char kJ3[] = "job:scheduler:j3";

// Every walk twice: through the in-memory graph (by its ids) and through
// RocksDB; the answers must be the same.
class GraphTest : public LineageFixture, public ::testing::WithParamInterface<bool> {
 protected:
  GraphTest() : LineageFixture(/*lineage_graph_in_memory=*/GetParam()) {}

  // a -> j1 -> b -> j2 -> c -> j3 -> d
  void Chain() {
    Ingest(RunEvent("COMPLETE", RunId(1), "j1", {Topic("a")}, {Topic("b")}));
    Ingest(RunEvent("COMPLETE", RunId(2), "j2", {Topic("b")}, {Topic("c")}));
    Ingest(RunEvent("COMPLETE", RunId(3), "j3", {Topic("c")}, {Topic("d")}));
  }
};

TEST_P(GraphTest, DepthCountsEdgesBothKinds) {
  Chain();
  EXPECT_THAT(NodeIds(Graph(kA, Request::DOWNSTREAM, 1)), ElementsAre(kA, kJ1));
  EXPECT_THAT(NodeIds(Graph(kA, Request::DOWNSTREAM, 2)), ElementsAre(kA, kB, kJ1));
  EXPECT_THAT(EdgeList(Graph(kA, Request::DOWNSTREAM, 2)),
              ElementsAre(absl::StrCat(kA, " -> ", kJ1), absl::StrCat(kJ1, " -> ", kB)));
  // Default depth (10) reaches everything.
  const meshdex::v1::LineageGraph all = Graph(kA, Request::DOWNSTREAM);
  EXPECT_EQ(all.nodes_size(), 7);
  EXPECT_EQ(all.edges_size(), 6);
  EXPECT_FALSE(all.truncated());
  EXPECT_THAT(NodeIds(Graph(kD, Request::UPSTREAM, 2)), ElementsAre(kC, kD, kJ3));
  // Edges point the way data flows whichever way the walk goes.
  EXPECT_THAT(EdgeList(Graph(kD, Request::UPSTREAM, 1)), ElementsAre(absl::StrCat(kJ3, " -> ", kD)));
}

TEST_P(GraphTest, BothIsAncestorsAndDescendants) {
  Chain();
  // A sibling reader of b: downstream of b, and not reached from c upstream.
  Ingest(RunEvent("COMPLETE", RunId(4), "side", {Topic("b")}, {Topic("side")}));
  EXPECT_THAT(NodeIds(Graph(kB, Request::BOTH, 2)),
              ElementsAre(kA, kB, kC, "dataset:kafka://broker:9092:side", kJ1, kJ2,
                          "job:scheduler:side"));
  EXPECT_THAT(NodeIds(Graph(kC, Request::UPSTREAM)), ElementsAre(kA, kB, kC, kJ1, kJ2));
  // Unspecified direction is BOTH.
  EXPECT_EQ(NodeIds(Graph(kB, Request::DIRECTION_UNSPECIFIED, 2)),
            NodeIds(Graph(kB, Request::BOTH, 2)));
}

TEST_P(GraphTest, StartingFromAJob) {
  Chain();
  EXPECT_THAT(NodeIds(Graph(kJ2, Request::BOTH, 1)), ElementsAre(kB, kC, kJ2));
}

TEST_P(GraphTest, CyclesEnd) {
  Ingest(RunEvent("COMPLETE", RunId(1), "forward", {Topic("x")}, {Topic("y")}));
  Ingest(RunEvent("COMPLETE", RunId(2), "back", {Topic("y")}, {Topic("x")}));
  for (Request::Direction direction : {Request::DOWNSTREAM, Request::UPSTREAM, Request::BOTH}) {
    const meshdex::v1::LineageGraph graph = Graph("dataset:kafka://broker:9092:x", direction, 50);
    EXPECT_EQ(graph.nodes_size(), 4);
    EXPECT_EQ(graph.edges_size(), 4);
  }
}

TEST_P(GraphTest, DiamondsMeetOnce) {
  Ingest(RunEvent("COMPLETE", RunId(1), "split", {Topic("s")}, {Topic("l"), Topic("r")}));
  Ingest(RunEvent("COMPLETE", RunId(2), "left", {Topic("l")}, {Topic("t")}));
  Ingest(RunEvent("COMPLETE", RunId(3), "right", {Topic("r")}, {Topic("t")}));
  const meshdex::v1::LineageGraph graph = Graph("dataset:kafka://broker:9092:s", Request::DOWNSTREAM);
  EXPECT_EQ(graph.nodes_size(), 7);
  EXPECT_EQ(graph.edges_size(), 7);
  int into_t = 0;
  for (const meshdex::v1::LineageEdge& edge : graph.edges()) {
    into_t += edge.target() == "dataset:kafka://broker:9092:t";
  }
  EXPECT_EQ(into_t, 2);
}

TEST_P(GraphTest, MaxNodesBoundsTheAnswerAndSaysSo) {
  std::vector<Ds> outputs;
  for (int i = 0; i < 20; ++i) outputs.push_back(Topic(absl::StrCat("out", i)));
  Ingest(RunEvent("COMPLETE", RunId(1), "fan", {Topic("src")}, outputs));
  const meshdex::v1::LineageGraph bounded =
      Graph("dataset:kafka://broker:9092:src", Request::DOWNSTREAM, 0, Request::DATASET, 5);
  EXPECT_EQ(bounded.nodes_size(), 5);
  EXPECT_TRUE(bounded.truncated());
  // Nearest first: the source and the job are kept.
  EXPECT_EQ(bounded.nodes(0).id(), "dataset:kafka://broker:9092:src");
  EXPECT_EQ(bounded.nodes(1).id(), "job:scheduler:fan");
  // Edges only join nodes that are in the answer.
  const std::vector<std::string> kept = NodeIds(bounded);
  for (const meshdex::v1::LineageEdge& edge : bounded.edges()) {
    EXPECT_TRUE(std::binary_search(kept.begin(), kept.end(), edge.source())) << edge.source();
    EXPECT_TRUE(std::binary_search(kept.begin(), kept.end(), edge.target())) << edge.target();
  }
  const meshdex::v1::LineageGraph whole = Graph("dataset:kafka://broker:9092:src", Request::DOWNSTREAM);
  EXPECT_EQ(whole.nodes_size(), 22);
  EXPECT_FALSE(whole.truncated());
}

TEST_P(GraphTest, DepthIsCappedAndValidated) {
  for (int i = 0; i < 30; ++i) {
    Ingest(RunEvent("COMPLETE", RunId(i + 1), absl::StrCat("step", i), {Topic(absl::StrCat("t", i))},
                    {Topic(absl::StrCat("t", i + 1))}));
  }
  // 60 edges; depth is capped at kMaxDepth (50) edges: 51 nodes.
  EXPECT_EQ(Graph("dataset:kafka://broker:9092:t0", Request::DOWNSTREAM, 1000).nodes_size(),
            kMaxDepth + 1);
  Request request;
  request.set_node_id("dataset:kafka://broker:9092:t0");
  request.set_depth(-1);
  EXPECT_EQ(lineage_->GetLineage(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_depth(1);
  request.set_max_nodes(-5);
  EXPECT_EQ(lineage_->GetLineage(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(GraphTest, UnknownAndMalformedNodeIds) {
  Chain();
  Request request;
  request.set_node_id("dataset:kafka://broker:9092:nope");
  EXPECT_EQ(lineage_->GetLineage(request).status().code(), absl::StatusCode::kNotFound);
  request.set_node_id("table:x:y");
  EXPECT_EQ(lineage_->GetLineage(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_node_id("");
  EXPECT_EQ(lineage_->GetLineage(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_node_id("urn:dp:sales:missing");
  EXPECT_EQ(lineage_->GetLineage(request).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(GraphTest, NodesCarryIdentityAndOwner) {
  Chain();
  ApplyProduct("sales", "orders", {"b"});
  const meshdex::v1::LineageGraph graph = Graph(kA, Request::DOWNSTREAM, 2);
  ASSERT_EQ(graph.nodes_size(), 3);
  const meshdex::v1::LineageNode& b = graph.nodes(2);
  EXPECT_EQ(b.id(), kB);
  EXPECT_EQ(b.type(), "dataset");
  EXPECT_EQ(b.namespace_(), "kafka://broker:9092");
  EXPECT_EQ(b.name(), "b");
  EXPECT_EQ(b.product_urn(), "urn:dp:sales:orders");
  EXPECT_EQ(graph.nodes(1).type(), "job");
  EXPECT_EQ(graph.nodes(0).product_urn(), "");
}

TEST_P(GraphTest, ProductLevelCollapsesOwnedDatasetsThroughRealRunsOnly) {
  // a (P) -> j1 -> b (unowned) -> j2 -> c (Q) -> j3 -> d (R); P also owns a2,
  // written from a by a job inside P.
  Chain();
  Ingest(RunEvent("COMPLETE", RunId(10), "inside", {Topic("a")}, {Topic("a2")}));
  ApplyProduct("sales", "p", {"a", "a2"});
  ApplyProduct("sales", "q", {"c"});
  ApplyProduct("finance", "r", {"d"});
  // S declares a as an input port but no run reads it: not downstream of P.
  {
    meshdex::v1::ApplyProductRequest request;
    meshdex::v1::DataProduct& product = *request.mutable_product();
    product.mutable_metadata()->set_domain("finance");
    product.mutable_metadata()->set_name("s");
    product.mutable_spec()->set_version("1.0.0");
    meshdex::v1::Port* input = product.mutable_spec()->add_input_ports();
    input->set_name("a");
    input->set_kind("kafka");
    input->set_address("kafka://broker:9092/a");
    ASSERT_TRUE(catalog_->ApplyProduct(request).ok());
  }

  const meshdex::v1::LineageGraph down =
      Graph("urn:dp:sales:p", Request::DOWNSTREAM, 0, Request::PRODUCT);
  EXPECT_THAT(NodeIds(down), ElementsAre(kB, "urn:dp:finance:r", "urn:dp:sales:p", "urn:dp:sales:q"));
  EXPECT_THAT(EdgeList(down), ElementsAre(absl::StrCat(kB, " -> urn:dp:sales:q"),
                                          absl::StrCat("urn:dp:sales:p -> ", kB),
                                          "urn:dp:sales:q -> urn:dp:finance:r"));
  for (const meshdex::v1::LineageNode& node : down.nodes()) {
    if (node.id() == "urn:dp:sales:q") {
      EXPECT_EQ(node.type(), "product");
      EXPECT_EQ(node.namespace_(), "sales");
      EXPECT_EQ(node.name(), "q");
      EXPECT_EQ(node.product_urn(), "urn:dp:sales:q");
    }
  }
  // Depth counts product-level edges.
  EXPECT_THAT(NodeIds(Graph("urn:dp:sales:p", Request::DOWNSTREAM, 1, Request::PRODUCT)),
              ElementsAre(kB, "urn:dp:sales:p"));
  // Upstream from R, starting at a dataset it owns.
  EXPECT_THAT(NodeIds(Graph(kD, Request::UPSTREAM, 0, Request::PRODUCT)),
              ElementsAre(kB, "urn:dp:finance:r", "urn:dp:sales:p", "urn:dp:sales:q"));
  // From a job: the job is the root.
  EXPECT_THAT(EdgeList(Graph(kJ2, Request::BOTH, 1, Request::PRODUCT)),
              ElementsAre(absl::StrCat(kB, " -> ", kJ2), absl::StrCat(kJ2, " -> urn:dp:sales:q")));
  // A product without lineage is a lone node.
  EXPECT_THAT(NodeIds(Graph("urn:dp:finance:s", Request::BOTH, 0, Request::PRODUCT)),
              ElementsAre("urn:dp:finance:s"));
}

TEST_P(GraphTest, ProductUrnAtDatasetLevelStartsFromItsDatasets) {
  Chain();
  ApplyProduct("sales", "q", {"c"});
  EXPECT_THAT(NodeIds(Graph("urn:dp:sales:q", Request::DOWNSTREAM)), ElementsAre(kC, kD, kJ3));
  ApplyProduct("sales", "empty", {"never-written"});
  EXPECT_THAT(NodeIds(Graph("urn:dp:sales:empty", Request::BOTH)), IsEmpty());
}

TEST_P(GraphTest, ProductCollapseFollowsNormalisedAddresses) {
  // The producer spells the namespace differently from the port address.
  Ingest(RunEvent("COMPLETE", RunId(1), "load", {{"kafka://Broker", "in"}}, {{"kafka://BROKER:9092", "out"}}));
  ApplyProduct("sales", "in", {"in"});
  ApplyProduct("sales", "out", {"out"});
  EXPECT_THAT(EdgeList(Graph("urn:dp:sales:in", Request::DOWNSTREAM, 0, Request::PRODUCT)),
              ElementsAre("urn:dp:sales:in -> urn:dp:sales:out"));
}

INSTANTIATE_TEST_SUITE_P(InMemoryAndRocksDb, GraphTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "InMemory" : "RocksDb";
                         });

class ColumnLineageTest : public LineageFixture {
 protected:
  meshdex::v1::LineageGraph Columns(const std::string& node_id, Request::Direction direction,
                                    int depth = 0) {
    meshdex::v1::GetColumnLineageRequest request;
    request.set_node_id(node_id);
    request.set_direction(direction);
    request.set_depth(depth);
    absl::StatusOr<meshdex::v1::LineageGraph> graph = lineage_->GetColumnLineage(request);
    EXPECT_TRUE(graph.ok()) << graph.status();
    return graph.ok() ? *graph : meshdex::v1::LineageGraph();
  }

  void SetUp() override {
    // a.x -> b.y -> c.z, a.v -> b.w
    Json first = RunEvent("COMPLETE", RunId(1), "j1", {Topic("a")}, {Topic("b")});
    AddColumnLineage(first, 0, "y", {{Topic("a"), "x"}});
    first["outputs"][0]["facets"]["columnLineage"]["fields"]["w"]["inputFields"] =
        Json::array({{{"namespace", "kafka://broker:9092"}, {"name", "a"}, {"field", "v"}}});
    Ingest(first);
    Json second = RunEvent("COMPLETE", RunId(2), "j2", {Topic("b")}, {Topic("c")});
    AddColumnLineage(second, 0, "z", {{Topic("b"), "y"}});
    Ingest(second);
  }
};

TEST_F(ColumnLineageTest, TransitiveBothWays) {
  EXPECT_THAT(NodeIds(Columns("datasetField:kafka://broker:9092:c:z", Request::UPSTREAM)),
              ElementsAre("datasetField:kafka://broker:9092:a:x", "datasetField:kafka://broker:9092:b:y",
                          "datasetField:kafka://broker:9092:c:z"));
  EXPECT_THAT(NodeIds(Columns("datasetField:kafka://broker:9092:a:x", Request::DOWNSTREAM)),
              ElementsAre("datasetField:kafka://broker:9092:a:x", "datasetField:kafka://broker:9092:b:y",
                          "datasetField:kafka://broker:9092:c:z"));
  EXPECT_THAT(EdgeList(Columns("datasetField:kafka://broker:9092:a:x", Request::DOWNSTREAM, 1)),
              ElementsAre("datasetField:kafka://broker:9092:a:x -> datasetField:kafka://broker:9092:b:y"));
  const meshdex::v1::LineageGraph graph = Columns("datasetField:kafka://broker:9092:c:z", Request::UPSTREAM, 1);
  const meshdex::v1::LineageNode& y = graph.nodes(1);
  EXPECT_EQ(y.type(), "datasetField");
  EXPECT_EQ(y.namespace_(), "kafka://broker:9092");
  EXPECT_EQ(y.dataset(), "b");
  EXPECT_EQ(y.name(), "y");
}

TEST_F(ColumnLineageTest, DatasetIdStandsForAllItsFields) {
  EXPECT_THAT(NodeIds(Columns("dataset:kafka://broker:9092:b", Request::BOTH)),
              ElementsAre("datasetField:kafka://broker:9092:a:v", "datasetField:kafka://broker:9092:a:x",
                          "datasetField:kafka://broker:9092:b:w", "datasetField:kafka://broker:9092:b:y",
                          "datasetField:kafka://broker:9092:c:z"));
}

TEST_F(ColumnLineageTest, FieldWithoutEdgesIsALoneNodeAndUnknownDatasetNotFound) {
  EXPECT_THAT(NodeIds(Columns("datasetField:kafka://broker:9092:c:other", Request::BOTH)),
              ElementsAre("datasetField:kafka://broker:9092:c:other"));
  meshdex::v1::GetColumnLineageRequest request;
  request.set_node_id("datasetField:kafka://broker:9092:nope:x");
  EXPECT_EQ(lineage_->GetColumnLineage(request).status().code(), absl::StatusCode::kNotFound);
  request.set_node_id("job:scheduler:j1");
  EXPECT_EQ(lineage_->GetColumnLineage(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meshdex::lineage
