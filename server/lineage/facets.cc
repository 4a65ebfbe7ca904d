#include "server/lineage/facets.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace meshdex::lineage {
namespace {

using Json = nlohmann::ordered_json;

enum class Type { kString, kInteger, kObject, kArray };

// One constraint of a facet schema. `path` is relative to the facet: members
// separated by '.', "name[]" stands for every element of the array `name`,
// "*" for every member of an object. Parents that are absent skip the rule
// (the rule about the parent reports it when it is required).
struct FieldRule {
  absl::string_view path;
  Type type;
  bool required;
};

struct FacetRule {
  absl::string_view name;
  std::vector<FacetScope> scopes;
  std::vector<FieldRule> fields;
  // When not empty, at least one of these members must be present.
  std::vector<absl::string_view> any_of = {};
};

constexpr bool kRequired = true;
constexpr bool kOptional = false;

const std::vector<FacetRule>& Rules() {
  using S = FacetScope;
  const std::vector<FieldRule> tags = {{"tags", Type::kArray, kOptional},
                                       {"tags[]", Type::kObject, kOptional},
                                       {"tags[].key", Type::kString, kRequired},
                                       {"tags[].value", Type::kString, kRequired}};
  const std::vector<FieldRule> ownership = {{"owners", Type::kArray, kOptional},
                                            {"owners[]", Type::kObject, kOptional},
                                            {"owners[].name", Type::kString, kRequired},
                                            {"owners[].type", Type::kString, kOptional}};
  const std::vector<FieldRule> documentation = {{"description", Type::kString, kRequired}};
  // Facet 1-0-2 requires columnMetrics; the earlier core-spec form (1-0-x,
  // still sent, e.g. by Marquez's and fluentd's fixtures) was built on
  // rowCount. Either is accepted.
  const std::vector<FieldRule> quality_metrics = {{"columnMetrics", Type::kObject, kOptional},
                                                  {"rowCount", Type::kInteger, kOptional},
                                                  {"bytes", Type::kInteger, kOptional},
                                                  {"fileCount", Type::kInteger, kOptional},
                                                  {"lastUpdated", Type::kString, kOptional}};
  const std::vector<FieldRule> quality_assertions = {{"assertions", Type::kArray, kRequired},
                                                     {"assertions[]", Type::kObject, kOptional}};
  const std::vector<FieldRule> statistics = {{"rowCount", Type::kInteger, kOptional},
                                             {"size", Type::kInteger, kOptional},
                                             {"fileCount", Type::kInteger, kOptional}};
  static const std::vector<FacetRule>* const kRules = new std::vector<FacetRule>{
      {"parent",
       {S::kRun},
       {{"run", Type::kObject, kRequired},
        {"run.runId", Type::kString, kRequired},
        {"job", Type::kObject, kRequired},
        {"job.namespace", Type::kString, kRequired},
        {"job.name", Type::kString, kRequired},
        {"root", Type::kObject, kOptional},
        {"root.run", Type::kObject, kRequired},
        {"root.run.runId", Type::kString, kRequired},
        {"root.job", Type::kObject, kRequired},
        {"root.job.namespace", Type::kString, kRequired},
        {"root.job.name", Type::kString, kRequired}}},
      {"nominalTime",
       {S::kRun},
       {{"nominalStartTime", Type::kString, kRequired},
        {"nominalEndTime", Type::kString, kOptional}}},
      {"errorMessage",
       {S::kRun},
       {{"message", Type::kString, kRequired},
        {"programmingLanguage", Type::kString, kRequired},
        {"stackTrace", Type::kString, kOptional}}},
      {"processing_engine",
       {S::kRun},
       {{"version", Type::kString, kRequired},
        {"name", Type::kString, kOptional},
        {"openlineageAdapterVersion", Type::kString, kOptional}}},
      {"externalQuery",
       {S::kRun},
       {{"externalQueryId", Type::kString, kRequired}, {"source", Type::kString, kRequired}}},
      {"extractionError",
       {S::kRun},
       {{"totalTasks", Type::kInteger, kRequired},
        {"failedTasks", Type::kInteger, kRequired},
        {"errors", Type::kArray, kRequired}}},
      {"environmentVariables",
       {S::kRun},
       {{"environmentVariables", Type::kArray, kRequired},
        {"environmentVariables[]", Type::kObject, kOptional},
        {"environmentVariables[].name", Type::kString, kRequired},
        {"environmentVariables[].value", Type::kString, kRequired}}},
      {"tags", {S::kRun, S::kJob, S::kDataset}, tags},
      {"ownership", {S::kJob, S::kDataset}, ownership},
      {"documentation", {S::kJob, S::kDataset}, documentation},
      {"sql", {S::kJob}, {{"query", Type::kString, kRequired}, {"dialect", Type::kString, kOptional}}},
      {"sourceCodeLocation",
       {S::kJob},
       {{"type", Type::kString, kRequired}, {"url", Type::kString, kRequired}}},
      {"sourceCode",
       {S::kJob},
       {{"language", Type::kString, kRequired}, {"sourceCode", Type::kString, kRequired}}},
      {"jobType",
       {S::kJob},
       {{"processingType", Type::kString, kRequired},
        {"integration", Type::kString, kRequired},
        {"jobType", Type::kString, kOptional}}},
      {"schema",
       {S::kDataset},
       {{"fields", Type::kArray, kOptional},
        {"fields[]", Type::kObject, kOptional},
        {"fields[].name", Type::kString, kRequired},
        {"fields[].type", Type::kString, kOptional},
        {"fields[].description", Type::kString, kOptional},
        {"fields[].ordinal_position", Type::kInteger, kOptional},
        {"fields[].fields", Type::kArray, kOptional}}},
      {"columnLineage",
       {S::kDataset},
       {{"fields", Type::kObject, kRequired},
        {"fields.*", Type::kObject, kOptional},
        {"fields.*.inputFields", Type::kArray, kRequired},
        {"fields.*.inputFields[]", Type::kObject, kOptional},
        {"fields.*.inputFields[].namespace", Type::kString, kRequired},
        {"fields.*.inputFields[].name", Type::kString, kRequired},
        {"fields.*.inputFields[].field", Type::kString, kRequired},
        {"fields.*.inputFields[].transformations", Type::kArray, kOptional},
        {"fields.*.transformationDescription", Type::kString, kOptional},
        {"fields.*.transformationType", Type::kString, kOptional},
        {"dataset", Type::kArray, kOptional},
        {"dataset[]", Type::kObject, kOptional},
        {"dataset[].namespace", Type::kString, kRequired},
        {"dataset[].name", Type::kString, kRequired},
        {"dataset[].field", Type::kString, kRequired}}},
      {"dataSource",
       {S::kDataset},
       {{"name", Type::kString, kOptional}, {"uri", Type::kString, kOptional}}},
      {"version", {S::kDataset}, {{"datasetVersion", Type::kString, kRequired}}},
      {"symlinks",
       {S::kDataset},
       {{"identifiers", Type::kArray, kOptional},
        {"identifiers[]", Type::kObject, kOptional},
        {"identifiers[].namespace", Type::kString, kRequired},
        {"identifiers[].name", Type::kString, kRequired},
        {"identifiers[].type", Type::kString, kRequired}}},
      {"lifecycleStateChange",
       {S::kDataset},
       {{"lifecycleStateChange", Type::kString, kRequired},
        {"previousIdentifier", Type::kObject, kOptional},
        {"previousIdentifier.namespace", Type::kString, kRequired},
        {"previousIdentifier.name", Type::kString, kRequired}}},
      {"storage",
       {S::kDataset},
       {{"storageLayer", Type::kString, kRequired}, {"fileFormat", Type::kString, kOptional}}},
      {"datasetType",
       {S::kDataset},
       {{"datasetType", Type::kString, kRequired}, {"subType", Type::kString, kOptional}}},
      {"catalog",
       {S::kDataset},
       {{"framework", Type::kString, kRequired},
        {"type", Type::kString, kRequired},
        {"name", Type::kString, kRequired}}},
      {"hierarchy",
       {S::kDataset},
       {{"hierarchy", Type::kArray, kRequired},
        {"hierarchy[]", Type::kObject, kOptional},
        {"hierarchy[].type", Type::kString, kRequired},
        {"hierarchy[].name", Type::kString, kRequired}}},
      {"dataQualityMetrics",
       {S::kDataset, S::kInputDataset},
       quality_metrics,
       {"columnMetrics", "rowCount"}},
      {"dataQualityAssertions", {S::kDataset, S::kInputDataset}, quality_assertions},
      {"inputStatistics", {S::kInputDataset}, statistics},
      {"outputStatistics", {S::kOutputDataset}, statistics},
  };
  return *kRules;
}

const FacetRule* FindRule(absl::string_view name, FacetScope scope) {
  for (const FacetRule& rule : Rules()) {
    if (rule.name != name) continue;
    for (FacetScope allowed : rule.scopes) {
      if (allowed == scope) return &rule;
    }
  }
  return nullptr;
}

absl::string_view TypeName(Type type) {
  switch (type) {
    case Type::kString:
      return "a string";
    case Type::kInteger:
      return "an integer";
    case Type::kObject:
      return "an object";
    case Type::kArray:
      return "an array";
  }
  return "a value";
}

void CheckType(const Json& value, Type type, absl::string_view path, Problems& problems) {
  bool ok = true;
  switch (type) {
    case Type::kString:
      ok = value.is_string();
      break;
    case Type::kInteger:
      ok = value.is_number_integer() ||
           (value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>());
      break;
    case Type::kObject:
      ok = value.is_object();
      break;
    case Type::kArray:
      ok = value.is_array();
      break;
  }
  if (!ok) problems.Add(path, absl::StrCat("must be ", TypeName(type)));
}

// Applies the rule segments[next...] to `value` found at `path`.
void Apply(const Json& value, const std::vector<absl::string_view>& segments, size_t next,
           const FieldRule& rule, const std::string& path, Problems& problems) {
  if (next == segments.size()) {
    CheckType(value, rule.type, path, problems);
    return;
  }
  // Parents are checked by their own rules; a wrong-typed parent is skipped.
  if (!value.is_object()) return;
  absl::string_view segment = segments[next];
  const bool last = next + 1 == segments.size();
  if (segment == "*") {
    for (const auto& [name, member] : value.items()) {
      if (member.is_null() && !last) continue;
      Apply(member, segments, next + 1, rule, MemberPath(path, name), problems);
    }
    return;
  }
  const bool each_element = absl::ConsumeSuffix(&segment, "[]");
  const std::string member_path = MemberPath(path, segment);
  auto it = value.find(std::string(segment));
  if (it == value.end() || it->is_null()) {
    if (last && !each_element && rule.required) problems.Add(member_path, "required");
    return;
  }
  if (!each_element) {
    Apply(*it, segments, next + 1, rule, member_path, problems);
    return;
  }
  if (!it->is_array()) return;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& element = (*it)[i];
    if (element.is_null() && next + 1 < segments.size()) continue;
    Apply(element, segments, next + 1, rule, ElementPath(member_path, i), problems);
  }
}

void CheckColumnLineageKeys(const Json& facet, absl::string_view path, size_t max_bytes,
                            Problems& problems) {
  auto fields = facet.find("fields");
  if (fields == facet.end() || !fields->is_object()) return;
  const std::string fields_path = MemberPath(path, "fields");
  for (const auto& [name, entry] : fields->items()) {
    const std::string entry_path = MemberPath(fields_path, name);
    CheckIdentityPart(entry_path, name, max_bytes, problems);
    if (!entry.is_object()) continue;
    auto inputs = entry.find("inputFields");
    if (inputs == entry.end() || !inputs->is_array()) continue;
    for (size_t i = 0; i < inputs->size(); ++i) {
      const Json& input = (*inputs)[i];
      if (!input.is_object()) continue;
      const std::string input_path = ElementPath(MemberPath(entry_path, "inputFields"), i);
      for (const char* part : {"namespace", "name", "field"}) {
        auto value = input.find(part);
        if (value != input.end() && value->is_string()) {
          CheckIdentityPart(MemberPath(input_path, part), value->get_ref<const std::string&>(),
                            max_bytes, problems);
        }
      }
    }
  }
}

std::string StringMember(const Json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The facet `name` of a facets object, or nullptr.
const Json* Facet(const Json& facets, const char* name) {
  if (!facets.is_object()) return nullptr;
  auto it = facets.find(name);
  return it != facets.end() && it->is_object() ? &*it : nullptr;
}

}  // namespace

void CheckFacets(const Json& facets, FacetScope scope, absl::string_view path,
                 size_t max_identity_bytes, Problems& problems) {
  if (!facets.is_object()) {
    problems.Add(path, "must be an object");
    return;
  }
  const bool deletable = scope == FacetScope::kJob || scope == FacetScope::kDataset;
  for (const auto& [name, facet] : facets.items()) {
    const std::string facet_path = MemberPath(path, name);
    if (!facet.is_object()) {
      problems.Add(facet_path, "must be an object (a facet)");
      continue;
    }
    for (const char* base : {"_producer", "_schemaURL"}) {
      auto it = facet.find(base);
      if (it != facet.end() && !it->is_string()) problems.Add(MemberPath(facet_path, base), "must be a string");
    }
    if (deletable) {
      auto it = facet.find("_deleted");
      if (it != facet.end() && !it->is_boolean()) {
        problems.Add(MemberPath(facet_path, "_deleted"), "must be a boolean");
      }
    }
    const FacetRule* rule = FindRule(name, scope);
    // A facet being deleted need not be complete.
    auto deleted = facet.find("_deleted");
    if (rule == nullptr || (deleted != facet.end() && *deleted == true)) continue;
    if (!rule->any_of.empty() &&
        std::none_of(rule->any_of.begin(), rule->any_of.end(),
                     // C++17 lambdas cannot capture a structured binding itself.
                     [&facet = facet](absl::string_view member) {
                       auto it = facet.find(std::string(member));
                       return it != facet.end() && !it->is_null();
                     })) {
      problems.Add(facet_path, absl::StrCat("needs one of ", absl::StrJoin(rule->any_of, ", ")));
    }
    for (const FieldRule& field : rule->fields) {
      const std::vector<absl::string_view> segments = absl::StrSplit(field.path, '.');
      Apply(facet, segments, 0, field, facet_path, problems);
    }
    if (name == "columnLineage") {
      CheckColumnLineageKeys(facet, facet_path, max_identity_bytes, problems);
    }
  }
}

std::vector<meshdex::v1::DatasetField> SchemaFields(const Json& facets) {
  std::vector<meshdex::v1::DatasetField> fields;
  const Json* schema = Facet(facets, "schema");
  if (schema == nullptr) return fields;
  auto list = schema->find("fields");
  if (list == schema->end() || !list->is_array()) return fields;
  for (const Json& entry : *list) {
    if (!entry.is_object()) continue;
    meshdex::v1::DatasetField& field = fields.emplace_back();
    field.set_name(StringMember(entry, "name"));
    field.set_type(StringMember(entry, "type"));
    field.set_description(StringMember(entry, "description"));
  }
  return fields;
}

std::string DocumentationOf(const Json& facets) {
  const Json* documentation = Facet(facets, "documentation");
  return documentation == nullptr ? std::string() : StringMember(*documentation, "description");
}

std::string SqlOf(const Json& facets) {
  const Json* sql = Facet(facets, "sql");
  return sql == nullptr ? std::string() : StringMember(*sql, "query");
}

std::vector<std::pair<storage::FieldKey, storage::FieldKey>> ColumnEdges(
    const storage::DatasetKey& dataset, const Json& facets) {
  std::vector<std::pair<storage::FieldKey, storage::FieldKey>> edges;
  const Json* lineage = Facet(facets, "columnLineage");
  if (lineage == nullptr) return edges;
  auto fields = lineage->find("fields");
  if (fields == lineage->end() || !fields->is_object()) return edges;
  for (const auto& [name, entry] : fields->items()) {
    if (!entry.is_object()) continue;
    auto inputs = entry.find("inputFields");
    if (inputs == entry.end() || !inputs->is_array()) continue;
    for (const Json& input : *inputs) {
      if (!input.is_object()) continue;
      storage::FieldKey from{{StringMember(input, "namespace"), StringMember(input, "name")},
                             StringMember(input, "field")};
      edges.emplace_back(std::move(from), storage::FieldKey{dataset, name});
    }
  }
  return edges;
}

}  // namespace meshdex::lineage
