// Lineage node ids, Marquez-compatible: dataset:<namespace>:<name>,
// job:<namespace>:<name>, datasetField:<namespace>:<dataset>:<field>, and
// run:<runId> (the id of a run in change records).
//
// Formatting joins the parts with ':' unescaped, as Marquez does. Namespaces
// often contain ':' themselves (kafka://broker:9092, arn:aws:glue:...), and
// names may too, so "<namespace>:<name>" can be split at several colons. The
// parse is therefore resolved against the store: the candidate splits are
// tried in a fixed order and the first naming an existing record wins. The
// order puts Marquez's split first (the first ':' that is not followed by
// "//" or a digit, i.e. not part of scheme:// or host:port) and then every
// other ':' from left to right. Only two records whose parts join to the very
// same id (("a", "b:c") and ("a:b", "c")) cannot both be named; the first
// split in this order wins.
//
// Thread-safety: free functions; the Find* functions only read the store.
#ifndef MESHDEX_STORAGE_LINEAGE_IDS_H_
#define MESHDEX_STORAGE_LINEAGE_IDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace meshdex::storage {

inline constexpr char kDatasetIdPrefix[] = "dataset:";
inline constexpr char kJobIdPrefix[] = "job:";
inline constexpr char kFieldIdPrefix[] = "datasetField:";
inline constexpr char kRunIdPrefix[] = "run:";

std::string DatasetNodeId(const DatasetKey& dataset);
std::string JobNodeId(const JobKey& job);
std::string NodeId(const LineageNodeKey& node);
std::string FieldNodeId(const FieldKey& field);
std::string RunChangeId(absl::string_view run_id);

// The (left, right) pairs "<left>:<right>" splits into, in the resolution
// order described above; both parts non-empty.
std::vector<std::pair<std::string, std::string>> ColonSplits(absl::string_view text);

// The dataset (job) named by "<namespace>:<name>" (the id without its
// "dataset:" / "job:" prefix): the first split whose record exists, nullopt
// when none does.
absl::StatusOr<std::optional<DatasetKey>> FindDataset(const Store& store,
                                                      absl::string_view ns_and_name);
absl::StatusOr<std::optional<JobKey>> FindJob(const Store& store, absl::string_view ns_and_name);

// The address claim owning a lineage dataset: the claim on its own identity,
// else the claim on its claim_dataset; nullopt when no product owns it.
absl::StatusOr<std::optional<AddressClaim>> FindOwner(const Store& store,
                                                      const meshdex::v1::LineageDataset& dataset);

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_LINEAGE_IDS_H_
