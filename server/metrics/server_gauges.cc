#include "server/metrics/server_gauges.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "spdlog/spdlog.h"

namespace meshdex::metrics {

uint64_t DirectorySize(const std::string& dir) {
  uint64_t total = 0;
  std::error_code error;
  // Files may vanish under the walk (compactions, index swaps): skip them.
  for (std::filesystem::recursive_directory_iterator it(
           dir, std::filesystem::directory_options::skip_permission_denied, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    std::error_code file_error;
    if (it->is_regular_file(file_error)) {
      const uintmax_t size = it->file_size(file_error);
      if (!file_error) total += size;
    }
  }
  return total;
}

uint64_t ResidentMemoryBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t total_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

ServerGauges::ServerGauges(Registry& registry, const storage::Store& store,
                           const index::IndexFollower& follower, std::string store_dir,
                           std::string index_dir, Options options)
    : store_(store),
      follower_(follower),
      store_dir_(std::move(store_dir)),
      index_dir_(std::move(index_dir)),
      options_(std::move(options)) {
  registry.AddGauge("meshdex_products", "Current (not deleted) data products.",
                    [this] { return static_cast<double>(Counts().products); });
  registry.AddGauge("meshdex_datasets", "Lineage datasets (owned by a product or not).",
                    [this] { return static_cast<double>(Counts().datasets); });
  registry.AddGauge("meshdex_changelog_last_sequence", "Last committed change-log sequence.",
                    [this] { return static_cast<double>(store_.LastSequence()); });
  registry.AddGauge("meshdex_index_applied_sequence",
                    "Last change-log sequence visible to searches.",
                    [this] { return static_cast<double>(follower_.AppliedSequence()); });
  registry.AddGauge("meshdex_index_lag_sequences",
                    "Change-log records committed but not yet visible to searches.", [this] {
                      const uint64_t last = store_.LastSequence();
                      const uint64_t applied = follower_.AppliedSequence();
                      return static_cast<double>(last > applied ? last - applied : 0);
                    });
  registry.AddGauge("meshdex_index_lag_seconds",
                    "Age of the oldest change not yet visible to searches (0 when caught up).",
                    [this] { return IndexLagSeconds(); });
  registry.AddGauge("meshdex_index_documents_written",
                    "Search documents added, replaced or deleted since start.",
                    [this] { return static_cast<double>(follower_.DocumentsWritten()); });
  registry.AddGauge("meshdex_index_documents_unchanged",
                    "Changed entities whose search document was unchanged (left as is) since start.",
                    [this] { return static_cast<double>(follower_.DocumentsUnchanged()); });
  registry.AddGauge("meshdex_index_batches_prepared_ahead",
                    "Index batches prepared while the previous one was written (the follower was "
                    "behind) since start.",
                    [this] { return static_cast<double>(follower_.BatchesPreparedAhead()); });
  registry.AddGauge("meshdex_store_wal_syncs",
                    "Write-ahead log fsyncs made by writes since start (group commit: fewer than "
                    "the writes when writers are concurrent).",
                    [this] { return static_cast<double>(store_.WalSyncs()); });
  registry.AddGauge("meshdex_store_disk_bytes", "Bytes on disk of the RocksDB store.",
                    [this] { return StoreDiskBytes(); });
  registry.AddGauge("meshdex_index_disk_bytes", "Bytes on disk of the Xapian search index.",
                    [this] { return IndexDiskBytes(); });
  registry.AddGauge(
      "meshdex_index_facet_columns_bytes",
      "Memory of the in-memory facet columns loaded by faceted searches (4 bytes per indexed "
      "entity per facet asked for, and the distinct value lists).",
      [this] { return static_cast<double>(follower_.facet_columns().MemoryBytes()); });
  registry.AddGauge("meshdex_process_resident_memory_bytes", "Resident memory of meshdexd.",
                    [] { return static_cast<double>(ResidentMemoryBytes()); });
  const auto graph = [this] {
    return store_.LineageGraphInMemory().value_or(storage::InMemoryLineageGraph{});
  };
  registry.AddGauge("meshdex_lineage_graph_loaded",
                    "1 once the in-memory lineage graph serves walks (0 while loading, or off).",
                    [graph] { return graph().complete ? 1.0 : 0.0; });
  registry.AddGauge("meshdex_lineage_graph_nodes", "Datasets and jobs in the in-memory lineage graph.",
                    [graph] { return static_cast<double>(graph().nodes); });
  registry.AddGauge("meshdex_lineage_graph_edges", "Edges in the in-memory lineage graph.",
                    [graph] { return static_cast<double>(graph().edges); });
}

storage::EntityCounts ServerGauges::Counts() const {
  absl::StatusOr<storage::EntityCounts> counts = store_.Counts();
  if (counts.ok()) return *counts;
  spdlog::warn("metrics: reading the product and dataset counts failed: {}",
               counts.status().ToString());
  return {};
}

double ServerGauges::IndexLagSeconds() const {
  const uint64_t applied = follower_.AppliedSequence();
  if (applied >= store_.LastSequence()) return 0;
  absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> oldest = store_.ReadChanges(applied + 1, 1);
  if (!oldest.ok() || oldest->empty()) return 0;
  const absl::Time written = absl::FromUnixSeconds(oldest->front().time().seconds()) +
                             absl::Nanoseconds(oldest->front().time().nanos());
  return std::max(0.0, absl::ToDoubleSeconds(options_.clock() - written));
}

double ServerGauges::CachedDirectorySize(CachedValue& cache, const std::string& dir) {
  absl::MutexLock lock(&cache.mu);
  const absl::Time now = options_.clock();
  if (now - cache.computed >= options_.disk_interval) {
    cache.value = static_cast<double>(DirectorySize(dir));
    cache.computed = now;
  }
  return cache.value;
}

double ServerGauges::StoreDiskBytes() { return CachedDirectorySize(store_bytes_, store_dir_); }

double ServerGauges::IndexDiskBytes() { return CachedDirectorySize(index_bytes_, index_dir_); }

}  // namespace meshdex::metrics
