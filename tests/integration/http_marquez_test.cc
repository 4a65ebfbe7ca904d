// Unit tests of the Marquez-shaped lineage graph (server/http/marquez.h).
#include "gtest/gtest.h"
#include "server/http/marquez.h"

namespace meshdex::http {
namespace {

using Json = nlohmann::ordered_json;

meshdex::v1::LineageNode* AddNode(meshdex::v1::LineageGraph& graph, const std::string& type,
                                  const std::string& ns, const std::string& name) {
  meshdex::v1::LineageNode* node = graph.add_nodes();
  node->set_type(type);
  node->set_namespace_(ns);
  node->set_name(name);
  node->set_id(type + ":" + ns + ":" + name);
  return node;
}

void AddEdge(meshdex::v1::LineageGraph& graph, const std::string& source,
             const std::string& target) {
  meshdex::v1::LineageEdge* edge = graph.add_edges();
  edge->set_source(source);
  edge->set_target(target);
}

// dataset orders -> job etl -> dataset daily (owned by a product).
meshdex::v1::LineageGraph DatasetJobDataset() {
  meshdex::v1::LineageGraph graph;
  AddNode(graph, "dataset", "kafka://broker:9092", "orders");
  AddNode(graph, "job", "airflow", "etl");
  AddNode(graph, "dataset", "s3://lake", "daily")->set_product_urn("urn:dp:sales:daily");
  AddEdge(graph, "dataset:kafka://broker:9092:orders", "job:airflow:etl");
  AddEdge(graph, "job:airflow:etl", "dataset:s3://lake:daily");
  return graph;
}

TEST(MarquezGraphTest, NodesCarryTypeDataAndTheirEdges) {
  const Json result = ToMarquezGraph(DatasetJobDataset());
  ASSERT_TRUE(result.contains("graph"));
  EXPECT_FALSE(result.contains("truncated"));
  const Json& graph = result["graph"];
  ASSERT_EQ(graph.size(), 3u);

  const Json& orders = graph[0];
  EXPECT_EQ(orders["id"], "dataset:kafka://broker:9092:orders");
  EXPECT_EQ(orders["type"], "DATASET");
  EXPECT_EQ(orders["data"]["id"], (Json{{"namespace", "kafka://broker:9092"}, {"name", "orders"}}));
  EXPECT_EQ(orders["data"]["physicalName"], "orders");
  EXPECT_FALSE(orders["data"].contains("productUrn"));
  EXPECT_TRUE(orders["inEdges"].empty());
  EXPECT_EQ(
      orders["outEdges"],
      Json::parse(
          R"([{"origin":"dataset:kafka://broker:9092:orders","destination":"job:airflow:etl"}])"));

  const Json& job = graph[1];
  EXPECT_EQ(job["type"], "JOB");
  EXPECT_EQ(job["data"]["simpleName"], "etl");
  EXPECT_EQ(job["data"]["namespace"], "airflow");
  EXPECT_EQ(job["data"]["inputs"],
            Json::parse(R"([{"namespace":"kafka://broker:9092","name":"orders"}])"));
  EXPECT_EQ(job["data"]["outputs"], Json::parse(R"([{"namespace":"s3://lake","name":"daily"}])"));
  EXPECT_EQ(job["inEdges"].size(), 1u);
  EXPECT_EQ(job["outEdges"].size(), 1u);

  const Json& daily = graph[2];
  EXPECT_EQ(daily["data"]["productUrn"], "urn:dp:sales:daily");
  EXPECT_EQ(daily["inEdges"][0]["origin"], "job:airflow:etl");
  EXPECT_EQ(daily["inEdges"][0]["destination"], "dataset:s3://lake:daily");
  EXPECT_TRUE(daily["outEdges"].empty());
}

TEST(MarquezGraphTest, KeysComeInMarquezOrder) {
  const Json result = ToMarquezGraph(DatasetJobDataset());
  std::vector<std::string> keys;
  for (const auto& [key, value] : result["graph"][0].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "type", "data", "inEdges", "outEdges"}));
}

TEST(MarquezGraphTest, ProductsFieldsAndTruncation) {
  meshdex::v1::LineageGraph graph;
  meshdex::v1::LineageNode* orders = graph.add_nodes();
  orders->set_id("urn:dp:sales:orders");
  orders->set_type("product");
  orders->set_namespace_("sales");
  orders->set_name("orders");
  AddNode(graph, "datasetField", "s3://lake", "daily:amount");
  // An edge to a node cut off by max_nodes is still reported on the node.
  AddEdge(graph, "urn:dp:sales:orders", "urn:dp:finance:invoices");
  graph.set_truncated(true);

  const Json result = ToMarquezGraph(graph);
  EXPECT_EQ(result["truncated"], true);
  EXPECT_EQ(result["graph"][0]["type"], "PRODUCT");
  EXPECT_EQ(result["graph"][0]["data"]["urn"], "urn:dp:sales:orders");
  EXPECT_EQ(result["graph"][0]["outEdges"][0]["destination"], "urn:dp:finance:invoices");
  EXPECT_EQ(result["graph"][1]["type"], "DATASET_FIELD");
}

TEST(MarquezGraphTest, EmptyGraph) {
  EXPECT_EQ(ToMarquezGraph(meshdex::v1::LineageGraph()).dump(), R"({"graph":[]})");
}

}  // namespace
}  // namespace meshdex::http
