#include "storage/lineage_ids.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace meshdex::storage {
namespace {

// Whether the ':' at `colon` is part of "scheme://" or "host:port".
bool IsUriColon(absl::string_view text, size_t colon) {
  absl::string_view after = text.substr(colon + 1);
  return absl::StartsWith(after, "//") || (!after.empty() && absl::ascii_isdigit(after.front()));
}

}  // namespace

std::string DatasetNodeId(const DatasetKey& dataset) {
  return absl::StrCat(kDatasetIdPrefix, dataset.ns, ":", dataset.name);
}

std::string JobNodeId(const JobKey& job) { return absl::StrCat(kJobIdPrefix, job.ns, ":", job.name); }

std::string NodeId(const LineageNodeKey& node) {
  return node.kind == LineageNodeKey::Kind::kDataset ? DatasetNodeId({node.ns, node.name})
                                                     : JobNodeId({node.ns, node.name});
}

std::string FieldNodeId(const FieldKey& field) {
  return absl::StrCat(kFieldIdPrefix, field.dataset.ns, ":", field.dataset.name, ":", field.field);
}

std::string RunChangeId(absl::string_view run_id) { return absl::StrCat(kRunIdPrefix, run_id); }

std::vector<std::pair<std::string, std::string>> ColonSplits(absl::string_view text) {
  std::vector<size_t> colons;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ':' && i > 0 && i + 1 < text.size()) colons.push_back(i);
  }
  std::vector<std::pair<std::string, std::string>> splits;
  auto add = [&](size_t colon) {
    splits.emplace_back(std::string(text.substr(0, colon)), std::string(text.substr(colon + 1)));
  };
  size_t preferred = text.size();
  for (size_t colon : colons) {
    if (!IsUriColon(text, colon)) {
      preferred = colon;
      add(colon);
      break;
    }
  }
  for (size_t colon : colons) {
    if (colon != preferred) add(colon);
  }
  return splits;
}

absl::StatusOr<std::optional<DatasetKey>> FindDataset(const Store& store,
                                                      absl::string_view ns_and_name) {
  for (auto& [ns, name] : ColonSplits(ns_and_name)) {
    DatasetKey key{std::move(ns), std::move(name)};
    absl::StatusOr<bool> found = store.HasDataset(key);
    if (!found.ok()) return found.status();
    if (*found) return key;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<JobKey>> FindJob(const Store& store, absl::string_view ns_and_name) {
  for (auto& [ns, name] : ColonSplits(ns_and_name)) {
    JobKey key{std::move(ns), std::move(name)};
    absl::StatusOr<std::optional<meshdex::v1::LineageJob>> record = store.GetJob(key);
    if (!record.ok()) return record.status();
    if (record->has_value()) return key;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<AddressClaim>> FindOwner(const Store& store,
                                                      const meshdex::v1::LineageDataset& dataset) {
  absl::StatusOr<std::optional<AddressClaim>> claim =
      store.GetClaim({dataset.namespace_(), dataset.name()});
  if (!claim.ok() || claim->has_value() || !dataset.has_claim_dataset()) return claim;
  return store.GetClaim({dataset.claim_dataset().namespace_(), dataset.claim_dataset().name()});
}

}  // namespace meshdex::storage
