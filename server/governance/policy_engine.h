// The policy engine of meshdex governance: validates Policy resources and
// evaluates data products against the policies in force. Pure: no store, no
// clock, no I/O.
//
// A policy is global when metadata.domain is empty, else it belongs to that
// domain and governs only products of that domain. A product is evaluated
// against the global policies and those of its own domain that apply to it
// (spec.appliesTo). Each rule checks the values at its path (see path.h):
//  - require:  present and non-empty (a non-empty string, list, map or object;
//              a present number or bool counts). "required" when absent or an
//              empty list or map, "must not be empty" for "" and {};
//  - regex:    RE2 full match of the value's text;
//  - oneOf:    the value's text is in the list;
//  - minItems/maxItems: number of elements of a list or map (absent = 0);
//  - min/max:  the value as a number (numeric strings count; other values
//              violate with "not a number").
// Absent values satisfy every check but require and minItems; a list where a
// value is expected is checked element by element (path gets "[i]"). Texts of
// values: strings as they are, numbers in decimal, bools true/false, enums by
// name. Each failing check is one Violation with the concrete path.
//
// `when` restricts a rule. If when.path and the rule's path share a prefix
// ending in `[*]` (identical steps up to and including that wildcard), the
// condition is evaluated per element: the rule is checked at a location only
// if a value at when.path, with the shared wildcards fixed to that location's
// indices, matches. Otherwise the rule is checked everywhere if any value at
// when.path matches, and nowhere if none does.
//
// Scoring: a rule is applicable when its policy applies to the product and,
// with `when`, the condition holds at one location at least; it is met when
// applicable and it produced no violation. score = met / applicable (1.0 when
// nothing is applicable).
//
// Thread-safety: free functions are pure; a PolicySet is immutable after
// Compile and may be shared between threads (std::shared_ptr<const PolicySet>).
#ifndef MESHDEX_SERVER_GOVERNANCE_POLICY_ENGINE_H_
#define MESHDEX_SERVER_GOVERNANCE_POLICY_ENGINE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::governance {

namespace internal {
// A policy with its paths parsed and regular expressions compiled; defined in
// policy_engine.cc.
struct CompiledPolicy;
}  // namespace internal

// Bounds on a policy, checked by ValidatePolicy.
inline constexpr size_t kMaxRules = 200;
inline constexpr size_t kMaxPatternLength = 1024;   // rule/when regex, bytes
inline constexpr size_t kMaxValueLength = 1024;     // oneOf entries and when.equals, bytes
inline constexpr size_t kMaxOneOfValues = 256;
inline constexpr size_t kMaxAppliesToValues = 64;   // entries of each appliesTo list
inline constexpr size_t kMaxDescriptionLength = 16 * 1024;  // spec.description, bytes
// ValidatePolicy lists at most this many problems, then counts the rest.
inline constexpr size_t kMaxListedProblems = 20;

// OK, or INVALID_ARGUMENT listing every problem (up to kMaxListedProblems) as
// "<json path in the policy>: <reason>", joined by "; ", e.g.
//   spec.rules[2].regex: invalid RE2: missing ): (a
//   spec.rules[1]: no check (require, regex, oneOf, minItems, maxItems, min, max)
// Checked: apiVersion (meshdex.io/v1 or empty), kind (Policy or empty),
// metadata.name (required, ^[a-z][a-z0-9-]{0,62}$), metadata.domain (empty or
// that pattern), spec.enforcement (enforce | warn), spec.appliesTo lists
// (known lifecycles and kinds; domains matching the pattern, and for a domain
// policy only its own domain), rules (1..kMaxRules; each with a valid path and
// at least one check; regexes compile; minItems/maxItems >= 0, min <= max and
// minItems <= maxItems; regex/oneOf/min/max on a value or list of values and
// minItems/maxItems on a list or map; `when` with a path to a value or list of
// values and exactly one of equals and regex) and the bounds above.
absl::Status ValidatePolicy(const meshdex::v1::Policy& policy);

// Name used in Violation.policy: "<name>" for a global policy,
// "<domain>/<name>" for a domain one.
std::string PolicyDisplayName(const meshdex::v1::Policy& policy);

// The outcome of evaluating one product.
struct Evaluation {
  // Policy order, then rule order, then document order.
  std::vector<meshdex::v1::Violation> violations;
  int applicable_rules = 0;
  int rules_met = 0;

  // rules_met / applicable_rules; 1.0 when no rule is applicable.
  double score() const;
  // True when a violation comes from a policy with enforcement "enforce".
  bool HasEnforcedViolations() const;
  // {score, violations}.
  meshdex::v1::GovernanceStatus ToStatus() const;
};

// The policies in force (global and every domain's), compiled once: paths
// parsed, regular expressions compiled.
class PolicySet {
 public:
  // Compiles `policies`. INVALID_ARGUMENT naming the policy
  // (`policy "logistics/slo": spec.rules[0].path: ...`) if one is invalid
  // (see ValidatePolicy) or two share a domain and name.
  static absl::StatusOr<std::shared_ptr<const PolicySet>> Compile(
      std::vector<meshdex::v1::Policy> policies);

  ~PolicySet();
  PolicySet(const PolicySet&) = delete;
  PolicySet& operator=(const PolicySet&) = delete;

  // Evaluates `product` against every policy that applies to it: the global
  // ones and those of metadata.domain, kept when their appliesTo filters all
  // pass (lifecycles: spec.lifecycle; domains: metadata.domain; kinds: the
  // product has an output port of one of those kinds). Never fails.
  Evaluation Evaluate(const meshdex::v1::DataProduct& product) const;

  // The compiled policies, sorted by (domain, name): global ones first.
  const std::vector<meshdex::v1::Policy>& policies() const { return policies_; }

 private:
  PolicySet(std::vector<meshdex::v1::Policy> policies,
            std::vector<internal::CompiledPolicy> compiled);

  std::vector<meshdex::v1::Policy> policies_;
  // compiled_[i] is policies_[i] compiled.
  std::vector<internal::CompiledPolicy> compiled_;
};

}  // namespace meshdex::governance

#endif  // MESHDEX_SERVER_GOVERNANCE_POLICY_ENGINE_H_
