// The governance core (server/governance/governance.h) on a real RocksDB
// store, wired into a Catalog the way meshdexd wires it: write-time
// governance, policy storage and versions, and the re-evaluation markers that
// make background re-evaluation resumable after a crash.
#include "server/governance/governance.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/catalog/catalog.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/governance/governance_fixture.h"

namespace meshdex::governance {
namespace {

using governance::testing::FromYaml;
using meshdex::v1::ChangeEvent;
using meshdex::v1::DataProduct;
using meshdex::v1::Policy;

constexpr char kTagsPolicy[] = R"yaml(
kind: Policy
metadata: {name: needs-tags}
spec:
  enforcement: warn
  rules: [{path: spec.tags, minItems: 1}]
)yaml";

constexpr char kUntaggedProduct[] = R"yaml(
metadata: {domain: logistics, name: shipments}
spec:
  version: 1.0.0
  outputPorts:
    - name: events
      kind: kafka
      address: kafka://broker:9092/shipments
      schema: {fields: [{name: id, type: string, required: true}]}
)yaml";

class GovernanceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    governance_.reset();
    catalog_.reset();
    store_.reset();
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::Store::Open({.path = dir_.Sub("store"), .sync_writes = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::unique_ptr<Governance>> governance = Governance::Open(*store_);
    ASSERT_TRUE(governance.ok()) << governance.status();
    governance_ = *std::move(governance);
    catalog::Catalog::Options options;
    options.govern = [this](const DataProduct* previous, const DataProduct& next) {
      return governance_->GovernWrite(previous, next);
    };
    catalog_ = std::make_unique<catalog::Catalog>(*store_, std::move(options));
  }

  uint64_t ApplyPolicy(const Policy& policy) {
    meshdex::v1::ApplyPolicyRequest request;
    *request.mutable_policy() = policy;
    absl::StatusOr<meshdex::v1::ApplyPolicyResponse> response = governance_->ApplyPolicy(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->sequence() : 0;
  }

  absl::StatusOr<meshdex::v1::ApplyProductResponse> ApplyProduct(const DataProduct& product) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    return catalog_->ApplyProduct(request);
  }

  meshdex::v1::GovernanceStatus StoredGovernance(const std::string& urn) {
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    absl::StatusOr<DataProduct> product = catalog_->GetProduct(request);
    EXPECT_TRUE(product.ok()) << product.status();
    return product.ok() ? product->status().governance() : meshdex::v1::GovernanceStatus();
  }

  ::meshdex::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Governance> governance_;
  std::unique_ptr<catalog::Catalog> catalog_;
};

TEST_F(GovernanceTest, AnEnforcedViolationRefusesTheWriteAndConsumesNoSequence) {
  Policy policy = FromYaml<Policy>(kTagsPolicy);
  policy.mutable_spec()->set_enforcement("enforce");
  ApplyPolicy(policy);
  const uint64_t before = store_->LastSequence();
  absl::StatusOr<meshdex::v1::ApplyProductResponse> refused =
      ApplyProduct(FromYaml<DataProduct>(kUntaggedProduct));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "refused by governance (1 violation): needs-tags: spec.tags: has 0 items, at least 1 "
            "required");
  EXPECT_EQ(store_->LastSequence(), before);
  EXPECT_FALSE(store_->GetGovernance("urn:dp:logistics:shipments")->has_value());
}

TEST_F(GovernanceTest, TheStatusIsStoredInTheProductWriteWithoutAChangeRecordOfItsOwn) {
  ApplyPolicy(FromYaml<Policy>(kTagsPolicy));
  absl::StatusOr<meshdex::v1::ApplyProductResponse> applied =
      ApplyProduct(FromYaml<DataProduct>(kUntaggedProduct));
  ASSERT_TRUE(applied.ok()) << applied.status();
  absl::StatusOr<std::vector<ChangeEvent>> changes = store_->ReadChanges(applied->sequence(), 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ(changes->front().type(), ChangeEvent::PRODUCT_UPSERTED);
  const meshdex::v1::GovernanceStatus status = StoredGovernance("urn:dp:logistics:shipments");
  ASSERT_EQ(status.violations_size(), 1);
  EXPECT_EQ(status.violations(0).policy(), "needs-tags");
  EXPECT_EQ(status.score(), 0.0);

  // A delete takes the status with it.
  meshdex::v1::DeleteProductRequest remove;
  remove.set_urn("urn:dp:logistics:shipments");
  ASSERT_TRUE(catalog_->DeleteProduct(remove).ok());
  EXPECT_FALSE(store_->GetGovernance("urn:dp:logistics:shipments")->has_value());
}

TEST_F(GovernanceTest, PolicyWritesAreVersionedAndRecordedInTheChangeLog) {
  const uint64_t created = ApplyPolicy(FromYaml<Policy>(kTagsPolicy));
  Policy changed = FromYaml<Policy>(kTagsPolicy);
  changed.mutable_spec()->set_description("Tags make products findable.");
  const uint64_t updated = ApplyPolicy(changed);
  meshdex::v1::DeletePolicyRequest remove;
  remove.set_name("needs-tags");
  absl::StatusOr<meshdex::v1::DeletePolicyResponse> deleted = governance_->DeletePolicy(remove);
  ASSERT_TRUE(deleted.ok()) << deleted.status();

  absl::StatusOr<std::vector<ChangeEvent>> changes = store_->ReadChanges(created, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 3u);
  EXPECT_EQ((*changes)[0].type(), ChangeEvent::POLICY_UPSERTED);
  EXPECT_EQ((*changes)[0].urn(), "urn:policy::needs-tags");
  EXPECT_EQ((*changes)[1].sequence(), updated);
  EXPECT_EQ((*changes)[1].revision(), 2);
  EXPECT_EQ((*changes)[2].type(), ChangeEvent::POLICY_DELETED);
  EXPECT_EQ((*changes)[2].revision(), 3);
  EXPECT_TRUE(store_->ListPolicies()->empty());
  EXPECT_EQ(store_->GetGovernanceMarkers()->policy_sequence, deleted->sequence());

  // Re-created, it continues after the tombstone.
  ApplyPolicy(FromYaml<Policy>(kTagsPolicy));
  meshdex::v1::GetPolicyRequest get;
  get.set_name("needs-tags");
  EXPECT_EQ(governance_->GetPolicy(get)->metadata().revision(), 4);
}

TEST_F(GovernanceTest, ReevaluationCatchesUpWithPolicyChangesAndResumesAfterACrash) {
  ASSERT_TRUE(ApplyProduct(FromYaml<DataProduct>(kUntaggedProduct)).ok());
  EXPECT_TRUE(StoredGovernance("urn:dp:logistics:shipments").violations().empty());

  // The policy arrives; nothing re-evaluates yet (the thread is not running),
  // as after a crash right after the policy write.
  const uint64_t policy_sequence = ApplyPolicy(FromYaml<Policy>(kTagsPolicy));
  storage::Store::GovernanceMarkers markers = *store_->GetGovernanceMarkers();
  EXPECT_EQ(markers.policy_sequence, policy_sequence);
  EXPECT_LT(markers.evaluated_sequence, policy_sequence);
  Open();  // restart on the same store
  EXPECT_TRUE(StoredGovernance("urn:dp:logistics:shipments").violations().empty());

  ASSERT_TRUE(governance_->ReevaluateIfDue().ok());
  EXPECT_EQ(StoredGovernance("urn:dp:logistics:shipments").violations_size(), 1);
  markers = *store_->GetGovernanceMarkers();
  EXPECT_EQ(markers.evaluated_sequence, policy_sequence);
  EXPECT_TRUE(governance_->WaitForReevaluation(policy_sequence, absl::Now()));
  absl::StatusOr<std::vector<ChangeEvent>> changes = store_->ReadChanges(policy_sequence + 1, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ(changes->front().type(), ChangeEvent::GOVERNANCE_UPDATED);
  EXPECT_EQ(changes->front().urn(), "urn:dp:logistics:shipments");
  EXPECT_EQ(changes->front().revision(), 1);

  // Caught up: another pass writes nothing.
  const uint64_t last = store_->LastSequence();
  ASSERT_TRUE(governance_->ReevaluateIfDue().ok());
  EXPECT_EQ(store_->LastSequence(), last);
}

TEST_F(GovernanceTest, TheBackgroundThreadFollowsPolicyWrites) {
  ASSERT_TRUE(ApplyProduct(FromYaml<DataProduct>(kUntaggedProduct)).ok());
  governance_->Start();
  const uint64_t policy_sequence = ApplyPolicy(FromYaml<Policy>(kTagsPolicy));
  ASSERT_TRUE(governance_->WaitForReevaluation(policy_sequence, absl::Now() + absl::Seconds(30)));
  EXPECT_EQ(StoredGovernance("urn:dp:logistics:shipments").violations_size(), 1);
  governance_->Stop();
}

TEST_F(GovernanceTest, StoredPoliciesAreInForceAfterReopening) {
  Policy policy = FromYaml<Policy>(kTagsPolicy);
  policy.mutable_spec()->set_enforcement("enforce");
  ApplyPolicy(policy);
  Open();
  EXPECT_EQ(ApplyProduct(FromYaml<DataProduct>(kUntaggedProduct)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(GovernanceTest, DryRunsAndUnchangedPoliciesPublishNothing) {
  meshdex::v1::ApplyPolicyRequest request;
  *request.mutable_policy() = FromYaml<Policy>(kTagsPolicy);
  request.mutable_policy()->mutable_spec()->set_enforcement("enforce");
  request.set_dry_run(true);
  absl::StatusOr<meshdex::v1::ApplyPolicyResponse> dry = governance_->ApplyPolicy(request);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(dry->outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(store_->LastSequence(), 0u);
  EXPECT_TRUE(ApplyProduct(FromYaml<DataProduct>(kUntaggedProduct)).ok())
      << "a dry-run policy is not in force";
}

TEST_F(GovernanceTest, RequestsNameTheFieldThatIsWrong) {
  meshdex::v1::GetPolicyRequest get;
  get.set_name("Not_A_Name");
  EXPECT_EQ(governance_->GetPolicy(get).status().code(), absl::StatusCode::kInvalidArgument);
  meshdex::v1::ListPoliciesRequest list;
  list.set_domain("Bad Domain");
  absl::Status status = governance_->ListPolicies(list).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("domain"), absl::string_view::npos);
  meshdex::v1::ApplyPolicyRequest apply;
  EXPECT_EQ(governance_->ApplyPolicy(apply).status().message(), "policy: required");
  meshdex::v1::DeletePolicyRequest remove;
  remove.set_name("absent");
  EXPECT_EQ(governance_->DeletePolicy(remove).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace meshdex::governance
