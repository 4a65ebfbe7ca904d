// The audit-log part of Store (declared in store.h): entries appended on
// their own, outside the change log, and read newest first.
#include <memory>
#include <optional>
#include <utility>

#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace meshdex::storage {
namespace {

using internal::FromRocks;
using internal::Parse;
using meshdex::v1::AuditEntry;

absl::string_view View(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

}  // namespace

absl::Status Store::RecoverAuditCounter() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), audit_));
  it->SeekToLast();
  if (it->Valid()) {
    std::optional<uint64_t> counter = keys::AuditCounterFromKey(View(it->key()));
    if (!counter) return absl::DataLossError("audit log holds a malformed key");
    audit_counter_.store(*counter + 1);
  }
  return FromRocks(it->status(), "reading audit log");
}

absl::Status Store::AppendAudit(const AuditEntry& entry) {
  const int64_t unix_nanos = absl::ToUnixNanos(absl::FromUnixSeconds(entry.time().seconds()) +
                                               absl::Nanoseconds(entry.time().nanos()));
  const std::string key =
      keys::AuditKey(unix_nanos, audit_counter_.fetch_add(1, std::memory_order_relaxed));
  // Not synced: the write an entry records was durable already, and a denial
  // lost in a crash costs less than an fsync on every request.
  rocksdb::WriteOptions options;
  options.sync = false;
  return FromRocks(db_->Put(options, audit_, key, entry.SerializeAsString()), "appending to audit log");
}

absl::StatusOr<Store::AuditPage> Store::ListAudit(
    absl::string_view position, size_t limit, size_t max_examined,
    absl::FunctionRef<bool(const AuditEntry&)> accept) const {
  if (!position.empty() && !keys::AuditCounterFromKey(position)) {
    return absl::InvalidArgumentError("malformed audit log position");
  }
  AuditPage page;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), audit_));
  if (position.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(rocksdb::Slice(position.data(), position.size()));
    if (it->Valid() && View(it->key()) == position) it->Prev();
  }
  size_t examined = 0;
  for (; it->Valid() && page.entries.size() < limit && examined < max_examined; it->Prev()) {
    ++examined;
    page.position.assign(it->key().data(), it->key().size());
    absl::StatusOr<AuditEntry> entry = Parse<AuditEntry>(View(it->value()), "audit");
    if (!entry.ok()) return entry.status();
    if (accept(*entry)) page.entries.push_back(*std::move(entry));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading audit log");
  page.more = it->Valid();
  if (page.position.empty()) page.position = std::string(position);
  return page;
}

}  // namespace meshdex::storage
