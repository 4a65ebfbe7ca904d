#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/commands.h"
#include "grpcpp/client_context.h"
#include "nlohmann/json.hpp"

namespace meshdex::cli {
namespace {

// One event to send and where it came from, for messages.
struct SourcedEvent {
  std::string where;
  std::string json;
};

// JSON lines, or one JSON array of events (when the text starts with '[').
// Blank lines are skipped. Returns false after printing an error.
bool SplitEvents(const std::string& source, const std::string& text,
                 std::vector<SourcedEvent>* events) {
  absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
  if (!trimmed.empty() && trimmed.front() == '[') {
    nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (array.is_discarded() || !array.is_array()) {
      std::cerr << "error: " << source << ": not a JSON array of events\n";
      return false;
    }
    for (size_t i = 0; i < array.size(); ++i) {
      events->push_back({absl::StrCat(source, "[", i, "]"), array[i].dump()});
    }
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    events->push_back({absl::StrCat(source, ":", number), line});
  }
  return true;
}

}  // namespace

int IngestCommand(Session& session, const std::vector<std::string>& files) {
  std::vector<SourcedEvent> events;
  for (const std::string& file : files) {
    std::stringstream buffer;
    if (file == "-") {
      buffer << std::cin.rdbuf();
    } else {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::cerr << "error: cannot read " << file << "\n";
        return 1;
      }
      buffer << in.rdbuf();
    }
    if (!SplitEvents(file == "-" ? "<stdin>" : file, buffer.str(), &events)) return 1;
  }

  // The server stops a stream at its first rejected event; resume after it in
  // a new stream so that every bad event is reported. Bounded: each round
  // consumes at least one event.
  int64_t accepted = 0, rejected = 0;
  uint64_t last_sequence = 0;
  size_t next = 0;
  while (next < events.size()) {
    std::unique_ptr<grpc::ClientContext> context = CallContext(session);
    meshdex::v1::IngestEventsResponse response;
    auto writer = session.lineage->IngestEvents(context.get(), &response);
    size_t sent = next;
    for (; sent < events.size(); ++sent) {
      meshdex::v1::IngestEventRequest request;
      request.set_event_json(events[sent].json);
      if (!writer->Write(request)) break;  // the server ended the stream
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    if (!status.ok()) return ReportError(status);
    accepted += response.accepted();
    if (response.sequence() > 0) last_sequence = response.sequence();
    if (!response.has_rejected_index()) {
      next = sent;
      continue;
    }
    const size_t bad = next + static_cast<size_t>(response.rejected_index());
    if (bad >= events.size()) break;  // a confused server must not loop us
    std::cerr << "rejected: " << events[bad].where << ": " << response.rejected_reason() << "\n";
    ++rejected;
    next = bad + 1;
  }
  std::cout << accepted << " accepted, " << rejected << " rejected";
  if (last_sequence > 0) std::cout << " (sequence " << last_sequence << ")";
  std::cout << "\n";
  return rejected == 0 ? 0 : 1;
}

}  // namespace meshdex::cli
