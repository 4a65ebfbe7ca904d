#include "storage/owner_cache.h"

#include <algorithm>

namespace meshdex::storage {

uint64_t OwnerCache::ChangedAt(absl::string_view dataset) const {
  auto found = entries_.find(dataset);
  return found == entries_.end() ? forgotten_changes_ : found->second.changed_at;
}

std::optional<std::string> OwnerCache::Find(absl::string_view dataset, uint64_t sequence) const {
  absl::ReaderMutexLock lock(&mu_);
  auto found = entries_.find(dataset);
  if (found == entries_.end() || sequence < found->second.changed_at) return std::nullopt;
  return found->second.owner;
}

void OwnerCache::MakeRoom(absl::string_view dataset) {
  if (entries_.size() < max_entries_ || entries_.contains(dataset)) return;
  entries_.clear();
  forgotten_changes_ = newest_change_;
}

void OwnerCache::Remember(absl::string_view dataset, uint64_t sequence, absl::string_view owner) {
  absl::MutexLock lock(&mu_);
  MakeRoom(dataset);
  if (sequence < ChangedAt(dataset)) return;
  auto [it, inserted] = entries_.try_emplace(dataset);
  if (inserted) it->second.changed_at = forgotten_changes_;
  it->second.owner.emplace(owner);
}

void OwnerCache::Changed(absl::string_view dataset, uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  newest_change_ = std::max(newest_change_, sequence);
  MakeRoom(dataset);
  Entry& entry = entries_[dataset];
  entry.changed_at = sequence;
  entry.owner.reset();
}

}  // namespace meshdex::storage
