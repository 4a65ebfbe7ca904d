#include "server/catalog/address.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace meshdex::catalog {
namespace {

using meshdex::v1::DatasetRef;

// Where the dataset namespace of a scheme comes from.
enum class NamespaceForm {
  kAuthority,  // <scheme>://<host>[:port] (abfss: <container>@<host>)
  kBigQuery,   // the constant "bigquery"; the address carries no host
  kFile,       // the constant "file"; the host is empty or "localhost"
};

// What happens to a port in the authority.
enum class PortPolicy {
  kForbidden,          // the scheme has no ports (bucket, account names)
  kFilled,             // always in the namespace, default when absent
  kOmittedWhenDefault  // URL style: in the namespace only when not default
};

// How the dataset name is read from the path after the authority.
enum class NameForm {
  kTopic,         // a Kafka topic, no leading slash
  kRelativePath,  // an object key or API path, no leading slash
  kAbsolutePath,  // a file-system path, leading slash kept
  kTable,         // dot-separated table name, no leading slash
};

struct SchemeRule {
  absl::string_view scheme;  // canonical spelling, used in the namespace
  NamespaceForm namespace_form;
  PortPolicy port_policy;
  uint32_t default_port;  // meaningful unless port_policy is kForbidden
  NameForm name_form;
  absl::string_view missing_name;  // error when the name is empty
  size_t table_parts;              // kTable: number of dot-separated parts
  absl::string_view table_form;    // kTable: how the parts are called
};

constexpr SchemeRule kKafka = {"kafka",
                               NamespaceForm::kAuthority,
                               PortPolicy::kFilled,
                               9092,
                               NameForm::kTopic,
                               "missing topic",
                               0,
                               ""};
constexpr SchemeRule kS3 = {"s3",
                            NamespaceForm::kAuthority,
                            PortPolicy::kForbidden,
                            0,
                            NameForm::kRelativePath,
                            "missing object path after the bucket",
                            0,
                            ""};
constexpr SchemeRule kGcs = {"gs",
                             NamespaceForm::kAuthority,
                             PortPolicy::kForbidden,
                             0,
                             NameForm::kRelativePath,
                             "missing object path after the bucket",
                             0,
                             ""};
constexpr SchemeRule kAbfss = {"abfss",
                               NamespaceForm::kAuthority,
                               PortPolicy::kForbidden,
                               0,
                               NameForm::kRelativePath,
                               "missing path after the account",
                               0,
                               ""};
constexpr SchemeRule kPostgres = {"postgres", NamespaceForm::kAuthority, PortPolicy::kFilled,
                                  5432,       NameForm::kTable,          "missing table",
                                  3,          "db.schema.table"};
constexpr SchemeRule kMysql = {"mysql",
                               NamespaceForm::kAuthority,
                               PortPolicy::kFilled,
                               3306,
                               NameForm::kTable,
                               "missing table",
                               2,
                               "db.table"};
constexpr SchemeRule kSnowflake = {"snowflake", NamespaceForm::kAuthority, PortPolicy::kForbidden,
                                   0,           NameForm::kTable,          "missing table",
                                   3,           "db.schema.table"};
constexpr SchemeRule kBigQuery = {"bigquery", NamespaceForm::kBigQuery, PortPolicy::kForbidden,
                                  0,          NameForm::kTable,         "missing table",
                                  3,          "project.dataset.table"};
constexpr SchemeRule kHdfs = {"hdfs",
                              NamespaceForm::kAuthority,
                              PortPolicy::kFilled,
                              8020,
                              NameForm::kAbsolutePath,
                              "missing path",
                              0,
                              ""};
constexpr SchemeRule kHttps = {"https",
                               NamespaceForm::kAuthority,
                               PortPolicy::kOmittedWhenDefault,
                               443,
                               NameForm::kRelativePath,
                               "missing path",
                               0,
                               ""};
constexpr SchemeRule kHttp = {"http",
                              NamespaceForm::kAuthority,
                              PortPolicy::kOmittedWhenDefault,
                              80,
                              NameForm::kRelativePath,
                              "missing path",
                              0,
                              ""};
constexpr SchemeRule kFile = {"file",
                              NamespaceForm::kFile,
                              PortPolicy::kForbidden,
                              0,
                              NameForm::kAbsolutePath,
                              "missing path",
                              0,
                              ""};

// `scheme` is lower-cased; aliases fold to their canonical rule.
const SchemeRule* FindScheme(absl::string_view scheme) {
  struct Entry {
    absl::string_view spelling;
    const SchemeRule* rule;
  };
  static constexpr Entry kEntries[] = {
      {"kafka", &kKafka},
      {"s3", &kS3},
      {"s3a", &kS3},
      {"s3n", &kS3},
      {"gs", &kGcs},
      {"abfss", &kAbfss},
      {"postgres", &kPostgres},
      {"postgresql", &kPostgres},
      {"mysql", &kMysql},
      {"snowflake", &kSnowflake},
      {"bigquery", &kBigQuery},
      {"hdfs", &kHdfs},
      {"https", &kHttps},
      {"http", &kHttp},
      {"file", &kFile},
  };
  for (const Entry& entry : kEntries) {
    if (entry.spelling == scheme) return entry.rule;
  }
  return nullptr;
}

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

std::string Quoted(absl::string_view value) { return absl::StrCat("\"", value, "\""); }

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

bool IsControlOrSpace(char c) { return c == ' ' || IsControl(c); }

// RFC 3986 scheme syntax.
bool IsSchemeSyntax(absl::string_view scheme) {
  if (scheme.empty() || !absl::ascii_isalpha(scheme.front())) return false;
  for (char c : scheme) {
    if (!absl::ascii_isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

bool IsHostChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_'; }

// A DNS name or IPv4 address, or a bracketed IPv6 address; callers lower-case
// it first.
bool IsHostSyntax(absl::string_view host) {
  if (absl::ConsumePrefix(&host, "[")) {
    return absl::ConsumeSuffix(&host, "]") && !host.empty() &&
           std::all_of(host.begin(), host.end(),
                       [](char c) { return absl::ascii_isxdigit(c) || c == ':' || c == '.'; });
  }
  return !host.empty() && host.front() != '.' && host.front() != '-' && host.back() != '.' &&
         host.back() != '-' && std::all_of(host.begin(), host.end(), IsHostChar);
}

// Kafka's own rule for topic names.
bool IsKafkaTopic(absl::string_view topic) {
  return topic.size() <= 249 && std::all_of(topic.begin(), topic.end(), IsHostChar);
}

// Splits "<host>[:<port>]" (the host possibly a bracketed IPv6 address).
struct HostPort {
  absl::string_view host;
  absl::string_view port;
  bool has_port = false;
};

HostPort SplitHostPort(absl::string_view host_port) {
  size_t host_end = 0;
  if (absl::StartsWith(host_port, "[")) {
    const size_t close = host_port.find(']');
    host_end = close == absl::string_view::npos ? host_port.size() : close + 1;
  } else {
    host_end = std::min(host_port.find(':'), host_port.size());
  }
  HostPort parts;
  parts.host = host_port.substr(0, host_end);
  absl::string_view remainder = host_port.substr(host_end);
  if (absl::ConsumePrefix(&remainder, ":")) {
    parts.has_port = true;
    parts.port = remainder;
  } else if (!remainder.empty()) {
    parts.host = host_port;  // junk after "]": rejected as a host
  }
  return parts;
}

// The normalised "<host>[:port]" part of an authority namespace.
absl::StatusOr<std::string> NormalizeHostPort(const SchemeRule& rule, absl::string_view host_port) {
  const HostPort parts = SplitHostPort(host_port);
  if (parts.host.empty()) return Invalid("missing host");
  std::string host = absl::AsciiStrToLower(parts.host);
  if (!IsHostSyntax(host)) return Invalid(absl::StrCat("invalid host ", Quoted(parts.host)));

  uint32_t port = rule.default_port;
  if (parts.has_port) {
    if (rule.port_policy == PortPolicy::kForbidden) {
      return Invalid(absl::StrCat(rule.scheme, " addresses take no port"));
    }
    if (!absl::SimpleAtoi(parts.port, &port) || port == 0 || port > 65535 ||
        !absl::ascii_isdigit(parts.port.front())) {
      return Invalid(absl::StrCat("invalid port ", Quoted(parts.port)));
    }
  }
  switch (rule.port_policy) {
    case PortPolicy::kForbidden:
      return host;
    case PortPolicy::kFilled:
      return absl::StrCat(host, ":", port);
    case PortPolicy::kOmittedWhenDefault:
      return port == rule.default_port ? host : absl::StrCat(host, ":", port);
  }
  return host;
}

// The namespace of an authority-based scheme; `rest` follows "<scheme>://" and
// is advanced past the authority, leaving the path.
absl::StatusOr<std::string> AuthorityNamespace(const SchemeRule& rule, absl::string_view* rest) {
  const absl::string_view authority = rest->substr(0, rest->find('/'));
  rest->remove_prefix(authority.size());
  if (absl::StrContains(authority, ',')) return Invalid("address must name a single host");

  absl::string_view host_port = authority;
  std::string container;
  const size_t at = authority.find('@');
  if (&rule == &kAbfss) {
    if (at == absl::string_view::npos) {
      return Invalid("abfss address needs container@account.dfs.core.windows.net");
    }
    const absl::string_view container_part = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    if (absl::StrContains(container_part, ':') || absl::StrContains(host_port, '@')) {
      return Invalid("address must not embed credentials");
    }
    if (container_part.empty()) return Invalid("missing container");
    container = absl::AsciiStrToLower(container_part);
    if (!IsHostSyntax(container)) {
      return Invalid(absl::StrCat("invalid container ", Quoted(container_part)));
    }
    container.push_back('@');
  } else if (at != absl::string_view::npos) {
    return Invalid("address must not embed credentials");
  }
  absl::StatusOr<std::string> host = NormalizeHostPort(rule, host_port);
  if (!host.ok()) return host.status();
  return absl::StrCat(rule.scheme, "://", container, *host);
}

// Checks a dot-separated table name: exactly `rule.table_parts` non-empty
// parts, no slashes.
absl::Status CheckTableName(const SchemeRule& rule, absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '.');
  bool well_formed = parts.size() == rule.table_parts && !absl::StrContains(name, '/');
  for (absl::string_view part : parts) well_formed = well_formed && !part.empty();
  if (well_formed) return absl::OkStatus();
  return Invalid(absl::StrCat("table ", Quoted(name), " must have the form ", rule.table_form));
}

// The dataset name from the path that follows the authority.
absl::StatusOr<std::string> DatasetName(const SchemeRule& rule, absl::string_view path) {
  while (absl::ConsumeSuffix(&path, "/")) {
  }
  if (rule.name_form != NameForm::kAbsolutePath) absl::ConsumePrefix(&path, "/");
  if (path.empty()) return Invalid(rule.missing_name);
  switch (rule.name_form) {
    case NameForm::kTopic:
      if (!IsKafkaTopic(path)) {
        return Invalid(absl::StrCat("invalid topic ", Quoted(path),
                                    " (1-249 letters, digits, '.', '_' or '-')"));
      }
      break;
    case NameForm::kTable: {
      absl::Status table = CheckTableName(rule, path);
      if (!table.ok()) return table;
      break;
    }
    case NameForm::kRelativePath:
    case NameForm::kAbsolutePath:
      break;
  }
  return std::string(path);
}

}  // namespace

absl::StatusOr<DatasetRef> NormalizeAddress(absl::string_view address) {
  if (address.empty()) return Invalid("address is empty");
  if (address.size() > kMaxAddressLength) {
    return Invalid(absl::StrCat("address is ", address.size(), " bytes, longer than the limit of ",
                                kMaxAddressLength));
  }
  if (std::any_of(address.begin(), address.end(), IsControlOrSpace)) {
    return Invalid("address must not contain whitespace or control characters");
  }
  const size_t colon = address.find(':');
  if (colon == absl::string_view::npos || !IsSchemeSyntax(address.substr(0, colon))) {
    return Invalid("address has no scheme (e.g. kafka://host:9092/topic)");
  }
  const std::string scheme = absl::AsciiStrToLower(address.substr(0, colon));
  const SchemeRule* rule = FindScheme(scheme);
  if (rule == nullptr) return Invalid(absl::StrCat("unsupported scheme ", Quoted(scheme)));
  absl::string_view rest = address.substr(colon + 1);
  if (rest.find_first_of("?#") != absl::string_view::npos) {
    return Invalid("address must not contain a query or fragment ('?' or '#')");
  }

  DatasetRef dataset;
  switch (rule->namespace_form) {
    case NamespaceForm::kAuthority: {
      if (!absl::ConsumePrefix(&rest, "//")) {
        return Invalid(absl::StrCat("expected \"", scheme, "://\" followed by a host"));
      }
      absl::StatusOr<std::string> name_space = AuthorityNamespace(*rule, &rest);
      if (!name_space.ok()) return name_space.status();
      dataset.set_namespace_(*std::move(name_space));
      break;
    }
    case NamespaceForm::kBigQuery:
      absl::ConsumePrefix(&rest, "//");
      dataset.set_namespace_(std::string(rule->scheme));
      break;
    case NamespaceForm::kFile:
      if (absl::ConsumePrefix(&rest, "//")) {
        const absl::string_view host = rest.substr(0, rest.find('/'));
        if (!host.empty() && !absl::EqualsIgnoreCase(host, "localhost")) {
          return Invalid("file addresses take no host (file:///absolute/path)");
        }
        rest.remove_prefix(host.size());
      }
      if (!absl::StartsWith(rest, "/")) {
        return Invalid("file path must be absolute (file:///absolute/path)");
      }
      dataset.set_namespace_(std::string(rule->scheme));
      break;
  }
  absl::StatusOr<std::string> name = DatasetName(*rule, rest);
  if (!name.ok()) return name.status();
  dataset.set_name(*std::move(name));
  return dataset;
}

absl::StatusOr<DatasetRef> PortDataset(const meshdex::v1::Port& port) {
  if (port.has_dataset()) {
    const DatasetRef& dataset = port.dataset();
    const std::pair<absl::string_view, absl::string_view> fields[] = {
        {"dataset.namespace", dataset.namespace_()}, {"dataset.name", dataset.name()}};
    for (const auto& [path, value] : fields) {
      if (value.empty()) return Invalid(absl::StrCat(path, ": required"));
      if (value.size() > kMaxAddressLength) {
        return Invalid(absl::StrCat(path, ": longer than ", kMaxAddressLength, " bytes"));
      }
      if (std::any_of(value.begin(), value.end(), IsControl)) {
        return Invalid(absl::StrCat(path, ": must not contain control characters"));
      }
    }
    return dataset;
  }
  if (port.address().empty()) return Invalid("address: required unless dataset is given");
  absl::StatusOr<DatasetRef> dataset = NormalizeAddress(port.address());
  if (!dataset.ok()) return Invalid(absl::StrCat("address: ", dataset.status().message()));
  return dataset;
}

}  // namespace meshdex::catalog
