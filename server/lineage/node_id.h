// Request node ids: which graph node a GetLineage / GetColumnLineage
// request starts from. Formats and the colon-split resolution are those of
// storage/lineage_ids.h: dataset:<namespace>:<name>, job:<namespace>:<name>,
// datasetField:<namespace>:<dataset>:<field>, or a product URN
// urn:dp:<domain>:<name>. For datasetField ids the field is split off at the
// last ':' first, then at earlier ones, until the left part resolves to a
// dataset that has a record or column edges (the field need not have any).
//
// Errors: INVALID_ARGUMENT ("<field>: ...") for an id of no known form,
// NOT_FOUND when the id is well-formed but names nothing stored.
//
// Thread-safety: free functions reading the store.
#ifndef MESHDEX_SERVER_LINEAGE_NODE_ID_H_
#define MESHDEX_SERVER_LINEAGE_NODE_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace meshdex::lineage {

struct StartNode {
  enum class Kind { kDataset, kJob, kProduct, kField };
  Kind kind = Kind::kDataset;
  // kDataset, and the dataset of kField.
  storage::DatasetKey dataset;
  storage::JobKey job;
  std::string product_urn;
  std::string field;
};

// A dataset, job or product id (`field` names the request field in errors).
absl::StatusOr<StartNode> ResolveNodeId(const storage::Store& store, absl::string_view node_id,
                                        absl::string_view field);

// A datasetField id, or a dataset id standing for all of its fields. A dataset
// referenced only by column lineage (no record of its own) resolves too.
absl::StatusOr<StartNode> ResolveColumnNodeId(const storage::Store& store,
                                              absl::string_view node_id, absl::string_view field);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_NODE_ID_H_
