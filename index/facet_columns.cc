#include "index/facet_columns.h"

namespace meshdex::index {

void FacetColumns::Column::Set(Xapian::docid document, const std::string& list) {
  uint32_t id = kNone;
  if (!list.empty()) {
    auto [entry, added] = list_id_.try_emplace(list, static_cast<uint32_t>(lists_.size()));
    if (added) lists_.push_back(list);
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
  std::unique_ptr<Column>& column = columns_[slot];
  if (column == nullptr) {
    auto loaded = std::make_unique<Column>();
    loaded->list_ids_.reserve(database.get_lastdocid() + 1);
    for (Xapian::ValueIterator value = database.valuestream_begin(slot);
         value != database.valuestream_end(slot); ++value) {
      loaded->Set(value.get_docid(), *value);
    }
    column = std::move(loaded);  // Only once complete: a throw leaves none.
  }
  return *column;
}

void FacetColumns::Apply(Xapian::docid id, const Xapian::Document* document) {
  absl::MutexLock lock(&mu_);
  for (auto& [slot, column] : columns_) {
    if (column != nullptr) column->Set(id, document == nullptr ? "" : document->get_value(slot));
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
    if (column == nullptr) continue;
    bytes += column->list_ids_.capacity() * sizeof(uint32_t);
    // Each list is held twice: by id and as the key of its id.
    for (const std::string& list : column->lists_) bytes += 2 * (sizeof(std::string) + list.size());
    bytes += column->list_id_.capacity() * sizeof(std::pair<const std::string, uint32_t>);
  }
  return bytes;
}

}  // namespace meshdex::index
