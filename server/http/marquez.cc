#include "server/http/marquez.h"

#include <cctype>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/util/time_util.h"

namespace meshdex::http {
namespace {

using google::protobuf::util::TimeUtil;
using Json = nlohmann::ordered_json;
using meshdex::v1::LineageDataset;
using meshdex::v1::LineageEdge;
using meshdex::v1::LineageJob;
using meshdex::v1::LineageNode;
using meshdex::v1::RunRecord;

std::string MarquezType(const std::string& type) {
  if (type == "dataset") return "DATASET";
  if (type == "job") return "JOB";
  if (type == "datasetField") return "DATASET_FIELD";
  if (type == "product") return "PRODUCT";
  // Types added later pass through upper-cased.
  std::string upper = type;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

Json NodeRef(const LineageNode& node) {
  return Json{{"namespace", node.namespace_()}, {"name", node.name()}};
}

// RFC 3339 UTC, or null when the record lacks the time.
Json TimeOrNull(bool present, const google::protobuf::Timestamp& time) {
  return present ? Json(TimeUtil::ToString(time)) : Json(nullptr);
}

Json TextOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

// Marquez's run states from OpenLineage's event types (meshdex keeps the
// deciding event's type as the run's state).
std::string MarquezRunState(const std::string& state) {
  if (state == "START" || state == "RUNNING") return "RUNNING";
  if (state == "COMPLETE") return "COMPLETED";
  if (state == "ABORT") return "ABORTED";
  if (state == "FAIL") return "FAILED";
  return "NEW";
}

Json MarquezRun(const RunRecord& record) {
  const meshdex::v1::Run& run = record.run();
  Json json = {{"id", run.run_id()},
               {"createdAt", TimeOrNull(record.has_first_event_time(), record.first_event_time())},
               {"updatedAt", TimeOrNull(record.has_last_event_time(), record.last_event_time())},
               {"state", MarquezRunState(run.state())},
               {"startedAt", TimeOrNull(run.has_start_time(), run.start_time())},
               {"endedAt", TimeOrNull(run.has_end_time(), run.end_time())},
               {"durationMs", nullptr}};
  if (run.has_start_time() && run.has_end_time()) {
    json["durationMs"] = TimeUtil::TimestampToMilliseconds(run.end_time()) -
                         TimeUtil::TimestampToMilliseconds(run.start_time());
  }
  return json;
}

// STREAM when the job's OpenLineage jobType facet says STREAMING, else
// BATCH (Marquez's default).
std::string MarquezJobType(const LineageJob& job) {
  const Json facets = Json::parse(job.facets_json(), nullptr, /*allow_exceptions=*/false);
  if (!facets.is_object()) return "BATCH";
  auto job_type = facets.find("jobType");
  if (job_type == facets.end() || !job_type->is_object()) return "BATCH";
  auto processing = job_type->find("processingType");
  if (processing != job_type->end() && *processing == "STREAMING") return "STREAM";
  return "BATCH";
}

// createdAt/updatedAt: the first and last event naming a dataset or job.
template <typename Record>
void AddSeenTimes(const Record& record, Json& data) {
  data["createdAt"] = TimeOrNull(record.has_first_seen(), record.first_seen());
  data["updatedAt"] = TimeOrNull(record.has_last_seen(), record.last_seen());
}

// Marquez's DatasetData: the graph's keys, in Marquez's order, with the
// stored record's when there is one.
Json DatasetData(const LineageNode& node, const LineageDataset* record) {
  Json data = {{"id", NodeRef(node)}};
  if (record != nullptr) data["type"] = "DB_TABLE";
  data["name"] = node.name();
  data["physicalName"] = node.name();
  if (record != nullptr) AddSeenTimes(*record, data);
  data["namespace"] = node.namespace_();
  if (record != nullptr) {
    data["sourceName"] = node.namespace_();
    Json fields = Json::array();
    for (const meshdex::v1::DatasetField& field : record->fields()) {
      fields.push_back(Json{{"name", field.name()},
                            {"type", TextOrNull(field.type())},
                            {"tags", Json::array()},
                            {"description", TextOrNull(field.description())}});
    }
    data["fields"] = std::move(fields);
    data["tags"] = Json::array();
    data["lastModifiedAt"] = TimeOrNull(record->has_produced_time(), record->produced_time());
    data["description"] = TextOrNull(record->description());
  }
  if (!node.product_urn().empty()) data["productUrn"] = node.product_urn();
  return data;
}

// Marquez's JobData, likewise; `inputs`/`outputs` come from the graph.
Json JobData(const LineageNode& node, const LineageJob* record, const RunRecord* latest_run,
             Json inputs, Json outputs) {
  Json data = {{"id", NodeRef(node)}};
  if (record != nullptr) data["type"] = MarquezJobType(*record);
  data["name"] = node.name();
  data["simpleName"] = node.name();
  if (record != nullptr) AddSeenTimes(*record, data);
  data["namespace"] = node.namespace_();
  data["inputs"] = std::move(inputs);
  data["outputs"] = std::move(outputs);
  if (record != nullptr) {
    data["description"] = TextOrNull(record->description());
    data["latestRun"] = latest_run != nullptr ? MarquezRun(*latest_run) : Json(nullptr);
  }
  return data;
}

template <typename Record>
const Record* Find(const absl::flat_hash_map<std::string, Record>& records, const std::string& id) {
  auto found = records.find(id);
  return found == records.end() ? nullptr : &found->second;
}

}  // namespace

Json ToMarquezGraph(const meshdex::v1::LineageGraph& graph, const MarquezNodeRecords& records) {
  absl::flat_hash_map<std::string, const LineageNode*> nodes_by_id;
  for (const LineageNode& node : graph.nodes()) nodes_by_id[node.id()] = &node;
  // Edges touching each node, in graph.edges order.
  absl::flat_hash_map<std::string, std::vector<const LineageEdge*>> edges_in, edges_out;
  for (const LineageEdge& edge : graph.edges()) {
    edges_in[edge.target()].push_back(&edge);
    edges_out[edge.source()].push_back(&edge);
  }
  // The datasets at the other ends of `edges` (for a job's inputs/outputs).
  auto datasets_at = [&nodes_by_id](const std::vector<const LineageEdge*>& edges, bool sources) {
    Json datasets = Json::array();
    for (const LineageEdge* edge : edges) {
      auto other = nodes_by_id.find(sources ? edge->source() : edge->target());
      if (other != nodes_by_id.end() && other->second->type() == "dataset") {
        datasets.push_back(NodeRef(*other->second));
      }
    }
    return datasets;
  };
  auto marquez_edges = [](const std::vector<const LineageEdge*>& edges) {
    Json list = Json::array();
    for (const LineageEdge* edge : edges) {
      list.push_back(Json{{"origin", edge->source()}, {"destination", edge->target()}});
    }
    return list;
  };

  const std::vector<const LineageEdge*> no_edges;
  Json nodes = Json::array();
  for (const LineageNode& node : graph.nodes()) {
    auto in = edges_in.find(node.id());
    auto out = edges_out.find(node.id());
    const auto& incoming = in == edges_in.end() ? no_edges : in->second;
    const auto& outgoing = out == edges_out.end() ? no_edges : out->second;

    Json data;
    if (node.type() == "dataset") {
      data = DatasetData(node, Find(records.datasets, node.id()));
    } else if (node.type() == "job") {
      data = JobData(node, Find(records.jobs, node.id()), Find(records.latest_runs, node.id()),
                     datasets_at(incoming, /*sources=*/true),
                     datasets_at(outgoing, /*sources=*/false));
    } else {
      data = {{"id", NodeRef(node)}, {"namespace", node.namespace_()}, {"name", node.name()}};
      if (node.type() == "product") {
        data["urn"] = node.product_urn().empty() ? node.id() : node.product_urn();
      }
    }
    nodes.push_back(Json{{"id", node.id()},
                         {"type", MarquezType(node.type())},
                         {"data", std::move(data)},
                         {"inEdges", marquez_edges(incoming)},
                         {"outEdges", marquez_edges(outgoing)}});
  }
  Json result = {{"graph", std::move(nodes)}};
  if (graph.truncated()) result["truncated"] = true;
  return result;
}

}  // namespace meshdex::http
