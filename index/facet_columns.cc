#include "index/facet_columns.h"

namespace meshdex::index {

void FacetColumns::Column::Set(Xapian::docid document, const std::string& list) {
  uint32_t id = kNone;
  if (!list.empty()) {
    auto [entry, added] = list_id_.try_emplace(list, static_cast<uint32_t>(lists_.size()));
    if (added) {
      lists_.push_back(list);
      list_bytes_ += list.size();
    }
    id = entry->second;
  }
  if (document >= list_ids_.size()) {
    if (id == kNone) return;
    list_ids_.resize(document + 1, kNone);
  }
  list_ids_[document] = id;
}

const FacetColumns::Column& FacetColumns::Get(Xapian::valueno slot,
                                              const Xapian::Database& database) {
  absl::MutexLock lock(&mu_);
  if (auto loaded = columns_.find(slot); loaded != columns_.end()) return *loaded->second;
  auto column = std::make_unique<Column>();
  column->list_ids_.reserve(database.get_lastdocid() + 1);
  for (Xapian::ValueIterator value = database.valuestream_begin(slot);
       value != database.valuestream_end(slot); ++value) {
    column->Set(value.get_docid(), *value);
  }
  // Kept only once complete: a failed read keeps none.
  return *columns_.emplace(slot, std::move(column)).first->second;
}

void FacetColumns::Apply(Xapian::docid id, const Xapian::Document* document) {
  absl::MutexLock lock(&mu_);
  for (auto& [slot, column] : columns_) {
    column->Set(id, document == nullptr ? "" : document->get_value(slot));
  }
}

void FacetColumns::Reset() {
  absl::MutexLock lock(&mu_);
  columns_.clear();
}

size_t FacetColumns::MemoryBytes() {
  absl::MutexLock lock(&mu_);
  size_t bytes = 0;
  for (const auto& [slot, column] : columns_) {
    bytes += column->list_ids_.capacity() * sizeof(uint32_t);
    // Each list is held twice: by id and as the key of its id.
    bytes += 2 * (column->lists_.size() * sizeof(std::string) + column->list_bytes_);
    bytes += column->list_id_.capacity() * sizeof(std::pair<const std::string, uint32_t>);
  }
  return bytes;
}

}  // namespace meshdex::index
