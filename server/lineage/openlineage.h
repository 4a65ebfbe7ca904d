// OpenLineage event parsing and validation: JSON text in, a checked event
// out, or INVALID_ARGUMENT listing every problem with its JSON path (see
// problems.h), e.g. `run.runId: must be a UUID; inputs[1].name: required`.
// Nothing about an event is stored unless it passes.
//
// What is checked (spec: OpenLineage.json 2-0-2, its oneOf of RunEvent,
// DatasetEvent and JobEvent):
//  * size (EventLimits::max_event_bytes) before parsing, then syntax and
//    nesting depth in one streaming (SAX) pass that keeps no document and no
//    recursion, so 100k nested arrays are refused cheaply at depth
//    max_depth; only then the document is built (nlohmann-json);
//  * every event: an object with eventTime (date-time, formats.h; without an
//    offset it is UTC), producer and schemaURL (absolute URIs);
//  * the kind: `run` present -> RunEvent (run.runId a UUID, job required,
//    eventType optional but one of START, RUNNING, COMPLETE, ABORT, FAIL,
//    OTHER); else `job` -> JobEvent; else `dataset` -> DatasetEvent; `job`
//    and `dataset` without `run` match both JobEvent and DatasetEvent and are
//    refused (oneOf); none of them is not an event;
//  * job and datasets: namespace and name, valid identity parts
//    (CheckIdentityPart); inputs/outputs arrays of dataset objects, at most
//    EventLimits::max_datasets in all;
//  * facets (facets.h).
// Optional members that are null count as absent. Unknown members are kept
// (in the stored event text) and otherwise ignored, as the spec allows.
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_LINEAGE_OPENLINEAGE_H_
#define MESHDEX_SERVER_LINEAGE_OPENLINEAGE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "storage/store.h"

namespace meshdex::lineage {

struct EventLimits {
  // Longest event text (bytes): an OpenLineage HTTP transport default.
  size_t max_event_bytes = 4 * 1024 * 1024;
  // Deepest nesting of objects and arrays; the event itself is level 1.
  int max_depth = 64;
  // Most datasets (inputs plus outputs) in one event.
  size_t max_datasets = 10000;
  // Longest namespace, name or column name (bytes).
  size_t max_identity_bytes = 1024;
  // Problems listed in an error; further ones are counted.
  size_t max_reported_problems = 10;
};

struct EventDataset {
  storage::DatasetKey key;
  // The dataset's `facets` object, empty when it has none.
  nlohmann::ordered_json facets = nlohmann::ordered_json::object();
};

struct OpenLineageEvent {
  enum class Kind { kRun, kJob, kDataset };
  Kind kind = Kind::kRun;
  absl::Time event_time;
  // START, RUNNING, COMPLETE, ABORT, FAIL, OTHER; empty when absent.
  std::string event_type;
  // Run events: the run id in lower case.
  std::string run_id;
  // Run and job events.
  storage::JobKey job;
  nlohmann::ordered_json run_facets = nlohmann::ordered_json::object();
  nlohmann::ordered_json job_facets = nlohmann::ordered_json::object();
  std::vector<EventDataset> inputs;
  std::vector<EventDataset> outputs;
  // Dataset events.
  EventDataset dataset;
  // The event text as received.
  std::string json;

  // The key deciding whether the event was already ingested: run events by
  // (runId, eventType, eventTime), job and dataset events by (namespace,
  // name, eventTime); eventTime as an instant.
  std::string IdempotencyKey() const;
};

absl::StatusOr<OpenLineageEvent> ParseEvent(std::string json, const EventLimits& limits = {});

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_OPENLINEAGE_H_
