// Helpers shared by the store's implementation files (store.cc,
// store_lineage.cc); not part of the storage API.
#ifndef MESHDEX_STORAGE_STORE_INTERNAL_H_
#define MESHDEX_STORAGE_STORE_INTERNAL_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/functional/function_ref.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"
#include "rocksdb/status.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace meshdex::storage::internal {

// RocksDB status -> absl: corruption is DATA_LOSS, transient I/O trouble
// UNAVAILABLE, anything else INTERNAL.
inline absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut() || status.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

inline rocksdb::Slice ToSlice(absl::string_view bytes) { return rocksdb::Slice(bytes.data(), bytes.size()); }
inline absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

// Seeks `it` to `prefix` and calls `fn` with the key of every entry under it
// until `fn` returns false.
inline absl::Status ScanKeys(rocksdb::Iterator& it, absl::string_view prefix,
                             absl::FunctionRef<bool(absl::string_view key)> fn) {
  for (it.Seek(ToSlice(prefix)); it.Valid(); it.Next()) {
    if (!it.key().starts_with(ToSlice(prefix))) break;
    if (!fn(ToView(it.key()))) break;
  }
  return FromRocks(it.status(), "scanning lineage");
}

// Reads `key` of `cf` into `value`: true when found, false when absent.
inline absl::StatusOr<bool> Get(rocksdb::DB& db, const rocksdb::ReadOptions& options,
                                rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                                std::string& value) {
  rocksdb::Status status = db.Get(options, cf, ToSlice(key), &value);
  if (status.IsNotFound()) return false;
  if (!status.ok()) return FromRocks(status, "reading store");
  return true;
}

// Read options pinned to a snapshot (or to the latest state when `pin` is
// null); keep the view alive for as long as its options are in use.
struct ReadView {
  std::shared_ptr<const rocksdb::Snapshot> pin;
  rocksdb::ReadOptions options;
};

// The claim a claims-family read found (`found`, its bytes in `value`; call
// with the read done, not as an argument beside `value`).
inline absl::StatusOr<std::optional<AddressClaim>> ClaimRecord(const absl::StatusOr<bool>& found,
                                                               absl::string_view value) {
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  std::optional<AddressClaim> claim = keys::DecodeClaim(value);
  if (!claim) return absl::DataLossError("undecodable record in claims");
  return claim;
}

// The lineage datasets whose claim identity is `identity`, in key order,
// read with `it` over lineage_index.
absl::StatusOr<std::vector<DatasetKey>> ScanClaimedAs(rocksdb::Iterator& it,
                                                      const DatasetKey& identity);

template <typename Message>
absl::StatusOr<Message> Parse(absl::string_view bytes, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("undecodable record in ", what));
  }
  return message;
}

}  // namespace meshdex::storage::internal

#endif  // MESHDEX_STORAGE_STORE_INTERNAL_H_
