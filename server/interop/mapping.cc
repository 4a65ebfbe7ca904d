#include "server/interop/mapping.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace meshdex::interop {
namespace {

constexpr size_t kMaxIdentifierLength = 63;

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view text) { return absl::AsciiStrToLower(std::string(text)); }

std::string Trimmed(std::string_view text) {
  std::string copy(text);
  absl::StripAsciiWhitespace(&copy);
  return copy;
}

}  // namespace

void MappingRecord::OtherKeys(const Json& object, std::string_view path,
                              std::initializer_list<std::string_view> mapped) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.items()) {
    if (std::find(mapped.begin(), mapped.end(), key) == mapped.end()) {
      Unmapped(Join(path, key));
    }
  }
}

std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string joined(path);
  joined += '.';
  joined += key;
  return joined;
}

const Json& Field(const Json& object, std::string_view key) {
  static const Json* const kNull = new Json();
  if (!object.is_object()) return *kNull;
  const auto found = object.find(std::string(key));
  return found == object.end() ? *kNull : *found;
}

std::string Text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return "";
}

std::string TrimmedText(const Json& value) { return Trimmed(Text(value)); }

std::optional<std::string> Slug(std::string_view text, bool allow_underscore,
                                std::string_view digit_prefix) {
  std::string slug;
  bool pending_dash = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool lower_before =
        i > 0 && (std::islower(static_cast<unsigned char>(text[i - 1])) ||
                  std::isdigit(static_cast<unsigned char>(text[i - 1])));
    if (std::isupper(static_cast<unsigned char>(c)) && lower_before) pending_dash = true;
    if (IsAsciiAlnum(c) || (allow_underscore && c == '_')) {
      if (pending_dash && !slug.empty()) slug += '-';
      pending_dash = false;
      slug += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      pending_dash = true;
    }
  }
  while (!slug.empty() && slug.front() == '_') slug.erase(slug.begin());
  if (slug.empty()) return std::nullopt;
  if (!std::isalpha(static_cast<unsigned char>(slug.front()))) {
    slug.insert(0, digit_prefix);
  }
  if (slug.size() > kMaxIdentifierLength) slug.resize(kMaxIdentifierLength);
  while (slug.back() == '-' || slug.back() == '_') slug.pop_back();
  return slug;
}

std::optional<std::string> SemanticVersion(std::string_view text) {
  static const RE2* const kSemver = new RE2(
      R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
      R"((?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?)"
      R"((?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
  static const RE2* const kShortNumeric = new RE2(R"(^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$)");
  std::string version = Trimmed(text);
  if (!version.empty() && (version.front() == 'v' || version.front() == 'V')) version.erase(0, 1);
  if (RE2::FullMatch(version, *kSemver)) return version;
  std::string major;
  std::string minor;
  if (RE2::FullMatch(version, *kShortNumeric, &major, &minor)) {
    return major + "." + (minor.empty() ? "0" : minor) + ".0";
  }
  return std::nullopt;
}

std::optional<std::string> Lifecycle(std::string_view status) {
  static const std::pair<std::string_view, std::string_view> kStatuses[] = {
      {"proposed", "draft"},         {"draft", "draft"},
      {"development", "experimental"}, {"in development", "experimental"},
      {"test", "experimental"},      {"testing", "experimental"},
      {"experimental", "experimental"}, {"beta", "experimental"},
      {"active", "production"},      {"production", "production"},
      {"released", "production"},    {"stable", "production"},
      {"deprecated", "deprecated"},  {"retired", "retired"},
      {"archived", "retired"},       {"decommissioned", "retired"}};
  const std::string word = Lower(Trimmed(status));
  for (const auto& [foreign, lifecycle] : kStatuses) {
    if (word == foreign) return std::string(lifecycle);
  }
  return std::nullopt;
}

std::optional<std::string> Classification(std::string_view text) {
  static constexpr std::string_view kClassifications[] = {
      "public", "internal", "confidential", "restricted", "pii", "sensitive"};
  const std::string word = Lower(Trimmed(text));
  for (std::string_view classification : kClassifications) {
    if (word == classification) return word;
  }
  return std::nullopt;
}

std::optional<int64_t> DurationSeconds(double value, std::string_view unit) {
  static const std::pair<std::string_view, double> kUnits[] = {
      {"", 1},          {"s", 1},        {"sec", 1},       {"secs", 1},      {"second", 1},
      {"seconds", 1},   {"ms", 0.001},   {"millisecond", 0.001}, {"milliseconds", 0.001},
      {"m", 60},        {"min", 60},     {"mins", 60},     {"minute", 60},   {"minutes", 60},
      {"h", 3600},      {"hr", 3600},    {"hrs", 3600},    {"hour", 3600},   {"hours", 3600},
      {"d", 86400},     {"day", 86400},  {"days", 86400},  {"w", 604800},    {"week", 604800},
      {"weeks", 604800}, {"y", 31536000}, {"yr", 31536000}, {"year", 31536000},
      {"years", 31536000}};
  if (!(value >= 0) || !std::isfinite(value)) return std::nullopt;
  const std::string word = Lower(Trimmed(unit));
  for (const auto& [name, seconds] : kUnits) {
    if (word != name) continue;
    const double total = std::ceil(value * seconds);
    if (total > 1e15) return std::nullopt;
    return static_cast<int64_t>(total);
  }
  return std::nullopt;
}

std::optional<int64_t> CompactDurationSeconds(std::string_view text) {
  static const RE2* const kCompact = new RE2(R"(^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$)");
  static const RE2* const kIso =
      new RE2(R"(^P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?$)");
  std::string number;
  std::string unit;
  if (RE2::FullMatch(text, *kCompact, &number, &unit)) {
    double value = 0;
    if (!absl::SimpleAtod(number, &value)) return std::nullopt;
    return DurationSeconds(value, unit);
  }
  std::string days, hours, minutes, seconds;
  if (text.size() > 1 && RE2::FullMatch(text, *kIso, &days, &hours, &minutes, &seconds)) {
    int64_t total = 0;
    const std::pair<const std::string*, int64_t> parts[] = {
        {&days, 86400}, {&hours, 3600}, {&minutes, 60}, {&seconds, 1}};
    for (const auto& [part, unit_seconds] : parts) {
      int64_t count = 0;
      if (!part->empty() && absl::SimpleAtoi(*part, &count)) total += count * unit_seconds;
    }
    return total;
  }
  return std::nullopt;
}

std::optional<std::string> PortKindOf(std::string_view type_word) {
  // Order matters: "kafka" before "api" ("kafka-api"), "s3" before "file".
  static const std::pair<std::string_view, std::string_view> kKinds[] = {
      {"kafka", "kafka"},     {"topic", "kafka"},      {"stream", "kafka"},
      {"pubsub", "kafka"},    {"kinesis", "kafka"},    {"s3", "s3"},
      {"postgres", "sql"},    {"mysql", "sql"},        {"sql", "sql"},
      {"snowflake", "sql"},   {"bigquery", "sql"},     {"databricks", "sql"},
      {"redshift", "sql"},    {"oracle", "sql"},       {"db2", "sql"},
      {"trino", "sql"},       {"presto", "sql"},       {"hive", "sql"},
      {"synapse", "sql"},     {"table", "sql"},        {"view", "sql"},
      {"datastore", "sql"},   {"database", "sql"},     {"api", "api"},
      {"rest", "api"},        {"http", "api"},         {"graphql", "api"},
      {"file", "file"},       {"local", "file"},       {"sftp", "file"},
      {"azure", "file"},      {"gcs", "file"},         {"blob", "file"}};
  const std::string word = Lower(type_word);
  if (word.empty()) return std::nullopt;
  for (const auto& [needle, kind] : kKinds) {
    if (word.find(needle) != std::string::npos) return std::string(kind);
  }
  return std::nullopt;
}

double AvailabilityPercent(double value, bool is_percent) {
  const double percent = value <= 1 && !is_percent ? value * 100 : value;
  return std::round(percent * 1e6) / 1e6;
}

bool LooksLikeEmail(std::string_view text) {
  static const RE2* const kEmail = new RE2(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
  return RE2::FullMatch(text, *kEmail);
}

bool IsTrue(const Json& value) {
  return value.is_boolean() ? value.get<bool>() : Lower(Text(value)) == "true";
}

std::optional<double> Number(const Json& value) {
  if (value.is_number()) return value.get<double>();
  double parsed = 0;
  if (value.is_string() && absl::SimpleAtod(value.get<std::string>(), &parsed)) return parsed;
  return std::nullopt;
}

size_t ChooseServer(const std::vector<NamedServer>& servers, std::string_view object_name) {
  for (size_t i = 0; i < servers.size(); ++i) {
    if (servers[i].name == object_name) return i;
  }
  for (size_t i = 0; i < servers.size(); ++i) {
    const std::string environment = Lower(Text(Field(*servers[i].server, "environment")));
    if (environment == "prod" || environment == "production") return i;
  }
  return 0;
}

std::optional<std::string> ServerAddress(const Json& server, const std::string& table) {
  const std::string type = Lower(Text(Field(server, "type")));
  // A bootstrap list "b1:9092,b2:9092" names the cluster by its first broker.
  const std::string hosts = Text(Field(server, "host"));
  const std::string host = hosts.substr(0, hosts.find(','));
  const std::string port = Text(Field(server, "port"));
  const std::string database = Text(Field(server, "database"));
  const std::string schema = Text(Field(server, "schema"));
  const std::string host_port = port.empty() ? host : absl::StrCat(host, ":", port);
  if (type == "kafka" && !host.empty()) {
    const std::string topic = Text(Field(server, "topic"));
    return absl::StrCat("kafka://", host_port, "/", topic.empty() ? table : topic);
  }
  if ((type == "postgres" || type == "postgresql") && !host.empty() && !database.empty()) {
    return absl::StrCat("postgres://", host_port, "/", database, ".",
                        schema.empty() ? "public" : schema, ".", table);
  }
  if (type == "mysql" && !host.empty() && !database.empty()) {
    return absl::StrCat("mysql://", host_port, "/", database, ".", table);
  }
  if (type == "snowflake" && !Text(Field(server, "account")).empty() && !database.empty() &&
      !schema.empty()) {
    return absl::StrCat("snowflake://", Text(Field(server, "account")), "/", database, ".", schema,
                        ".", table);
  }
  if (type == "bigquery" && !Text(Field(server, "project")).empty() &&
      !Text(Field(server, "dataset")).empty()) {
    return absl::StrCat("bigquery:", Text(Field(server, "project")), ".",
                        Text(Field(server, "dataset")), ".", table);
  }
  const std::string location = Text(Field(server, "location"));
  if (!location.empty()) return location;
  return std::nullopt;
}

}  // namespace meshdex::interop
