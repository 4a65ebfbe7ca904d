// The governance part of Store and WriteTxn (declared in store.h): policies,
// computed product governance status, and the re-evaluation markers.
#include <memory>
#include <utility>

#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "storage/store_internal.h"

namespace meshdex::storage {
namespace {

using internal::FromRocks;
using internal::Parse;
using meshdex::v1::ChangeEvent;
using meshdex::v1::GovernanceStatus;
using meshdex::v1::Policy;

absl::StatusOr<uint64_t> DecodeMarker(const std::optional<std::string>& value) {
  if (!value.has_value()) return 0;
  std::optional<uint64_t> sequence = keys::DecodeMarker(*value);
  if (!sequence) return absl::DataLossError("undecodable marker in governance");
  return *sequence;
}

}  // namespace

absl::StatusOr<std::optional<Policy>> WriteTxn::GetPolicy(absl::string_view domain,
                                                          absl::string_view name) {
  const std::string key = keys::PolicyKey(domain, name);
  for (auto it = own_policies_.rbegin(); it != own_policies_.rend(); ++it) {
    if (it->first == key) return it->second;
  }
  return store_.GetPolicy(domain, name);
}

void WriteTxn::PutPolicy(const Policy& policy) {
  std::string key = keys::PolicyKey(policy.metadata().domain(), policy.metadata().name());
  std::string bytes = policy.SerializeAsString();
  batch_->Put(store_.policies_, key, bytes);
  batch_->Put(store_.revisions_,
              keys::RevisionKey(policy.metadata().urn(), policy.metadata().revision()), bytes);
  batch_->Put(store_.governance_, keys::kPolicyChangeMarkerKey, keys::EncodeMarker(next_sequence_));
  own_policies_.emplace_back(std::move(key), policy);
  AppendChange(ChangeEvent::POLICY_UPSERTED, policy.metadata().urn(), policy.metadata().revision());
}

void WriteTxn::DeletePolicy(const Policy& tombstone) {
  std::string key = keys::PolicyKey(tombstone.metadata().domain(), tombstone.metadata().name());
  batch_->Delete(store_.policies_, key);
  batch_->Put(store_.revisions_,
              keys::RevisionKey(tombstone.metadata().urn(), tombstone.metadata().revision()),
              tombstone.SerializeAsString());
  batch_->Put(store_.governance_, keys::kPolicyChangeMarkerKey, keys::EncodeMarker(next_sequence_));
  own_policies_.emplace_back(std::move(key), std::nullopt);
  AppendChange(ChangeEvent::POLICY_DELETED, tombstone.metadata().urn(),
               tombstone.metadata().revision());
}

void WriteTxn::PutGovernance(absl::string_view urn, int64_t revision,
                             const GovernanceStatus& status) {
  batch_->Put(store_.governance_, keys::GovernanceStatusKey(urn), status.SerializeAsString());
  if (auto own = own_products_.find(urn); own != own_products_.end() && own->second.upserted) {
    return;
  }
  AppendChange(ChangeEvent::GOVERNANCE_UPDATED, urn, revision);
}

void WriteTxn::MarkPoliciesEvaluated(uint64_t policy_sequence) {
  batch_->Put(store_.governance_, keys::kPoliciesEvaluatedMarkerKey,
              keys::EncodeMarker(policy_sequence));
}

absl::StatusOr<std::optional<Policy>> Store::GetPolicy(absl::string_view domain,
                                                       absl::string_view name) const {
  absl::StatusOr<std::optional<std::string>> bytes = Read(policies_, keys::PolicyKey(domain, name));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  absl::StatusOr<Policy> policy = Parse<Policy>(**bytes, "policies");
  if (!policy.ok()) return policy.status();
  return std::optional<Policy>(*std::move(policy));
}

absl::StatusOr<std::vector<Policy>> Store::ListPolicies() const {
  std::vector<Policy> policies;
  const internal::ReadView view = ReadState();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(view.options, policies_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    absl::StatusOr<Policy> policy =
        Parse<Policy>(absl::string_view(it->value().data(), it->value().size()), "policies");
    if (!policy.ok()) return policy.status();
    policies.push_back(*std::move(policy));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing policies");
  return policies;
}

absl::StatusOr<std::optional<GovernanceStatus>> Store::GetGovernance(absl::string_view urn) const {
  absl::StatusOr<std::optional<std::string>> bytes =
      Read(governance_, keys::GovernanceStatusKey(urn));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  absl::StatusOr<GovernanceStatus> status = Parse<GovernanceStatus>(**bytes, "governance");
  if (!status.ok()) return status.status();
  return std::optional<GovernanceStatus>(*std::move(status));
}

absl::StatusOr<Store::GovernanceMarkers> Store::GetGovernanceMarkers() const {
  GovernanceMarkers markers;
  for (auto [key, field] : {std::pair(keys::kPolicyChangeMarkerKey, &markers.policy_sequence),
                            std::pair(keys::kPoliciesEvaluatedMarkerKey,
                                      &markers.evaluated_sequence)}) {
    absl::StatusOr<std::optional<std::string>> bytes = Read(governance_, key);
    if (!bytes.ok()) return bytes.status();
    absl::StatusOr<uint64_t> sequence = DecodeMarker(*bytes);
    if (!sequence.ok()) return sequence.status();
    *field = *sequence;
  }
  return markers;
}

}  // namespace meshdex::storage
