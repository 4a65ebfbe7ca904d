// Graph queries over the stored lineage: GetLineage (datasets and jobs, or
// products) and GetColumnLineage (dataset fields).
//
// Traversal is breadth-first from the start node(s), one prefix scan of the
// adjacency keys per node and direction. `depth` counts edges: at DATASET
// level dataset -> job is one and job -> dataset another, so depth 2 reaches
// the datasets a job made from the start dataset. UPSTREAM walks against the
// data flow, DOWNSTREAM with it, BOTH (the default) is the union of the two
// walks (ancestors and descendants, not their other children). Edges always
// point the way data flows. Every node is visited once per direction, so
// cycles end. The answer holds at most `max_nodes` nodes; when a further node
// would have to be left out, traversal stops and `truncated` is set (the
// nodes kept are the nearest, level by level).
//
// PRODUCT level collapses each dataset that a product owns (through an
// output port's address claim) into the product's node (id = its URN, type
// "product", namespace = domain); datasets no product owns stay dataset
// nodes; jobs disappear. There is an edge X -> Y when some dataset of X is
// read by a job that wrote some dataset of Y (a real run: no edges are
// derived from declared input ports), X != Y. `depth` then counts these
// edges. Starting from a product at DATASET level starts from the datasets
// it owns; from a job at PRODUCT level, the job is the root node.
//
// Column lineage walks the edges of columnLineage facets: node ids
// datasetField:<namespace>:<dataset>:<field>; a dataset id starts from all
// of its fields that have column edges. Transitive both ways like above.
//
// Limits: depth 0 means kDefaultDepth, larger than kMaxDepth is capped;
// max_nodes 0 means kDefaultMaxNodes, larger than kMaxMaxNodes is capped
// (column lineage always uses kDefaultMaxNodes); negative values are
// INVALID_ARGUMENT.
//
// Reads: one storage::LineageSnapshot per query, so a walk's adjacency and
// owners are those of one instant however many nodes it visits (PRODUCT
// level reads a product's datasets beside it, from the store's latest
// state); each node is read once, its neighbours from the store's in-memory
// graph and its owner from the store's owner cache when they can answer for
// that instant (storage/lineage_adjacency.h, storage/owner_cache.h).
//
// Thread-safety: free functions reading the store.
#ifndef MESHDEX_SERVER_LINEAGE_GRAPH_H_
#define MESHDEX_SERVER_LINEAGE_GRAPH_H_

#include "absl/status/statusor.h"
#include "meshdex/v1/lineage.pb.h"
#include "storage/store.h"

namespace meshdex::lineage {

inline constexpr int kDefaultDepth = 10;
inline constexpr int kMaxDepth = 50;
inline constexpr int kDefaultMaxNodes = 1000;
inline constexpr int kMaxMaxNodes = 10000;

absl::StatusOr<meshdex::v1::LineageGraph> GetLineageGraph(
    const storage::Store& store, const meshdex::v1::GetLineageRequest& request);

absl::StatusOr<meshdex::v1::LineageGraph> GetColumnLineageGraph(
    const storage::Store& store, const meshdex::v1::GetColumnLineageRequest& request);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_GRAPH_H_
