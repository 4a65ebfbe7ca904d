// The store's entity counts (keys::kCountsKey): every write that adds or
// removes a product or a lineage dataset stores the new totals in its own
// batch, so a count is one read at any snapshot instead of a scan of millions
// of keys (GetStats, /metrics).
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "storage/keys.h"
#include "storage/lineage_pending.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace meshdex::storage {
namespace {

using internal::FromRocks;

// Applies `added` minus `removed` to `count`; a count never goes below zero
// (it cannot, as long as the stored counts were right).
uint64_t Adjust(uint64_t count, int64_t delta) {
  if (delta < 0 && static_cast<uint64_t>(-delta) > count) return 0;
  return count + delta;
}

}  // namespace

absl::Status WriteTxn::FinishCounts() {
  store_.write_mu_.AssertHeld();  // A transaction lives inside Store::Write.
  // Whether the committed state holds `key` of `cf`: as this transaction's
  // own read found it (`known`, under `known_key`), else read now.
  const auto committed = [this](const absl::flat_hash_map<std::string, bool>& known,
                                absl::string_view known_key, rocksdb::ColumnFamilyHandle* cf,
                                absl::string_view key) -> absl::StatusOr<bool> {
    auto found = known.find(known_key);
    if (found != known.end()) return found->second;
    absl::StatusOr<std::optional<std::string>> bytes = store_.Read(cf, key);
    if (!bytes.ok()) return bytes.status();
    return bytes->has_value();
  };
  int64_t products = 0;
  // The last own write of each URN says whether it holds the product after
  // this transaction; the committed state whether it did before.
  for (const auto& [urn, own] : own_products_) {
    absl::StatusOr<bool> before =
        committed(committed_products_, urn, store_.products_, keys::ProductKey(urn));
    if (!before.ok()) return before.status();
    products += static_cast<int64_t>(own.bytes.has_value()) - static_cast<int64_t>(*before);
  }
  int64_t datasets = 0;
  if (lineage_ != nullptr) {
    // Datasets are never deleted: each pending one the committed state
    // lacks is new.
    for (const std::string& key : lineage_->datasets.order()) {
      absl::StatusOr<bool> before =
          committed(lineage_->committed_datasets, key, store_.datasets_, key);
      if (!before.ok()) return before.status();
      if (!*before) ++datasets;
    }
  }
  if (products == 0 && datasets == 0) return absl::OkStatus();
  const EntityCounts now = store_.counts_;
  counts_after_ = EntityCounts{Adjust(now.products, products), Adjust(now.datasets, datasets)};
  batch_->Put(store_.meta_, keys::kCountsKey, keys::EncodeCounts(*counts_after_));
  return absl::OkStatus();
}

absl::StatusOr<EntityCounts> Store::Counts() const {
  absl::StatusOr<std::optional<std::string>> stored = Read(meta_, keys::kCountsKey);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return EntityCounts{};
  std::optional<EntityCounts> counts = keys::DecodeCounts(**stored);
  if (!counts) return absl::DataLossError("the store's entity counts are malformed");
  return *counts;
}

absl::StatusOr<uint64_t> Store::CountProducts() const {
  absl::StatusOr<EntityCounts> counts = Counts();
  if (!counts.ok()) return counts.status();
  return counts->products;
}

absl::Status Store::LoadCounts() {
  absl::MutexLock writer(&write_mu_);
  std::string value;
  absl::StatusOr<bool> found =
      internal::Get(*db_, rocksdb::ReadOptions(), meta_, keys::kCountsKey, value);
  if (!found.ok()) return found.status();
  if (*found) {
    std::optional<EntityCounts> counts = keys::DecodeCounts(value);
    if (!counts) return absl::DataLossError("the store's entity counts are malformed");
    counts_ = *counts;
    return absl::OkStatus();
  }
  // A new store, or one written before the counts were kept: counted once.
  absl::StatusOr<uint64_t> products = CountKeys(products_, "products");
  if (!products.ok()) return products.status();
  absl::StatusOr<uint64_t> datasets = CountKeys(datasets_, "datasets");
  if (!datasets.ok()) return datasets.status();
  counts_ = {*products, *datasets};
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(db_->Put(sync, meta_, keys::kCountsKey, keys::EncodeCounts(counts_)),
                   "storing the entity counts");
}

}  // namespace meshdex::storage
