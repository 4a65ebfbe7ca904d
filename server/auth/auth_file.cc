#include "server/auth/auth_file.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "yaml-cpp/yaml.h"

namespace meshdex::auth {
namespace {

constexpr absl::string_view kRoleList = "admin, reader, ingest, owner:<domain>";
constexpr absl::string_view kOwnerPrefix = "owner:";
constexpr absl::string_view kTopLevelKeys[] = {"tokens"};
constexpr absl::string_view kEntryKeys[] = {"principal", "sha256", "roles"};
constexpr size_t kMaxPrincipalName = 128;
constexpr size_t kMaxDomainName = 63;

absl::Status Invalid(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

// A value from the file for an error message: escaped, cut after 64 bytes and
// quoted. Only for names and roles, never for digests.
std::string Quote(absl::string_view value) {
  constexpr size_t kMaxQuoted = 64;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMaxQuoted)), "\"",
                      value.size() > kMaxQuoted ? "..." : "");
}

// ^[a-z][a-z0-9-]{0,62}$, the product domain pattern.
bool IsDomain(absl::string_view value) {
  if (value.empty() || value.size() > kMaxDomainName || !absl::ascii_islower(value[0])) {
    return false;
  }
  return std::all_of(value.begin(), value.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

// Every key of `map` (at `path`, "" for the document) must be in `allowed`.
absl::Status CheckKeys(const YAML::Node& map, absl::string_view path,
                       absl::Span<const absl::string_view> allowed) {
  const std::string prefix = path.empty() ? "" : absl::StrCat(path, ".");
  for (const auto& key_value : map) {
    const YAML::Node& key = key_value.first;
    if (!key.IsScalar()) return Invalid(absl::StrCat(prefix, "<key>"), "keys must be strings");
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Invalid(absl::StrCat(prefix, absl::CHexEscape(name)),
                     absl::StrCat("unknown key (", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParsePrincipalName(const YAML::Node& node, absl::string_view path) {
  if (!node || node.IsNull()) return Invalid(path, "required");
  if (!node.IsScalar()) return Invalid(path, "must be a string");
  const std::string& name = node.Scalar();
  if (name.empty()) return Invalid(path, "required");
  const bool has_control =
      std::any_of(name.begin(), name.end(), [](char c) { return absl::ascii_iscntrl(c); });
  if (name.size() > kMaxPrincipalName || has_control) {
    return Invalid(path, absl::StrCat("must be at most ", kMaxPrincipalName,
                                      " bytes without control characters"));
  }
  return name;
}

absl::StatusOr<Sha256Digest> ParseDigest(const YAML::Node& node, absl::string_view path) {
  if (!node || node.IsNull()) return Invalid(path, "required");
  constexpr absl::string_view kProblem = "must be 64 hex digits";
  if (!node.IsScalar()) return Invalid(path, kProblem);
  const std::string& hex = node.Scalar();
  if (hex.size() != 2 * Sha256Digest().size() ||
      !std::all_of(hex.begin(), hex.end(), [](char c) { return absl::ascii_isxdigit(c); })) {
    return Invalid(path, kProblem);
  }
  const std::string bytes = absl::HexStringToBytes(hex);
  Sha256Digest digest;
  std::copy(bytes.begin(), bytes.end(), digest.begin());
  return digest;
}

// Adds the role `role` (at `path`) to `principal`.
absl::Status AddRole(absl::string_view role, absl::string_view path, Principal& principal) {
  if (role == "admin") {
    principal.admin = true;
  } else if (role == "reader") {
    principal.reader = true;
  } else if (role == "ingest") {
    principal.ingest = true;
  } else if (absl::StartsWith(role, kOwnerPrefix) && role.size() > kOwnerPrefix.size()) {
    const absl::string_view domain = role.substr(kOwnerPrefix.size());
    if (!IsDomain(domain)) {
      return Invalid(path,
                     absl::StrCat("domain of ", Quote(role), " must match ^[a-z][a-z0-9-]{0,62}$"));
    }
    principal.owned_domains.emplace_back(domain);
  } else {
    return Invalid(path, absl::StrCat("unknown role ", Quote(role), " (", kRoleList, ")"));
  }
  return absl::OkStatus();
}

absl::Status ParseRoles(const YAML::Node& node, absl::string_view path, Principal& principal) {
  if (!node || node.IsNull()) return Invalid(path, absl::StrCat("required (", kRoleList, ")"));
  if (!node.IsSequence()) return Invalid(path, "must be a list of roles");
  if (node.size() == 0) return Invalid(path, absl::StrCat("at least one role (", kRoleList, ")"));
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string role_path = absl::StrCat(path, "[", i, "]");
    const YAML::Node& role = node[i];
    if (!role.IsScalar()) return Invalid(role_path, "must be a string");
    if (!seen.insert(role.Scalar()).second) {
      return Invalid(role_path, absl::StrCat("duplicate role ", Quote(role.Scalar())));
    }
    if (absl::Status status = AddRole(role.Scalar(), role_path, principal); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenEntry> ParseEntry(const YAML::Node& node, absl::string_view path) {
  if (!node.IsMap()) return Invalid(path, "must be a map with principal, sha256 and roles");
  if (absl::Status status = CheckKeys(node, path, kEntryKeys); !status.ok()) return status;
  TokenEntry entry;
  absl::StatusOr<std::string> name =
      ParsePrincipalName(node["principal"], absl::StrCat(path, ".principal"));
  if (!name.ok()) return name.status();
  entry.principal.name = *std::move(name);
  absl::StatusOr<Sha256Digest> digest = ParseDigest(node["sha256"], absl::StrCat(path, ".sha256"));
  if (!digest.ok()) return digest.status();
  entry.sha256 = *digest;
  if (absl::Status status =
          ParseRoles(node["roles"], absl::StrCat(path, ".roles"), entry.principal);
      !status.ok()) {
    return status;
  }
  return entry;
}

absl::StatusOr<std::vector<TokenEntry>> ParseDocument(const YAML::Node& root) {
  if (!root || root.IsNull()) return Invalid("tokens", "required (the auth file is empty)");
  if (!root.IsMap()) {
    return absl::InvalidArgumentError("the auth file must be a YAML map with the key tokens");
  }
  if (absl::Status status = CheckKeys(root, "", kTopLevelKeys); !status.ok()) return status;
  const YAML::Node tokens = root["tokens"];
  if (!tokens || tokens.IsNull()) return Invalid("tokens", "required");
  if (!tokens.IsSequence()) return Invalid("tokens", "must be a list");
  if (tokens.size() == 0) return Invalid("tokens", "at least one token required");

  std::vector<TokenEntry> entries;
  entries.reserve(tokens.size());
  absl::flat_hash_map<std::string, size_t> index_of_digest;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string path = absl::StrCat("tokens[", i, "]");
    absl::StatusOr<TokenEntry> entry = ParseEntry(tokens[i], path);
    if (!entry.ok()) return entry.status();
    const std::string digest_key(entry->sha256.begin(), entry->sha256.end());
    if (const auto [it, inserted] = index_of_digest.emplace(digest_key, i); !inserted) {
      return Invalid(absl::StrCat(path, ".sha256"),
                     absl::StrCat("same hash as tokens[", it->second,
                                  "].sha256 (every token must be distinct)"));
    }
    entries.push_back(*std::move(entry));
  }
  return entries;
}

}  // namespace

absl::StatusOr<std::vector<TokenEntry>> ParseAuthFile(absl::string_view yaml) {
  try {
    return ParseDocument(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages name the problem and the position, not the text.
    if (e.mark.is_null()) return absl::InvalidArgumentError(absl::StrCat("invalid YAML: ", e.msg));
    return absl::InvalidArgumentError(absl::StrCat("invalid YAML at line ", e.mark.line + 1,
                                                   ", column ", e.mark.column + 1, ": ", e.msg));
  }
}

}  // namespace meshdex::auth
