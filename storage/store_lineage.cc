// The lineage part of Store and WriteTxn (declared in store.h).
#include <memory>
#include <utility>

#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/lineage_adjacency.h"
#include "storage/lineage_ids.h"
#include "storage/lineage_pending.h"
#include "storage/lineage_snapshot.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace meshdex::storage {
namespace {

using google::protobuf::util::TimeUtil;
using internal::FromRocks;
using internal::Parse;
using internal::ToSlice;
using internal::ToView;
using meshdex::v1::ChangeEvent;
using meshdex::v1::LineageDataset;
using meshdex::v1::LineageJob;
using meshdex::v1::RunRecord;


// The time a run is listed by: its start, else its first event.
int64_t RunSortNanos(const RunRecord& run) {
  const google::protobuf::Timestamp& time =
      run.run().has_start_time() ? run.run().start_time() : run.first_event_time();
  return TimeUtil::TimestampToNanoseconds(time);
}

DatasetKey KeyOf(const LineageDataset& dataset) { return {dataset.namespace_(), dataset.name()}; }

// Calls `fn` with the key of every entry of `cf` under `prefix` until it
// returns false.
absl::Status ScanPrefix(rocksdb::DB* db, const internal::ReadView& view,
                        rocksdb::ColumnFamilyHandle* cf, absl::string_view prefix,
                        absl::FunctionRef<bool(absl::string_view key)> fn) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(view.options, cf));
  return internal::ScanKeys(*it, prefix, fn);
}

template <typename Record>
absl::StatusOr<std::optional<Record>> ReadRecord(absl::StatusOr<std::optional<std::string>> bytes,
                                                 absl::string_view what) {
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  absl::StatusOr<Record> record = Parse<Record>(**bytes, what);
  if (!record.ok()) return record.status();
  return std::optional<Record>(*std::move(record));
}

template <typename Record, typename Key>
absl::StatusOr<Page<Record>> ListRecords(rocksdb::DB* db, const internal::ReadView& view,
                                         rocksdb::ColumnFamilyHandle* cf,
                                         const std::optional<Key>& start_after,
                                         std::string (*encode)(const Key&), size_t limit,
                                         absl::string_view what) {
  Page<Record> page;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(view.options, cf));
  const std::string start = start_after ? encode(*start_after) : std::string();
  for (start_after ? it->Seek(ToSlice(start)) : it->SeekToFirst(); it->Valid(); it->Next()) {
    if (start_after && ToView(it->key()) == start) continue;
    if (page.items.size() == limit) {
      page.more = true;
      break;
    }
    absl::StatusOr<Record> record = Parse<Record>(ToView(it->value()), what);
    if (!record.ok()) return record.status();
    page.items.push_back(*std::move(record));
  }
  if (!it->status().ok()) return FromRocks(it->status(), absl::StrCat("listing ", what));
  return page;
}

LineagePending& Pending(std::unique_ptr<LineagePending>& pending) {
  if (pending == nullptr) pending = std::make_unique<LineagePending>();
  return *pending;
}

}  // namespace

// WriteTxn --------------------------------------------------------------------

absl::StatusOr<bool> WriteTxn::HasLineageEvent(absl::string_view key) {
  if (Pending(lineage_).events.contains(key)) return true;
  absl::StatusOr<std::optional<std::string>> bytes = store_.Read(store_.lineage_events_, key);
  if (!bytes.ok()) return bytes.status();
  return bytes->has_value();
}

void WriteTxn::PutLineageEvent(absl::string_view key, absl::string_view event_json) {
  if (!Pending(lineage_).events.insert(std::string(key)).second) return;
  batch_->Put(store_.lineage_events_, ToSlice(key), ToSlice(event_json));
}

absl::StatusOr<std::optional<LineageDataset>> WriteTxn::GetDataset(const DatasetKey& dataset) {
  const std::string key = keys::DatasetKeyBytes(dataset);
  LineagePending& pending = Pending(lineage_);
  if (const LineageDataset* own = pending.datasets.Find(key)) return *own;
  absl::StatusOr<std::optional<LineageDataset>> committed = store_.GetDataset(dataset);
  if (committed.ok()) pending.committed_datasets.insert_or_assign(key, committed->has_value());
  return committed;
}

void WriteTxn::PutDataset(const LineageDataset& dataset) {
  Pending(lineage_).datasets.Put(keys::DatasetKeyBytes(KeyOf(dataset)), dataset);
}

absl::StatusOr<std::optional<LineageJob>> WriteTxn::GetJob(const JobKey& job) {
  const std::string key = keys::JobKeyBytes(job);
  if (const LineageJob* own = Pending(lineage_).jobs.Find(key)) return *own;
  return store_.GetJob(job);
}

void WriteTxn::PutJob(const LineageJob& job) {
  Pending(lineage_).jobs.Put(keys::JobKeyBytes({job.namespace_(), job.name()}), job);
}

absl::StatusOr<std::optional<RunRecord>> WriteTxn::GetRun(absl::string_view run_id) {
  LineagePending& pending = Pending(lineage_);
  const std::string key(run_id);
  if (const RunRecord* own = pending.runs.Find(key)) return *own;
  absl::StatusOr<std::optional<RunRecord>> committed = store_.GetRun(run_id);
  if (!committed.ok()) return committed.status();
  pending.committed_run_sort.try_emplace(
      key, committed->has_value() ? std::optional<int64_t>(RunSortNanos(**committed))
                                  : std::nullopt);
  return committed;
}

void WriteTxn::PutRun(const RunRecord& run) {
  LineagePending& pending = Pending(lineage_);
  const std::string& run_id = run.run().run_id();
  if (!pending.committed_run_sort.contains(run_id)) {
    // Learns the committed listing position (GetRun records it).
    absl::StatusOr<std::optional<RunRecord>> committed = GetRun(run_id);
    if (!committed.ok()) {
      if (deferred_error_.ok()) deferred_error_ = committed.status();
      return;
    }
  }
  pending.runs.Put(run_id, run);
}

void WriteTxn::PutEdge(const LineageNodeKey& from, const LineageNodeKey& to) {
  std::string down = keys::EdgeKey(EdgeDirection::kDownstream, from, to);
  LineagePending& pending = Pending(lineage_);
  if (!pending.edges.insert(down).second) return;
  batch_->Put(store_.lineage_edges_, down, rocksdb::Slice());
  batch_->Put(store_.lineage_edges_, keys::EdgeKey(EdgeDirection::kUpstream, to, from),
              rocksdb::Slice());
  pending.graph_edges.push_back(std::move(down));
}

void WriteTxn::PutColumnEdge(const FieldKey& from, const FieldKey& to) {
  std::string down = keys::ColumnEdgeKey(EdgeDirection::kDownstream, from, to);
  if (!Pending(lineage_).edges.insert(down).second) return;
  batch_->Put(store_.lineage_edges_, down, rocksdb::Slice());
  batch_->Put(store_.lineage_edges_, keys::ColumnEdgeKey(EdgeDirection::kUpstream, to, from),
              rocksdb::Slice());
}

void WriteTxn::TouchDatasetsClaimedAs(const DatasetKey& identity) {
  absl::StatusOr<std::vector<DatasetKey>> committed = store_.DatasetsClaimedAs(identity);
  if (!committed.ok()) {
    if (deferred_error_.ok()) deferred_error_ = committed.status();
    return;
  }
  LineagePending& pending = Pending(lineage_);
  auto touch = [&pending](std::string key) {
    if (pending.claim_touched_set.insert(key).second) pending.claim_touched.push_back(std::move(key));
  };
  for (const DatasetKey& dataset : *committed) touch(keys::DatasetKeyBytes(dataset));
  for (const std::string& key : pending.datasets.order()) {
    const LineageDataset& dataset = pending.datasets.at(key);
    if (KeyOf(dataset) == identity ||
        (dataset.has_claim_dataset() && dataset.claim_dataset().namespace_() == identity.ns &&
         dataset.claim_dataset().name() == identity.name)) {
      touch(key);
    }
  }
}

absl::Status WriteTxn::FinishLineage() {
  if (lineage_ == nullptr) return absl::OkStatus();
  const LineagePending& pending = *lineage_;
  for (const std::string& key : pending.datasets.order()) {
    const LineageDataset& dataset = pending.datasets.at(key);
    const DatasetKey self = KeyOf(dataset);
    batch_->Put(store_.datasets_, key, dataset.SerializeAsString());
    batch_->Put(store_.lineage_index_, keys::ClaimAliasKey(self, self), rocksdb::Slice());
    if (dataset.has_claim_dataset()) {
      const DatasetKey identity{dataset.claim_dataset().namespace_(),
                                dataset.claim_dataset().name()};
      batch_->Put(store_.lineage_index_, keys::ClaimAliasKey(identity, self), rocksdb::Slice());
    }
    AppendChange(ChangeEvent::DATASET_UPSERTED, DatasetNodeId(self), 0);
  }
  for (const std::string& key : pending.claim_touched) {
    if (pending.datasets.Contains(key)) continue;
    std::optional<DatasetKey> dataset = keys::DatasetKeyFromBytes(key);
    if (dataset) AppendChange(ChangeEvent::DATASET_UPSERTED, DatasetNodeId(*dataset), 0);
  }
  for (const std::string& key : pending.jobs.order()) {
    const LineageJob& job = pending.jobs.at(key);
    batch_->Put(store_.jobs_, key, job.SerializeAsString());
    AppendChange(ChangeEvent::JOB_UPSERTED, JobNodeId({job.namespace_(), job.name()}), 0);
  }
  for (const std::string& run_id : pending.runs.order()) {
    const RunRecord& run = pending.runs.at(run_id);
    batch_->Put(store_.runs_, run_id, run.SerializeAsString());
    const JobKey job{run.job_namespace(), run.job_name()};
    const int64_t sort = RunSortNanos(run);
    const std::optional<int64_t>& committed = pending.committed_run_sort.at(run_id);
    if (committed != sort) {
      if (committed) batch_->Delete(store_.lineage_index_, keys::JobRunKey(job, *committed, run_id));
      batch_->Put(store_.lineage_index_, keys::JobRunKey(job, sort, run_id), rocksdb::Slice());
    }
    AppendChange(ChangeEvent::RUN_UPSERTED, RunChangeId(run_id), 0);
  }
  return absl::OkStatus();
}

// Store -----------------------------------------------------------------------

absl::StatusOr<std::optional<LineageDataset>> Store::GetDataset(const DatasetKey& dataset) const {
  return ReadRecord<LineageDataset>(Read(datasets_, keys::DatasetKeyBytes(dataset)),
                                    "datasets");
}

absl::StatusOr<bool> Store::HasDataset(const DatasetKey& dataset) const {
  const internal::ReadView view = ReadState();
  const LineageNodeKey node{LineageNodeKey::Kind::kDataset, dataset.ns, dataset.name};
  bool has_edge = false;
  if (adjacency_ != nullptr &&
      adjacency_->HasEdge(keys::NodeBytes(node), LineageAdjacency::ReaderSequence(view.pin.get()),
                          &has_edge) &&
      has_edge) {
    return true;
  }
  std::string value;
  return internal::Get(*db_, view.options, datasets_, keys::DatasetKeyBytes(dataset), value);
}

absl::StatusOr<std::optional<LineageJob>> Store::GetJob(const JobKey& job) const {
  return ReadRecord<LineageJob>(Read(jobs_, keys::JobKeyBytes(job)), "jobs");
}

absl::StatusOr<std::optional<RunRecord>> Store::GetRun(absl::string_view run_id) const {
  return ReadRecord<RunRecord>(Read(runs_, run_id), "runs");
}

absl::StatusOr<Page<LineageDataset>> Store::ListDatasets(
    const std::optional<DatasetKey>& start_after, size_t limit) const {
  return ListRecords<LineageDataset, DatasetKey>(db_, ReadState(), datasets_, start_after,
                                                 &keys::DatasetKeyBytes, limit, "datasets");
}

absl::StatusOr<Page<LineageJob>> Store::ListJobs(const std::optional<JobKey>& start_after,
                                                 size_t limit) const {
  return ListRecords<LineageJob, JobKey>(db_, ReadState(), jobs_, start_after, &keys::JobKeyBytes, limit,
                                         "jobs");
}

absl::Status Store::ForEachNeighbor(const LineageNodeKey& node, EdgeDirection direction,
                                    absl::FunctionRef<bool(const LineageNodeKey&)> fn) const {
  return LineageSnapshot(*this).ForEachNeighbor(node, direction, fn);
}

absl::Status Store::ForEachColumnNeighbor(const FieldKey& field, EdgeDirection direction,
                                          absl::FunctionRef<bool(const FieldKey&)> fn) const {
  return LineageSnapshot(*this).ForEachColumnNeighbor(field, direction, fn);
}

absl::StatusOr<std::vector<std::string>> Store::FieldsWithColumnEdges(
    const DatasetKey& dataset, EdgeDirection direction) const {
  const std::string prefix = keys::ColumnDatasetPrefix(direction, dataset);
  std::vector<std::string> fields;
  absl::Status malformed;
  absl::Status scanned = ScanPrefix(db_, ReadState(), lineage_edges_, prefix, [&](absl::string_view key) {
    std::optional<std::string> field = keys::ColumnEdgeField(key, prefix);
    if (!field) {
      malformed = absl::DataLossError("column edges hold a malformed key");
      return false;
    }
    if (fields.empty() || fields.back() != *field) fields.push_back(*std::move(field));
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (!malformed.ok()) return malformed;
  return fields;
}

absl::StatusOr<Store::RunPage> Store::ListJobRuns(const JobKey& job, absl::string_view position,
                                                  size_t limit) const {
  const std::string prefix = keys::JobRunPrefix(job);
  const std::string start = absl::StrCat(prefix, position);
  RunPage page;
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, lineage_index_));
  for (it->Seek(start); it->Valid(); it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!position.empty() && key == start) continue;
    if (page.runs.size() == limit) {
      page.more = true;
      break;
    }
    std::optional<std::string> run_id = keys::JobRunIdFromKey(key, prefix);
    if (!run_id) return absl::DataLossError("run listing holds a malformed key");
    absl::StatusOr<std::optional<RunRecord>> run = GetRun(*run_id);
    if (!run.ok()) return run.status();
    if (!run->has_value()) return absl::DataLossError(absl::StrCat("listed run ", *run_id, " is missing"));
    page.runs.push_back(**std::move(run));
    page.position = std::string(key.substr(prefix.size()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing runs");
  return page;
}

absl::StatusOr<std::vector<DatasetKey>> Store::DatasetsClaimedAs(const DatasetKey& identity) const {
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, lineage_index_));
  return internal::ScanClaimedAs(*it, identity);
}

absl::StatusOr<std::vector<DatasetKey>> internal::ScanClaimedAs(rocksdb::Iterator& it,
                                                                const DatasetKey& identity) {
  const std::string prefix = keys::ClaimAliasPrefix(identity);
  std::vector<DatasetKey> datasets;
  absl::Status malformed;
  absl::Status scanned = ScanKeys(it, prefix, [&](absl::string_view key) {
    std::optional<DatasetKey> dataset = keys::ClaimAliasDataset(key, prefix);
    if (!dataset) {
      malformed = absl::DataLossError("claim aliases hold a malformed key");
      return false;
    }
    datasets.push_back(*std::move(dataset));
    return true;
  });
  if (!scanned.ok()) return scanned;
  if (!malformed.ok()) return malformed;
  return datasets;
}

}  // namespace meshdex::storage
