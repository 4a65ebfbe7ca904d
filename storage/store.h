// Store: the RocksDB-backed source of truth of the catalog.
//
// Column families: products (current state by URN), revisions (every revision
// by URN and revision, tombstones included), claims (OpenLineage dataset ->
// owning product port) and changelog (ChangeEvent by sequence). Key encodings
// live in keys.h only.
//
// Invariants:
//  * One commit path: every write runs through Write(), which turns the
//    callback's mutations plus one change-log record per touched entity into
//    ONE rocksdb::WriteBatch, and returns only once it is durable (WAL, fsync
//    when StoreOptions::sync_writes).
//  * Writers are serialised by a mutex, so the callback sees the latest
//    committed state and a read-check-write inside it is atomic (optimistic
//    concurrency on revision is decided there).
//  * Change-log sequences are consecutive, start at 1 and are recovered on open.
//
// Thread-safety: all public methods are thread-safe.
#ifndef MESHDEX_STORAGE_STORE_H_
#define MESHDEX_STORAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "meshdex/v1/resources.pb.h"
#include "storage/change_log.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace meshdex::storage {

class Store;

struct StoreOptions {
  std::string path;
  // fsync the WAL before acknowledging a write.
  bool sync_writes = true;
};

// An OpenLineage dataset identity, the key of an address claim.
struct DatasetKey {
  std::string ns;
  std::string name;
};

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
  void PutClaim(const DatasetKey& dataset, const AddressClaim& claim);
  void ReleaseClaim(const DatasetKey& dataset);

 private:
  friend class Store;
  WriteTxn(Store& store, uint64_t last_sequence, absl::Time now);
  ~WriteTxn();
  void AppendChange(meshdex::v1::ChangeEvent::Type type, absl::string_view urn, int64_t revision);

  Store& store_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  uint64_t next_sequence_;
  absl::Time now_;
  // Own writes, so reads inside the transaction see them (URN -> state;
  // nullopt marks a delete).
  std::vector<std::pair<std::string, std::optional<meshdex::v1::DataProduct>>> own_products_;
  std::vector<std::pair<std::string, std::optional<AddressClaim>>> own_claims_;
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
  // Number of current (not deleted) products; exact, by scan.
  absl::StatusOr<uint64_t> CountProducts() const;

  // Runs `fn` under the writer lock and commits everything it wrote as one
  // durable batch. Returns the last sequence written, or the current last
  // sequence when `fn` wrote nothing. When `fn` fails nothing is written.
  absl::StatusOr<uint64_t> Write(absl::FunctionRef<absl::Status(WriteTxn&)> fn);

  // ChangeLog.
  absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> ReadChanges(uint64_t from,
                                                                    size_t limit) const override;
  uint64_t LastSequence() const override;
  bool WaitForSequence(uint64_t sequence, absl::Time deadline) const override;

  const std::string& path() const { return options_.path; }

 private:
  friend class WriteTxn;
  Store(StoreOptions options);
  absl::Status OpenDb();
  absl::StatusOr<std::optional<std::string>> Read(rocksdb::ColumnFamilyHandle* cf,
                                                  absl::string_view key) const;

  const StoreOptions options_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* products_ = nullptr;
  rocksdb::ColumnFamilyHandle* revisions_ = nullptr;
  rocksdb::ColumnFamilyHandle* claims_ = nullptr;
  rocksdb::ColumnFamilyHandle* changelog_ = nullptr;

  // Serialises writers; held across the callback and the batch commit.
  absl::Mutex write_mu_;
  // Guards the published last sequence; waiters block on it.
  mutable absl::Mutex seq_mu_;
  uint64_t last_sequence_ ABSL_GUARDED_BY(seq_mu_) = 0;
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_STORE_H_
