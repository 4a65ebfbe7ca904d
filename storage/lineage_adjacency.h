// LineageAdjacency: the dataset/job lineage graph's edges held in memory, so
// a walk steps from node to node without a RocksDB seek per node (a seek
// over the memtable and every level's file cost more than half of a depth-5
// walk). Column edges stay in RocksDB only.
//
// Beside the edges it holds the datasets whose record names a claim_dataset
// (few do), so finding a dataset's owner reads its record only when it may.
//
// Nodes are the byte encodings of edge keys (keys::NodeBytes); each node's
// neighbours are kept in byte order, the order a prefix scan of
// lineage_edges returns them in, so a walk answers the same either way.
//
// Visibility: the store never deletes an edge, so the graph only grows. Each
// edge carries the RocksDB sequence of the first snapshot that holds it, and
// a reader passes its snapshot's sequence: it sees exactly the edges that
// snapshot holds. The edges already stored when the store opened are loaded
// by a scan at one snapshot; until MarkComplete() names that snapshot, and
// for any reader whose snapshot is older than it, Neighbors() declines and
// the caller reads RocksDB instead.
//
// Memory: per node its bytes, a hash entry and two vectors; 16 bytes per
// edge and direction; the key bytes of each dataset naming a claim_dataset.
//
// Thread-safety: thread-safe. Writers (the store's commit path and its
// loader) take a writer lock; readers share a reader lock per call.
#ifndef MESHDEX_STORAGE_LINEAGE_ADJACENCY_H_
#define MESHDEX_STORAGE_LINEAGE_ADJACENCY_H_

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "storage/store.h"

namespace rocksdb {
class Snapshot;
}

namespace meshdex::storage {

class LineageAdjacency {
 public:
  // A reader that sees every edge added so far (the store's writer, whose
  // reads see the applied state rather than a snapshot).
  static constexpr uint64_t kLatest = std::numeric_limits<uint64_t>::max();
  // The sequence a reader of `pin` passes: its snapshot's, kLatest without
  // one (a read view of the writer, internal::ReadView::pin null).
  static uint64_t ReaderSequence(const rocksdb::Snapshot* pin);
  // A node's index in this graph, fixed for the graph's lifetime: a walk
  // keeps ids rather than node bytes.
  using NodeId = uint32_t;
  // A neighbour: its id and its node bytes (valid as long as this object).
  struct Neighbor {
    NodeId id;
    absl::string_view bytes;
  };

  // Adds the edges of `downstream_keys` (lineage_edges keys of direction
  // kDownstream, keys::EdgeKey), visible to readers at `sequence` or later;
  // an edge already present keeps its earlier sequence. A key that is not
  // one leaves the graph declining every reader from then on (walks read
  // RocksDB, which reports the key).
  void Add(absl::Span<const std::string> downstream_keys, uint64_t sequence);

  // Every edge a snapshot at `sequence` holds has been added: from now on
  // Neighbors() answers readers at `sequence` or later.
  void MarkComplete(uint64_t sequence);

  // Replaces `out` with the node bytes of `node`'s neighbours in `direction`
  // through the edges visible at `sequence`, in byte order, and returns true;
  // false (and `out` untouched) when the graph cannot answer for that
  // sequence. The views stay valid as long as this object.
  bool Neighbors(absl::string_view node, EdgeDirection direction, uint64_t sequence,
                 std::vector<absl::string_view>* out) const;

  // What Neighbors() does, by ids: `*id` is set to the id of `node`, or to
  // nullopt when no edge has it; false (and `*id` untouched) when the graph
  // cannot answer for `sequence`.
  bool Find(absl::string_view node, uint64_t sequence, std::optional<NodeId>* id) const;
  // Replaces `out` with the neighbours of node `id` (an id Find() gave) in
  // `direction` at `sequence`, in byte order; false as Neighbors().
  bool NeighborsOf(NodeId id, EdgeDirection direction, uint64_t sequence,
                   std::vector<Neighbor>* out) const;

  // Sets `*has` to whether `node` has an edge visible at `sequence` (then
  // the records of both its ends exist: nothing deletes them) and returns
  // true; false (and `*has` untouched) when the graph cannot answer.
  bool HasEdge(absl::string_view node, uint64_t sequence, bool* has) const;

  // Adds datasets (keys::DatasetKeyBytes) whose record names a
  // claim_dataset; added before any reader's snapshot holds such a record
  // (by the loader, those its snapshot holds). A dataset stays once added.
  void AddAliasedDatasets(absl::Span<const std::string> datasets);
  // Sets `*aliased` to false when `dataset`'s record names no claim_dataset
  // at `sequence`, true when it may, and returns true; false (and `*aliased`
  // untouched) when the graph cannot answer.
  bool MayBeAliased(absl::string_view dataset, uint64_t sequence, bool* aliased) const;

  // Waits until MarkComplete() has been called; false at `deadline`.
  bool AwaitComplete(absl::Time deadline) const;

  // Edges counted once, not per direction.
  InMemoryLineageGraph size() const;

 private:
  struct Link {
    uint32_t node;
    uint64_t sequence;
  };
  struct Node {
    std::vector<Link> downstream;
    std::vector<Link> upstream;
  };

  uint32_t Intern(absl::string_view bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Inserts `link` into `links` in the byte order of its node; false when
  // the node was linked already (its sequence lowered to the earlier one).
  bool Insert(std::vector<Link>& links, Link link) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether a reader at `sequence` may be answered.
  bool Answers(uint64_t sequence) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The links of `id` in `direction` (all sequences).
  const std::vector<Link>& LinksOf(NodeId id, EdgeDirection direction) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Node bytes by id; a deque so the views into them never move.
  std::deque<std::string> names_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<absl::string_view, uint32_t> ids_ ABSL_GUARDED_BY(mu_);
  std::vector<Node> nodes_ ABSL_GUARDED_BY(mu_);
  size_t edges_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<std::string> aliased_ ABSL_GUARDED_BY(mu_);
  std::optional<uint64_t> complete_at_ ABSL_GUARDED_BY(mu_);
  bool malformed_ ABSL_GUARDED_BY(mu_) = false;  // Add() met a key it could not split.
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_LINEAGE_ADJACENCY_H_
