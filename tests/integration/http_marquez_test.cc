// Unit tests of the Marquez-shaped lineage graph (server/http/marquez.h).
#include "google/protobuf/text_format.h"
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
  const Json result = ToMarquezGraph(DatasetJobDataset(), {});
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

template <typename Message>
Message FromText(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

// The records the store would hold for DatasetJobDataset's nodes.
MarquezNodeRecords StoredRecords() {
  MarquezNodeRecords records;
  records.datasets.emplace("dataset:s3://lake:daily", FromText<meshdex::v1::LineageDataset>(R"pb(
                             namespace: "s3://lake"
                             name: "daily"
                             first_seen { seconds: 1764064800 }
                             last_seen { seconds: 1764151200 }
                             produced_time { seconds: 1764151200 nanos: 500000000 }
                             fields { name: "id" type: "BIGINT" description: "order id" }
                             fields { name: "note" }
                             description: "Daily orders")pb"));
  records.jobs.emplace(
      "job:airflow:etl", FromText<meshdex::v1::LineageJob>(R"pb(
        namespace: "airflow"
        name: "etl"
        first_seen { seconds: 1764064800 }
        last_seen { seconds: 1764151200 }
        facets_json: '{"jobType":{"processingType":"STREAMING","integration":"FLINK"}}'
        latest_run_id: "run-2")pb"));
  records.latest_runs.emplace("job:airflow:etl", FromText<meshdex::v1::RunRecord>(R"pb(
                                run {
                                  run_id: "run-2"
                                  state: "FAIL"
                                  start_time { seconds: 1764151000 }
                                  end_time { seconds: 1764151200 nanos: 250000000 }
                                }
                                first_event_time { seconds: 1764151000 }
                                last_event_time { seconds: 1764151200 })pb"));
  return records;
}

TEST(MarquezGraphTest, StoredRecordsFillMarquezNodeData) {
  const Json graph = ToMarquezGraph(DatasetJobDataset(), StoredRecords())["graph"];
  ASSERT_EQ(graph.size(), 3u);

  const Json& daily = graph[2]["data"];
  EXPECT_EQ(daily["type"], "DB_TABLE");
  EXPECT_EQ(daily["createdAt"], "2025-11-25T10:00:00Z");
  EXPECT_EQ(daily["updatedAt"], "2025-11-26T10:00:00Z");
  EXPECT_EQ(daily["lastModifiedAt"], "2025-11-26T10:00:00.500Z");
  EXPECT_EQ(daily["sourceName"], "s3://lake");
  EXPECT_EQ(daily["description"], "Daily orders");
  EXPECT_EQ(daily["tags"], Json::array());
  EXPECT_EQ(daily["fields"], Json::parse(R"([
      {"name": "id", "type": "BIGINT", "tags": [], "description": "order id"},
      {"name": "note", "type": null, "tags": [], "description": null}])"));
  EXPECT_EQ(daily["productUrn"], "urn:dp:sales:daily");
  std::vector<std::string> keys;
  for (const auto& [key, value] : daily.items()) keys.push_back(key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"id", "type", "name", "physicalName", "createdAt",
                                      "updatedAt", "namespace", "sourceName", "fields", "tags",
                                      "lastModifiedAt", "description", "productUrn"}));

  const Json& etl = graph[1]["data"];
  EXPECT_EQ(etl["type"], "STREAM");
  EXPECT_EQ(etl["createdAt"], "2025-11-25T10:00:00Z");
  EXPECT_EQ(etl["description"], nullptr);
  EXPECT_EQ(etl["inputs"], Json::parse(R"([{"namespace":"kafka://broker:9092","name":"orders"}])"));
  EXPECT_EQ(etl["latestRun"], Json::parse(R"({
      "id": "run-2", "createdAt": "2025-11-26T09:56:40Z", "updatedAt": "2025-11-26T10:00:00Z",
      "state": "FAILED", "startedAt": "2025-11-26T09:56:40Z",
      "endedAt": "2025-11-26T10:00:00.250Z", "durationMs": 200250})"));

  // A dataset without a stored record keeps the graph's keys only.
  const Json& orders = graph[0]["data"];
  EXPECT_FALSE(orders.contains("fields"));
  EXPECT_FALSE(orders.contains("type"));
  EXPECT_EQ(orders["physicalName"], "orders");
}

TEST(MarquezGraphTest, AJobWithoutTypeFacetIsBatchAndWithoutRunHasNullLatestRun) {
  MarquezNodeRecords records = StoredRecords();
  records.jobs["job:airflow:etl"].set_facets_json("{}");
  records.latest_runs.clear();
  const Json etl = ToMarquezGraph(DatasetJobDataset(), records)["graph"][1]["data"];
  EXPECT_EQ(etl["type"], "BATCH");
  EXPECT_EQ(etl["latestRun"], nullptr);
}

TEST(MarquezGraphTest, KeysComeInMarquezOrder) {
  const Json result = ToMarquezGraph(DatasetJobDataset(), {});
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

  const Json result = ToMarquezGraph(graph, {});
  EXPECT_EQ(result["truncated"], true);
  EXPECT_EQ(result["graph"][0]["type"], "PRODUCT");
  EXPECT_EQ(result["graph"][0]["data"]["urn"], "urn:dp:sales:orders");
  EXPECT_EQ(result["graph"][0]["outEdges"][0]["destination"], "urn:dp:finance:invoices");
  EXPECT_EQ(result["graph"][1]["type"], "DATASET_FIELD");
}

TEST(MarquezGraphTest, EmptyGraph) {
  EXPECT_EQ(ToMarquezGraph(meshdex::v1::LineageGraph(), {}).dump(), R"({"graph":[]})");
}

}  // namespace
}  // namespace meshdex::http
