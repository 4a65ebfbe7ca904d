#include "server/lineage/ingest.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "proto/timestamps.h"
#include "server/catalog/address.h"
#include "server/lineage/facets.h"
#include "storage/lineage_ids.h"

namespace meshdex::lineage {
namespace {

using Json = nlohmann::ordered_json;
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;
using meshdex::v1::DatasetRef;
using meshdex::v1::LineageDataset;
using meshdex::v1::LineageJob;
using meshdex::v1::RunRecord;
using storage::DatasetKey;
using storage::JobKey;
using storage::LineageNodeKey;
using storage::WriteTxn;

int64_t Nanos(const Timestamp& time) { return TimeUtil::TimestampToNanoseconds(time); }

// Widens [*first, *last] to include `time` (unset bounds take it).
void Widen(absl::Time time, Timestamp* first, Timestamp* last, bool has_range) {
  const int64_t nanos = absl::ToUnixNanos(time);
  if (!has_range || nanos < Nanos(*first)) *first = ToTimestamp(time);
  if (!has_range || nanos > Nanos(*last)) *last = ToTimestamp(time);
}

// Merges the facets of an event at `time` into the stored facets object text
// `*stored`, whose facets came from an event at `*stored_time`. Returns the
// merged object.
Json MergeFacets(const Json& facets, absl::Time time, std::string* stored, Timestamp* stored_time) {
  Json merged = stored->empty() ? Json::object() : Json::parse(*stored, nullptr, false);
  if (!merged.is_object()) merged = Json::object();
  if (facets.empty()) return merged;
  const bool newer = stored->empty() || absl::ToUnixNanos(time) >= Nanos(*stored_time);
  for (const auto& [name, facet] : facets.items()) {
    auto deleted = facet.find("_deleted");
    const bool deletes = deleted != facet.end() && deleted->is_boolean() && deleted->get<bool>();
    if (!newer && merged.contains(name)) continue;
    if (deletes) {
      merged.erase(name);
    } else {
      merged[name] = facet;
    }
  }
  *stored = merged.dump();
  if (newer) *stored_time = ToTimestamp(time);
  return merged;
}

LineageNodeKey DatasetNode(const DatasetKey& key) {
  return {LineageNodeKey::Kind::kDataset, key.ns, key.name};
}

LineageNodeKey JobNode(const JobKey& key) { return {LineageNodeKey::Kind::kJob, key.ns, key.name}; }

bool IsTerminal(absl::string_view state) {
  return state == "COMPLETE" || state == "ABORT" || state == "FAIL";
}

// How strongly an event type decides a run's state.
int StateLevel(absl::string_view type) {
  if (IsTerminal(type)) return 2;
  if (type == "START" || type == "RUNNING") return 1;
  return 0;
}

void AddDatasetRef(const DatasetKey& key, google::protobuf::RepeatedPtrField<DatasetRef>* refs) {
  for (const DatasetRef& ref : *refs) {
    if (ref.namespace_() == key.ns && ref.name() == key.name) return;
  }
  DatasetRef* ref = refs->Add();
  ref->set_namespace_(key.ns);
  ref->set_name(key.name);
}

// Upserts the dataset named by an event at `time`; `writer` is the job of a
// run writing it.
absl::StatusOr<LineageDataset> UpsertDataset(WriteTxn& txn, const EventDataset& seen,
                                             absl::Time time, const JobKey* writer) {
  absl::StatusOr<std::optional<LineageDataset>> current = txn.GetDataset(seen.key);
  if (!current.ok()) return current.status();
  LineageDataset dataset;
  const bool exists = current->has_value();
  if (exists) {
    dataset = **std::move(current);
  } else {
    dataset.set_namespace_(seen.key.ns);
    dataset.set_name(seen.key.name);
    if (std::optional<DatasetKey> identity = ClaimIdentity(seen.key)) {
      dataset.mutable_claim_dataset()->set_namespace_(identity->ns);
      dataset.mutable_claim_dataset()->set_name(identity->name);
    }
  }
  Widen(time, dataset.mutable_first_seen(), dataset.mutable_last_seen(), exists);
  if (!seen.facets.empty()) {
    const Json merged = MergeFacets(seen.facets, time, dataset.mutable_facets_json(),
                                    dataset.mutable_facets_time());
    dataset.clear_fields();
    for (meshdex::v1::DatasetField& field : SchemaFields(merged)) {
      *dataset.add_fields() = std::move(field);
    }
    dataset.set_description(DocumentationOf(merged));
  }
  if (writer != nullptr &&
      (dataset.producing_job().empty() || absl::ToUnixNanos(time) >= Nanos(dataset.produced_time()))) {
    dataset.set_producing_job(storage::JobNodeId(*writer));
    *dataset.mutable_produced_time() = ToTimestamp(time);
  }
  txn.PutDataset(dataset);
  return dataset;
}

absl::Status UpsertJob(WriteTxn& txn, const OpenLineageEvent& event) {
  absl::StatusOr<std::optional<LineageJob>> current = txn.GetJob(event.job);
  if (!current.ok()) return current.status();
  LineageJob job;
  const bool exists = current->has_value();
  if (exists) {
    job = **std::move(current);
  } else {
    job.set_namespace_(event.job.ns);
    job.set_name(event.job.name);
  }
  const bool latest = !exists || absl::ToUnixNanos(event.event_time) >= Nanos(job.last_seen());
  if (latest && !event.run_id.empty()) job.set_latest_run_id(event.run_id);
  Widen(event.event_time, job.mutable_first_seen(), job.mutable_last_seen(), exists);
  if (!event.job_facets.empty()) {
    const Json merged = MergeFacets(event.job_facets, event.event_time, job.mutable_facets_json(),
                                    job.mutable_facets_time());
    job.set_description(DocumentationOf(merged));
    job.set_sql(SqlOf(merged));
  }
  txn.PutJob(job);
  return absl::OkStatus();
}

RunRecord MergeRun(std::optional<RunRecord> current, const OpenLineageEvent& event) {
  RunRecord run;
  const bool exists = current.has_value();
  if (exists) {
    run = *std::move(current);
  } else {
    run.mutable_run()->set_run_id(event.run_id);
    run.mutable_run()->set_job_id(storage::JobNodeId(event.job));
    run.set_job_namespace(event.job.ns);
    run.set_job_name(event.job.name);
  }
  const int64_t nanos = absl::ToUnixNanos(event.event_time);
  Widen(event.event_time, run.mutable_first_event_time(), run.mutable_last_event_time(), exists);
  run.set_event_count(run.event_count() + 1);

  meshdex::v1::Run& view = *run.mutable_run();
  const absl::string_view type =
      event.event_type.empty() ? absl::string_view("OTHER") : absl::string_view(event.event_type);
  const int level = StateLevel(type);
  const int current_level = StateLevel(view.state());
  if (view.state().empty() || level > current_level ||
      (level == current_level && level > 0 && nanos >= Nanos(run.state_time()))) {
    view.set_state(std::string(type));
    *run.mutable_state_time() = ToTimestamp(event.event_time);
    if (IsTerminal(type)) *view.mutable_end_time() = ToTimestamp(event.event_time);
  }
  if (level == 1 && (!view.has_start_time() || nanos < Nanos(view.start_time()))) {
    *view.mutable_start_time() = ToTimestamp(event.event_time);
  }
  if (!event.run_facets.empty()) {
    MergeFacets(event.run_facets, event.event_time, run.mutable_facets_json(),
                run.mutable_facets_time());
  }
  for (const EventDataset& input : event.inputs) AddDatasetRef(input.key, run.mutable_inputs());
  for (const EventDataset& output : event.outputs) AddDatasetRef(output.key, run.mutable_outputs());
  return run;
}

// Records a COMPLETE run's end on each of its outputs.
absl::Status RecordCompletion(WriteTxn& txn, const RunRecord& run) {
  const int64_t end = Nanos(run.run().end_time());
  for (const DatasetRef& output : run.outputs()) {
    absl::StatusOr<std::optional<LineageDataset>> dataset =
        txn.GetDataset({output.namespace_(), output.name()});
    if (!dataset.ok()) return dataset.status();
    if (!dataset->has_value()) continue;
    LineageDataset& record = **dataset;
    if (record.has_last_complete_time() && Nanos(record.last_complete_time()) >= end) continue;
    record.set_last_complete_run_id(run.run().run_id());
    *record.mutable_last_complete_time() = run.run().end_time();
    txn.PutDataset(record);
  }
  return absl::OkStatus();
}

absl::Status ApplyRunEvent(const OpenLineageEvent& event, std::optional<RunRecord> current,
                           WriteTxn& txn) {
  if (absl::Status status = UpsertJob(txn, event); !status.ok()) return status;
  for (const EventDataset& input : event.inputs) {
    absl::StatusOr<LineageDataset> dataset = UpsertDataset(txn, input, event.event_time, nullptr);
    if (!dataset.ok()) return dataset.status();
    txn.PutEdge(DatasetNode(input.key), JobNode(event.job));
  }
  for (const EventDataset& output : event.outputs) {
    absl::StatusOr<LineageDataset> dataset =
        UpsertDataset(txn, output, event.event_time, &event.job);
    if (!dataset.ok()) return dataset.status();
    txn.PutEdge(JobNode(event.job), DatasetNode(output.key));
  }
  for (const std::vector<EventDataset>* datasets : {&event.inputs, &event.outputs}) {
    for (const EventDataset& dataset : *datasets) {
      for (const auto& [from, to] : ColumnEdges(dataset.key, dataset.facets)) {
        txn.PutColumnEdge(from, to);
      }
    }
  }
  const RunRecord run = MergeRun(std::move(current), event);
  txn.PutRun(run);
  if (run.run().state() == "COMPLETE") return RecordCompletion(txn, run);
  return absl::OkStatus();
}

}  // namespace

std::optional<DatasetKey> ClaimIdentity(const DatasetKey& dataset) {
  std::string address;
  if (dataset.ns == "file") {
    address = absl::StrCat("file://", dataset.name);
  } else if (absl::StrContains(dataset.ns, "://")) {
    address = absl::StrCat(dataset.ns, absl::StartsWith(dataset.name, "/") ? "" : "/", dataset.name);
  } else {
    return std::nullopt;
  }
  absl::StatusOr<DatasetRef> normalized = catalog::NormalizeAddress(address);
  if (!normalized.ok()) return std::nullopt;
  if (normalized->namespace_() == dataset.ns && normalized->name() == dataset.name) {
    return std::nullopt;
  }
  return DatasetKey{normalized->namespace_(), normalized->name()};
}

absl::StatusOr<bool> ApplyEvent(const OpenLineageEvent& event, WriteTxn& txn) {
  const std::string key = event.IdempotencyKey();
  absl::StatusOr<bool> seen = txn.HasLineageEvent(key);
  if (!seen.ok()) return seen.status();
  if (*seen) return true;

  std::optional<RunRecord> current_run;
  if (event.kind == OpenLineageEvent::Kind::kRun) {
    absl::StatusOr<std::optional<RunRecord>> run = txn.GetRun(event.run_id);
    if (!run.ok()) return run.status();
    if (run->has_value() &&
        ((*run)->job_namespace() != event.job.ns || (*run)->job_name() != event.job.name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "run.runId: run ", event.run_id, " belongs to job ", (*run)->run().job_id(), ", not ",
          storage::JobNodeId(event.job)));
    }
    current_run = *std::move(run);
  }

  txn.PutLineageEvent(key, event.json);
  switch (event.kind) {
    case OpenLineageEvent::Kind::kRun:
      if (absl::Status status = ApplyRunEvent(event, std::move(current_run), txn); !status.ok()) {
        return status;
      }
      break;
    case OpenLineageEvent::Kind::kJob: {
      if (absl::Status status = UpsertJob(txn, event); !status.ok()) return status;
      for (const std::vector<EventDataset>* datasets : {&event.inputs, &event.outputs}) {
        for (const EventDataset& dataset : *datasets) {
          absl::StatusOr<LineageDataset> stored =
              UpsertDataset(txn, dataset, event.event_time, nullptr);
          if (!stored.ok()) return stored.status();
        }
      }
      break;
    }
    case OpenLineageEvent::Kind::kDataset: {
      absl::StatusOr<LineageDataset> stored =
          UpsertDataset(txn, event.dataset, event.event_time, nullptr);
      if (!stored.ok()) return stored.status();
      break;
    }
  }
  return false;
}

}  // namespace meshdex::lineage
