// Tests of ValidatePolicy (server/governance/policy_engine.h): every kind of
// invalid policy is rejected with the path of the problem in the policy.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"
#include "server/governance/policy_engine.h"
#include "tests/unit/governance/governance_fixture.h"

namespace meshdex::governance {
namespace {

using meshdex::v1::Policy;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing::FromYaml;

// The DESIGN.md section 2 example.
constexpr char kDesignPolicy[] = R"yaml(
apiVersion: meshdex.io/v1
kind: Policy
metadata: {name: production-needs-slo, domain: ""}
spec:
  description: Production output ports declare a freshness SLO.
  enforcement: enforce
  appliesTo: {lifecycles: [production]}
  rules:
    - {path: "spec.outputPorts[*].slo.freshnessSeconds", require: true}
    - {path: "metadata.name", regex: "^[a-z][a-z0-9-]*$"}
    - {path: "spec.tags", minItems: 1}
    - {path: "spec.lifecycle", oneOf: [draft, experimental, production, deprecated, retired]}
    - {when: {path: "spec.outputPorts[*].schema.fields[*].classification", equals: pii},
       path: "spec.owner.email", require: true}
)yaml";

constexpr char kRule[] = "{path: spec.tags, minItems: 1}";

// A policy document: `metadata` and the fields of `spec` in flow style.
std::string PolicyYaml(absl::string_view spec, absl::string_view metadata = "{name: p}") {
  return absl::StrCat("metadata: ", metadata, "\nspec: {", spec, "}\n");
}

// A warn policy with `rules` (the items of a flow sequence).
std::string WithRules(absl::string_view rules) {
  return PolicyYaml(absl::StrCat("enforcement: warn, rules: [", rules, "]"));
}

std::string Repeated(absl::string_view item, int count) {
  return absl::StrJoin(std::vector<std::string>(count, std::string(item)), ", ");
}

TEST(ValidatePolicyTest, AcceptsValidPolicies) {
  EXPECT_TRUE(ValidatePolicy(FromYaml<Policy>(kDesignPolicy)).ok())
      << ValidatePolicy(FromYaml<Policy>(kDesignPolicy));
  const Policy domain_policy = FromYaml<Policy>(PolicyYaml(
      absl::StrCat("enforcement: warn, appliesTo: {domains: [logistics], kinds: [kafka, s3]}, "
                   "rules: [", kRule, ", {when: {path: spec.title, equals: \"\"}, path: "
                   "spec.tags, maxItems: 3}, {path: metadata.labels.tier, min: 1, max: 1}]"),
      "{name: p, domain: logistics}"));
  EXPECT_TRUE(ValidatePolicy(domain_policy).ok()) << ValidatePolicy(domain_policy);
}

struct BadPolicy {
  std::string yaml;
  // "<path in the policy>: <reason>" expected in the message.
  std::string problem;
};

std::vector<BadPolicy> BadPolicies() {
  const std::string rules = absl::StrCat("rules: [", kRule, "]");
  const std::string valid_spec = absl::StrCat("enforcement: enforce, ", rules);
  return {
      {absl::StrCat("apiVersion: meshdex.io/v2\n", PolicyYaml(valid_spec)),
       "apiVersion: must be meshdex.io/v1"},
      {absl::StrCat("kind: DataProduct\n", PolicyYaml(valid_spec)), "kind: must be Policy"},
      {PolicyYaml(valid_spec, "{domain: logistics}"), "metadata.name: required"},
      {PolicyYaml(valid_spec, "{name: Needs_SLO}"),
       "metadata.name: must match ^[a-z][a-z0-9-]{0,62}$"},
      {PolicyYaml(valid_spec, absl::StrCat("{name: ", std::string(64, 'a'), "}")),
       "metadata.name: must match"},
      {PolicyYaml(valid_spec, "{name: p, domain: Logistics}"),
       "metadata.domain: must be empty or match ^[a-z][a-z0-9-]{0,62}$"},
      {PolicyYaml(rules), "spec.enforcement: must be enforce or warn"},
      {PolicyYaml(absl::StrCat("enforcement: block, ", rules)),
       "spec.enforcement: must be enforce or warn"},
      {PolicyYaml(absl::StrCat(valid_spec, ", description: ", std::string(16 * 1024 + 1, 'd'))),
       "spec.description: longer than 16384 bytes"},
      {PolicyYaml(absl::StrCat(valid_spec, ", appliesTo: {lifecycles: [production, prod]}")),
       R"(spec.appliesTo.lifecycles[1]: "prod" is not one of draft, experimental, production, deprecated, retired)"},
      {PolicyYaml(absl::StrCat(valid_spec, ", appliesTo: {kinds: [ftp]}")),
       R"(spec.appliesTo.kinds[0]: "ftp" is not one of sql, s3, kafka, api, file)"},
      {PolicyYaml(absl::StrCat(valid_spec, ", appliesTo: {kinds: [", Repeated("sql", 65), "]}")),
       "spec.appliesTo.kinds: 65 entries, at most 64"},
      {PolicyYaml(absl::StrCat(valid_spec, ", appliesTo: {domains: [logistics, sales]}"),
                  "{name: p, domain: logistics}"),
       R"(spec.appliesTo.domains[1]: a policy of domain "logistics" governs only that domain, not "sales")"},
      {PolicyYaml(absl::StrCat(valid_spec, ", appliesTo: {domains: [Sales]}")),
       R"(spec.appliesTo.domains[0]: "Sales" does not match ^[a-z][a-z0-9-]{0,62}$)"},
      {PolicyYaml("enforcement: enforce"), "spec.rules: at least one rule required"},
      {PolicyYaml(absl::StrCat("enforcement: enforce, rules: [", Repeated(kRule, 201), "]")),
       "spec.rules: 201 rules, at most 200"},
      {WithRules("{require: true}"), "spec.rules[0].path: required"},
      {WithRules(absl::StrCat(kRule, R"(, {path: "spec.outputPorts[*].slos", require: true})")),
       R"(spec.rules[1].path: unknown field "slos" in spec.outputPorts[*])"},
      {WithRules(R"({path: "spec.outputPorts[x].name", require: true})"),
       "spec.rules[0].path: bad index [x] after spec.outputPorts"},
      {WithRules(absl::StrCat("{path: ", std::string(1025, 'a'), ", require: true}")),
       "spec.rules[0].path: path longer than 1024 characters"},
      {WithRules(absl::StrCat(kRule, ", {path: spec.title}")),
       "spec.rules[1]: no check (require, regex, oneOf, minItems, maxItems, min, max)"},
      {WithRules("{path: spec.title, require: false, oneOf: []}"),
       "spec.rules[0]: no check (require, regex, oneOf, minItems, maxItems, min, max)"},
      {WithRules(absl::StrCat(kRule, ", ", kRule, R"(, {path: spec.title, regex: "(a"})")),
       "spec.rules[2].regex: invalid RE2: missing ): (a"},
      {WithRules(absl::StrCat("{path: spec.title, regex: \"", std::string(1025, 'a'), "\"}")),
       "spec.rules[0].regex: longer than 1024 bytes"},
      {WithRules("{path: spec.owner, regex: x}"),
       "spec.rules[0].regex: spec.owner is an object, not a value or a list of values"},
      {WithRules("{path: spec.outputPorts, oneOf: [x]}"),
       "spec.rules[0].oneOf: spec.outputPorts is a list of objects, not a value or a list of values"},
      {WithRules("{path: metadata.labels, max: 3}"),
       "spec.rules[0].max: metadata.labels is a map, not a value or a list of values"},
      {WithRules(absl::StrCat("{path: spec.title, oneOf: [", Repeated("x", 257), "]}")),
       "spec.rules[0].oneOf: 257 values, at most 256"},
      {WithRules(absl::StrCat("{path: spec.title, oneOf: [a, ", std::string(1025, 'b'), "]}")),
       "spec.rules[0].oneOf[1]: longer than 1024 bytes"},
      {WithRules("{path: spec.title, minItems: 1}"),
       "spec.rules[0].minItems: spec.title is a value, not a list or a map"},
      {WithRules("{path: spec.tags, minItems: -1}"), "spec.rules[0].minItems: must be >= 0"},
      {WithRules("{path: spec.tags, maxItems: -2}"), "spec.rules[0].maxItems: must be >= 0"},
      {WithRules("{path: spec.tags, minItems: 3, maxItems: 1}"),
       "spec.rules[0].maxItems: must be >= minItems"},
      {WithRules("{path: \"spec.outputPorts[*].slo.freshnessSeconds\", min: 10, max: 5}"),
       "spec.rules[0].max: must be >= min"},
      {WithRules("{path: \"spec.outputPorts[*].slo.freshnessSeconds\", min: .nan}"),
       "spec.rules[0].min: must be a number"},
      {WithRules("{path: spec.title, require: true, when: {equals: x}}"),
       "spec.rules[0].when.path: required"},
      {WithRules("{path: spec.title, require: true, when: {path: spec.tittle, equals: x}}"),
       R"(spec.rules[0].when.path: unknown field "tittle" in spec)"},
      {WithRules("{path: spec.title, require: true, when: {path: spec.outputPorts, equals: x}}"),
       "spec.rules[0].when.path: spec.outputPorts is a list of objects, not a value or a list "
       "of values"},
      {WithRules("{path: spec.title, require: true, when: {path: spec.lifecycle, equals: x, "
                 "regex: y}}"),
       "spec.rules[0].when: exactly one of equals and regex"},
      {WithRules("{path: spec.title, require: true, when: {path: spec.lifecycle}}"),
       "spec.rules[0].when: exactly one of equals and regex"},
      {WithRules(R"({path: spec.title, require: true, when: {path: spec.lifecycle, regex: "a**"}})"),
       "spec.rules[0].when.regex: invalid RE2: bad repetition operator: **"},
      {WithRules(absl::StrCat("{path: spec.title, require: true, when: {path: spec.lifecycle, "
                              "equals: ",
                              std::string(1025, 'e'), "}}")),
       "spec.rules[0].when.equals: longer than 1024 bytes"},
  };
}

TEST(ValidatePolicyTest, RejectsBadPoliciesNamingThePathInThePolicy) {
  const std::vector<BadPolicy> cases = BadPolicies();
  ASSERT_GE(cases.size(), 25u);
  for (const BadPolicy& c : cases) {
    SCOPED_TRACE(c.problem);
    const absl::Status status = ValidatePolicy(FromYaml<Policy>(c.yaml));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.problem));
  }
}

TEST(ValidatePolicyTest, ListsEveryProblemInPolicyOrder) {
  const absl::Status status = ValidatePolicy(FromYaml<Policy>(
      PolicyYaml("enforcement: maybe, rules: [{path: spec.title}, {path: spec.tags, regex: \"(\"}]",
                 "{name: Bad}")));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "metadata.name: must match ^[a-z][a-z0-9-]{0,62}$; "
            "spec.enforcement: must be enforce or warn; "
            "spec.rules[0]: no check (require, regex, oneOf, minItems, maxItems, min, max); "
            "spec.rules[1].regex: invalid RE2: missing ): (");
}

TEST(ValidatePolicyTest, CountsProblemsBeyondTheListedOnes) {
  const absl::Status status =
      ValidatePolicy(FromYaml<Policy>(WithRules(Repeated("{path: spec.title}", 25))));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("spec.rules[0]: no check"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("spec.rules[19]: no check"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("spec.rules[20]")));
  EXPECT_THAT(std::string(status.message()), HasSubstr("; and 5 more problems"));
}

}  // namespace
}  // namespace meshdex::governance
