#include "server/governance/policy_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "re2/re2.h"
#include "server/governance/path.h"

namespace meshdex::governance {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using meshdex::v1::DataProduct;
using meshdex::v1::Policy;
using meshdex::v1::PolicyCondition;
using meshdex::v1::PolicyRule;
using meshdex::v1::Violation;

constexpr char kApiVersion[] = "meshdex.io/v1";
constexpr char kIdentifierPattern[] = "^[a-z][a-z0-9-]{0,62}$";
constexpr absl::string_view kLifecycles[] = {"draft", "experimental", "production", "deprecated",
                                             "retired"};
constexpr absl::string_view kPortKinds[] = {"sql", "s3", "kafka", "api", "file"};
// Values quoted in messages are cut after this many bytes.
constexpr size_t kMaxQuotedValue = 64;

// ^[a-z][a-z0-9-]{0,62}$ (metadata.name and metadata.domain).
bool IsIdentifier(absl::string_view text) {
  if (text.empty() || text.size() > 63 || text[0] < 'a' || text[0] > 'z') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string Quote(absl::string_view text) {
  if (text.size() <= kMaxQuotedValue) return absl::StrCat("\"", absl::CEscape(text), "\"");
  return absl::StrCat("\"", absl::CEscape(text.substr(0, kMaxQuotedValue)), "...\"");
}

// Shortest decimal text that reads back as `value` ("600", "99.9"); whole
// numbers without an exponent.
std::string FormatNumber(double value) {
  if (std::trunc(value) == value && std::abs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  for (int precision = 1; precision < 17; ++precision) {
    std::string text = absl::StrFormat("%.*g", precision, value);
    double parsed = 0;
    if (absl::SimpleAtod(text, &parsed) && parsed == value) return text;
  }
  return absl::StrFormat("%.17g", value);
}

template <typename Container>
bool Contains(const Container& values, absl::string_view value) {
  return std::find(std::begin(values), std::end(values), value) != std::end(values);
}

// The problems of one policy, each "<path>: <reason>".
class Problems {
 public:
  void Add(absl::string_view path, absl::string_view reason) {
    if (listed_.size() < kMaxListedProblems) {
      listed_.push_back(absl::StrCat(path, ": ", reason));
    } else {
      ++unlisted_;
    }
  }
  bool empty() const { return listed_.empty(); }
  std::string Text() const {
    std::string text = absl::StrJoin(listed_, "; ");
    if (unlisted_ > 0) absl::StrAppend(&text, "; and ", unlisted_, " more problems");
    return text;
  }

 private:
  std::vector<std::string> listed_;
  size_t unlisted_ = 0;
};

// One scalar: element `index` of repeated `field` of `message`, or the
// singular field when index < 0.
struct Scalar {
  std::string path;
  const Message* message;
  const FieldDescriptor* field;
  int index;
};

// The scalars at a location: the value itself, or each element of a list
// (path + "[i]"). None when absent.
std::vector<Scalar> ScalarsAt(const PathValue& value) {
  std::vector<Scalar> scalars;
  if (value.kind == PathValue::Kind::kScalar) {
    scalars.push_back({value.path, value.message, value.field, value.index});
  } else if (value.kind == PathValue::Kind::kRepeated && !value.field->is_map() &&
             value.field->message_type() == nullptr) {
    const int size = value.message->GetReflection()->FieldSize(*value.message, value.field);
    for (int i = 0; i < size; ++i) {
      scalars.push_back({absl::StrCat(value.path, "[", i, "]"), value.message, value.field, i});
    }
  }
  return scalars;
}

// Text of a scalar: strings as they are, numbers in decimal, bools
// true/false, enums by name.
std::string ScalarText(const Scalar& scalar) {
  const Reflection& r = *scalar.message->GetReflection();
  const Message& m = *scalar.message;
  const FieldDescriptor* f = scalar.field;
  const bool repeated = scalar.index >= 0;
  const int i = scalar.index;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r.GetRepeatedString(m, f, i) : r.GetString(m, f);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r.GetRepeatedInt32(m, f, i) : r.GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? r.GetRepeatedInt64(m, f, i) : r.GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? r.GetRepeatedUInt32(m, f, i) : r.GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? r.GetRepeatedUInt64(m, f, i) : r.GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FormatNumber(repeated ? r.GetRepeatedDouble(m, f, i) : r.GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return FormatNumber(repeated ? r.GetRepeatedFloat(m, f, i) : r.GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r.GetRepeatedBool(m, f, i) : r.GetBool(m, f)) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (repeated ? r.GetRepeatedEnum(m, f, i) : r.GetEnum(m, f))->name();
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

// A scalar as shown in a message: strings quoted, other values bare.
std::string Display(const Scalar& scalar) {
  const std::string text = ScalarText(scalar);
  return scalar.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING ? Quote(text) : text;
}

// The scalar as a number: numeric fields, and strings that parse as one.
std::optional<double> ScalarNumber(const Scalar& scalar) {
  switch (scalar.field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
    case FieldDescriptor::CPPTYPE_ENUM:
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return std::nullopt;
    default:
      break;
  }
  double number = 0;
  if (!absl::SimpleAtod(ScalarText(scalar), &number) || std::isnan(number)) return std::nullopt;
  return number;
}

// Number of elements of a list or map; 0 when absent.
int ItemCount(const PathValue& value) {
  if (value.kind != PathValue::Kind::kRepeated) return 0;
  return value.message->GetReflection()->FieldSize(*value.message, value.field);
}

// require: present and non-empty.
bool IsEmpty(const PathValue& value) {
  switch (value.kind) {
    case PathValue::Kind::kAbsent:
      return true;
    case PathValue::Kind::kMessage: {
      std::vector<const FieldDescriptor*> set_fields;
      value.message->GetReflection()->ListFields(*value.message, &set_fields);
      return set_fields.empty();
    }
    case PathValue::Kind::kRepeated:
      return ItemCount(value) == 0;
    case PathValue::Kind::kScalar:
      return value.field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
             ScalarText({value.path, value.message, value.field, value.index}).empty();
  }
  return true;
}

absl::string_view ShapeName(RulePath::Shape shape) {
  switch (shape) {
    case RulePath::Shape::kMessage:
      return "an object";
    case RulePath::Shape::kScalar:
      return "a value";
    case RulePath::Shape::kScalarList:
      return "a list of values";
    case RulePath::Shape::kMessageList:
      return "a list of objects";
    case RulePath::Shape::kMap:
      return "a map";
  }
  return "";
}

bool HoldsValues(RulePath::Shape shape) {
  return shape == RulePath::Shape::kScalar || shape == RulePath::Shape::kScalarList;
}

bool HoldsItems(RulePath::Shape shape) {
  return shape == RulePath::Shape::kScalarList || shape == RulePath::Shape::kMessageList ||
         shape == RulePath::Shape::kMap;
}

std::unique_ptr<RE2> CompileRegex(absl::string_view pattern, absl::string_view problem_path,
                                  Problems* problems) {
  if (pattern.size() > kMaxPatternLength) {
    problems->Add(problem_path, absl::StrCat("longer than ", kMaxPatternLength, " bytes"));
    return nullptr;
  }
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex->ok()) {
    problems->Add(problem_path, absl::StrCat("invalid RE2: ", regex->error()));
    return nullptr;
  }
  return regex;
}

bool FullMatch(const RE2& regex, absl::string_view text) {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), regex);
}

std::optional<RulePath> ParsePath(absl::string_view text, absl::string_view problem_path,
                                  Problems* problems) {
  if (text.empty()) {
    problems->Add(problem_path, "required");
    return std::nullopt;
  }
  absl::StatusOr<RulePath> path = RulePath::Parse(text, *DataProduct::descriptor());
  if (!path.ok()) {
    problems->Add(problem_path, path.status().message());
    return std::nullopt;
  }
  return *std::move(path);
}

}  // namespace

namespace internal {

struct CompiledCondition {
  std::optional<RulePath> path;
  std::optional<std::string> equals;
  std::unique_ptr<RE2> regex;
  // Number of leading `[*]` of the path shared with the rule's path; 0 means
  // the condition is evaluated once for the whole product.
  size_t shared_wildcards = 0;
};

struct CompiledRule {
  PolicyRule rule;
  std::optional<RulePath> path;
  std::unique_ptr<RE2> regex;
  std::optional<CompiledCondition> when;
};

struct CompiledPolicy {
  std::string display_name;
  std::string enforcement;
  std::vector<CompiledRule> rules;
};

}  // namespace internal

namespace {

using internal::CompiledCondition;
using internal::CompiledPolicy;
using internal::CompiledRule;

// `[*]` steps in the longest common prefix of `a` and `b` that ends in one.
size_t SharedWildcards(const RulePath& a, const RulePath& b) {
  size_t shared = 0;
  size_t wildcards = 0;
  const size_t common = std::min(a.steps().size(), b.steps().size());
  for (size_t i = 0; i < common && a.steps()[i] == b.steps()[i]; ++i) {
    if (a.steps()[i].kind == RulePath::Step::Kind::kEachElement) shared = ++wildcards;
  }
  return shared;
}

std::optional<CompiledCondition> CompileCondition(const PolicyCondition& when,
                                                  const std::optional<RulePath>& rule_path,
                                                  absl::string_view prefix, Problems* problems) {
  CompiledCondition condition;
  const std::string path_problem = absl::StrCat(prefix, ".path");
  condition.path = ParsePath(when.path(), path_problem, problems);
  if (condition.path && !HoldsValues(condition.path->shape())) {
    problems->Add(path_problem, absl::StrCat(when.path(), " is ", ShapeName(condition.path->shape()),
                                             ", not a value or a list of values"));
  }
  if (when.has_equals() == !when.regex().empty()) {
    problems->Add(prefix, "exactly one of equals and regex");
  }
  if (when.has_equals()) {
    if (when.equals().size() > kMaxValueLength) {
      problems->Add(absl::StrCat(prefix, ".equals"),
                    absl::StrCat("longer than ", kMaxValueLength, " bytes"));
    }
    condition.equals = when.equals();
  }
  if (!when.regex().empty()) {
    condition.regex = CompileRegex(when.regex(), absl::StrCat(prefix, ".regex"), problems);
  }
  if (condition.path && rule_path) {
    condition.shared_wildcards = SharedWildcards(*rule_path, *condition.path);
  }
  return condition;
}

CompiledRule CompileRule(const PolicyRule& rule, absl::string_view prefix, Problems* problems) {
  CompiledRule compiled;
  compiled.rule = rule;
  compiled.path = ParsePath(rule.path(), absl::StrCat(prefix, ".path"), problems);
  const bool has_value_check =
      !rule.regex().empty() || rule.one_of_size() > 0 || rule.has_min() || rule.has_max();
  const bool has_item_check = rule.has_min_items() || rule.has_max_items();
  if (!rule.require() && !has_value_check && !has_item_check) {
    problems->Add(prefix, "no check (require, regex, oneOf, minItems, maxItems, min, max)");
  }
  // Checks the path can carry: `check` is the field name of the check.
  auto check_shape = [&](absl::string_view check, bool fits, absl::string_view expected) {
    if (compiled.path && !fits) {
      problems->Add(absl::StrCat(prefix, ".", check),
                    absl::StrCat(rule.path(), " is ", ShapeName(compiled.path->shape()), ", not ",
                                 expected));
    }
  };
  const bool values = compiled.path && HoldsValues(compiled.path->shape());
  const bool items = compiled.path && HoldsItems(compiled.path->shape());
  constexpr absl::string_view kValues = "a value or a list of values";
  constexpr absl::string_view kItems = "a list or a map";

  if (!rule.regex().empty()) {
    check_shape("regex", values, kValues);
    compiled.regex = CompileRegex(rule.regex(), absl::StrCat(prefix, ".regex"), problems);
  }
  if (rule.one_of_size() > 0) {
    check_shape("oneOf", values, kValues);
    if (static_cast<size_t>(rule.one_of_size()) > kMaxOneOfValues) {
      problems->Add(absl::StrCat(prefix, ".oneOf"),
                    absl::StrCat(rule.one_of_size(), " values, at most ", kMaxOneOfValues));
    }
    for (int i = 0; i < rule.one_of_size(); ++i) {
      if (rule.one_of(i).size() > kMaxValueLength) {
        problems->Add(absl::StrCat(prefix, ".oneOf[", i, "]"),
                      absl::StrCat("longer than ", kMaxValueLength, " bytes"));
      }
    }
  }
  if (rule.has_min_items()) {
    check_shape("minItems", items, kItems);
    if (rule.min_items() < 0) problems->Add(absl::StrCat(prefix, ".minItems"), "must be >= 0");
  }
  if (rule.has_max_items()) {
    check_shape("maxItems", items, kItems);
    if (rule.max_items() < 0) problems->Add(absl::StrCat(prefix, ".maxItems"), "must be >= 0");
  }
  if (rule.has_min_items() && rule.has_max_items() && rule.min_items() > rule.max_items()) {
    problems->Add(absl::StrCat(prefix, ".maxItems"), "must be >= minItems");
  }
  if (rule.has_min()) {
    check_shape("min", values, kValues);
    if (std::isnan(rule.min())) problems->Add(absl::StrCat(prefix, ".min"), "must be a number");
  }
  if (rule.has_max()) {
    check_shape("max", values, kValues);
    if (std::isnan(rule.max())) problems->Add(absl::StrCat(prefix, ".max"), "must be a number");
  }
  if (rule.has_min() && rule.has_max() && rule.min() > rule.max()) {
    problems->Add(absl::StrCat(prefix, ".max"), "must be >= min");
  }
  if (rule.has_when()) {
    compiled.when =
        CompileCondition(rule.when(), compiled.path, absl::StrCat(prefix, ".when"), problems);
  }
  return compiled;
}

// Bounds an appliesTo list and runs `check(path, value)` on each entry.
void CheckAppliesToList(const google::protobuf::RepeatedPtrField<std::string>& values,
                        absl::string_view path, Problems* problems,
                        const std::function<void(const std::string&, const std::string&)>& check) {
  if (static_cast<size_t>(values.size()) > kMaxAppliesToValues) {
    problems->Add(path, absl::StrCat(values.size(), " entries, at most ", kMaxAppliesToValues));
  }
  for (int i = 0; i < values.size(); ++i) check(absl::StrCat(path, "[", i, "]"), values[i]);
}

CompiledPolicy CompilePolicy(const Policy& policy, Problems* problems) {
  CompiledPolicy compiled;
  compiled.display_name = PolicyDisplayName(policy);
  compiled.enforcement = policy.spec().enforcement();

  if (!policy.api_version().empty() && policy.api_version() != kApiVersion) {
    problems->Add("apiVersion", absl::StrCat("must be ", kApiVersion));
  }
  if (!policy.kind().empty() && policy.kind() != "Policy") problems->Add("kind", "must be Policy");
  const std::string& name = policy.metadata().name();
  const std::string& domain = policy.metadata().domain();
  if (name.empty()) {
    problems->Add("metadata.name", "required");
  } else if (!IsIdentifier(name)) {
    problems->Add("metadata.name", absl::StrCat("must match ", kIdentifierPattern));
  }
  if (!domain.empty() && !IsIdentifier(domain)) {
    problems->Add("metadata.domain", absl::StrCat("must be empty or match ", kIdentifierPattern));
  }

  const meshdex::v1::PolicySpec& spec = policy.spec();
  if (spec.description().size() > kMaxDescriptionLength) {
    problems->Add("spec.description", absl::StrCat("longer than ", kMaxDescriptionLength, " bytes"));
  }
  if (spec.enforcement() != "enforce" && spec.enforcement() != "warn") {
    problems->Add("spec.enforcement", "must be enforce or warn");
  }
  auto one_of = [problems](absl::Span<const absl::string_view> allowed) {
    return [problems, allowed](const std::string& path, const std::string& value) {
      if (!Contains(allowed, value)) {
        problems->Add(path, absl::StrCat(Quote(value), " is not one of ", absl::StrJoin(allowed, ", ")));
      }
    };
  };
  CheckAppliesToList(spec.applies_to().lifecycles(), "spec.appliesTo.lifecycles", problems,
                     one_of(kLifecycles));
  CheckAppliesToList(spec.applies_to().kinds(), "spec.appliesTo.kinds", problems,
                     one_of(kPortKinds));
  CheckAppliesToList(
      spec.applies_to().domains(), "spec.appliesTo.domains", problems,
      [&](const std::string& path, const std::string& value) {
        if (!IsIdentifier(value)) {
          problems->Add(path, absl::StrCat(Quote(value), " does not match ", kIdentifierPattern));
        } else if (!domain.empty() && value != domain) {
          problems->Add(path, absl::StrCat("a policy of domain ", Quote(domain),
                                           " governs only that domain, not ", Quote(value)));
        }
      });

  if (spec.rules().empty()) {
    problems->Add("spec.rules", "at least one rule required");
  } else if (static_cast<size_t>(spec.rules_size()) > kMaxRules) {
    problems->Add("spec.rules", absl::StrCat(spec.rules_size(), " rules, at most ", kMaxRules));
  } else {
    for (int i = 0; i < spec.rules_size(); ++i) {
      compiled.rules.push_back(
          CompileRule(spec.rules(i), absl::StrCat("spec.rules[", i, "]"), problems));
    }
  }
  return compiled;
}

bool Matches(const CompiledCondition& condition, const Scalar& scalar) {
  const std::string text = ScalarText(scalar);
  return condition.equals ? text == *condition.equals : FullMatch(*condition.regex, text);
}

// Whether a value at the condition's path matches, with its first
// `fixed_wildcards.size()` `[*]` fixed.
bool ConditionHolds(const CompiledCondition& condition, const DataProduct& product,
                    absl::Span<const int> fixed_wildcards) {
  for (const PathValue& value : condition.path->Expand(product, fixed_wildcards)) {
    for (const Scalar& scalar : ScalarsAt(value)) {
      if (Matches(condition, scalar)) return true;
    }
  }
  return false;
}

// The policy's own domain and its appliesTo filters.
bool Applies(const Policy& policy, const DataProduct& product) {
  const std::string& domain = product.metadata().domain();
  if (!policy.metadata().domain().empty() && policy.metadata().domain() != domain) return false;
  const meshdex::v1::PolicyAppliesTo& applies_to = policy.spec().applies_to();
  if (!applies_to.lifecycles().empty() &&
      !Contains(applies_to.lifecycles(), product.spec().lifecycle())) {
    return false;
  }
  if (!applies_to.domains().empty() && !Contains(applies_to.domains(), domain)) return false;
  if (applies_to.kinds().empty()) return true;
  return std::any_of(product.spec().output_ports().begin(), product.spec().output_ports().end(),
                     [&](const meshdex::v1::Port& port) {
                       return Contains(applies_to.kinds(), port.kind());
                     });
}

// Appends the violations of `compiled` at one location of its path.
void CheckLocation(const CompiledPolicy& policy, const CompiledRule& compiled,
                   const PathValue& value, std::vector<Violation>* violations) {
  auto add = [&](const std::string& path, std::string message) {
    Violation& violation = violations->emplace_back();
    violation.set_policy(policy.display_name);
    violation.set_path(path);
    violation.set_message(std::move(message));
    violation.set_enforcement(policy.enforcement);
  };
  const PolicyRule& rule = compiled.rule;
  if (rule.require() && IsEmpty(value)) {
    // The JSON mapping omits empty lists and maps, so to a reader they are absent.
    const bool looks_absent =
        value.kind == PathValue::Kind::kAbsent || value.kind == PathValue::Kind::kRepeated;
    add(value.path, looks_absent ? "required" : "must not be empty");
  }
  const std::vector<Scalar> scalars = ScalarsAt(value);
  if (compiled.regex != nullptr) {
    for (const Scalar& scalar : scalars) {
      if (!FullMatch(*compiled.regex, ScalarText(scalar))) {
        add(scalar.path, absl::StrCat(Display(scalar), " does not match ", rule.regex()));
      }
    }
  }
  if (rule.one_of_size() > 0) {
    for (const Scalar& scalar : scalars) {
      if (!Contains(rule.one_of(), ScalarText(scalar))) {
        add(scalar.path,
            absl::StrCat(Display(scalar), " is not one of ", absl::StrJoin(rule.one_of(), ", ")));
      }
    }
  }
  const int items = ItemCount(value);
  if (rule.has_min_items() && items < rule.min_items()) {
    add(value.path, absl::StrCat("has ", items, " items, at least ", rule.min_items(), " required"));
  }
  if (rule.has_max_items() && items > rule.max_items()) {
    add(value.path, absl::StrCat("has ", items, " items, at most ", rule.max_items(), " allowed"));
  }
  if (rule.has_min() || rule.has_max()) {
    for (const Scalar& scalar : scalars) {
      const std::optional<double> number = ScalarNumber(scalar);
      if (!number) {
        add(scalar.path, absl::StrCat(Display(scalar), " is not a number"));
      } else if (rule.has_min() && *number < rule.min()) {
        add(scalar.path,
            absl::StrCat(Display(scalar), " is below the minimum ", FormatNumber(rule.min())));
      } else if (rule.has_max() && *number > rule.max()) {
        add(scalar.path,
            absl::StrCat(Display(scalar), " is above the maximum ", FormatNumber(rule.max())));
      }
    }
  }
}

}  // namespace

absl::Status ValidatePolicy(const Policy& policy) {
  Problems problems;
  CompilePolicy(policy, &problems);
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(problems.Text());
}

std::string PolicyDisplayName(const Policy& policy) {
  if (policy.metadata().domain().empty()) return policy.metadata().name();
  return absl::StrCat(policy.metadata().domain(), "/", policy.metadata().name());
}

double Evaluation::score() const {
  if (applicable_rules == 0) return 1.0;
  return static_cast<double>(rules_met) / applicable_rules;
}

bool Evaluation::HasEnforcedViolations() const {
  return std::any_of(violations.begin(), violations.end(),
                     [](const Violation& violation) { return violation.enforcement() == "enforce"; });
}

meshdex::v1::GovernanceStatus Evaluation::ToStatus() const {
  meshdex::v1::GovernanceStatus status;
  status.set_score(score());
  for (const Violation& violation : violations) *status.add_violations() = violation;
  return status;
}

PolicySet::PolicySet(std::vector<Policy> policies, std::vector<CompiledPolicy> compiled)
    : policies_(std::move(policies)), compiled_(std::move(compiled)) {}

PolicySet::~PolicySet() = default;

absl::StatusOr<std::shared_ptr<const PolicySet>> PolicySet::Compile(std::vector<Policy> policies) {
  auto identity = [](const Policy& policy) {
    return std::tie(policy.metadata().domain(), policy.metadata().name());
  };
  std::stable_sort(policies.begin(), policies.end(), [&](const Policy& a, const Policy& b) {
    return identity(a) < identity(b);
  });
  std::vector<CompiledPolicy> compiled;
  compiled.reserve(policies.size());
  for (size_t i = 0; i < policies.size(); ++i) {
    Problems problems;
    compiled.push_back(CompilePolicy(policies[i], &problems));
    if (!problems.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy ", Quote(PolicyDisplayName(policies[i])), ": ", problems.Text()));
    }
    if (i > 0 && identity(policies[i - 1]) == identity(policies[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate policy ", Quote(PolicyDisplayName(policies[i]))));
    }
  }
  return std::shared_ptr<const PolicySet>(new PolicySet(std::move(policies), std::move(compiled)));
}

Evaluation PolicySet::Evaluate(const DataProduct& product) const {
  Evaluation evaluation;
  for (size_t i = 0; i < policies_.size(); ++i) {
    if (!Applies(policies_[i], product)) continue;
    const CompiledPolicy& policy = compiled_[i];
    for (const CompiledRule& rule : policy.rules) {
      std::vector<PathValue> locations = rule.path->Expand(product);
      if (rule.when) {
        const CompiledCondition& when = *rule.when;
        if (when.shared_wildcards == 0) {
          if (!ConditionHolds(when, product, {})) continue;
        } else {
          locations.erase(
              std::remove_if(locations.begin(), locations.end(),
                             [&](const PathValue& location) {
                               return !ConditionHolds(
                                   when, product,
                                   absl::MakeConstSpan(location.wildcard_indices)
                                       .subspan(0, when.shared_wildcards));
                             }),
              locations.end());
          if (locations.empty()) continue;
        }
      }
      ++evaluation.applicable_rules;
      const size_t violations_before = evaluation.violations.size();
      for (const PathValue& location : locations) {
        CheckLocation(policy, rule, location, &evaluation.violations);
      }
      if (evaluation.violations.size() == violations_before) ++evaluation.rules_met;
    }
  }
  return evaluation;
}

}  // namespace meshdex::governance
