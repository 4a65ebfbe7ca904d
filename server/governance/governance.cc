#include "server/governance/governance.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamps.h"
#include "server/catalog/catalog.h"
#include "server/governance/compatibility.h"

namespace meshdex::governance {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::GovernanceStatus;
using meshdex::v1::Policy;
using meshdex::v1::Violation;

constexpr absl::string_view kApiVersion = "meshdex.io/v1";
constexpr absl::string_view kKind = "Policy";
constexpr absl::string_view kEnforce = "enforce";

// The policy as stored: server-set fields cleared, defaults filled, so equal
// input always yields an equal stored form.
Policy Canonical(const Policy& input) {
  Policy policy = input;
  catalog::ClearServerSetFields(*policy.mutable_metadata());
  if (policy.api_version().empty()) policy.set_api_version(std::string(kApiVersion));
  if (policy.kind().empty()) policy.set_kind(std::string(kKind));
  return policy;
}

bool SamePolicy(const Policy& stored, const Policy& candidate) {
  return google::protobuf::util::MessageDifferencer::Equals(Canonical(stored), candidate);
}

absl::Status CheckDomain(absl::string_view domain, absl::string_view field) {
  if (domain.empty()) return absl::OkStatus();
  if (absl::Status status = catalog::ValidateDomain(domain); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", status.message()));
  }
  return absl::OkStatus();
}

// (domain, name) of a policy request; the domain may be empty (global).
absl::Status CheckPolicyName(absl::string_view domain, absl::string_view name) {
  if (absl::Status status = CheckDomain(domain, "domain"); !status.ok()) return status;
  if (name.empty()) return absl::InvalidArgumentError("name: required");
  if (absl::Status status = catalog::ValidateDomain(name); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("name: ", status.message()));
  }
  return absl::OkStatus();
}

std::string DescribePolicy(absl::string_view domain, absl::string_view name) {
  return domain.empty() ? absl::StrCat("global policy ", name)
                        : absl::StrCat("policy ", name, " of domain ", domain);
}

}  // namespace

std::string PolicyUrn(absl::string_view domain, absl::string_view name) {
  return absl::StrCat("urn:policy:", domain, ":", name);
}

absl::StatusOr<std::unique_ptr<Governance>> Governance::Open(storage::Store& store,
                                                             Options options) {
  absl::StatusOr<std::vector<Policy>> stored = store.ListPolicies();
  if (!stored.ok()) return stored.status();
  absl::StatusOr<std::shared_ptr<const PolicySet>> policies = PolicySet::Compile(*std::move(stored));
  if (!policies.ok()) {
    return absl::DataLossError(
        absl::StrCat("stored policies do not compile: ", policies.status().message()));
  }
  return std::unique_ptr<Governance>(
      new Governance(store, std::move(options), *std::move(policies)));
}

Governance::Governance(storage::Store& store, Options options,
                       std::shared_ptr<const PolicySet> policies)
    : store_(store), options_(std::move(options)), policies_(std::move(policies)) {}

Governance::~Governance() { Stop(); }

std::shared_ptr<const PolicySet> Governance::policies() const {
  absl::MutexLock lock(&policies_mu_);
  return policies_;
}

absl::StatusOr<std::shared_ptr<const PolicySet>> Governance::WithPolicy(const Policy& policy,
                                                                        bool removed) const {
  std::vector<Policy> next;
  // Held for the loop: a concurrent swap may drop the set it iterates.
  const std::shared_ptr<const PolicySet> current = policies();
  for (const Policy& existing : current->policies()) {
    if (existing.metadata().domain() == policy.metadata().domain() &&
        existing.metadata().name() == policy.metadata().name()) {
      continue;
    }
    next.push_back(existing);
  }
  if (!removed) next.push_back(policy);
  return PolicySet::Compile(std::move(next));
}

absl::StatusOr<meshdex::v1::ApplyPolicyResponse> Governance::ApplyPolicy(
    const meshdex::v1::ApplyPolicyRequest& request) {
  if (!request.has_policy()) return absl::InvalidArgumentError("policy: required");
  if (request.expected_revision() < 0) {
    return absl::InvalidArgumentError("expected_revision: must not be negative");
  }
  const Policy candidate = Canonical(request.policy());
  if (absl::Status status = ValidatePolicy(candidate); !status.ok()) return status;
  const std::string& domain = candidate.metadata().domain();
  const std::string& name = candidate.metadata().name();
  const std::string urn = PolicyUrn(domain, name);
  const absl::Time now = options_.clock();

  meshdex::v1::ApplyPolicyResponse response;
  absl::StatusOr<uint64_t> sequence = store_.Write([&](storage::WriteTxn& txn) -> absl::Status {
    absl::StatusOr<std::optional<Policy>> current = txn.GetPolicy(domain, name);
    if (!current.ok()) return current.status();
    const int64_t current_revision = current->has_value() ? (*current)->metadata().revision() : 0;
    if (absl::Status status =
            catalog::CheckExpectedRevision(request.expected_revision(), current_revision, urn);
        !status.ok()) {
      return status;
    }
    if (current->has_value() && SamePolicy(**current, candidate)) {
      *response.mutable_policy() = **current;
      response.set_outcome(meshdex::v1::UNCHANGED);
      return absl::OkStatus();
    }
    absl::StatusOr<int64_t> last_revision = txn.LastRevision(urn);
    if (!last_revision.ok()) return last_revision.status();
    Policy stored = candidate;
    catalog::StampNextRevision(*stored.mutable_metadata(), urn, *last_revision,
                               current->has_value() ? &(*current)->metadata() : nullptr, now);
    response.set_outcome(current->has_value() ? meshdex::v1::UPDATED : meshdex::v1::CREATED);
    *response.mutable_policy() = stored;
    if (request.dry_run()) return absl::OkStatus();

    absl::StatusOr<std::shared_ptr<const PolicySet>> next = WithPolicy(stored, /*removed=*/false);
    if (!next.ok()) return next.status();
    txn.PutPolicy(stored);
    txn.OnCommit([this, next = *std::move(next)] {
      absl::MutexLock lock(&policies_mu_);
      policies_ = next;
    });
    return absl::OkStatus();
  });
  if (!sequence.ok()) return sequence.status();
  response.set_sequence(*sequence);
  if (response.outcome() != meshdex::v1::UNCHANGED && !request.dry_run()) Wake();
  return response;
}

absl::StatusOr<Policy> Governance::GetPolicy(const meshdex::v1::GetPolicyRequest& request) const {
  if (absl::Status status = CheckPolicyName(request.domain(), request.name()); !status.ok()) {
    return status;
  }
  absl::StatusOr<std::optional<Policy>> policy = store_.GetPolicy(request.domain(), request.name());
  if (!policy.ok()) return policy.status();
  if (!policy->has_value()) {
    return absl::NotFoundError(
        absl::StrCat(DescribePolicy(request.domain(), request.name()), " not found"));
  }
  return **std::move(policy);
}

absl::StatusOr<meshdex::v1::ListPoliciesResponse> Governance::ListPolicies(
    const meshdex::v1::ListPoliciesRequest& request) const {
  if (absl::Status status = CheckDomain(request.domain(), "domain"); !status.ok()) return status;
  absl::StatusOr<std::vector<Policy>> policies = store_.ListPolicies();
  if (!policies.ok()) return policies.status();
  meshdex::v1::ListPoliciesResponse response;
  for (Policy& policy : *policies) {
    const std::string& domain = policy.metadata().domain();
    if (request.domain().empty() || domain.empty() || domain == request.domain()) {
      *response.add_policies() = std::move(policy);
    }
  }
  return response;
}

absl::StatusOr<meshdex::v1::DeletePolicyResponse> Governance::DeletePolicy(
    const meshdex::v1::DeletePolicyRequest& request) {
  if (absl::Status status = CheckPolicyName(request.domain(), request.name()); !status.ok()) {
    return status;
  }
  if (request.expected_revision() < 0) {
    return absl::InvalidArgumentError("expected_revision: must not be negative");
  }
  const absl::Time now = options_.clock();
  absl::StatusOr<uint64_t> sequence = store_.Write([&](storage::WriteTxn& txn) -> absl::Status {
    absl::StatusOr<std::optional<Policy>> current = txn.GetPolicy(request.domain(), request.name());
    if (!current.ok()) return current.status();
    if (!current->has_value()) {
      return absl::NotFoundError(
          absl::StrCat(DescribePolicy(request.domain(), request.name()), " not found"));
    }
    if (absl::Status status = catalog::CheckExpectedRevision(
            request.expected_revision(), (*current)->metadata().revision(),
            (*current)->metadata().urn());
        !status.ok()) {
      return status;
    }
    Policy tombstone = **current;
    tombstone.mutable_metadata()->set_revision((*current)->metadata().revision() + 1);
    *tombstone.mutable_metadata()->mutable_update_time() = ToTimestamp(now);
    *tombstone.mutable_metadata()->mutable_delete_time() = ToTimestamp(now);
    absl::StatusOr<std::shared_ptr<const PolicySet>> next = WithPolicy(tombstone, /*removed=*/true);
    if (!next.ok()) return next.status();
    txn.DeletePolicy(tombstone);
    txn.OnCommit([this, next = *std::move(next)] {
      absl::MutexLock lock(&policies_mu_);
      policies_ = next;
    });
    return absl::OkStatus();
  });
  if (!sequence.ok()) return sequence.status();
  Wake();
  meshdex::v1::DeletePolicyResponse response;
  response.set_sequence(*sequence);
  return response;
}

absl::StatusOr<GovernanceStatus> Governance::GovernWrite(const DataProduct* previous,
                                                         const DataProduct& next) const {
  std::vector<Violation> refusing;
  if (previous != nullptr) refusing = CheckSchemaCompatibility(*previous, next);
  Evaluation evaluation = policies()->Evaluate(next);
  for (const Violation& violation : evaluation.violations) {
    if (violation.enforcement() == kEnforce) refusing.push_back(violation);
  }
  if (!refusing.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refused by governance (", refusing.size(),
        refusing.size() == 1 ? " violation): " : " violations): ",
        absl::StrJoin(refusing, "; ", [](std::string* out, const Violation& violation) {
          absl::StrAppend(out, violation.policy(), ": ", violation.path(), ": ",
                          violation.message());
        })));
  }
  return evaluation.ToStatus();
}

absl::StatusOr<meshdex::v1::EvaluateResponse> Governance::Evaluate(
    const meshdex::v1::EvaluateRequest& request) const {
  if (!request.has_product()) return absl::InvalidArgumentError("product: required");
  absl::StatusOr<catalog::PreparedProduct> prepared =
      catalog::PrepareProduct(request.product(), options_.limits);
  if (!prepared.ok()) return prepared.status();
  const DataProduct& product = prepared->product;
  meshdex::v1::EvaluateResponse response;
  absl::StatusOr<DataProduct> stored = store_.GetProduct(product.metadata().urn());
  if (stored.ok()) {
    for (Violation& violation : CheckSchemaCompatibility(*stored, product)) {
      *response.add_violations() = std::move(violation);
    }
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  Evaluation evaluation = policies()->Evaluate(product);
  for (Violation& violation : evaluation.violations) {
    *response.add_violations() = std::move(violation);
  }
  response.set_score(evaluation.score());
  return response;
}

absl::StatusOr<meshdex::v1::Scorecard> Governance::GetScorecard(
    const meshdex::v1::GetScorecardRequest& request) const {
  if (absl::Status status = CheckDomain(request.domain(), "domain"); !status.ok()) return status;
  const std::string prefix =
      request.domain().empty() ? "urn:dp:" : absl::StrCat("urn:dp:", request.domain(), ":");
  const std::shared_ptr<const PolicySet> policies = this->policies();
  meshdex::v1::Scorecard scorecard;
  std::map<std::string, meshdex::v1::DomainScore> domains;
  std::string after;
  while (true) {
    absl::StatusOr<storage::Page<DataProduct>> page =
        store_.ListProducts(prefix, after, options_.reevaluation_batch);
    if (!page.ok()) return page.status();
    for (const DataProduct& product : page->items) {
      absl::StatusOr<std::optional<GovernanceStatus>> status =
          store_.GetGovernance(product.metadata().urn());
      if (!status.ok()) return status.status();
      // Products stored before any governance have no status yet: the
      // re-evaluation will store this same answer.
      GovernanceStatus governance =
          status->has_value() ? **status : policies->Evaluate(product).ToStatus();
      meshdex::v1::ProductScore* score = scorecard.add_products();
      score->set_urn(product.metadata().urn());
      score->set_score(governance.score());
      *score->mutable_violations() = governance.violations();

      meshdex::v1::DomainScore& domain = domains[product.metadata().domain()];
      domain.set_domain(product.metadata().domain());
      domain.set_products(domain.products() + 1);
      if (governance.violations_size() > 0) {
        domain.set_violating_products(domain.violating_products() + 1);
      }
      domain.set_violations(domain.violations() + governance.violations_size());
      // Sum for now; divided by the count below.
      domain.set_average_score(domain.average_score() + governance.score());
    }
    if (!page->more || page->items.empty()) break;
    after = page->items.back().metadata().urn();
  }
  for (auto& [name, domain] : domains) {
    domain.set_average_score(domain.average_score() / static_cast<double>(domain.products()));
    *scorecard.add_domains() = std::move(domain);
  }
  return scorecard;
}

}  // namespace meshdex::governance
