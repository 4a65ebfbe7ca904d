#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/commands.h"
#include "grpcpp/client_context.h"

namespace meshdex::cli {
namespace {

std::string DotQuoted(const std::string& text) {
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
}

// Graphviz: datasets as boxes, jobs as ellipses, products as bold boxes.
void PrintDot(const meshdex::v1::LineageGraph& graph) {
  std::cout << "digraph lineage {\n  rankdir=LR;\n";
  for (const meshdex::v1::LineageNode& node : graph.nodes()) {
    const char* shape = node.type() == "job" ? "ellipse" : "box";
    std::string label = node.name().empty() ? node.id() : node.name();
    std::cout << "  " << DotQuoted(node.id()) << " [label=" << DotQuoted(label)
              << ", shape=" << shape << (node.type() == "product" ? ", style=bold" : "") << "];\n";
  }
  for (const meshdex::v1::LineageEdge& edge : graph.edges()) {
    std::cout << "  " << DotQuoted(edge.source()) << " -> " << DotQuoted(edge.target()) << ";\n";
  }
  std::cout << "}\n";
}

}  // namespace

int LineageCommand(Session& session, const std::string& node_id,
                   meshdex::v1::GetLineageRequest::Direction direction, int depth, bool products,
                   int max_nodes) {
  meshdex::v1::GetLineageRequest request;
  request.set_node_id(node_id);
  request.set_direction(direction);
  request.set_depth(depth);
  request.set_level(products ? meshdex::v1::GetLineageRequest::PRODUCT
                             : meshdex::v1::GetLineageRequest::DATASET);
  request.set_max_nodes(max_nodes);
  meshdex::v1::LineageGraph graph;
  grpc::Status status = session.lineage->GetLineage(CallContext(session).get(), request, &graph);
  if (!status.ok()) return ReportError(status);
  switch (session.format) {
    case OutputFormat::kDot:
      PrintDot(graph);
      return 0;
    case OutputFormat::kJson:
    case OutputFormat::kYaml:
      PrintMessage(graph, session.format, std::cout);
      return 0;
    case OutputFormat::kTable:
      break;
  }
  Table nodes({"TYPE", "NODE", "PRODUCT"});
  for (const meshdex::v1::LineageNode& node : graph.nodes()) {
    nodes.AddRow({node.type(), node.id(), node.product_urn()});
  }
  nodes.Print(std::cout);
  std::cout << "\n";
  Table edges({"FROM", "", "TO"});
  for (const meshdex::v1::LineageEdge& edge : graph.edges()) {
    edges.AddRow({edge.source(), "->", edge.target()});
  }
  edges.Print(std::cout);
  if (graph.truncated()) std::cout << "\n(truncated: raise --max-nodes to see more)\n";
  return 0;
}

int RunsCommand(Session& session, const std::string& job_id, int page_size) {
  meshdex::v1::ListRunsRequest request;
  request.set_job_id(job_id);
  request.set_page_size(page_size);
  meshdex::v1::ListRunsResponse response;
  grpc::Status status = session.lineage->ListRuns(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format == OutputFormat::kJson || session.format == OutputFormat::kYaml) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  Table table({"RUN", "STATE", "STARTED", "ENDED"});
  for (const meshdex::v1::Run& run : response.runs()) {
    table.AddRow({run.run_id(), run.state(), FormatTime(run.start_time()), FormatTime(run.end_time())});
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace meshdex::cli
