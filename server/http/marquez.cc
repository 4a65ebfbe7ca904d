#include "server/http/marquez.h"

#include <cctype>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace meshdex::http {
namespace {

using Json = nlohmann::ordered_json;
using meshdex::v1::LineageEdge;
using meshdex::v1::LineageNode;

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

}  // namespace

Json ToMarquezGraph(const meshdex::v1::LineageGraph& graph) {
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

    Json data = {{"id", NodeRef(node)}, {"namespace", node.namespace_()}, {"name", node.name()}};
    if (node.type() == "dataset") {
      data["physicalName"] = node.name();
      if (!node.product_urn().empty()) data["productUrn"] = node.product_urn();
    } else if (node.type() == "job") {
      data["simpleName"] = node.name();
      data["inputs"] = datasets_at(incoming, /*sources=*/true);
      data["outputs"] = datasets_at(outgoing, /*sources=*/false);
    } else if (node.type() == "product") {
      data["urn"] = node.product_urn().empty() ? node.id() : node.product_urn();
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
