// Store: the RocksDB-backed source of truth of the catalog.
//
// Column families: products (current state by URN), revisions (every revision
// by URN and revision, tombstones included), claims (OpenLineage dataset ->
// owning product port) and changelog (ChangeEvent by sequence); for lineage
// (records in lineage.proto): datasets, jobs, runs, lineage_edges (adjacency
// in both directions, so one traversal step is one prefix scan; column edges
// too), lineage_events (ingested event keys, for idempotency, with the event
// text) and lineage_index (a job's runs newest first; datasets by the claim
// identity that decides their owner); for governance: policies (current
// policies by domain and name; their revisions share `revisions` under the
// policy URN) and governance (each current product's computed governance
// status, and the markers of policy re-evaluation); audit (the audit log of
// requests, outside the change log); the default family holds the counts of
// products and datasets, which every write that changes them keeps exact in
// its own batch. Key encodings live in keys.h only.
//
// Invariants:
//  * One commit path: every write runs through Write(), which turns the
//    callback's mutations plus one change-log record per touched entity into
//    ONE rocksdb::WriteBatch, and returns only once it is durable (WAL, fsync
//    when StoreOptions::sync_writes).
//  * Writers are serialised by a mutex, so the callback sees the latest
//    applied state and a read-check-write inside it is atomic (optimistic
//    concurrency on revision is decided there).
//  * Group commit: a write applies its batch under that mutex WITHOUT syncing,
//    then syncs the WAL outside it; one sync makes every write applied before
//    it durable, so concurrent writers share syncs instead of queueing one
//    fsync each. Until a write is durable it is visible only to later writes'
//    callbacks: other readers read the published snapshot (the state after
//    the newest durable write), the change log ends at the published sequence,
//    and every answer of Write() (including "nothing changed" and rejections,
//    which may rest on applied state) waits until what it saw is durable.
//  * A failed WAL sync is not retried: the store refuses writes from then on
//    (applied state may be ahead of the disk; only a restart, replaying the
//    WAL, is safe — the lesson of PostgreSQL's fsync failures).
//  * Change-log sequences are consecutive, start at 1 and are recovered on open.
//  * The audit log is the one exception to the single commit path: an audit
//    entry records a request, not a catalog change, so it is appended on its
//    own (AppendAudit), never through Write() and never into the change log.
//
// Thread-safety: all public methods are thread-safe.
#ifndef MESHDEX_STORAGE_STORE_H_
#define MESHDEX_STORAGE_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "meshdex/v1/admin.pb.h"
#include "meshdex/v1/lineage.pb.h"
#include "meshdex/v1/resources.pb.h"
#include "storage/change_log.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Snapshot;
class WriteBatch;
}  // namespace rocksdb

namespace meshdex::storage {
namespace internal {
struct ReadView;
}  // namespace internal

class Store;
class LineageAdjacency;
class OwnerCache;

struct StoreOptions {
  std::string path;
  // fsync the WAL before acknowledging a write.
  bool sync_writes = true;
  // Called before every WAL sync, outside the writer lock; an error is taken
  // as a failed sync. Tests hold a sync open or fail it with this; null in
  // production.
  std::function<absl::Status()> before_wal_sync = nullptr;
  // Keep the dataset/job lineage graph's edges in memory too, loaded in the
  // background after open (storage/lineage_adjacency.h), so walks need no
  // RocksDB seek per node, and remember the owners walks found
  // (storage/owner_cache.h). Off: walks read RocksDB only.
  bool lineage_graph_in_memory = true;
  // RocksDB's block cache (decompressed blocks, index and filter blocks of
  // every column family).
  size_t block_cache_bytes = size_t{512} << 20;
};

// The in-memory lineage graph (StoreOptions::lineage_graph_in_memory).
struct InMemoryLineageGraph {
  // Loaded: walks use it.
  bool complete = false;
  size_t nodes = 0;
  size_t edges = 0;
};

// How many current products and lineage datasets the store holds.
struct EntityCounts {
  uint64_t products = 0;
  uint64_t datasets = 0;
};

// An OpenLineage dataset identity, the key of an address claim.
struct DatasetKey {
  std::string ns;
  std::string name;

  friend bool operator==(const DatasetKey& a, const DatasetKey& b) {
    return a.ns == b.ns && a.name == b.name;
  }
  template <typename H>
  friend H AbslHashValue(H state, const DatasetKey& key) {
    return H::combine(std::move(state), key.ns, key.name);
  }
};

// An OpenLineage job identity.
struct JobKey {
  std::string ns;
  std::string name;
};

// A node of the dataset/job lineage graph.
struct LineageNodeKey {
  enum class Kind { kDataset, kJob };
  Kind kind = Kind::kDataset;
  std::string ns;
  std::string name;

  friend bool operator==(const LineageNodeKey& a, const LineageNodeKey& b) {
    return a.kind == b.kind && a.ns == b.ns && a.name == b.name;
  }
  template <typename H>
  friend H AbslHashValue(H state, const LineageNodeKey& key) {
    return H::combine(std::move(state), key.kind, key.ns, key.name);
  }
};

// A column of a dataset, a node of the column lineage graph.
struct FieldKey {
  DatasetKey dataset;
  std::string field;

  friend bool operator==(const FieldKey& a, const FieldKey& b) {
    return a.dataset == b.dataset && a.field == b.field;
  }
  template <typename H>
  friend H AbslHashValue(H state, const FieldKey& key) {
    return H::combine(std::move(state), key.dataset, key.field);
  }
};

// Edges are stored as data flows (input dataset -> job -> output dataset,
// input column -> output column) and walked either way.
enum class EdgeDirection { kDownstream, kUpstream };

// The lineage writes a WriteTxn buffers (storage/lineage_pending.h).
struct LineagePending;

// Which product port owns a dataset.
struct AddressClaim {
  std::string product_urn;
  std::string port_name;
};

// The view and buffer of one atomic write. It exists only inside the
// Store::Write callback, under the writer lock. Reads see the committed state
// plus this transaction's own earlier writes.
class WriteTxn {
 public:
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  // Current state of a product, nullopt when absent or deleted.
  absl::StatusOr<std::optional<meshdex::v1::DataProduct>> GetProduct(absl::string_view urn);
  // Highest revision ever written for `urn` (tombstones count), 0 if none.
  absl::StatusOr<int64_t> LastRevision(absl::string_view urn);
  absl::StatusOr<std::optional<AddressClaim>> GetClaim(const DatasetKey& dataset);

  // Stores `product` (metadata.urn and metadata.revision set by the caller) as
  // the current state and as a revision record; appends PRODUCT_UPSERTED.
  void PutProduct(const meshdex::v1::DataProduct& product);
  // Removes the current state of `tombstone.metadata().urn()` and records the
  // tombstone as a revision; appends PRODUCT_DELETED.
  void DeleteProduct(const meshdex::v1::DataProduct& tombstone);
  // A claim that changes a dataset's owner also touches the lineage datasets
  // under that identity (DATASET_UPSERTED): their search documents carry the
  // owner's domain.
  void PutClaim(const DatasetKey& dataset, const AddressClaim& claim);
  void ReleaseClaim(const DatasetKey& dataset);

  // Lineage records (lineage.proto). Reads include this transaction's own
  // puts. Puts are buffered and join the batch when the callback succeeds,
  // each touched dataset, job and run with ONE change record
  // (DATASET_UPSERTED, JOB_UPSERTED, RUN_UPSERTED) however often it was put.

  // Whether an event with this idempotency key (keys::*EventKey) was stored.
  absl::StatusOr<bool> HasLineageEvent(absl::string_view key);
  void PutLineageEvent(absl::string_view key, absl::string_view event_json);
  absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> GetDataset(const DatasetKey& dataset);
  // Also indexes the dataset under its claim identities (itself and
  // claim_dataset) for DatasetsClaimedAs.
  void PutDataset(const meshdex::v1::LineageDataset& dataset);
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> GetJob(const JobKey& job);
  void PutJob(const meshdex::v1::LineageJob& job);
  absl::StatusOr<std::optional<meshdex::v1::RunRecord>> GetRun(absl::string_view run_id);
  // Keeps the job's run listing (ordered by start time, else first event
  // time) in step with the record.
  void PutRun(const meshdex::v1::RunRecord& run);
  void PutEdge(const LineageNodeKey& from, const LineageNodeKey& to);
  void PutColumnEdge(const FieldKey& from, const FieldKey& to);

  // Governance. A policy is keyed by (metadata.domain, metadata.name);
  // metadata.urn and metadata.revision are set by the caller.
  absl::StatusOr<std::optional<meshdex::v1::Policy>> GetPolicy(absl::string_view domain,
                                                               absl::string_view name);
  // Stores the policy and its revision record; appends POLICY_UPSERTED and
  // moves the policy-change marker to that record's sequence.
  void PutPolicy(const meshdex::v1::Policy& policy);
  // Removes the policy, records the tombstone revision; POLICY_DELETED, and
  // moves the policy-change marker likewise.
  void DeletePolicy(const meshdex::v1::Policy& tombstone);
  // Sequence the next change record of this transaction will get.
  uint64_t NextSequence() const { return next_sequence_; }
  // Stores the governance status of the current product `urn` (at
  // `revision`). Appends GOVERNANCE_UPDATED unless this transaction upserted
  // the product (its PRODUCT_UPSERTED announces the status too). A deleted
  // product's status goes with DeleteProduct.
  void PutGovernance(absl::string_view urn, int64_t revision,
                     const meshdex::v1::GovernanceStatus& status);
  // Records that stored statuses reflect the policies as of the policy change
  // at `policy_sequence`.
  void MarkPoliciesEvaluated(uint64_t policy_sequence);

  // Runs `fn` once this transaction is applied, still under the writer lock,
  // so the next write's callback already sees its effect (e.g. an in-memory
  // view of what was committed, such as the policy set). Not run when the
  // batch could not be applied. The write is not durable yet at that point;
  // if its sync then fails the store refuses all writes (see Store).
  void OnCommit(std::function<void()> fn) { on_commit_.push_back(std::move(fn)); }

 private:
  friend class Store;
  WriteTxn(Store& store, uint64_t last_sequence, absl::Time now);
  ~WriteTxn();
  void AppendChange(meshdex::v1::ChangeEvent::Type type, absl::string_view urn, int64_t revision);
  void TouchDatasetsClaimedAs(const DatasetKey& identity);
  // Records a write of product `urn` at `revision` (bytes nullopt: delete).
  void RememberOwnProduct(absl::string_view urn, int64_t revision,
                          std::optional<std::string> bytes);
  // Adds the buffered lineage records and the entity counts to the batch.
  // Fails with the first error a void method met (nothing is written then).
  absl::Status Finish();
  // Adds the buffered lineage records and their change records.
  absl::Status FinishLineage();
  // Adds the store's entity counts as this transaction leaves them, when it
  // changes them (counts_after_).
  absl::Status FinishCounts();

  Store& store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  uint64_t next_sequence_;
  absl::Time now_;
  // Own product writes by URN, so reads inside the transaction see them.
  // Kept as written (serialized): reading one back is rare (a batch naming a
  // URN twice), while a copy of every product put lengthened the writer
  // lock. By URN, as every apply of a batch looks its URN up (a list made a
  // 1,000-product batch compare ~500k URNs).
  struct OwnProduct {
    std::optional<std::string> bytes;  // The last write; nullopt: a delete.
    int64_t revision = 0;              // The highest revision written.
    bool upserted = false;             // Whether any write was a put.
  };
  absl::flat_hash_map<std::string, OwnProduct> own_products_;
  // Whether the committed state holds a product (URN), as GetProduct read it.
  absl::flat_hash_map<std::string, bool> committed_products_;
  // The counts once this transaction is applied; unset when it leaves them.
  std::optional<EntityCounts> counts_after_;
  // Own claim writes by claim key (nullopt marks a release).
  absl::flat_hash_map<std::string, std::optional<AddressClaim>> own_claims_;
  // Own policy writes (policy key -> state; nullopt marks a delete).
  std::vector<std::pair<std::string, std::optional<meshdex::v1::Policy>>> own_policies_;
  std::unique_ptr<LineagePending> lineage_;
  std::vector<std::function<void()>> on_commit_;
  // First error of a method that cannot return one; fails the write.
  absl::Status deferred_error_;
};

template <typename T>
struct Page {
  std::vector<T> items;
  // True when more items follow the last one returned.
  bool more = false;
};

class Store : public ChangeLog {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store() override;

  // Current state; NOT_FOUND when absent or deleted.
  absl::StatusOr<meshdex::v1::DataProduct> GetProduct(absl::string_view urn) const;
  // One revision (tombstones included); NOT_FOUND when it does not exist.
  absl::StatusOr<meshdex::v1::DataProduct> GetRevision(absl::string_view urn, int64_t revision) const;
  // Current products whose URN starts with `urn_prefix`, in URN order, after
  // `start_after` (exclusive; empty = from the start).
  absl::StatusOr<Page<meshdex::v1::DataProduct>> ListProducts(absl::string_view urn_prefix,
                                                              absl::string_view start_after,
                                                              size_t limit) const;
  // Revisions of `urn` with revision > `after_revision`, oldest first.
  absl::StatusOr<Page<meshdex::v1::DataProduct>> ListRevisions(absl::string_view urn,
                                                               int64_t after_revision,
                                                               size_t limit) const;
  absl::StatusOr<std::optional<AddressClaim>> GetClaim(const DatasetKey& dataset) const;
  // Current (not deleted) products and lineage datasets: exact, kept by
  // every write (one read, not a scan).
  absl::StatusOr<EntityCounts> Counts() const;
  // Counts().products.
  absl::StatusOr<uint64_t> CountProducts() const;

  // Writes a consistent, openable copy of the whole store (a RocksDB
  // checkpoint: hard links where possible) into `dir`, which must not exist.
  // Safe while serving. Returns a sequence every write up to which is in it.
  absl::StatusOr<uint64_t> Checkpoint(const std::string& dir) const;

  // Flushes every memtable to SST files, so the next open has no WAL to
  // replay (a clean shutdown calls it: restart time then does not grow with
  // the writes since the last flush). Not needed for durability.
  absl::Status FlushForRestart();

  // Lineage reads (records in lineage.proto; nullopt when absent).
  absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> GetDataset(
      const DatasetKey& dataset) const;
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> GetJob(const JobKey& job) const;
  // Whether `dataset` has a record; from the in-memory graph when it has an
  // edge there, else read (not decoded).
  absl::StatusOr<bool> HasDataset(const DatasetKey& dataset) const;
  absl::StatusOr<std::optional<meshdex::v1::RunRecord>> GetRun(absl::string_view run_id) const;
  // Datasets (jobs) in (namespace, name) order after `start_after`
  // (exclusive; nullopt = from the start).
  absl::StatusOr<Page<meshdex::v1::LineageDataset>> ListDatasets(
      const std::optional<DatasetKey>& start_after, size_t limit) const;
  absl::StatusOr<Page<meshdex::v1::LineageJob>> ListJobs(const std::optional<JobKey>& start_after,
                                                         size_t limit) const;
  // Calls `fn` with each neighbour of `node` one edge away in `direction`,
  // in key order, until it returns false. (A walk visiting many nodes reads
  // through one LineageSnapshot instead: storage/lineage_snapshot.h.)
  absl::Status ForEachNeighbor(const LineageNodeKey& node, EdgeDirection direction,
                               absl::FunctionRef<bool(const LineageNodeKey&)> fn) const;
  absl::Status ForEachColumnNeighbor(const FieldKey& field, EdgeDirection direction,
                                     absl::FunctionRef<bool(const FieldKey&)> fn) const;
  // Fields of `dataset` having column edges in `direction`, in name order.
  absl::StatusOr<std::vector<std::string>> FieldsWithColumnEdges(const DatasetKey& dataset,
                                                                 EdgeDirection direction) const;
  // Runs of `job`, newest first (by start time, else first event time),
  // after the opaque `position` of an earlier page (empty = from the newest).
  struct RunPage {
    std::vector<meshdex::v1::RunRecord> runs;
    // Position of the last run returned; pass it to get the next page.
    std::string position;
    bool more = false;
  };
  absl::StatusOr<RunPage> ListJobRuns(const JobKey& job, absl::string_view position,
                                      size_t limit) const;
  // Lineage datasets whose own identity or claim_dataset is `identity`: the
  // datasets an address claim on `identity` owns.
  absl::StatusOr<std::vector<DatasetKey>> DatasetsClaimedAs(const DatasetKey& identity) const;

  // Governance reads (nullopt when absent).
  absl::StatusOr<std::optional<meshdex::v1::Policy>> GetPolicy(absl::string_view domain,
                                                               absl::string_view name) const;
  // Every current policy, global ones first, then by domain and name.
  absl::StatusOr<std::vector<meshdex::v1::Policy>> ListPolicies() const;
  absl::StatusOr<std::optional<meshdex::v1::GovernanceStatus>> GetGovernance(
      absl::string_view urn) const;
  // Re-evaluation is due while policy_sequence > evaluated_sequence.
  struct GovernanceMarkers {
    // Sequence of the last policy write (0: none ever).
    uint64_t policy_sequence = 0;
    // The policy write the stored statuses were last re-evaluated against.
    uint64_t evaluated_sequence = 0;
  };
  absl::StatusOr<GovernanceMarkers> GetGovernanceMarkers() const;

  // Audit log. Appends `entry` under its time, as its own small write that is
  // not fsynced (the write it records was durable already). Safe to call
  // concurrently with anything, writers included; never waits for them.
  absl::Status AppendAudit(const meshdex::v1::AuditEntry& entry);
  struct AuditPage {
    // Newest first.
    std::vector<meshdex::v1::AuditEntry> entries;
    // Position of the last entry examined (returned or not); pass it to
    // continue with older entries.
    std::string position;
    // True when entries older than `position` exist.
    bool more = false;
  };
  // Entries older than the opaque `position` of an earlier page (empty = from
  // the newest), newest first, that `accept` keeps: at most `limit` of them,
  // examining at most `max_examined` entries (so a selective filter cannot
  // make one call scan the whole log). INVALID_ARGUMENT for a position that
  // no page returned.
  absl::StatusOr<AuditPage> ListAudit(
      absl::string_view position, size_t limit, size_t max_examined,
      absl::FunctionRef<bool(const meshdex::v1::AuditEntry&)> accept) const;

  // Runs `fn` under the writer lock and commits everything it wrote as one
  // durable batch. Returns the last sequence written, or the last sequence
  // `fn` saw when it wrote nothing. When `fn` fails nothing is written. Every
  // outcome is returned only once the state `fn` saw is durable and published.
  // UNAVAILABLE for good once a WAL sync has failed.
  absl::StatusOr<uint64_t> Write(absl::FunctionRef<absl::Status(WriteTxn&)> fn);

  // ChangeLog.
  absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> ReadChanges(uint64_t from,
                                                                    size_t limit) const override;
  // The last published (durable) sequence.
  uint64_t LastSequence() const override;
  bool WaitForSequence(uint64_t sequence, absl::Time deadline) const override;

  const std::string& path() const { return options_.path; }
  // nullopt when StoreOptions::lineage_graph_in_memory is off.
  std::optional<InMemoryLineageGraph> LineageGraphInMemory() const;
  // Waits until the in-memory lineage graph is loaded; false when it is off,
  // or not loaded by `deadline`.
  bool AwaitLineageGraphInMemory(absl::Time deadline) const;
  // WAL syncs made by writes since open (group commit makes it fewer than
  // the writes when writers are concurrent).
  uint64_t WalSyncs() const { return wal_syncs_.load(std::memory_order_relaxed); }

 private:
  friend class WriteTxn;
  friend class LineageSnapshot;
  Store(StoreOptions options);
  absl::Status OpenDb();
  absl::StatusOr<uint64_t> CountKeys(rocksdb::ColumnFamilyHandle* cf, absl::string_view what) const;
  absl::StatusOr<std::optional<std::string>> Read(rocksdb::ColumnFamilyHandle* cf,
                                                  absl::string_view key) const;
  // What a read may see: the latest applied state for the writer inside
  // Write()'s callback, the published snapshot for everyone else.
  internal::ReadView ReadState() const;
  // Takes a snapshot of the state as of now (under write_mu_, or at open).
  std::shared_ptr<const rocksdb::Snapshot> TakeSnapshot() const;
  // Syncs the WAL unless everything up to `sequence` is durable already, and
  // publishes the newest synced state. One caller syncs at a time, on behalf
  // of every write applied before it started.
  absl::Status MakeDurable(uint64_t sequence);
  // Continues the audit counter after the newest stored entry's.
  absl::Status RecoverAuditCounter();
  // Reads the stored entity counts into counts_; a store written before
  // they were kept is counted once, by scan, and the counts stored.
  absl::Status LoadCounts();
  // Adds the graph edges stored as of now to adjacency_ and marks it
  // complete (runs on adjacency_loader_; gives up early when closing_).
  void LoadLineageGraph();
  // Tells adjacency_ and owners_ what `txn` wrote, visible from `sequence`.
  void UpdateInMemoryLineage(const WriteTxn& txn, uint64_t sequence);

  const StoreOptions options_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;  // The default family (keys.h).
  rocksdb::ColumnFamilyHandle* products_ = nullptr;
  rocksdb::ColumnFamilyHandle* revisions_ = nullptr;
  rocksdb::ColumnFamilyHandle* claims_ = nullptr;
  rocksdb::ColumnFamilyHandle* changelog_ = nullptr;
  rocksdb::ColumnFamilyHandle* datasets_ = nullptr;
  rocksdb::ColumnFamilyHandle* jobs_ = nullptr;
  rocksdb::ColumnFamilyHandle* runs_ = nullptr;
  rocksdb::ColumnFamilyHandle* lineage_edges_ = nullptr;
  rocksdb::ColumnFamilyHandle* lineage_events_ = nullptr;
  rocksdb::ColumnFamilyHandle* lineage_index_ = nullptr;
  rocksdb::ColumnFamilyHandle* policies_ = nullptr;
  rocksdb::ColumnFamilyHandle* governance_ = nullptr;
  rocksdb::ColumnFamilyHandle* audit_ = nullptr;

  // Serialises writers; held across the callback and applying its batch.
  absl::Mutex write_mu_;
  // The entity counts as of the newest applied write.
  EntityCounts counts_ ABSL_GUARDED_BY(write_mu_);
  // The newest applied write (not necessarily durable) and its snapshot.
  // Lock order: write_mu_, sync_mu_, then applied_mu_, then seq_mu_.
  mutable absl::Mutex applied_mu_;
  uint64_t applied_sequence_ ABSL_GUARDED_BY(applied_mu_) = 0;
  std::shared_ptr<const rocksdb::Snapshot> applied_snapshot_ ABSL_GUARDED_BY(applied_mu_);
  // One WAL sync at a time; `synced_sequence_` and everything below it are durable.
  absl::Mutex sync_mu_;
  uint64_t synced_sequence_ ABSL_GUARDED_BY(sync_mu_) = 0;
  absl::Status sync_failure_ ABSL_GUARDED_BY(sync_mu_);
  // Set with sync_failure_; Write() checks it without waiting for sync_mu_,
  // which a sync in flight holds for the length of an fsync.
  std::atomic<bool> refusing_writes_{false};
  std::atomic<uint64_t> wal_syncs_{0};
  // Guards the published (durable) state; waiters block on it.
  mutable absl::Mutex seq_mu_;
  uint64_t last_sequence_ ABSL_GUARDED_BY(seq_mu_) = 0;
  std::shared_ptr<const rocksdb::Snapshot> published_snapshot_ ABSL_GUARDED_BY(seq_mu_);
  // Tells apart audit entries of one instant (keys::AuditKey).
  std::atomic<uint64_t> audit_counter_{0};
  // Null when StoreOptions::lineage_graph_in_memory is off. Write() adds a
  // batch's edges after applying it, before readers can see its snapshot.
  std::unique_ptr<LineageAdjacency> adjacency_;
  std::thread adjacency_loader_;
  // Null with adjacency_; told of every write's owner changes the same way.
  std::unique_ptr<OwnerCache> owners_;
  std::atomic<bool> closing_{false};
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_STORE_H_
