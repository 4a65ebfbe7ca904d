// Tests of policy evaluation (server/governance/policy_engine.h): every check
// operator, `when` conditions, scoring, appliesTo filters and how global and
// domain policies combine.

#include "server/governance/policy_engine.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"
#include "tests/unit/governance/governance_fixture.h"

namespace meshdex::governance {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::Policy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;
using testing::FromYaml;
using testing::PathsAndMessages;
using testing::Shipments;

// A policy from its identity, its spec lines after `rules`, and its rules as
// the items of a YAML flow sequence.
Policy MakePolicy(absl::string_view rules, absl::string_view name = "p",
                  absl::string_view domain = "", absl::string_view enforcement = "enforce",
                  absl::string_view applies_to = "{}") {
  return FromYaml<Policy>(absl::StrCat("metadata: {name: ", name, ", domain: \"", domain,
                                       "\"}\nspec:\n  enforcement: ", enforcement,
                                       "\n  appliesTo: ", applies_to, "\n  rules: [", rules,
                                       "]\n"));
}

std::shared_ptr<const PolicySet> MustCompile(std::vector<Policy> policies) {
  absl::StatusOr<std::shared_ptr<const PolicySet>> set = PolicySet::Compile(std::move(policies));
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

Evaluation EvaluateRules(absl::string_view rules, const DataProduct& product = Shipments()) {
  std::shared_ptr<const PolicySet> set = MustCompile({MakePolicy(rules)});
  return set == nullptr ? Evaluation() : set->Evaluate(product);
}

auto Violations(absl::string_view rules, const DataProduct& product = Shipments()) {
  return PathsAndMessages(EvaluateRules(rules, product).violations);
}

// --- require ---------------------------------------------------------------

TEST(PolicyEngineTest, RequireReportsEachAbsentLocationWithItsConcretePath) {
  const Evaluation evaluation =
      EvaluateRules(R"({path: "spec.outputPorts[*].slo.freshnessSeconds", require: true})");
  EXPECT_THAT(PathsAndMessages(evaluation.violations),
              ElementsAre(Pair("spec.outputPorts[1].slo.freshnessSeconds", "required")));
  EXPECT_EQ(evaluation.applicable_rules, 1);
  EXPECT_EQ(evaluation.rules_met, 0);
}

TEST(PolicyEngineTest, RequireAcceptsPresentStringsNumbersBoolsMapsAndObjects) {
  const Evaluation evaluation = EvaluateRules(
      R"({path: "spec.owner.email", require: true},
         {path: "spec.outputPorts[0].slo.freshnessSeconds", require: true},
         {path: "spec.outputPorts[0].schema.fields[0].required", require: true},
         {path: "metadata.labels", require: true},
         {path: "spec.owner", require: true},
         {path: "spec.tags", require: true})");
  EXPECT_THAT(evaluation.violations, IsEmpty());
  EXPECT_EQ(evaluation.applicable_rules, 6);
  EXPECT_EQ(evaluation.rules_met, 6);
}

TEST(PolicyEngineTest, RequireRejectsEmptyValues) {
  DataProduct product = Shipments();
  product.mutable_spec()->clear_glossary_terms();
  product.mutable_spec()->mutable_owner()->Clear();  // present but {}
  product.mutable_spec()->add_tags("");
  EXPECT_THAT(Violations(R"({path: "spec.glossaryTerms", require: true},
                            {path: "spec.owner", require: true},
                            {path: "spec.tags[*]", require: true},
                            {path: "spec.inputPorts[*].name", require: true})",
                         product),
              ElementsAre(Pair("spec.glossaryTerms", "required"),
                          Pair("spec.owner", "must not be empty"),
                          Pair("spec.tags[2]", "must not be empty")));
}

// --- regex -----------------------------------------------------------------

TEST(PolicyEngineTest, RegexMustMatchTheWholeValue) {
  EXPECT_THAT(Violations(R"({path: "spec.title", regex: "^[a-z]+$"})"),
              ElementsAre(Pair("spec.title", R"("Shipments" does not match ^[a-z]+$)")));
  EXPECT_THAT(Violations(R"({path: "metadata.name", regex: "[a-z]+"})"), IsEmpty());
  EXPECT_THAT(Violations(R"({path: "metadata.name", regex: "ship"})"),
              ElementsAre(Pair("metadata.name", R"("shipments" does not match ship)")));
}

TEST(PolicyEngineTest, RegexChecksListElementsAndSkipsAbsentValues) {
  EXPECT_THAT(Violations(R"({path: "spec.tags", regex: "ship.*"})"),
              ElementsAre(Pair("spec.tags[1]", R"("events" does not match ship.*)")));
  EXPECT_THAT(Violations(R"({path: "spec.outputPorts[*].description", regex: "x"},
                            {path: "spec.outputPorts[*].slo.freshnessSeconds", regex: "9.*"})"),
              IsEmpty());
}

TEST(PolicyEngineTest, RegexMatchesNumbersByTheirText) {
  EXPECT_THAT(
      Violations(R"({path: "spec.outputPorts[0].slo.freshnessSeconds", regex: "[0-9]{2}"})"),
      ElementsAre(Pair("spec.outputPorts[0].slo.freshnessSeconds", "900 does not match [0-9]{2}")));
}

// --- oneOf -----------------------------------------------------------------

TEST(PolicyEngineTest, OneOfListsTheAllowedValues) {
  EXPECT_THAT(Violations(R"({path: "spec.outputPorts[*].format", oneOf: [avro, protobuf]})"),
              ElementsAre(Pair("spec.outputPorts[1].format",
                               R"("parquet" is not one of avro, protobuf)")));
  EXPECT_THAT(Violations(R"({path: "spec.lifecycle",
                             oneOf: [draft, experimental, production, deprecated, retired]})"),
              IsEmpty());
}

TEST(PolicyEngineTest, OneOfComparesNumbersAndBoolsAsText) {
  EXPECT_THAT(Violations(R"({path: "spec.outputPorts[0].slo.freshnessSeconds", oneOf: ["900"]},
                            {path: "spec.outputPorts[0].slo.availabilityPercent", oneOf: ["99.9"]})"),
              IsEmpty());
  EXPECT_THAT(
      Violations(R"({path: "spec.outputPorts[0].schema.fields[0].required", oneOf: ["false"]})"),
      ElementsAre(
          Pair("spec.outputPorts[0].schema.fields[0].required", "true is not one of false")));
}

TEST(PolicyEngineTest, OneOfChecksListElements) {
  EXPECT_THAT(Violations(R"({path: "spec.tags", oneOf: [shipping]})"),
              ElementsAre(Pair("spec.tags[1]", R"("events" is not one of shipping)")));
}

// --- minItems / maxItems ---------------------------------------------------

TEST(PolicyEngineTest, MinItemsCountsListsAndTreatsAbsentAsEmpty) {
  EXPECT_THAT(Violations(R"({path: "spec.tags", minItems: 3},
                            {path: "spec.inputPorts", minItems: 1},
                            {path: "spec.tags", minItems: 2})"),
              ElementsAre(Pair("spec.tags", "has 2 items, at least 3 required"),
                          Pair("spec.inputPorts", "has 0 items, at least 1 required")));
}

TEST(PolicyEngineTest, MaxItemsCountsListsPerWildcardLocationAndMaps) {
  EXPECT_THAT(Violations(R"({path: "spec.outputPorts[*].schema.fields", maxItems: 2},
                            {path: "metadata.labels", maxItems: 1},
                            {path: "metadata.labels", minItems: 2, maxItems: 2},
                            {path: "spec.inputPorts", maxItems: 0})"),
              ElementsAre(Pair("spec.outputPorts[0].schema.fields", "has 3 items, at most 2 allowed"),
                          Pair("metadata.labels", "has 2 items, at most 1 allowed")));
}

// --- min / max -------------------------------------------------------------

TEST(PolicyEngineTest, MinAndMaxCompareNumbers) {
  EXPECT_THAT(
      Violations(R"({path: "spec.outputPorts[*].slo.freshnessSeconds", max: 600},
                    {path: "spec.outputPorts[*].slo.freshnessSeconds", min: 1000},
                    {path: "spec.outputPorts[*].slo.availabilityPercent", min: 99.95},
                    {path: "spec.outputPorts[*].slo.freshnessSeconds", min: 60, max: 900})"),
      ElementsAre(Pair("spec.outputPorts[0].slo.freshnessSeconds", "900 is above the maximum 600"),
                  Pair("spec.outputPorts[0].slo.freshnessSeconds", "900 is below the minimum 1000"),
                  Pair("spec.outputPorts[0].slo.availabilityPercent",
                       "99.9 is below the minimum 99.95")));
}

TEST(PolicyEngineTest, MinAndMaxReadNumericStringsAndRejectOtherValues) {
  EXPECT_THAT(Violations(R"({path: "metadata.labels.replicas", min: 5},
                            {path: "metadata.labels.replicas", min: 1, max: 5},
                            {path: "metadata.labels.tier", min: 0, max: 10},
                            {path: "spec.outputPorts[0].schema.fields[0].required", min: 0},
                            {path: "metadata.labels.missing", min: 1})"),
              ElementsAre(Pair("metadata.labels.replicas", R"("3" is below the minimum 5)"),
                          Pair("metadata.labels.tier", R"("gold" is not a number)"),
                          Pair("spec.outputPorts[0].schema.fields[0].required",
                               "true is not a number")));
}

// --- several checks, violation fields --------------------------------------

TEST(PolicyEngineTest, EachFailingCheckOfARuleIsOneViolation) {
  const Evaluation evaluation =
      EvaluateRules(R"({path: "spec.title", require: true, regex: "^[a-z]+$", oneOf: [orders]})");
  EXPECT_THAT(PathsAndMessages(evaluation.violations),
              ElementsAre(Pair("spec.title", R"("Shipments" does not match ^[a-z]+$)"),
                          Pair("spec.title", R"("Shipments" is not one of orders)")));
  EXPECT_EQ(evaluation.applicable_rules, 1);
  EXPECT_EQ(evaluation.rules_met, 0);
}

TEST(PolicyEngineTest, ViolationsNameThePolicyAndItsEnforcement) {
  std::shared_ptr<const PolicySet> set =
      MustCompile({MakePolicy(R"({path: "spec.tags", minItems: 5})", "tagged", "logistics", "warn")});
  ASSERT_NE(set, nullptr);
  const Evaluation evaluation = set->Evaluate(Shipments());
  ASSERT_EQ(evaluation.violations.size(), 1u);
  EXPECT_EQ(evaluation.violations[0].policy(), "logistics/tagged");
  EXPECT_EQ(evaluation.violations[0].enforcement(), "warn");
  EXPECT_FALSE(evaluation.HasEnforcedViolations());
}

// --- when ------------------------------------------------------------------

constexpr char kPiiNeedsOwnerEmail[] =
    R"({when: {path: "spec.outputPorts[*].schema.fields[*].classification", equals: pii},
        path: "spec.owner.email", require: true})";

TEST(PolicyEngineTest, GlobalConditionAppliesTheRuleWhenAnyValueMatches) {
  DataProduct product = Shipments();
  product.mutable_spec()->mutable_owner()->clear_email();
  const Evaluation with_pii = EvaluateRules(kPiiNeedsOwnerEmail, product);
  EXPECT_THAT(PathsAndMessages(with_pii.violations),
              ElementsAre(Pair("spec.owner.email", "required")));
  EXPECT_EQ(with_pii.applicable_rules, 1);

  product.mutable_spec()->mutable_output_ports(0)->mutable_schema()->mutable_fields(1)
      ->set_classification("confidential");
  const Evaluation without_pii = EvaluateRules(kPiiNeedsOwnerEmail, product);
  EXPECT_THAT(without_pii.violations, IsEmpty());
  EXPECT_EQ(without_pii.applicable_rules, 0);
  EXPECT_EQ(without_pii.score(), 1.0);
}

TEST(PolicyEngineTest, GlobalConditionWithRegexAndListValues) {
  EXPECT_THAT(Violations(R"({when: {path: "spec.lifecycle", regex: "prod.*"},
                             path: "spec.title", regex: "[a-z]+"},
                            {when: {path: "spec.tags", equals: events},
                             path: "spec.title", oneOf: [x]},
                            {when: {path: "spec.tags", equals: orders},
                             path: "spec.title", oneOf: [y]})"),
              ElementsAre(Pair("spec.title", R"("Shipments" does not match [a-z]+)"),
                          Pair("spec.title", R"("Shipments" is not one of x)")));
}

constexpr char kKafkaFormats[] = R"({when: {path: "spec.outputPorts[*].kind", equals: kafka},
                                     path: "spec.outputPorts[*].format", oneOf: [avro, protobuf]})";

TEST(PolicyEngineTest, SharedWildcardConditionIsCheckedPerElement) {
  // Port 1 (s3, parquet) is not a kafka port: not checked.
  const Evaluation evaluation = EvaluateRules(kKafkaFormats);
  EXPECT_THAT(evaluation.violations, IsEmpty());
  EXPECT_EQ(evaluation.applicable_rules, 1);
  EXPECT_EQ(evaluation.rules_met, 1);

  DataProduct product = Shipments();
  product.mutable_spec()->mutable_output_ports(0)->set_format("json");
  EXPECT_THAT(Violations(kKafkaFormats, product),
              ElementsAre(Pair("spec.outputPorts[0].format",
                               R"("json" is not one of avro, protobuf)")));
}

TEST(PolicyEngineTest, PerElementConditionMatchingNowhereMakesTheRuleInapplicable) {
  const Evaluation evaluation =
      EvaluateRules(R"({when: {path: "spec.outputPorts[*].kind", equals: file},
                        path: "spec.outputPorts[*].format", oneOf: [csv]})");
  EXPECT_THAT(evaluation.violations, IsEmpty());
  EXPECT_EQ(evaluation.applicable_rules, 0);
}

TEST(PolicyEngineTest, NestedSharedWildcardsFixEveryIndex) {
  // Only the pii field (customer_email) needs a description; "status" has
  // none either but is internal.
  EXPECT_THAT(
      Violations(R"({when: {path: "spec.outputPorts[*].schema.fields[*].classification", equals: pii},
                     path: "spec.outputPorts[*].schema.fields[*].description", require: true})"),
      ElementsAre(Pair("spec.outputPorts[0].schema.fields[1].description", "required")));
}

TEST(PolicyEngineTest, PartlySharedPrefixFixesOnlyTheSharedWildcard) {
  // A port holding a pii field needs a freshness SLO.
  constexpr char kRule[] =
      R"({when: {path: "spec.outputPorts[*].schema.fields[*].classification", equals: pii},
          path: "spec.outputPorts[*].slo.freshnessSeconds", require: true})";
  EXPECT_THAT(Violations(kRule), IsEmpty());  // port 1 has no SLO but no pii either

  DataProduct product = Shipments();
  product.mutable_spec()->mutable_output_ports(1)->mutable_schema()->mutable_fields(0)
      ->set_classification("pii");
  EXPECT_THAT(Violations(kRule, product),
              ElementsAre(Pair("spec.outputPorts[1].slo.freshnessSeconds", "required")));
}

TEST(PolicyEngineTest, ConcreteIndexInTheConditionIsNotShared) {
  // spec.outputPorts[0] vs spec.outputPorts[*]: a whole-product condition.
  EXPECT_THAT(Violations(R"({when: {path: "spec.outputPorts[0].kind", equals: kafka},
                             path: "spec.outputPorts[*].format", oneOf: [avro]})"),
              ElementsAre(Pair("spec.outputPorts[1].format", R"("parquet" is not one of avro)")));
}

// --- score -----------------------------------------------------------------

TEST(PolicyEngineTest, ScoreIsMetOverApplicableRules) {
  std::shared_ptr<const PolicySet> set = MustCompile({
      MakePolicy(R"({path: "metadata.name", require: true},
                    {path: "spec.tags", minItems: 1},
                    {path: "spec.title", regex: "[a-z]+", oneOf: [x]},
                    {path: "spec.owner.team", require: true})",
                 "four"),
      MakePolicy(R"({when: {path: "spec.lifecycle", equals: draft}, path: "spec.title", oneOf: [x]})",
                 "inapplicable"),
  });
  ASSERT_NE(set, nullptr);
  const Evaluation evaluation = set->Evaluate(Shipments());
  EXPECT_EQ(evaluation.violations.size(), 2u);  // both from the third rule
  EXPECT_EQ(evaluation.applicable_rules, 4);
  EXPECT_EQ(evaluation.rules_met, 3);
  EXPECT_DOUBLE_EQ(evaluation.score(), 0.75);
  EXPECT_TRUE(evaluation.HasEnforcedViolations());

  const meshdex::v1::GovernanceStatus status = evaluation.ToStatus();
  EXPECT_DOUBLE_EQ(status.score(), 0.75);
  ASSERT_EQ(status.violations_size(), 2);
  EXPECT_EQ(status.violations(1).message(), R"("Shipments" is not one of x)");
}

TEST(PolicyEngineTest, NoApplicableRuleScoresOne) {
  std::shared_ptr<const PolicySet> set = MustCompile({});
  ASSERT_NE(set, nullptr);
  const Evaluation evaluation = set->Evaluate(Shipments());
  EXPECT_EQ(evaluation.applicable_rules, 0);
  EXPECT_EQ(evaluation.score(), 1.0);
  EXPECT_FALSE(evaluation.HasEnforcedViolations());
}

// --- appliesTo, global and domain policies ---------------------------------

struct AppliesToCase {
  const char* applies_to;
  bool applies;
};

TEST(PolicyEngineTest, AppliesToFiltersByLifecycleDomainAndPortKind) {
  const AppliesToCase cases[] = {
      {"{}", true},
      {"{lifecycles: [production]}", true},
      {"{lifecycles: [draft, experimental]}", false},
      {"{domains: [logistics, sales]}", true},
      {"{domains: [sales]}", false},
      {"{kinds: [s3]}", true},  // the second port
      {"{kinds: [api, sql]}", false},
      {"{lifecycles: [production], kinds: [kafka], domains: [logistics]}", true},
      {"{lifecycles: [production], kinds: [api]}", false},
  };
  for (const AppliesToCase& c : cases) {
    SCOPED_TRACE(c.applies_to);
    std::shared_ptr<const PolicySet> set =
        MustCompile({MakePolicy(R"({path: "spec.tags", minItems: 9})", "p", "", "enforce",
                                c.applies_to)});
    ASSERT_NE(set, nullptr);
    const Evaluation evaluation = set->Evaluate(Shipments());
    EXPECT_EQ(evaluation.applicable_rules, c.applies ? 1 : 0);
    EXPECT_EQ(evaluation.violations.size(), c.applies ? 1u : 0u);
  }
}

TEST(PolicyEngineTest, ProductsGetGlobalPoliciesAndTheirOwnDomainsOnly) {
  std::shared_ptr<const PolicySet> set = MustCompile({
      MakePolicy(R"({path: "spec.tags", minItems: 9})", "strict", "sales"),
      MakePolicy(R"({path: "spec.outputPorts[*].slo.freshnessSeconds", require: true})", "slo",
                 "logistics"),
      MakePolicy(R"({path: "spec.title", regex: "[a-z]+"})", "z-title", "", "warn"),
      MakePolicy(R"({path: "spec.glossaryTerms", maxItems: 0})", "a-terms"),
  });
  ASSERT_NE(set, nullptr);
  std::vector<std::string> names;
  for (const Policy& policy : set->policies()) names.push_back(PolicyDisplayName(policy));
  EXPECT_THAT(names, ElementsAre("a-terms", "z-title", "logistics/slo", "sales/strict"));

  auto policies_of = [](const Evaluation& evaluation) {
    std::vector<std::string> policies;
    for (const auto& violation : evaluation.violations) policies.push_back(violation.policy());
    return policies;
  };
  const DataProduct logistics = Shipments();
  EXPECT_THAT(policies_of(set->Evaluate(logistics)),
              ElementsAre("a-terms", "z-title", "logistics/slo"));

  DataProduct sales = Shipments();
  sales.mutable_metadata()->set_domain("sales");
  const Evaluation evaluation = set->Evaluate(sales);
  EXPECT_THAT(policies_of(evaluation), ElementsAre("a-terms", "z-title", "sales/strict"));
  EXPECT_EQ(evaluation.applicable_rules, 3);
}

TEST(PolicyEngineTest, PolicyDisplayNameQualifiesDomainPolicies) {
  EXPECT_EQ(PolicyDisplayName(MakePolicy(R"({path: "spec.tags", minItems: 1})", "tags")), "tags");
  EXPECT_EQ(PolicyDisplayName(MakePolicy(R"({path: "spec.tags", minItems: 1})", "tags", "sales")),
            "sales/tags");
}

// --- Compile ---------------------------------------------------------------

TEST(PolicyEngineTest, CompileRejectsAnInvalidPolicyNamingIt) {
  absl::StatusOr<std::shared_ptr<const PolicySet>> set = PolicySet::Compile({
      MakePolicy(R"({path: "spec.tags", minItems: 1})", "good"),
      MakePolicy(R"({path: "spec.outputPorts[*].slos", require: true})", "bad", "logistics"),
  });
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(set.status().message()),
              StartsWith(R"(policy "logistics/bad": spec.rules[0].path: unknown field "slos")"));
}

TEST(PolicyEngineTest, CompileRejectsDuplicatePoliciesWithinADomain) {
  const Policy policy = MakePolicy(R"({path: "spec.tags", minItems: 1})", "tags", "sales");
  absl::StatusOr<std::shared_ptr<const PolicySet>> duplicate =
      PolicySet::Compile({policy, policy});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(duplicate.status().message()), HasSubstr(R"(duplicate policy "sales/tags")"));

  // The same name in another domain (or globally) is another policy.
  EXPECT_NE(MustCompile({policy, MakePolicy(R"({path: "spec.tags", minItems: 1})", "tags")}),
            nullptr);
}

}  // namespace
}  // namespace meshdex::governance
