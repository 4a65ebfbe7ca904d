#include "storage/store.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "proto/timestamps.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/lineage_adjacency.h"
#include "storage/lineage_pending.h"
#include "storage/owner_cache.h"
#include "storage/store_internal.h"

namespace meshdex::storage {
namespace {

// Edges the loader adds per lock of the in-memory graph.
constexpr size_t kLoadChunk = 4096;
// Owners remembered at most (about 100 bytes each).
constexpr size_t kOwnerCacheEntries = size_t{1} << 20;

using internal::FromRocks;
using internal::Parse;
using meshdex::v1::ChangeEvent;
using meshdex::v1::DataProduct;

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Index and filter blocks are cached with high priority: half the cache
  // (StoreOptions::block_cache_bytes) is theirs before data blocks evict
  // them. At 1M products they are ~90 MiB; with 256 MiB in all they were
  // evicted, and every claim lookup of a walk re-read them from disk.
  table.cache_index_and_filter_blocks = true;
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kLZ4Compression;
  return options;
}

}  // namespace

// WriteTxn --------------------------------------------------------------------

WriteTxn::WriteTxn(Store& store, uint64_t last_sequence, absl::Time now)
    : store_(store),
      batch_(std::make_unique<rocksdb::WriteBatch>()),
      next_sequence_(last_sequence + 1),
      now_(now) {}

WriteTxn::~WriteTxn() = default;

absl::StatusOr<std::optional<DataProduct>> WriteTxn::GetProduct(absl::string_view urn) {
  // The last own write of `urn`, else the committed state.
  std::optional<std::string> bytes;
  if (auto own = own_products_.find(urn); own != own_products_.end()) {
    bytes = own->second.bytes;
  } else {
    absl::StatusOr<std::optional<std::string>> committed =
        store_.Read(store_.products_, keys::ProductKey(urn));
    if (!committed.ok()) return committed.status();
    committed_products_.insert_or_assign(std::string(urn), committed->has_value());
    bytes = *std::move(committed);
  }
  if (!bytes.has_value()) return std::nullopt;
  absl::StatusOr<DataProduct> product = Parse<DataProduct>(*bytes, "products");
  if (!product.ok()) return product.status();
  return std::optional<DataProduct>(*std::move(product));
}

absl::StatusOr<int64_t> WriteTxn::LastRevision(absl::string_view urn) {
  int64_t last = 0;
  if (auto own = own_products_.find(urn); own != own_products_.end()) last = own->second.revision;
  const internal::ReadView view = store_.ReadState();
  std::unique_ptr<rocksdb::Iterator> it(store_.db_->NewIterator(view.options, store_.revisions_));
  // Seek past the largest possible revision of this URN, then step back.
  it->SeekForPrev(keys::RevisionKey(urn, std::numeric_limits<int64_t>::max()));
  if (it->Valid()) {
    std::optional<int64_t> revision = keys::RevisionFromKey(absl::string_view(it->key().data(), it->key().size()), urn);
    if (revision) last = std::max(last, *revision);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading revisions");
  return last;
}

absl::StatusOr<std::optional<AddressClaim>> WriteTxn::GetClaim(const DatasetKey& dataset) {
  std::string key = keys::ClaimKey(dataset);
  if (auto own = own_claims_.find(key); own != own_claims_.end()) return own->second;
  return store_.GetClaim(dataset);
}

void WriteTxn::PutProduct(const DataProduct& product) {
  const std::string& urn = product.metadata().urn();
  const int64_t revision = product.metadata().revision();
  std::string bytes = product.SerializeAsString();
  batch_->Put(store_.products_, keys::ProductKey(urn), bytes);
  batch_->Put(store_.revisions_, keys::RevisionKey(urn, revision), bytes);
  RememberOwnProduct(urn, revision, std::move(bytes));
  AppendChange(ChangeEvent::PRODUCT_UPSERTED, urn, revision);
}

void WriteTxn::RememberOwnProduct(absl::string_view urn, int64_t revision,
                                  std::optional<std::string> bytes) {
  OwnProduct& own = own_products_[urn];
  own.revision = std::max(own.revision, revision);
  own.upserted = own.upserted || bytes.has_value();
  own.bytes = std::move(bytes);
}

void WriteTxn::DeleteProduct(const DataProduct& tombstone) {
  const std::string& urn = tombstone.metadata().urn();
  batch_->Delete(store_.products_, keys::ProductKey(urn));
  batch_->Put(store_.revisions_, keys::RevisionKey(urn, tombstone.metadata().revision()),
              tombstone.SerializeAsString());
  batch_->Delete(store_.governance_, keys::GovernanceStatusKey(urn));
  RememberOwnProduct(urn, tombstone.metadata().revision(), std::nullopt);
  AppendChange(ChangeEvent::PRODUCT_DELETED, urn, tombstone.metadata().revision());
}

void WriteTxn::PutClaim(const DatasetKey& dataset, const AddressClaim& claim) {
  absl::StatusOr<std::optional<AddressClaim>> current = GetClaim(dataset);
  if (!current.ok()) {
    if (deferred_error_.ok()) deferred_error_ = current.status();
  } else if (!current->has_value() || (*current)->product_urn != claim.product_urn) {
    TouchDatasetsClaimedAs(dataset);
  }
  std::string key = keys::ClaimKey(dataset);
  batch_->Put(store_.claims_, key, keys::EncodeClaim(claim));
  own_claims_.insert_or_assign(std::move(key), claim);
}

void WriteTxn::ReleaseClaim(const DatasetKey& dataset) {
  TouchDatasetsClaimedAs(dataset);
  std::string key = keys::ClaimKey(dataset);
  batch_->Delete(store_.claims_, key);
  own_claims_.insert_or_assign(std::move(key), std::nullopt);
}

absl::Status WriteTxn::Finish() {
  if (!deferred_error_.ok()) return deferred_error_;
  if (absl::Status lineage = FinishLineage(); !lineage.ok()) return lineage;
  return FinishCounts();
}

void WriteTxn::AppendChange(ChangeEvent::Type type, absl::string_view urn, int64_t revision) {
  ChangeEvent event;
  event.set_sequence(next_sequence_);
  event.set_type(type);
  event.set_urn(std::string(urn));
  event.set_revision(revision);
  *event.mutable_time() = ToTimestamp(now_);
  batch_->Put(store_.changelog_, keys::SequenceKey(next_sequence_), event.SerializeAsString());
  ++next_sequence_;
}

// Store -----------------------------------------------------------------------

Store::Store(StoreOptions options) : options_(std::move(options)) {}

Store::~Store() {
  closing_.store(true);
  if (adjacency_loader_.joinable()) adjacency_loader_.join();
  if (db_ == nullptr) return;
  // Snapshots must be released before the database closes.
  {
    absl::MutexLock lock(&applied_mu_);
    applied_snapshot_.reset();
  }
  {
    absl::MutexLock lock(&seq_mu_);
    published_snapshot_.reset();
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle);
  }
  db_->Close();
  delete db_;
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("store path is empty");
  std::unique_ptr<Store> store(new Store(options));
  if (absl::Status status = store->OpenDb(); !status.ok()) return status;
  if (options.lineage_graph_in_memory) {
    store->adjacency_ = std::make_unique<LineageAdjacency>();
    store->owners_ = std::make_unique<OwnerCache>(kOwnerCacheEntries);
    store->adjacency_loader_ = std::thread([raw = store.get()] { raw->LoadLineageGraph(); });
  }
  return store;
}

void Store::LoadLineageGraph() {
  // Writes go on meanwhile: those applied after `at` add their own edges
  // and aliased datasets.
  const std::shared_ptr<const rocksdb::Snapshot> at = TakeSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = at.get();
  options.fill_cache = false;  // One pass over every key; keep the cache for reads.
  // Hands the keys under `prefix` in `cf`, as `convert` makes them, to `add`
  // in chunks; false when closing, or a scan failed or met a key `convert`
  // rejects (the graph then never answers: walks read RocksDB, which reports
  // the key).
  auto load = [&](rocksdb::ColumnFamilyHandle* cf, absl::string_view prefix,
                  auto convert, auto add) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, cf));
    std::vector<std::string> chunk;
    bool malformed = false;
    absl::Status scanned = internal::ScanKeys(*it, prefix, [&](absl::string_view key) {
      if (closing_.load(std::memory_order_relaxed)) return false;
      std::optional<std::string> converted = convert(key);
      if (!converted) {
        malformed = true;
        return false;
      }
      if (!converted->empty()) chunk.push_back(*std::move(converted));
      if (chunk.size() == kLoadChunk) {
        add(chunk);
        chunk.clear();
      }
      return true;
    });
    if (!scanned.ok() || malformed || closing_.load()) return false;
    add(chunk);
    return true;
  };
  const bool loaded =
      load(
          lineage_edges_, keys::EdgesPrefix(EdgeDirection::kDownstream),
          [](absl::string_view key) { return std::optional<std::string>(key); },
          [this](absl::Span<const std::string> edges) { adjacency_->Add(edges, 0); }) &&
      load(lineage_index_, keys::kClaimAliasesPrefix, keys::AliasedDatasetOf,
           [this](absl::Span<const std::string> datasets) {
             adjacency_->AddAliasedDatasets(datasets);
           });
  if (loaded) adjacency_->MarkComplete(at->GetSequenceNumber());
}

void Store::UpdateInMemoryLineage(const WriteTxn& txn, uint64_t sequence) {
  if (adjacency_ == nullptr) return;
  // A dataset's owner follows the claim on its identity, its claim_dataset,
  // and the claim on that: claims written, datasets written, and datasets
  // claimed as a claim's identity (claim_touched).
  for (const auto& [claim_key, claim] : txn.own_claims_) owners_->Changed(claim_key, sequence);
  if (txn.lineage_ == nullptr) return;
  adjacency_->Add(txn.lineage_->graph_edges, sequence);
  for (const std::string& key : txn.lineage_->claim_touched) owners_->Changed(key, sequence);
  std::vector<std::string> aliased;
  for (const std::string& key : txn.lineage_->datasets.order()) {
    owners_->Changed(key, sequence);
    if (txn.lineage_->datasets.at(key).has_claim_dataset()) aliased.push_back(key);
  }
  adjacency_->AddAliasedDatasets(aliased);
}

std::optional<InMemoryLineageGraph> Store::LineageGraphInMemory() const {
  if (adjacency_ == nullptr) return std::nullopt;
  return adjacency_->size();
}

bool Store::AwaitLineageGraphInMemory(absl::Time deadline) const {
  return adjacency_ != nullptr && adjacency_->AwaitComplete(deadline);
}

absl::Status Store::OpenDb() {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.paranoid_checks = true;
  db_options.IncreaseParallelism(2);
  // Memory is bounded by the block cache plus all memtables together: without
  // a shared budget each of the column families could grow its own 64 MiB
  // memtable before flushing, and RSS would climb for a long while.
  db_options.db_write_buffer_size = 128 << 20;
  // Bounds the WAL a crash leaves to replay: beyond it RocksDB flushes the
  // families holding the oldest log (by default the bound is 4x all the
  // families' write buffers, gigabytes here, and replaying it made restarts
  // take tens of seconds).
  db_options.max_total_wal_size = 256 << 20;
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options_.block_cache_bytes);

  const std::vector<std::string> families = {rocksdb::kDefaultColumnFamilyName,
                                             keys::kProductsFamily, keys::kRevisionsFamily,
                                             keys::kClaimsFamily, keys::kChangeLogFamily,
                                             keys::kDatasetsFamily, keys::kJobsFamily,
                                             keys::kRunsFamily, keys::kLineageEdgesFamily,
                                             keys::kLineageEventsFamily, keys::kLineageIndexFamily,
                                             keys::kPoliciesFamily, keys::kGovernanceFamily,
                                             keys::kAuditFamily};
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : families) {
    descriptors.emplace_back(name, FamilyOptions(cache));
  }
  rocksdb::Status status =
      rocksdb::DB::Open(db_options, options_.path, descriptors, &handles_, &db_);
  if (!status.ok()) {
    // A store that cannot be opened is reported, never silently reset.
    return FromRocks(status, absl::StrCat("opening store at ", options_.path));
  }
  meta_ = handles_[0];
  products_ = handles_[1];
  revisions_ = handles_[2];
  claims_ = handles_[3];
  changelog_ = handles_[4];
  datasets_ = handles_[5];
  jobs_ = handles_[6];
  runs_ = handles_[7];
  lineage_edges_ = handles_[8];
  lineage_events_ = handles_[9];
  lineage_index_ = handles_[10];
  policies_ = handles_[11];
  governance_ = handles_[12];
  audit_ = handles_[13];
  if (absl::Status recovered = RecoverAuditCounter(); !recovered.ok()) return recovered;
  if (absl::Status counted = LoadCounts(); !counted.ok()) return counted;

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), changelog_));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    std::optional<uint64_t> sequence = keys::SequenceFromKey(absl::string_view(it->key().data(), it->key().size()));
    if (!sequence) return absl::DataLossError("change log holds a malformed key");
    last = *sequence;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading change log");
  // Readers see the recovered state, never a later write before it is durable.
  std::shared_ptr<const rocksdb::Snapshot> recovered = TakeSnapshot();
  {
    absl::MutexLock lock(&applied_mu_);
    applied_sequence_ = last;
    applied_snapshot_ = recovered;
  }
  absl::MutexLock lock(&seq_mu_);
  last_sequence_ = last;
  published_snapshot_ = std::move(recovered);
  return absl::OkStatus();
}

namespace {
// The store whose Write() callback runs on this thread, if any: its reads
// must see the applied state, which the published snapshot may trail.
thread_local const Store* writing_store = nullptr;
}  // namespace

internal::ReadView Store::ReadState() const {
  if (writing_store == this) return {};
  internal::ReadView view;
  {
    absl::MutexLock lock(&seq_mu_);
    view.pin = published_snapshot_;
  }
  view.options.snapshot = view.pin.get();
  return view;
}

std::shared_ptr<const rocksdb::Snapshot> Store::TakeSnapshot() const {
  rocksdb::DB* db = db_;
  return std::shared_ptr<const rocksdb::Snapshot>(
      db->GetSnapshot(), [db](const rocksdb::Snapshot* snapshot) { db->ReleaseSnapshot(snapshot); });
}

absl::StatusOr<std::optional<std::string>> Store::Read(rocksdb::ColumnFamilyHandle* cf,
                                                       absl::string_view key) const {
  std::string value;
  const internal::ReadView view = ReadState();
  absl::StatusOr<bool> found = internal::Get(*db_, view.options, cf, key, value);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<DataProduct> Store::GetProduct(absl::string_view urn) const {
  absl::StatusOr<std::optional<std::string>> bytes = Read(products_, keys::ProductKey(urn));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return absl::NotFoundError(absl::StrCat("product ", urn, " not found"));
  return Parse<DataProduct>(**bytes, "products");
}

absl::StatusOr<DataProduct> Store::GetRevision(absl::string_view urn, int64_t revision) const {
  absl::StatusOr<std::optional<std::string>> bytes =
      Read(revisions_, keys::RevisionKey(urn, revision));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return absl::NotFoundError(absl::StrCat("product ", urn, " has no revision ", revision));
  }
  return Parse<DataProduct>(**bytes, "revisions");
}

absl::StatusOr<Page<DataProduct>> Store::ListProducts(absl::string_view urn_prefix,
                                                      absl::string_view start_after,
                                                      size_t limit) const {
  Page<DataProduct> page;
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, products_));
  std::string start = start_after.empty() ? keys::ProductKey(urn_prefix)
                                          : keys::ProductKey(start_after);
  for (it->Seek(start); it->Valid(); it->Next()) {
    absl::string_view key = absl::string_view(it->key().data(), it->key().size());
    if (key.substr(0, urn_prefix.size()) != urn_prefix) break;
    if (!start_after.empty() && key == start_after) continue;
    if (page.items.size() == limit) {
      page.more = true;
      break;
    }
    absl::StatusOr<DataProduct> product = Parse<DataProduct>(absl::string_view(it->value().data(), it->value().size()), "products");
    if (!product.ok()) return product.status();
    page.items.push_back(*std::move(product));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing products");
  return page;
}

absl::StatusOr<Page<DataProduct>> Store::ListRevisions(absl::string_view urn,
                                                       int64_t after_revision,
                                                       size_t limit) const {
  Page<DataProduct> page;
  std::string prefix = keys::RevisionPrefix(urn);
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, revisions_));
  for (it->Seek(keys::RevisionKey(urn, after_revision + 1)); it->Valid(); it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    if (page.items.size() == limit) {
      page.more = true;
      break;
    }
    absl::StatusOr<DataProduct> revision =
        Parse<DataProduct>(absl::string_view(it->value().data(), it->value().size()), "revisions");
    if (!revision.ok()) return revision.status();
    page.items.push_back(*std::move(revision));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing revisions");
  return page;
}

absl::StatusOr<std::optional<AddressClaim>> Store::GetClaim(const DatasetKey& dataset) const {
  std::string value;
  const internal::ReadView view = ReadState();
  const absl::StatusOr<bool> found =
      internal::Get(*db_, view.options, claims_, keys::ClaimKey(dataset), value);
  return internal::ClaimRecord(found, value);
}

absl::StatusOr<uint64_t> Store::CountKeys(rocksdb::ColumnFamilyHandle* cf,
                                          absl::string_view what) const {
  uint64_t count = 0;
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  if (!it->status().ok()) return FromRocks(it->status(), absl::StrCat("counting ", what));
  return count;
}

absl::StatusOr<uint64_t> Store::Checkpoint(const std::string& dir) const {
  // Read before the checkpoint: every write published by then is inside it.
  const uint64_t sequence = LastSequence();
  rocksdb::Checkpoint* raw = nullptr;
  if (absl::Status status = FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "checkpoint");
      !status.ok()) {
    return status;
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (absl::Status status =
          FromRocks(checkpoint->CreateCheckpoint(dir), absl::StrCat("checkpoint into ", dir));
      !status.ok()) {
    return status;
  }
  return sequence;
}

absl::Status Store::FlushForRestart() {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return FromRocks(db_->Flush(flush, handles_), "flushing memtables");
}

absl::StatusOr<uint64_t> Store::Write(absl::FunctionRef<absl::Status(WriteTxn&)> fn) {
  uint64_t seen = 0;
  absl::StatusOr<uint64_t> outcome;
  {
    absl::MutexLock writer(&write_mu_);
    if (refusing_writes_.load()) {
      return absl::UnavailableError("the store refuses writes after a failed WAL sync; restart meshdexd");
    }
    {
      absl::MutexLock lock(&applied_mu_);
      seen = applied_sequence_;
    }
    WriteTxn txn(*this, seen, absl::Now());
    writing_store = this;
    absl::Status status = fn(txn);
    if (status.ok()) status = txn.Finish();
    writing_store = nullptr;
    if (!status.ok()) {
      outcome = status;
    } else if (txn.batch_->Count() == 0) {
      outcome = seen;
    } else {
      // Applied, not synced: the next writer may start at once (see
      // MakeDurable). Nothing is applied when this fails.
      rocksdb::WriteOptions write_options;
      write_options.sync = false;
      if (absl::Status written = FromRocks(db_->Write(write_options, txn.batch_.get()), "writing store");
          !written.ok()) {
        return written;
      }
      const uint64_t written = txn.next_sequence_ - 1;
      std::shared_ptr<const rocksdb::Snapshot> snapshot = TakeSnapshot();
      UpdateInMemoryLineage(txn, snapshot->GetSequenceNumber());
      if (txn.counts_after_) counts_ = *txn.counts_after_;
      {
        absl::MutexLock lock(&applied_mu_);
        applied_sequence_ = written;
        applied_snapshot_ = std::move(snapshot);
      }
      for (const std::function<void()>& on_commit : txn.on_commit_) on_commit();
      outcome = written;
    }
  }
  // Whatever the outcome, it may rest on writes applied but not yet durable.
  if (absl::Status durable = MakeDurable(outcome.ok() ? *outcome : seen); !durable.ok()) {
    return durable;
  }
  return outcome;
}

absl::Status Store::MakeDurable(uint64_t sequence) {
  absl::MutexLock syncing(&sync_mu_);
  if (!sync_failure_.ok()) return sync_failure_;
  if (synced_sequence_ >= sequence) return absl::OkStatus();
  // Everything applied by now is in the WAL: one sync covers all of it.
  uint64_t target = 0;
  std::shared_ptr<const rocksdb::Snapshot> snapshot;
  {
    absl::MutexLock lock(&applied_mu_);
    target = applied_sequence_;
    snapshot = applied_snapshot_;
  }
  if (options_.sync_writes) {
    wal_syncs_.fetch_add(1, std::memory_order_relaxed);
    absl::Status synced = options_.before_wal_sync ? options_.before_wal_sync() : absl::OkStatus();
    if (synced.ok()) synced = FromRocks(db_->SyncWAL(), "syncing the write-ahead log");
    if (!synced.ok()) {
      refusing_writes_.store(true);
      sync_failure_ = absl::UnavailableError(
          absl::StrCat(synced.message(), "; the store refuses writes until meshdexd restarts"));
      return sync_failure_;
    }
  }
  synced_sequence_ = target;
  absl::MutexLock lock(&seq_mu_);
  last_sequence_ = target;
  published_snapshot_ = std::move(snapshot);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ChangeEvent>> Store::ReadChanges(uint64_t from, size_t limit) const {
  std::vector<ChangeEvent> events;
  // Only published sequences are visible, so a reader never races a batch.
  const uint64_t last = LastSequence();
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, changelog_));
  for (it->Seek(keys::SequenceKey(from)); it->Valid() && events.size() < limit; it->Next()) {
    std::optional<uint64_t> sequence = keys::SequenceFromKey(absl::string_view(it->key().data(), it->key().size()));
    if (!sequence) return absl::DataLossError("change log holds a malformed key");
    if (*sequence > last) break;
    absl::StatusOr<ChangeEvent> event = Parse<ChangeEvent>(absl::string_view(it->value().data(), it->value().size()), "changelog");
    if (!event.ok()) return event.status();
    events.push_back(*std::move(event));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading change log");
  return events;
}

uint64_t Store::LastSequence() const {
  absl::MutexLock lock(&seq_mu_);
  return last_sequence_;
}

bool Store::WaitForSequence(uint64_t sequence, absl::Time deadline) const {
  absl::MutexLock lock(&seq_mu_);
  auto reached = [this, sequence]() ABSL_SHARED_LOCKS_REQUIRED(seq_mu_) {
    return last_sequence_ >= sequence;
  };
  return seq_mu_.AwaitWithDeadline(absl::Condition(&reached), deadline);
}

}  // namespace meshdex::storage
