#include "server/lineage/node_id.h"

#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/catalog/validation.h"
#include "storage/lineage_ids.h"

namespace meshdex::lineage {
namespace {

using storage::DatasetKey;
using storage::EdgeDirection;

constexpr absl::string_view kProductPrefix = "urn:dp:";

absl::Status NotFound(absl::string_view node_id) {
  return absl::NotFoundError(absl::StrCat("no lineage node ", node_id));
}

absl::Status Unknown(absl::string_view field, absl::string_view node_id) {
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", absl::CHexEscape(node_id.substr(0, 256)),
      "\" is not a node id (dataset:<namespace>:<name>, job:<namespace>:<name>, "
      "datasetField:<namespace>:<dataset>:<field> or urn:dp:<domain>:<name>)"));
}

// Whether column lineage knows `dataset`: a record, or column edges of its fields.
absl::StatusOr<bool> KnownToColumns(const storage::Store& store, const DatasetKey& dataset) {
  absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> record = store.GetDataset(dataset);
  if (!record.ok()) return record.status();
  if (record->has_value()) return true;
  for (EdgeDirection direction : {EdgeDirection::kDownstream, EdgeDirection::kUpstream}) {
    absl::StatusOr<std::vector<std::string>> fields = store.FieldsWithColumnEdges(dataset, direction);
    if (!fields.ok()) return fields.status();
    if (!fields->empty()) return true;
  }
  return false;
}

absl::StatusOr<std::optional<DatasetKey>> FindColumnDataset(const storage::Store& store,
                                                            absl::string_view ns_and_name) {
  for (auto& [ns, name] : storage::ColonSplits(ns_and_name)) {
    DatasetKey dataset{std::move(ns), std::move(name)};
    absl::StatusOr<bool> known = KnownToColumns(store, dataset);
    if (!known.ok()) return known.status();
    if (*known) return dataset;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<StartNode> ResolveNodeId(const storage::Store& store, absl::string_view node_id,
                                        absl::string_view field) {
  if (node_id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  StartNode start;
  absl::string_view rest = node_id;
  if (absl::ConsumePrefix(&rest, storage::kDatasetIdPrefix)) {
    absl::StatusOr<std::optional<DatasetKey>> dataset = storage::FindDataset(store, rest);
    if (!dataset.ok()) return dataset.status();
    if (!dataset->has_value()) return NotFound(node_id);
    start.kind = StartNode::Kind::kDataset;
    start.dataset = **std::move(dataset);
    return start;
  }
  if (absl::ConsumePrefix(&rest, storage::kJobIdPrefix)) {
    absl::StatusOr<std::optional<storage::JobKey>> job = storage::FindJob(store, rest);
    if (!job.ok()) return job.status();
    if (!job->has_value()) return NotFound(node_id);
    start.kind = StartNode::Kind::kJob;
    start.job = **std::move(job);
    return start;
  }
  if (absl::StartsWith(node_id, kProductPrefix)) {
    absl::StatusOr<std::pair<std::string, std::string>> parts = catalog::ParseProductUrn(node_id);
    if (!parts.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", parts.status().message()));
    }
    const std::string urn = catalog::ProductUrn(parts->first, parts->second);
    absl::StatusOr<meshdex::v1::DataProduct> product = store.GetProduct(urn);
    if (!product.ok()) return product.status();
    start.kind = StartNode::Kind::kProduct;
    start.product_urn = urn;
    return start;
  }
  return Unknown(field, node_id);
}

absl::StatusOr<StartNode> ResolveColumnNodeId(const storage::Store& store,
                                              absl::string_view node_id, absl::string_view field) {
  if (node_id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  StartNode start;
  absl::string_view rest = node_id;
  if (absl::ConsumePrefix(&rest, storage::kDatasetIdPrefix)) {
    absl::StatusOr<std::optional<DatasetKey>> dataset = FindColumnDataset(store, rest);
    if (!dataset.ok()) return dataset.status();
    if (!dataset->has_value()) return NotFound(node_id);
    start.kind = StartNode::Kind::kDataset;
    start.dataset = **std::move(dataset);
    return start;
  }
  if (!absl::ConsumePrefix(&rest, storage::kFieldIdPrefix)) return Unknown(field, node_id);
  // The field is split off at the last ':' first.
  for (size_t colon = rest.rfind(':'); colon != absl::string_view::npos && colon > 0;
       colon = rest.rfind(':', colon - 1)) {
    if (colon + 1 == rest.size()) continue;
    absl::StatusOr<std::optional<DatasetKey>> dataset =
        FindColumnDataset(store, rest.substr(0, colon));
    if (!dataset.ok()) return dataset.status();
    if (dataset->has_value()) {
      start.kind = StartNode::Kind::kField;
      start.dataset = **std::move(dataset);
      start.field = std::string(rest.substr(colon + 1));
      return start;
    }
  }
  return NotFound(node_id);
}

}  // namespace meshdex::lineage
