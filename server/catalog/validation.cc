#include "server/catalog/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "proto/utf8.h"
#include "re2/re2.h"
#include "server/catalog/address.h"

namespace meshdex::catalog {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::DatasetRef;
using meshdex::v1::Port;
using StringMap = google::protobuf::Map<std::string, std::string>;
using StringList = google::protobuf::RepeatedPtrField<std::string>;

constexpr absl::string_view kUrnPrefix = "urn:dp:";
constexpr absl::string_view kApiVersion = "meshdex.io/v1";
constexpr absl::string_view kKind = "DataProduct";
constexpr char kIdentifierPattern[] = "^[a-z][a-z0-9-]{0,62}$";
constexpr char kPortNamePattern[] = "^[a-z][a-z0-9_-]{0,62}$";
constexpr absl::string_view kLifecycles[] = {"draft", "experimental", "production", "deprecated",
                                             "retired"};
constexpr absl::string_view kPortKinds[] = {"sql", "s3", "kafka", "api", "file"};
constexpr absl::string_view kClassifications[] = {"public",     "internal", "confidential",
                                                  "restricted", "pii",      "sensitive"};

// The port kinds that fit the scheme of a normalised dataset namespace.
struct SchemeKinds {
  absl::string_view scheme;
  absl::string_view kind;
  absl::string_view alternative_kind;  // empty when only `kind` fits
};
constexpr SchemeKinds kSchemeKinds[] = {
    {"kafka", "kafka", ""},  {"s3", "s3", "file"}, {"gs", "s3", "file"},
    {"abfss", "s3", "file"}, {"hdfs", "file", ""}, {"file", "file", ""},
    {"postgres", "sql", ""}, {"mysql", "sql", ""}, {"snowflake", "sql", ""},
    {"bigquery", "sql", ""}, {"http", "api", ""},  {"https", "api", ""},
};

// absl::string_view is not std::string_view in this Abseil build, so RE2 needs
// the pieces spelled out.
bool FullMatch(absl::string_view text, const RE2& pattern) {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), pattern);
}

bool IsIdentifier(absl::string_view value) {
  static const RE2* const kIdentifier = new RE2(kIdentifierPattern);
  return FullMatch(value, *kIdentifier);
}

// A value for an error message: escaped, cut after 64 bytes (at a UTF-8
// boundary) and quoted.
std::string Quote(absl::string_view value) {
  constexpr size_t kMaxQuoted = 64;
  const absl::string_view shown = utf8::Truncate(value, kMaxQuoted);
  return absl::StrCat("\"", absl::Utf8SafeCHexEscape(shown), "\"",
                      shown.size() < value.size() ? "..." : "");
}

// "required" or "must match <pattern>" when `value` breaks it.
absl::Status PatternStatus(absl::string_view value, const char* pattern, bool matches) {
  if (value.empty()) return absl::InvalidArgumentError("required");
  if (!matches) {
    return absl::InvalidArgumentError(
        absl::StrCat("must match ", pattern, " (got ", Quote(value), ")"));
  }
  return absl::OkStatus();
}

std::string OneOf(absl::Span<const absl::string_view> allowed) {
  return absl::StrCat("must be one of ", absl::StrJoin(allowed, ", "));
}

bool Contains(absl::Span<const absl::string_view> allowed, absl::string_view value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// "1 MiB", "16 KiB" or "1000 bytes".
std::string ByteAmount(size_t bytes) {
  constexpr size_t kKiB = 1024;
  if (bytes >= kKiB * kKiB && bytes % (kKiB * kKiB) == 0) {
    return absl::StrCat(bytes / (kKiB * kKiB), " MiB");
  }
  if (bytes >= kKiB && bytes % kKiB == 0) return absl::StrCat(bytes / kKiB, " KiB");
  return absl::StrCat(bytes, " bytes");
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

// The Unicode White_Space property.
bool IsWhitespace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

enum class TextKind {
  kToken,      // no whitespace, no control characters
  kLine,       // no control characters
  kMultiLine,  // no control characters but tab, line feed, carriage return
};

// Why `value` breaks the rules of its kind, or nullopt when it does not.
std::optional<std::string> TextProblem(absl::string_view value, size_t max_chars, TextKind kind) {
  size_t chars = 0;
  for (size_t offset = 0; offset < value.size(); ++chars) {
    char32_t c = 0;
    const size_t length = utf8::Decode(value.substr(offset), &c);
    if (length == 0) return "must be valid UTF-8";
    offset += length;
    const bool line_break = c == '\t' || c == '\n' || c == '\r';
    if (IsControl(c) && !(kind == TextKind::kMultiLine && line_break)) {
      return "must not contain control characters";
    }
    if (kind == TextKind::kToken && IsWhitespace(c)) return "must not contain whitespace";
  }
  if (chars > max_chars) {
    return absl::StrCat("longer than ", max_chars, " characters (", chars, ")");
  }
  return std::nullopt;
}

// Kubernetes label keys: [dns-subdomain-prefix/]name, name at most 63
// characters of [A-Za-z0-9-_.] starting and ending alphanumeric.
bool IsLabelKey(absl::string_view key) {
  static const RE2* const kLabelKey =
      new RE2(R"(^(?:([a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)/)?)"
              R"(([A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)$)");
  re2::StringPiece prefix;
  re2::StringPiece name;
  return RE2::FullMatch(re2::StringPiece(key.data(), key.size()), *kLabelKey, &prefix, &name) &&
         prefix.size() <= 253 && name.size() <= 63;
}

// Semantic Versioning 2.0.0, the regular expression from semver.org.
bool IsSemanticVersion(absl::string_view version) {
  static const RE2* const kSemver = new RE2(R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
                                            R"((?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))"
                                            R"((?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?)"
                                            R"((?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  return FullMatch(version, *kSemver);
}

bool IsEmail(absl::string_view email) {
  static const RE2* const kEmail = new RE2(R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@)"
                                           R"([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
                                           R"((?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$)");
  return FullMatch(email, *kEmail);
}

absl::string_view NamespaceScheme(absl::string_view name_space) {
  return name_space.substr(0, name_space.find("://"));
}

std::string DatasetText(const DatasetRef& dataset) {
  return absl::StrCat("(", dataset.namespace_(), ", ", dataset.name(), ")");
}

// Map entries in key order, so problems come out in a stable order.
std::vector<const StringMap::value_type*> SortedEntries(const StringMap& map) {
  std::vector<const StringMap::value_type*> entries;
  entries.reserve(map.size());
  for (const auto& entry : map) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return entries;
}

std::string KeyPath(absl::string_view map_path, absl::string_view key) {
  return absl::StrCat(map_path, "[", Quote(key), "]");
}

std::string IndexPath(absl::string_view list_path, size_t index) {
  return absl::StrCat(list_path, "[", index, "]");
}

using DatasetKey = std::pair<std::string, std::string>;

DatasetKey KeyOf(const DatasetRef& dataset) { return {dataset.namespace_(), dataset.name()}; }

// Collects the problems and warnings of one descriptor, in document order.
class Validator {
 public:
  explicit Validator(const ValidationLimits& limits) : limits_(limits) {}

  absl::StatusOr<std::vector<std::string>> Run(const DataProduct& product) {
    CheckSize(product);
    CheckExpected("apiVersion", product.api_version(), kApiVersion);
    CheckExpected("kind", product.kind(), kKind);
    CheckMetadata(product.metadata());
    CheckSpec(product.spec());
    if (problems_.empty()) return std::move(warnings_);
    std::string message = absl::StrJoin(problems_, "; ");
    if (unreported_problems_ > 0) {
      absl::StrAppend(&message, "; and ", unreported_problems_, " more problem",
                      unreported_problems_ == 1 ? "" : "s");
    }
    return absl::InvalidArgumentError(message);
  }

 private:
  void Problem(absl::string_view path, absl::string_view reason) {
    if (problems_.size() < std::max<size_t>(limits_.max_reported_problems, 1)) {
      problems_.push_back(absl::StrCat(path, ": ", reason));
    } else {
      ++unreported_problems_;
    }
  }

  void Warn(absl::string_view path, absl::string_view reason) {
    warnings_.push_back(absl::StrCat(path, ": ", reason));
  }

  // Reports `value` when it breaks the rules of `kind`; true if it does not.
  bool CheckText(absl::string_view path, absl::string_view value, size_t max_chars, TextKind kind) {
    std::optional<std::string> problem = TextProblem(value, max_chars, kind);
    if (problem.has_value()) Problem(path, *problem);
    return !problem.has_value();
  }

  bool CheckRequiredText(absl::string_view path, absl::string_view value, size_t max_chars,
                         TextKind kind) {
    if (value.empty()) {
      Problem(path, "required");
      return false;
    }
    return CheckText(path, value, max_chars, kind);
  }

  void CheckCount(absl::string_view path, size_t count, size_t max, absl::string_view noun) {
    if (count > max) Problem(path, absl::StrCat("at most ", max, " ", noun, " (got ", count, ")"));
  }

  void CheckEnum(absl::string_view path, absl::string_view value,
                 absl::Span<const absl::string_view> allowed) {
    if (!value.empty() && !Contains(allowed, value)) {
      Problem(path, absl::StrCat(OneOf(allowed), " (got ", Quote(value), ")"));
    }
  }

  void Report(absl::string_view path, const absl::Status& status) {
    if (!status.ok()) Problem(path, status.message());
  }

  void CheckSize(const DataProduct& product) {
    const size_t bytes = product.ByteSizeLong();
    if (bytes > limits_.max_product_bytes) {
      Problem("descriptor", absl::StrCat("serialized size ", bytes, " bytes exceeds the limit of ",
                                         ByteAmount(limits_.max_product_bytes)));
    }
  }

  // An optional header field: empty means `expected`.
  void CheckExpected(absl::string_view path, absl::string_view value, absl::string_view expected) {
    if (!value.empty() && value != expected) {
      Problem(path, absl::StrCat("must be \"", expected, "\" (got ", Quote(value), ")"));
    }
  }

  void CheckMetadata(const meshdex::v1::ObjectMeta& metadata) {
    Report("metadata.domain", ValidateDomain(metadata.domain()));
    Report("metadata.name",
           PatternStatus(metadata.name(), kIdentifierPattern, IsIdentifier(metadata.name())));
    CheckCount("metadata.labels", metadata.labels_size(), limits_.max_labels, "labels");
    for (const auto* label : SortedEntries(metadata.labels())) {
      const std::string path = KeyPath("metadata.labels", label->first);
      if (!IsLabelKey(label->first)) {
        Problem(path,
                "key must be [dns-prefix/]name, the name at most 63 letters, digits, "
                "'-', '_' or '.', starting and ending with a letter or digit");
      }
      std::optional<std::string> problem =
          TextProblem(label->second, limits_.max_label_value_length, TextKind::kLine);
      if (problem.has_value()) Problem(path, absl::StrCat("value ", *problem));
    }
  }

  void CheckSpec(const meshdex::v1::DataProductSpec& spec) {
    CheckText("spec.title", spec.title(), limits_.max_title_length, TextKind::kLine);
    CheckText("spec.description", spec.description(), limits_.max_description_length,
              TextKind::kMultiLine);
    CheckOwner(spec);
    CheckVersion(spec.version());
    CheckEnum("spec.lifecycle", spec.lifecycle(), kLifecycles);
    CheckStringList("spec.tags", spec.tags(), limits_.max_tags, limits_.max_tag_length,
                    TextKind::kToken, "tags");
    CheckStringList("spec.glossaryTerms", spec.glossary_terms(), limits_.max_glossary_terms,
                    limits_.max_glossary_term_length, TextKind::kLine, "glossary terms");
    CheckPorts("spec.outputPorts", spec.output_ports(), /*output=*/true);
    CheckPorts("spec.inputPorts", spec.input_ports(), /*output=*/false);
    CheckLinks(spec.links());
  }

  void CheckOwner(const meshdex::v1::DataProductSpec& spec) {
    const meshdex::v1::Owner& owner = spec.owner();
    CheckText("spec.owner.team", owner.team(), limits_.max_owner_team_length, TextKind::kLine);
    if (!owner.email().empty()) {
      if (owner.email().size() > limits_.max_email_length) {
        Problem("spec.owner.email",
                absl::StrCat("longer than ", limits_.max_email_length, " characters"));
      } else if (!IsEmail(owner.email())) {
        Problem("spec.owner.email", absl::StrCat(Quote(owner.email()), " is not an email address"));
      }
    } else if (spec.lifecycle() == "production") {
      Warn("spec.owner.email", "a production product should name an owner email");
    }
  }

  void CheckVersion(absl::string_view version) {
    constexpr absl::string_view kPath = "spec.version";
    if (version.empty()) {
      Problem(kPath, "required (semantic version such as 1.4.0)");
    } else if (version.size() > limits_.max_version_length) {
      Problem(kPath, absl::StrCat("longer than ", limits_.max_version_length, " characters"));
    } else if (!IsSemanticVersion(version)) {
      const bool v_prefix =
          absl::StartsWithIgnoreCase(version, "v") && IsSemanticVersion(version.substr(1));
      Problem(kPath, absl::StrCat(Quote(version), " is not a Semantic Versioning 2.0.0 version",
                                  v_prefix ? ": drop the leading 'v'"
                                           : " (MAJOR.MINOR.PATCH[-prerelease][+build], "
                                             "e.g. 1.4.0)"));
    }
  }

  void CheckStringList(absl::string_view path, const StringList& items, size_t max_items,
                       size_t max_chars, TextKind kind, absl::string_view noun) {
    CheckCount(path, items.size(), max_items, noun);
    absl::flat_hash_map<absl::string_view, int> first_index;
    for (int i = 0; i < items.size(); ++i) {
      const std::string item_path = IndexPath(path, i);
      if (!CheckRequiredText(item_path, items[i], max_chars, kind)) continue;
      const auto [first, inserted] = first_index.emplace(items[i], i);
      if (!inserted) {
        Problem(item_path,
                absl::StrCat("duplicate ", Quote(items[i]), " (also at [", first->second, "])"));
      }
    }
  }

  void CheckLinks(const StringMap& links) {
    CheckCount("spec.links", links.size(), limits_.max_links, "links");
    for (const auto* link : SortedEntries(links)) {
      const std::string path = KeyPath("spec.links", link->first);
      if (link->first.empty()) {
        Problem(path, "key must not be empty");
      } else if (std::optional<std::string> problem =
                     TextProblem(link->first, limits_.max_link_key_length, TextKind::kToken)) {
        Problem(path, absl::StrCat("key ", *problem));
      }
      std::optional<std::string> problem =
          TextProblem(link->second, limits_.max_link_value_length, TextKind::kLine);
      if (problem.has_value()) Problem(path, absl::StrCat("value ", *problem));
    }
  }

  void CheckPorts(absl::string_view path, const google::protobuf::RepeatedPtrField<Port>& ports,
                  bool output) {
    CheckCount(path, ports.size(), output ? limits_.max_output_ports : limits_.max_input_ports,
               output ? "output ports" : "input ports");
    absl::flat_hash_map<absl::string_view, std::string> names;
    absl::flat_hash_map<DatasetKey, std::string> input_datasets;
    for (int i = 0; i < ports.size(); ++i) {
      const Port& port = ports[i];
      const std::string port_path = IndexPath(path, i);
      CheckPortName(port_path, port.name(), &names);
      std::optional<std::pair<DatasetRef, std::string>> resolved =
          CheckPortBody(port_path, port, output);
      if (!resolved.has_value()) continue;
      const auto& [dataset, source_path] = *resolved;
      if (output) {
        const auto [first, inserted] = output_datasets_.emplace(KeyOf(dataset), port_path);
        if (!inserted) {
          Problem(source_path, absl::StrCat("resolves to dataset ", DatasetText(dataset),
                                            ", already the dataset of ", first->second));
        }
        continue;
      }
      if (const auto own = output_datasets_.find(KeyOf(dataset)); own != output_datasets_.end()) {
        Warn(source_path, absl::StrCat("reads dataset ", DatasetText(dataset),
                                       ", which this product publishes at ", own->second));
      }
      const auto [first, inserted] = input_datasets.emplace(KeyOf(dataset), port_path);
      if (!inserted) {
        Warn(source_path,
             absl::StrCat("reads dataset ", DatasetText(dataset), ", like ", first->second));
      }
    }
  }

  void CheckPortName(absl::string_view port_path, absl::string_view name,
                     absl::flat_hash_map<absl::string_view, std::string>* names) {
    static const RE2* const kPortName = new RE2(kPortNamePattern);
    const std::string path = absl::StrCat(port_path, ".name");
    const bool matches = FullMatch(name, *kPortName);
    Report(path, PatternStatus(name, kPortNamePattern, matches));
    if (!matches) return;
    const auto [first, inserted] = names->emplace(name, port_path);
    if (!inserted) {
      Problem(path,
              absl::StrCat("duplicate port name ", Quote(name), " (also ", first->second, ")"));
    }
  }

  // Checks a port but its name; returns its dataset and the path of the field
  // it came from, when it has a valid one.
  std::optional<std::pair<DatasetRef, std::string>> CheckPortBody(absl::string_view path,
                                                                  const Port& port, bool output) {
    const std::string kind_path = absl::StrCat(path, ".kind");
    if (port.kind().empty()) {
      Problem(kind_path, absl::StrCat("required, ", OneOf(kPortKinds)));
    } else {
      CheckEnum(kind_path, port.kind(), kPortKinds);
    }

    const std::string address_path = absl::StrCat(path, ".address");
    std::optional<DatasetRef> from_address;
    if (!port.address().empty()) {
      absl::StatusOr<DatasetRef> normalized = NormalizeAddress(port.address());
      if (normalized.ok()) {
        from_address = *std::move(normalized);
        CheckKindMatchesScheme(kind_path, port.kind(), from_address->namespace_());
      } else {
        Problem(address_path, normalized.status().message());
      }
    } else if (output && !port.has_dataset()) {
      Problem(address_path, "required for an output port unless dataset is given");
    } else if (!port.has_dataset()) {
      Warn(path, "input port has neither address nor dataset, so lineage cannot link it");
    }

    CheckText(absl::StrCat(path, ".format"), port.format(), limits_.max_port_format_length,
              TextKind::kLine);
    CheckText(absl::StrCat(path, ".description"), port.description(),
              limits_.max_port_description_length, TextKind::kMultiLine);

    std::optional<std::pair<DatasetRef, std::string>> resolved;
    if (port.has_dataset()) {
      // Relative paths in PortDataset's messages continue the port's path.
      absl::StatusOr<DatasetRef> explicit_dataset = PortDataset(port);
      if (!explicit_dataset.ok()) {
        const std::pair<absl::string_view, absl::string_view> relative =
            absl::StrSplit(explicit_dataset.status().message(), absl::MaxSplits(": ", 1));
        Problem(absl::StrCat(path, ".", relative.first), relative.second);
      } else {
        resolved.emplace(*std::move(explicit_dataset), absl::StrCat(path, ".dataset"));
        if (from_address.has_value() && KeyOf(*from_address) != KeyOf(resolved->first)) {
          Warn(resolved->second, absl::StrCat("overrides the address, which resolves to ",
                                              DatasetText(*from_address)));
        }
      }
    } else if (from_address.has_value()) {
      resolved.emplace(*std::move(from_address), address_path);
    }

    CheckSchema(absl::StrCat(path, ".schema"), port, output);
    CheckSlo(absl::StrCat(path, ".slo"), port.slo());
    return resolved;
  }

  void CheckKindMatchesScheme(absl::string_view kind_path, absl::string_view kind,
                              absl::string_view name_space) {
    if (!Contains(kPortKinds, kind)) return;  // already a problem
    const absl::string_view scheme = NamespaceScheme(name_space);
    for (const SchemeKinds& entry : kSchemeKinds) {
      if (entry.scheme != scheme) continue;
      if (kind != entry.kind && kind != entry.alternative_kind) {
        Warn(kind_path,
             absl::StrCat(Quote(kind), " does not match the address scheme \"", scheme,
                          "\" (expected ", entry.kind, entry.alternative_kind.empty() ? "" : " or ",
                          entry.alternative_kind, ")"));
      }
      return;
    }
  }

  void CheckSchema(absl::string_view path, const Port& port, bool output) {
    const auto& fields = port.schema().fields();
    if (fields.empty()) {
      if (output) Warn(path, "output port declares no schema");
      return;
    }
    CheckCount(absl::StrCat(path, ".fields"), fields.size(), limits_.max_schema_fields, "fields");
    absl::flat_hash_map<absl::string_view, int> first_index;
    for (int i = 0; i < fields.size(); ++i) {
      const meshdex::v1::SchemaField& field = fields[i];
      const std::string field_path = IndexPath(absl::StrCat(path, ".fields"), i);
      const std::string name_path = absl::StrCat(field_path, ".name");
      if (CheckRequiredText(name_path, field.name(), limits_.max_field_name_length,
                            TextKind::kLine)) {
        const auto [first, inserted] = first_index.emplace(field.name(), i);
        if (!inserted) {
          Problem(name_path, absl::StrCat("duplicate field ", Quote(field.name()),
                                          " (also at fields[", first->second, "])"));
        }
      }
      CheckRequiredText(absl::StrCat(field_path, ".type"), field.type(),
                        limits_.max_field_type_length, TextKind::kLine);
      CheckText(absl::StrCat(field_path, ".description"), field.description(),
                limits_.max_field_description_length, TextKind::kMultiLine);
      CheckEnum(absl::StrCat(field_path, ".classification"), field.classification(),
                kClassifications);
    }
  }

  void CheckSlo(absl::string_view path, const meshdex::v1::Slo& slo) {
    if (slo.freshness_seconds() < 0) {
      Problem(absl::StrCat(path, ".freshnessSeconds"),
              absl::StrCat("must not be negative (got ", slo.freshness_seconds(), ")"));
    }
    const double availability = slo.availability_percent();
    if (!(availability >= 0 && availability <= 100)) {
      Problem(absl::StrCat(path, ".availabilityPercent"),
              absl::StrCat("must be between 0 and 100 (got ", availability, ")"));
    }
  }

  const ValidationLimits& limits_;
  std::vector<std::string> problems_;
  size_t unreported_problems_ = 0;
  std::vector<std::string> warnings_;
  // Datasets of the output ports, with the path of the port that owns each.
  absl::flat_hash_map<DatasetKey, std::string> output_datasets_;
};

}  // namespace

absl::Status ValidateDomain(absl::string_view domain) {
  return PatternStatus(domain, kIdentifierPattern, IsIdentifier(domain));
}

std::string ProductUrn(absl::string_view domain, absl::string_view name) {
  return absl::StrCat(kUrnPrefix, domain, ":", name);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseProductUrn(absl::string_view urn) {
  absl::string_view rest = urn;
  if (absl::ConsumePrefix(&rest, kUrnPrefix)) {
    const std::vector<absl::string_view> parts = absl::StrSplit(rest, ':');
    if (parts.size() == 2 && IsIdentifier(parts[0]) && IsIdentifier(parts[1])) {
      return std::make_pair(std::string(parts[0]), std::string(parts[1]));
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("malformed product URN ", Quote(urn), " (expected urn:dp:<domain>:<name>)"));
}

absl::StatusOr<std::vector<std::string>> ValidateProduct(const DataProduct& product,
                                                         const ValidationLimits& limits) {
  return Validator(limits).Run(product);
}

}  // namespace meshdex::catalog
