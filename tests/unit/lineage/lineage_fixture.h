// LineageFixture: a real store in a temporary directory with the lineage
// core and the catalog over it (the catalog filling trust like meshdexd), a
// controllable clock, and builders of OpenLineage events. For tests only.
#ifndef MESHDEX_TESTS_UNIT_LINEAGE_LINEAGE_FIXTURE_H_
#define MESHDEX_TESTS_UNIT_LINEAGE_LINEAGE_FIXTURE_H_

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "meshdex/v1/catalog.pb.h"
#include "nlohmann/json.hpp"
#include "server/catalog/catalog.h"
#include "server/lineage/lineage.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::lineage {

using Json = nlohmann::json;

// A dataset as events name it.
struct Ds {
  std::string ns;
  std::string name;
};

// A distinct, valid run id per number.
inline std::string RunId(int n) { return absl::StrFormat("00000000-0000-4000-8000-%012d", n); }

// "2024-05-01T10:00:00Z" plus `minutes`.
inline std::string At(int minutes) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromCivil(absl::CivilMinute(2024, 5, 1, 10, 0), absl::UTCTimeZone()) +
                              absl::Minutes(minutes),
                          absl::UTCTimeZone());
}

inline Json DatasetJson(const Ds& dataset) {
  return Json{{"namespace", dataset.ns}, {"name", dataset.name}};
}

// A RunEvent of job scheduler:<job> reading `inputs` and writing `outputs`.
inline Json RunEvent(const std::string& type, const std::string& run_id, const std::string& job,
                     const std::vector<Ds>& inputs = {}, const std::vector<Ds>& outputs = {},
                     const std::string& time = At(0)) {
  Json event = {{"eventType", type},
                {"eventTime", time},
                {"producer", "https://example.com/producer"},
                {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
                {"run", {{"runId", run_id}}},
                {"job", {{"namespace", "scheduler"}, {"name", job}}},
                {"inputs", Json::array()},
                {"outputs", Json::array()}};
  for (const Ds& input : inputs) event["inputs"].push_back(DatasetJson(input));
  for (const Ds& output : outputs) event["outputs"].push_back(DatasetJson(output));
  return event;
}

// Declares on `event`'s output `output_index` that its `field` comes from
// the `inputs` fields.
inline void AddColumnLineage(Json& event, size_t output_index, const std::string& field,
                             const std::vector<std::pair<Ds, std::string>>& inputs) {
  Json& facet = event["outputs"][output_index]["facets"]["columnLineage"];
  facet["_producer"] = "https://example.com/producer";
  facet["_schemaURL"] = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json";
  Json list = Json::array();
  for (const auto& [dataset, input_field] : inputs) {
    list.push_back({{"namespace", dataset.ns}, {"name", dataset.name}, {"field", input_field}});
  }
  facet["fields"][field]["inputFields"] = list;
}

class LineageFixture : public ::testing::Test {
 protected:
  // With `lineage_graph_in_memory`, walks go through the in-memory graph
  // (loaded before the test starts); without, through RocksDB.
  explicit LineageFixture(bool lineage_graph_in_memory = true) {
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(
        {.path = dir_.Sub("store"),
         .sync_writes = false,
         .lineage_graph_in_memory = lineage_graph_in_memory});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    if (lineage_graph_in_memory) {
      EXPECT_TRUE(store_->AwaitLineageGraphInMemory(absl::Now() + absl::Seconds(30)));
    }
    Lineage::Options options;
    options.clock = [this] { return now_; };
    options.max_batch_events = 4;
    lineage_ = std::make_unique<Lineage>(*store_, options);
    catalog::Catalog::Options catalog_options;
    catalog_options.fill_status = [this](meshdex::v1::DataProduct& product) {
      return lineage_->FillTrust(product);
    };
    catalog_ = std::make_unique<catalog::Catalog>(*store_, catalog_options);
  }

  // Ingests one event, expecting success; returns the response.
  meshdex::v1::IngestEventResponse Ingest(const Json& event) {
    meshdex::v1::IngestEventRequest request;
    request.set_event_json(event.dump());
    absl::StatusOr<meshdex::v1::IngestEventResponse> response = lineage_->IngestEvent(request);
    EXPECT_TRUE(response.ok()) << response.status() << "\n" << event.dump();
    return response.ok() ? *response : meshdex::v1::IngestEventResponse();
  }

  absl::Status TryIngest(const std::string& text) {
    meshdex::v1::IngestEventRequest request;
    request.set_event_json(text);
    return lineage_->IngestEvent(request).status();
  }

  // A product of `domain`/`name` whose output port `events` is the Kafka
  // topic `topic` (dataset kafka://broker:9092, topic), freshness SLO
  // `freshness_seconds` (0 = none).
  meshdex::v1::DataProduct ApplyProduct(const std::string& domain, const std::string& name,
                                        const std::vector<std::string>& topics,
                                        int64_t freshness_seconds = 0) {
    meshdex::v1::ApplyProductRequest request;
    meshdex::v1::DataProduct& product = *request.mutable_product();
    product.mutable_metadata()->set_domain(domain);
    product.mutable_metadata()->set_name(name);
    product.mutable_spec()->set_version("1.0.0");
    product.mutable_spec()->set_title(name);
    for (const std::string& topic : topics) {
      meshdex::v1::Port* port = product.mutable_spec()->add_output_ports();
      port->set_name(absl::StrFormat("port-%s", topic));
      port->set_kind("kafka");
      port->set_address("kafka://broker:9092/" + topic);
      if (freshness_seconds > 0) port->mutable_slo()->set_freshness_seconds(freshness_seconds);
    }
    absl::StatusOr<meshdex::v1::ApplyProductResponse> response = catalog_->ApplyProduct(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->product() : meshdex::v1::DataProduct();
  }

  static Ds Topic(const std::string& topic) { return {"kafka://broker:9092", topic}; }

  meshdex::v1::LineageGraph Graph(const std::string& node_id,
                                  meshdex::v1::GetLineageRequest::Direction direction,
                                  int depth = 0,
                                  meshdex::v1::GetLineageRequest::Level level =
                                      meshdex::v1::GetLineageRequest::DATASET,
                                  int max_nodes = 0) {
    meshdex::v1::GetLineageRequest request;
    request.set_node_id(node_id);
    request.set_direction(direction);
    request.set_depth(depth);
    request.set_level(level);
    request.set_max_nodes(max_nodes);
    absl::StatusOr<meshdex::v1::LineageGraph> graph = lineage_->GetLineage(request);
    EXPECT_TRUE(graph.ok()) << graph.status();
    return graph.ok() ? *graph : meshdex::v1::LineageGraph();
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  absl::Time now_ = absl::FromCivil(absl::CivilMinute(2024, 5, 1, 12, 0), absl::UTCTimeZone());
  std::unique_ptr<Lineage> lineage_;
  std::unique_ptr<catalog::Catalog> catalog_;
};

// Node ids of a graph, sorted.
inline std::vector<std::string> NodeIds(const meshdex::v1::LineageGraph& graph) {
  std::vector<std::string> ids;
  for (const meshdex::v1::LineageNode& node : graph.nodes()) ids.push_back(node.id());
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Edges of a graph as "source -> target", sorted.
inline std::vector<std::string> EdgeList(const meshdex::v1::LineageGraph& graph) {
  std::vector<std::string> edges;
  for (const meshdex::v1::LineageEdge& edge : graph.edges()) {
    edges.push_back(edge.source() + " -> " + edge.target());
  }
  std::sort(edges.begin(), edges.end());
  return edges;
}

}  // namespace meshdex::lineage

#endif  // MESHDEX_TESTS_UNIT_LINEAGE_LINEAGE_FIXTURE_H_
