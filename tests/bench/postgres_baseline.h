// PostgresBaseline: a throwaway PostgreSQL cluster holding the bench's mesh,
// the peer meshdex is measured against.
//
// Start() finds initdb/pg_ctl (PATH, /usr/local/bin, /usr/lib/postgresql/*/bin),
// runs initdb into a fresh temp dir and starts the server on a free loopback
// port (when running as root, as user nobody: postgres refuses root). Load()
// COPYs the products (title, description, tags, field names, port kinds,
// classifications) and the lineage edges of every event, then creates the
// natural indexes: GIN on a stored tsvector (title weight A), btree on
// edges(src). Queries go through libpq, one Session per client thread:
//   search:  plainto_tsquery('english', words) @@ tsv [AND filter], ORDER BY
//            ts_rank DESC LIMIT 20, plus GROUP BY counts when facets are asked;
//   lineage: WITH RECURSIVE walk over edges, depth-bounded, distinct nodes.
// The destructor stops the server (pg_ctl -m immediate) and removes the dir.
//
// Without libpq at build time Start() fails with the reason.
//
// Thread-safety: Start/Load/destructor from one thread; each Session on one
// thread at a time.
#ifndef MESHDEX_TESTS_BENCH_POSTGRES_BASELINE_H_
#define MESHDEX_TESTS_BENCH_POSTGRES_BASELINE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/bench/generator.h"

namespace meshdex::bench {

class PostgresBaseline {
 public:
  class Session {
   public:
    virtual ~Session() = default;
    // Runs the search (and facet counts); returns the number of hits.
    virtual absl::StatusOr<int> Search(const BenchQuery& query) = 0;
    // Depth-bounded downstream walk from `node_id`; returns the node count.
    virtual absl::StatusOr<int> Downstream(const std::string& node_id, int depth) = 0;
  };

  // `progress(done, total)` is called while loading.
  using Progress = std::function<void(int64_t done, int64_t total)>;

  static absl::StatusOr<std::unique_ptr<PostgresBaseline>> Start();
  virtual ~PostgresBaseline() = default;

  virtual absl::Status Load(const MeshGenerator& mesh, const Progress& products_progress,
                            const Progress& events_progress) = 0;
  virtual absl::StatusOr<std::unique_ptr<Session>> Connect() = 0;
  // "PostgreSQL 15.x" as the server reports it.
  virtual std::string version() const = 0;
};

}  // namespace meshdex::bench

#endif  // MESHDEX_TESTS_BENCH_POSTGRES_BASELINE_H_
