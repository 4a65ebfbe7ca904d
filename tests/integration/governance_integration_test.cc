// Governance against the real meshdexd over gRPC (and meshdexctl): enforced
// policies refuse writes listing every violation and store nothing, warn
// policies record violations, domain policies add to global ones, stored
// products are re-evaluated when policies change (followed through the
// change log), Evaluate writes nothing, breaking schema changes need a major
// version, policies survive a crash.
#include <chrono>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "proto/document.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::Policy;

// Parses one YAML document into `Message`; fails the test on a bad fixture.
template <typename Message>
Message FromYaml(const std::string& yaml) {
  Message message;
  absl::StatusOr<std::vector<document::ResourceDocument>> docs = document::ParseDocuments(yaml);
  EXPECT_TRUE(docs.ok()) << docs.status();
  if (!docs.ok() || docs->size() != 1) return message;
  absl::Status status = document::ToMessage(docs->front(), &message);
  EXPECT_TRUE(status.ok()) << status;
  return message;
}

// A product with one Kafka output port; `extra` is appended to spec.
DataProduct Product(const std::string& domain, const std::string& name,
                    const std::string& version = "1.0.0", const std::string& fields =
                        "          - {name: id, type: string, required: true}\n"
                        "          - {name: email, type: string, classification: pii}\n",
                    const std::string& extra = "") {
  return FromYaml<DataProduct>("metadata: {domain: " + domain + ", name: " + name + "}\n" +
                               "spec:\n"
                               "  title: " + name + "\n"
                               "  version: " + version + "\n"
                               "  lifecycle: production\n"
                               "  outputPorts:\n"
                               "    - name: events\n"
                               "      kind: kafka\n"
                               "      address: kafka://broker:9092/" + domain + "." + name + "\n"
                               "      schema:\n"
                               "        fields:\n" + fields + extra);
}

Policy SloPolicy(const std::string& name, const std::string& domain, const std::string& enforcement) {
  return FromYaml<Policy>("metadata: {name: " + name + ", domain: \"" + domain + "\"}\n" +
                          "spec:\n"
                          "  enforcement: " + enforcement + "\n"
                          "  appliesTo: {lifecycles: [production]}\n"
                          "  rules:\n"
                          "    - {path: \"spec.outputPorts[*].slo.freshnessSeconds\", require: true}\n"
                          "    - {when: {path: \"spec.outputPorts[*].schema.fields[*].classification\", equals: pii},\n"
                          "       path: spec.owner.email, require: true}\n");
}

class GovernanceIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer(std::vector<std::string> flags = {}) {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"), std::move(flags));
    ASSERT_TRUE(server_->Start());
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
    governance_ = meshdex::v1::GovernanceService::NewStub(server_->Channel());
    search_ = meshdex::v1::SearchService::NewStub(server_->Channel());
    admin_ = meshdex::v1::AdminService::NewStub(server_->Channel());
  }

  grpc::Status ApplyPolicy(const Policy& policy, meshdex::v1::ApplyPolicyResponse* response,
                           int64_t expected_revision = 0) {
    meshdex::v1::ApplyPolicyRequest request;
    *request.mutable_policy() = policy;
    request.set_expected_revision(expected_revision);
    grpc::ClientContext context;
    return governance_->ApplyPolicy(&context, request, response);
  }

  uint64_t MustApplyPolicy(const Policy& policy) {
    meshdex::v1::ApplyPolicyResponse response;
    grpc::Status status = ApplyPolicy(policy, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.sequence();
  }

  grpc::Status Apply(const DataProduct& product, meshdex::v1::ApplyProductResponse* response) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    grpc::ClientContext context;
    return catalog_->ApplyProduct(&context, request, response);
  }

  grpc::Status Get(const std::string& urn, DataProduct* product) {
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    grpc::ClientContext context;
    return catalog_->GetProduct(&context, request, product);
  }

  uint64_t LastSequence() {
    meshdex::v1::Stats stats;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->GetStats(&context, meshdex::v1::GetStatsRequest(), &stats).ok());
    return stats.last_sequence();
  }

  // Follows the change log from `from` until the re-evaluation records a new
  // governance status of `urn`; returns that record's sequence (0 when none
  // came within the deadline).
  uint64_t AwaitGovernanceUpdate(const std::string& urn, uint64_t from) {
    meshdex::v1::WatchRequest request;
    request.set_from_sequence(from);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = catalog_->Watch(&context, request);
    meshdex::v1::ChangeEvent event;
    while (stream->Read(&event)) {
      if (event.type() == meshdex::v1::ChangeEvent::GOVERNANCE_UPDATED && event.urn() == urn) {
        context.TryCancel();
        return event.sequence();
      }
    }
    return 0;
  }

  std::vector<std::string> SearchUrns(const std::string& query, uint64_t min_sequence) {
    meshdex::v1::SearchRequest request;
    request.set_query(query);
    request.set_min_sequence(min_sequence);
    meshdex::v1::SearchResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(search_->Search(&context, request, &response).ok());
    std::vector<std::string> urns;
    for (const auto& hit : response.hits()) urns.push_back(hit.urn());
    return urns;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  std::unique_ptr<meshdex::v1::GovernanceService::Stub> governance_;
  std::unique_ptr<meshdex::v1::SearchService::Stub> search_;
  std::unique_ptr<meshdex::v1::AdminService::Stub> admin_;
};

TEST_F(GovernanceIntegrationTest, EnforcedPolicyRefusesTheWriteListingEveryViolation) {
  MustApplyPolicy(SloPolicy("production-needs-slo", "", "enforce"));
  const uint64_t before = LastSequence();

  meshdex::v1::ApplyProductResponse response;
  grpc::Status status = Apply(Product("logistics", "shipments"), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_NE(status.error_message().find(
                "production-needs-slo: spec.outputPorts[0].slo.freshnessSeconds: required"),
            std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("production-needs-slo: spec.owner.email: required"),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(LastSequence(), before) << "a refused write stores nothing";
  DataProduct stored;
  EXPECT_EQ(Get("urn:dp:logistics:shipments", &stored).error_code(), grpc::StatusCode::NOT_FOUND);

  // Compliant: stored, with a perfect score.
  DataProduct compliant = Product("logistics", "shipments", "1.0.0",
                                  "          - {name: id, type: string, required: true}\n",
                                  "      slo: {freshnessSeconds: 300}\n");
  ASSERT_TRUE(Apply(compliant, &response).ok());
  EXPECT_EQ(response.product().status().governance().score(), 1.0);
  ASSERT_TRUE(Get("urn:dp:logistics:shipments", &stored).ok());
  EXPECT_TRUE(stored.status().has_governance());
  EXPECT_TRUE(stored.status().governance().violations().empty());
}

TEST_F(GovernanceIntegrationTest, WarnPolicyStoresTheProductAndRecordsTheViolations) {
  MustApplyPolicy(SloPolicy("production-needs-slo", "", "warn"));
  meshdex::v1::ApplyProductResponse response;
  ASSERT_TRUE(Apply(Product("logistics", "shipments"), &response).ok());
  std::vector<std::string> policy_warnings;
  for (const std::string& warning : response.warnings()) {
    if (warning.rfind("policy ", 0) == 0) policy_warnings.push_back(warning);
  }
  EXPECT_EQ(policy_warnings,
            (std::vector<std::string>{
                "policy production-needs-slo: spec.outputPorts[0].slo.freshnessSeconds: required",
                "policy production-needs-slo: spec.owner.email: required"}));

  DataProduct stored;
  ASSERT_TRUE(Get("urn:dp:logistics:shipments", &stored).ok());
  const meshdex::v1::GovernanceStatus& governance = stored.status().governance();
  ASSERT_EQ(governance.violations_size(), 2);
  EXPECT_EQ(governance.violations(0).policy(), "production-needs-slo");
  EXPECT_EQ(governance.violations(0).enforcement(), "warn");
  EXPECT_EQ(governance.violations(1).path(), "spec.owner.email");
  EXPECT_EQ(governance.score(), 0.0);  // both applicable rules broken
  EXPECT_EQ(SearchUrns("governance:violating", response.sequence()),
            std::vector<std::string>{"urn:dp:logistics:shipments"});
}

TEST_F(GovernanceIntegrationTest, DomainPoliciesAddToGlobalOnesAndCannotRelaxThem) {
  const Policy needs_tags = FromYaml<Policy>(
      "metadata: {name: needs-tags}\n"
      "spec: {enforcement: enforce, rules: [{path: spec.tags, minItems: 1}]}\n");
  MustApplyPolicy(needs_tags);
  // Same name in a domain, as a mere warning: a different policy, which
  // cannot switch the global one off.
  Policy relaxed = needs_tags;
  relaxed.mutable_metadata()->set_domain("logistics");
  relaxed.mutable_spec()->set_enforcement("warn");
  MustApplyPolicy(relaxed);
  const Policy formats = FromYaml<Policy>(
      "metadata: {name: avro-topics, domain: logistics}\n"
      "spec: {enforcement: enforce, rules: [{path: \"spec.outputPorts[*].format\", oneOf: [avro]}]}\n");
  MustApplyPolicy(formats);

  meshdex::v1::ApplyProductResponse response;
  grpc::Status status = Apply(Product("logistics", "shipments"), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("needs-tags: spec.tags: "), std::string::npos)
      << status.error_message();

  DataProduct tagged = Product("logistics", "shipments");
  tagged.mutable_spec()->add_tags("parcels");
  tagged.mutable_spec()->mutable_output_ports(0)->set_format("json");
  status = Apply(tagged, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("logistics/avro-topics: spec.outputPorts[0].format"),
            std::string::npos)
      << status.error_message();

  // Another domain is governed by the global policies only.
  DataProduct sales = Product("sales", "orders");
  sales.mutable_spec()->add_tags("orders");
  ASSERT_TRUE(Apply(sales, &response).ok());
  EXPECT_TRUE(response.product().status().governance().violations().empty());

  meshdex::v1::ListPoliciesRequest list;
  list.set_domain("sales");
  meshdex::v1::ListPoliciesResponse listed;
  grpc::ClientContext context;
  ASSERT_TRUE(governance_->ListPolicies(&context, list, &listed).ok());
  ASSERT_EQ(listed.policies_size(), 1);
  EXPECT_EQ(listed.policies(0).metadata().urn(), "urn:policy::needs-tags");
}

TEST_F(GovernanceIntegrationTest, PolicyChangesReevaluateStoredProductsInTheBackground) {
  meshdex::v1::ApplyProductResponse applied;
  ASSERT_TRUE(Apply(Product("logistics", "shipments"), &applied).ok());
  ASSERT_TRUE(Apply(Product("sales", "orders", "1.0.0",
                            "          - {name: id, type: string}\n",
                            "      slo: {freshnessSeconds: 60}\n"),
                    &applied)
                  .ok());
  const std::string urn = "urn:dp:logistics:shipments";

  const uint64_t policy_sequence = MustApplyPolicy(SloPolicy("production-needs-slo", "", "warn"));
  const uint64_t updated = AwaitGovernanceUpdate(urn, policy_sequence + 1);
  ASSERT_GT(updated, policy_sequence);
  DataProduct stored;
  ASSERT_TRUE(Get(urn, &stored).ok());
  EXPECT_EQ(stored.status().governance().violations_size(), 2);
  EXPECT_EQ(stored.metadata().revision(), 1) << "re-evaluation writes no revision";
  EXPECT_EQ(SearchUrns("governance:violating", updated), std::vector<std::string>{urn});
  EXPECT_EQ(SearchUrns("governance:ok", updated),
            std::vector<std::string>{"urn:dp:sales:orders"});

  // Removing the policy clears the violations the same way.
  meshdex::v1::DeletePolicyRequest remove;
  remove.set_name("production-needs-slo");
  meshdex::v1::DeletePolicyResponse removed;
  grpc::ClientContext context;
  ASSERT_TRUE(governance_->DeletePolicy(&context, remove, &removed).ok());
  const uint64_t cleared = AwaitGovernanceUpdate(urn, removed.sequence() + 1);
  ASSERT_GT(cleared, removed.sequence());
  ASSERT_TRUE(Get(urn, &stored).ok());
  EXPECT_TRUE(stored.status().governance().violations().empty());
  EXPECT_TRUE(SearchUrns("governance:violating", cleared).empty());
}

TEST_F(GovernanceIntegrationTest, EvaluateReportsViolationsAndStoresNothing) {
  MustApplyPolicy(SloPolicy("production-needs-slo", "", "enforce"));
  const uint64_t before = LastSequence();
  meshdex::v1::EvaluateRequest request;
  *request.mutable_product() = Product("logistics", "shipments");
  meshdex::v1::EvaluateResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(governance_->Evaluate(&context, request, &response).ok());
  ASSERT_EQ(response.violations_size(), 2);
  EXPECT_EQ(response.violations(0).enforcement(), "enforce");
  EXPECT_EQ(response.score(), 0.0);
  EXPECT_EQ(LastSequence(), before);
  DataProduct stored;
  EXPECT_EQ(Get("urn:dp:logistics:shipments", &stored).error_code(), grpc::StatusCode::NOT_FOUND);

  // An invalid descriptor is INVALID_ARGUMENT, as for a write.
  request.mutable_product()->mutable_spec()->set_version("one");
  grpc::ClientContext invalid;
  grpc::Status status = governance_->Evaluate(&invalid, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.version"), std::string::npos);
}

TEST_F(GovernanceIntegrationTest, BreakingSchemaChangesNeedAMajorVersion) {
  meshdex::v1::ApplyProductResponse response;
  ASSERT_TRUE(Apply(Product("logistics", "shipments", "1.4.0"), &response).ok());
  // Field removed and a new required one, in a minor release: refused.
  grpc::Status status =
      Apply(Product("logistics", "shipments", "1.5.0",
                    "          - {name: id, type: string, required: true}\n"
                    "          - {name: carrier, type: string, required: true}\n"),
            &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("\"email\" removed"), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("\"carrier\""), std::string::npos)
      << status.error_message();
  DataProduct stored;
  ASSERT_TRUE(Get("urn:dp:logistics:shipments", &stored).ok());
  EXPECT_EQ(stored.spec().version(), "1.4.0");

  // Adding an optional field is fine in a minor release.
  ASSERT_TRUE(Apply(Product("logistics", "shipments", "1.5.0",
                            "          - {name: id, type: string, required: true}\n"
                            "          - {name: email, type: string, classification: pii}\n"
                            "          - {name: carrier, type: string}\n"),
                    &response)
                  .ok());
  EXPECT_EQ(response.outcome(), meshdex::v1::UPDATED);
  // The major bump allows the breaking change.
  ASSERT_TRUE(Apply(Product("logistics", "shipments", "2.0.0",
                            "          - {name: id, type: string, required: true}\n"),
                    &response)
                  .ok());
  EXPECT_EQ(response.product().metadata().revision(), 3);
}

TEST_F(GovernanceIntegrationTest, PoliciesAreValidatedAndVersioned) {
  meshdex::v1::ApplyPolicyResponse response;
  Policy bad = SloPolicy("bad", "", "enforce");
  bad.mutable_spec()->mutable_rules(0)->set_regex("(unclosed");
  grpc::Status status = ApplyPolicy(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.rules[0].regex"), std::string::npos)
      << status.error_message();
  bad = SloPolicy("bad", "", "block");
  status = ApplyPolicy(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.enforcement"), std::string::npos);
  bad = SloPolicy("bad", "", "warn");
  bad.mutable_spec()->mutable_rules(0)->set_path("spec.outputPorts[*].slos");
  status = ApplyPolicy(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.rules[0].path"), std::string::npos);

  Policy policy = SloPolicy("production-needs-slo", "", "warn");
  ASSERT_TRUE(ApplyPolicy(policy, &response).ok());
  EXPECT_EQ(response.outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(response.policy().metadata().revision(), 1);
  ASSERT_TRUE(ApplyPolicy(policy, &response).ok());
  EXPECT_EQ(response.outcome(), meshdex::v1::UNCHANGED);
  policy.mutable_spec()->set_enforcement("enforce");
  EXPECT_EQ(ApplyPolicy(policy, &response, /*expected_revision=*/7).error_code(),
            grpc::StatusCode::ABORTED);
  ASSERT_TRUE(ApplyPolicy(policy, &response, /*expected_revision=*/1).ok());
  EXPECT_EQ(response.outcome(), meshdex::v1::UPDATED);
  EXPECT_EQ(response.policy().metadata().revision(), 2);

  meshdex::v1::GetPolicyRequest get;
  get.set_name("production-needs-slo");
  Policy stored;
  grpc::ClientContext context;
  ASSERT_TRUE(governance_->GetPolicy(&context, get, &stored).ok());
  EXPECT_EQ(stored.spec().enforcement(), "enforce");
  get.set_domain("logistics");
  grpc::ClientContext missing;
  EXPECT_EQ(governance_->GetPolicy(&missing, get, &stored).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GovernanceIntegrationTest, PoliciesSurviveACrashAndStayEnforced) {
  MustApplyPolicy(SloPolicy("production-needs-slo", "", "enforce"));
  server_->Kill();
  StartServer();
  meshdex::v1::ApplyProductResponse response;
  EXPECT_EQ(Apply(Product("logistics", "shipments"), &response).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(GovernanceIntegrationTest, ScorecardTotalsPerDomain) {
  MustApplyPolicy(SloPolicy("production-needs-slo", "", "warn"));
  meshdex::v1::ApplyProductResponse response;
  ASSERT_TRUE(Apply(Product("logistics", "shipments"), &response).ok());
  ASSERT_TRUE(Apply(Product("logistics", "parcels", "1.0.0",
                            "          - {name: id, type: string}\n",
                            "      slo: {freshnessSeconds: 60}\n"),
                    &response)
                  .ok());
  ASSERT_TRUE(Apply(Product("sales", "orders"), &response).ok());

  meshdex::v1::GetScorecardRequest request;
  request.set_domain("logistics");
  meshdex::v1::Scorecard scorecard;
  grpc::ClientContext context;
  ASSERT_TRUE(governance_->GetScorecard(&context, request, &scorecard).ok());
  ASSERT_EQ(scorecard.products_size(), 2);
  EXPECT_EQ(scorecard.products(0).urn(), "urn:dp:logistics:parcels");
  EXPECT_EQ(scorecard.products(0).score(), 1.0);
  EXPECT_EQ(scorecard.products(1).violations_size(), 2);
  ASSERT_EQ(scorecard.domains_size(), 1);
  EXPECT_EQ(scorecard.domains(0).domain(), "logistics");
  EXPECT_EQ(scorecard.domains(0).products(), 2);
  EXPECT_EQ(scorecard.domains(0).violating_products(), 1);
  EXPECT_EQ(scorecard.domains(0).violations(), 2);
  EXPECT_DOUBLE_EQ(scorecard.domains(0).average_score(), 0.5);
}

TEST_F(GovernanceIntegrationTest, CliAppliesPoliciesFirstAndManagesThem) {
  const std::string ctl = testing::BinaryPath("meshdexctl");
  const std::string server = server_->grpc_address();
  // The product comes first in the file but the policy is applied first, so
  // the product is refused by it.
  const std::string mixed =
      "apiVersion: meshdex.io/v1\n"
      "kind: DataProduct\n"
      "metadata: {domain: logistics, name: shipments}\n"
      "spec:\n"
      "  version: 1.0.0\n"
      "  lifecycle: production\n"
      "  outputPorts: [{name: events, kind: kafka, address: kafka://b:9092/t}]\n"
      "---\n"
      "apiVersion: meshdex.io/v1\n"
      "kind: Policy\n"
      "metadata: {name: production-needs-slo}\n"
      "spec:\n"
      "  enforcement: enforce\n"
      "  appliesTo: {lifecycles: [production]}\n"
      "  rules: [{path: \"spec.outputPorts[*].slo.freshnessSeconds\", require: true}]\n";
  testing::CommandResult result =
      testing::RunCommand({ctl, "--server", server, "apply", "-f", "-"}, mixed);
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("policy urn:policy::production-needs-slo created"), std::string::npos)
      << result.out;
  EXPECT_NE(result.err.find("FAILED_PRECONDITION"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("spec.outputPorts[0].slo.freshnessSeconds"), std::string::npos)
      << result.err;

  // A rule key the schema does not know is named, and nothing is applied.
  result = testing::RunCommand(
      {ctl, "--server", server, "policy", "apply", "-f", "-"},
      "kind: Policy\nmetadata: {name: typo}\n"
      "spec: {enforcement: warn, rules: [{path: spec.tags, requires: true}]}\n");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("requires"), std::string::npos) << result.err;

  result = testing::RunCommand({ctl, "--server", server, "policy", "list"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("production-needs-slo"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("typo"), std::string::npos) << result.out;

  result = testing::RunCommand({ctl, "--server", server, "policy", "get", "production-needs-slo"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("enforcement: enforce"), std::string::npos) << result.out;

  // evaluate: exit 1 because the write would be refused; nothing stored.
  result = testing::RunCommand({ctl, "--server", server, "evaluate", "-f", "-"},
                               mixed.substr(0, mixed.find("---")));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.out.find("1 would refuse the write"), std::string::npos) << result.out;
  DataProduct stored;
  EXPECT_EQ(Get("urn:dp:logistics:shipments", &stored).error_code(), grpc::StatusCode::NOT_FOUND);

  result = testing::RunCommand({ctl, "--server", server, "policy", "delete", "production-needs-slo"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  result = testing::RunCommand({ctl, "--server", server, "apply", "-f", "-"},
                               mixed.substr(0, mixed.find("---")));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  result = testing::RunCommand({ctl, "--server", server, "scorecard", "logistics"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("urn:dp:logistics:shipments"), std::string::npos) << result.out;
}

TEST(GovernanceDemoTest, DemoShipsPoliciesAndEveryProductPassesTheEnforcedOnes) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"), {"--demo"});
  ASSERT_TRUE(server.Start());
  auto governance = meshdex::v1::GovernanceService::NewStub(server.Channel());
  meshdex::v1::ListPoliciesResponse policies;
  grpc::ClientContext list;
  ASSERT_TRUE(governance->ListPolicies(&list, meshdex::v1::ListPoliciesRequest(), &policies).ok());
  EXPECT_GE(policies.policies_size(), 5);
  bool global = false, domain = false;
  for (const Policy& policy : policies.policies()) {
    global = global || policy.metadata().domain().empty();
    domain = domain || !policy.metadata().domain().empty();
  }
  EXPECT_TRUE(global && domain);

  meshdex::v1::Scorecard scorecard;
  grpc::ClientContext score;
  ASSERT_TRUE(
      governance->GetScorecard(&score, meshdex::v1::GetScorecardRequest(), &scorecard).ok());
  EXPECT_EQ(scorecard.products_size(), 18);
  int violating = 0;
  for (const auto& product : scorecard.products()) {
    for (const auto& violation : product.violations()) {
      EXPECT_EQ(violation.enforcement(), "warn") << product.urn() << " " << violation.policy();
    }
    violating += product.violations().empty() ? 0 : 1;
  }
  EXPECT_GT(violating, 0);
  EXPECT_LT(violating, 18);
}

}  // namespace
}  // namespace meshdex
