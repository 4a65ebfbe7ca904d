// OwnerCache: the owning product (URN) of lineage datasets, remembered
// between walks. Finding an owner reads up to three records (the claim on the
// dataset's identity, its record for claim_dataset, the claim on that), a
// third of a walk's time when every walk read them again.
//
// Invariants: an owner is remembered only as read at a snapshot no older
// than the dataset's last ownership change, and only readers at such a
// snapshot get it back; a write that may change datasets' owners reports
// them (Changed) after it is applied and before any reader's snapshot holds
// it, so a remembered owner is the one every snapshot it is given to holds.
// Bounded: at max_entries the cache starts over, and the changes it forgets
// are taken to have happened at the newest change reported.
//
// Thread-safety: thread-safe.
#ifndef MESHDEX_STORAGE_OWNER_CACHE_H_
#define MESHDEX_STORAGE_OWNER_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace meshdex::storage {

class OwnerCache {
 public:
  explicit OwnerCache(size_t max_entries) : max_entries_(max_entries) {}

  // The owner URN ("" when no product owns it) of `dataset` (key bytes) for
  // a reader at `sequence`; nullopt when not remembered for that reader.
  std::optional<std::string> Find(absl::string_view dataset, uint64_t sequence) const;

  // Remembers `owner` of `dataset` as read at `sequence`, unless its owner
  // may have changed after that.
  void Remember(absl::string_view dataset, uint64_t sequence, absl::string_view owner);

  // The owner of `dataset` may change with the write visible from `sequence` on.
  void Changed(absl::string_view dataset, uint64_t sequence);

 private:
  struct Entry {
    uint64_t changed_at = 0;  // The last reported change.
    std::optional<std::string> owner;
  };
  // When the owner of `dataset` last (possibly) changed.
  uint64_t ChangedAt(absl::string_view dataset) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Starts over when full and `dataset` is not in.
  void MakeRoom(absl::string_view dataset) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // The newest change reported, and the one every forgotten entry's last
  // change is at or before.
  uint64_t newest_change_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t forgotten_changes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_OWNER_CACHE_H_
