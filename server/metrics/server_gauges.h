// ServerGauges: the catalog's state as Prometheus gauges, read at scrape time.
//
//   meshdex_products                      current (not deleted) products
//   meshdex_changelog_last_sequence       last committed change-log sequence
//   meshdex_index_applied_sequence        last sequence visible to searches
//   meshdex_index_lag_sequences           the difference of the two
//   meshdex_index_lag_seconds             age of the oldest change not yet
//                                         searchable (0 when caught up)
//   meshdex_store_disk_bytes              bytes under the RocksDB directory
//   meshdex_index_disk_bytes              bytes under the Xapian directory
//   meshdex_index_facet_columns_bytes     memory of the facet columns that
//                                         faceted searches have loaded
//   meshdex_process_resident_memory_bytes RSS from /proc/self/statm
//   meshdex_lineage_graph_loaded          1 once the in-memory lineage graph
//                                         serves walks (0 while loading, or off)
//   meshdex_lineage_graph_nodes, meshdex_lineage_graph_edges
//                                         its size (edges counted once)
//
// Product and dataset counts are one read of the counts the store keeps.
// Directory sizes walk the file system and are cached for
// Options::disk_interval.
//
// Thread-safety: thread-safe (scrapes may run concurrently).
#ifndef MESHDEX_SERVER_METRICS_SERVER_GAUGES_H_
#define MESHDEX_SERVER_METRICS_SERVER_GAUGES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/follower.h"
#include "server/metrics/registry.h"
#include "storage/store.h"

namespace meshdex::metrics {

class ServerGauges {
 public:
  struct Options {
    absl::Duration disk_interval = absl::Seconds(30);
    // Tests inject a clock to step over the intervals.
    std::function<absl::Time()> clock = [] { return absl::Now(); };
  };

  // Adds the gauges to `registry`. `store`, `follower` and this object must
  // outlive every Render of the registry.
  ServerGauges(Registry& registry, const storage::Store& store,
               const index::IndexFollower& follower, std::string store_dir, std::string index_dir,
               Options options);
  ServerGauges(const ServerGauges&) = delete;
  ServerGauges& operator=(const ServerGauges&) = delete;

  // Products and datasets as the store counts them (0 and 0 with a warning
  // when the store cannot be read).
  storage::EntityCounts Counts() const;
  double IndexLagSeconds() const;
  double StoreDiskBytes();
  double IndexDiskBytes();

 private:
  // A value recomputed at most once per interval.
  struct CachedValue {
    absl::Mutex mu;
    double value ABSL_GUARDED_BY(mu) = 0;
    absl::Time computed ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  };
  double CachedDirectorySize(CachedValue& cache, const std::string& dir);

  const storage::Store& store_;
  const index::IndexFollower& follower_;
  const std::string store_dir_;
  const std::string index_dir_;
  const Options options_;

  CachedValue store_bytes_;
  CachedValue index_bytes_;
};

// Bytes of the regular files under `dir` (0 when it does not exist).
uint64_t DirectorySize(const std::string& dir);
// Resident set size of this process, 0 when /proc is not readable.
uint64_t ResidentMemoryBytes();

}  // namespace meshdex::metrics

#endif  // MESHDEX_SERVER_METRICS_SERVER_GAUGES_H_
