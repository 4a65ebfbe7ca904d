// LineageSnapshot: one lineage query's read session over the store.
//
// A graph walk reads a few keys per node it visits: the node's adjacency
// (a prefix scan of lineage_edges) and, for a dataset, who owns it. Done with
// Store's own methods, each of those reads takes the published snapshot
// again and builds a new RocksDB iterator, and finding an owner parses the
// whole dataset record (facets, schema fields) for one field. A
// LineageSnapshot instead pins one snapshot for its lifetime (every read sees
// the same state, as of construction), reuses its iterators over
// lineage_edges (seeking them for each node; a scan nested in another's
// callback takes a second one) and its iterator over lineage_index, and
// reads only the claim identity out of a dataset record when finding an
// owner (and only when the in-memory graph says the record may name one). A
// product's trust (one claim scan per output port, then each dataset's last
// completion, read alone) reads through one too. Dataset/job neighbours come
// from the store's in-memory graph (storage/lineage_adjacency.h) once it is
// loaded, at this snapshot's sequence, so they are the ones RocksDB would
// return.
//
// Invariants: reads see the state the store's own reads would have seen at
// construction (inside a Store::Write callback, the applied state).
// Thread-safety: not thread-safe; use one per query, from one thread. Keep it
// short-lived: it pins a RocksDB snapshot and an iterator's memtables and
// files. The store must outlive it.
#ifndef MESHDEX_STORAGE_LINEAGE_SNAPSHOT_H_
#define MESHDEX_STORAGE_LINEAGE_SNAPSHOT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/lineage_adjacency.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace rocksdb {
class Iterator;
}

namespace meshdex::storage {

class LineageSnapshot {
 public:
  explicit LineageSnapshot(const Store& store);
  ~LineageSnapshot();
  LineageSnapshot(const LineageSnapshot&) = delete;
  LineageSnapshot& operator=(const LineageSnapshot&) = delete;

  // Calls `fn` with each neighbour of `node` one edge away in `direction`,
  // in key order, until it returns false.
  absl::Status ForEachNeighbor(const LineageNodeKey& node, EdgeDirection direction,
                               absl::FunctionRef<bool(const LineageNodeKey&)> fn);
  absl::Status ForEachColumnNeighbor(const FieldKey& field, EdgeDirection direction,
                                     absl::FunctionRef<bool(const FieldKey&)> fn);

  // The same walk by the in-memory graph's node ids, so a walk can keep ids
  // and decode node bytes (keys::NodeFromBytes) only for the nodes it
  // reports. GraphId sets `*id` to the id of `node` (nullopt when no edge has
  // it) and returns true, or returns false when the in-memory graph does not
  // answer at this snapshot (off, still loading, or older): walk with
  // ForEachNeighbor then.
  bool GraphId(const LineageNodeKey& node, std::optional<LineageAdjacency::NodeId>* id) const;
  // Calls `fn` with each neighbour of node `id` (from GraphId or an earlier
  // call) in `direction`, in key order, until it returns false. DATA_LOSS
  // when the graph stopped answering (a malformed edge key was written).
  absl::Status ForEachGraphNeighbor(LineageAdjacency::NodeId id, EdgeDirection direction,
                                    absl::FunctionRef<bool(const LineageAdjacency::Neighbor&)> fn);

  // The claim owning `dataset` (what storage::FindOwner answers for its
  // record): the claim on its own identity, else on its claim_dataset;
  // nullopt when neither is claimed or the dataset has no record.
  absl::StatusOr<std::optional<AddressClaim>> FindOwner(const DatasetKey& dataset);
  // The URN of FindOwner's claim ("" when none), remembered in the store's
  // owner cache (storage/owner_cache.h) for later reads.
  absl::StatusOr<std::string> OwnerUrn(const DatasetKey& dataset);

  // What Store::DatasetsClaimedAs and Store::GetDataset answer, read in this
  // session (one iterator over lineage_index for every identity asked).
  absl::StatusOr<std::vector<DatasetKey>> DatasetsClaimedAs(const DatasetKey& identity);
  absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> GetDataset(const DatasetKey& dataset);
  // The last_complete_time of `dataset`'s record, decoding only that field;
  // nullopt when it has none or no record.
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> LastCompleteTime(
      const DatasetKey& dataset);

 private:
  // Calls `fn` with the key of every lineage_edges entry under `prefix`
  // until it returns false.
  absl::Status ScanEdges(absl::string_view prefix, absl::FunctionRef<bool(absl::string_view)> fn);
  // ScanEdges, decoding each key into the neighbour `fn` gets; DATA_LOSS
  // (naming `what`) for a key that does not decode.
  template <typename Key>
  absl::Status ScanNeighbors(const std::string& prefix,
                             std::optional<Key> (*decode)(absl::string_view, absl::string_view),
                             absl::FunctionRef<bool(const Key&)> fn, absl::string_view what);
  // Reads the value under `key` in `cf` into value_; false when absent.
  absl::StatusOr<bool> Read(rocksdb::ColumnFamilyHandle* cf, absl::string_view key);
  absl::StatusOr<std::optional<AddressClaim>> GetClaim(const DatasetKey& dataset);

  const Store& store_;
  const internal::ReadView view_;
  // The RocksDB sequence view_ reads at (LineageAdjacency::kLatest without a snapshot).
  const uint64_t sequence_;
  // Iterators over lineage_edges not in use by a scan: one per level of
  // nesting the walks have needed so far.
  std::vector<std::unique_ptr<rocksdb::Iterator>> idle_edges_;
  std::unique_ptr<rocksdb::Iterator> index_;  // Over lineage_index; made on first use.
  std::string value_;  // Reused buffer of point reads.
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_LINEAGE_SNAPSHOT_H_
