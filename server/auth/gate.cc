#include "server/auth/gate.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/auth/sha256.h"
#include "spdlog/spdlog.h"

namespace meshdex::auth {
namespace {

constexpr char kMissingToken[] = "missing bearer token (authorization: Bearer <token>)";
constexpr char kMalformedHeader[] = "malformed authorization header (expected: Bearer <token>)";
constexpr char kUnknownToken[] = "unknown token";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return absl::ErrnoToStatus(errno, absl::StrCat("auth file ", path));
  std::string contents;
  char buffer[8192];
  size_t read;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file)) > 0) contents.append(buffer, read);
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  if (failed) return absl::ErrnoToStatus(read_errno, absl::StrCat("auth file ", path));
  return contents;
}

// The token of "Bearer <token>", or "" when `value` is not of that form.
absl::string_view BearerToken(absl::string_view value) {
  const size_t space = value.find_first_of(" \t");
  if (space == absl::string_view::npos ||
      !absl::EqualsIgnoreCase(value.substr(0, space), "bearer")) {
    return "";
  }
  const absl::string_view token = absl::StripLeadingAsciiWhitespace(value.substr(space));
  const bool printable =
      std::all_of(token.begin(), token.end(), [](char c) { return absl::ascii_isgraph(c); });
  return printable ? token : "";
}

bool Owns(const Principal& principal, absl::string_view domain) {
  return !domain.empty() &&
         std::find(principal.owned_domains.begin(), principal.owned_domains.end(), domain) !=
             principal.owned_domains.end();
}

absl::Status Denied(const Principal& principal, absl::string_view what, absl::string_view needs) {
  return absl::PermissionDeniedError(
      absl::StrCat(principal.Describe(), " may not ", what, " (needs ", needs, ")"));
}

// Writing a product or a policy: the owner of the domain or admin.
absl::Status AuthorizeDomainWrite(const Principal& principal, Action action,
                                  absl::string_view domain) {
  if (Owns(principal, domain)) return absl::OkStatus();
  if (domain.empty()) {
    return Denied(principal,
                  action == Action::kWritePolicy ? "write global policies" : ActionName(action),
                  "admin");
  }
  // The domain comes from the request; escape it for the message.
  const std::string shown = absl::CHexEscape(domain);
  return Denied(principal, absl::StrCat(ActionName(action), " in domain ", shown),
                absl::StrCat("owner:", shown, " or admin"));
}

}  // namespace

std::string Principal::Describe() const {
  std::vector<std::string> roles;
  if (admin) roles.emplace_back("admin");
  if (reader) roles.emplace_back("reader");
  if (ingest) roles.emplace_back("ingest");
  for (const std::string& domain : owned_domains) roles.push_back(absl::StrCat("owner:", domain));
  std::sort(roles.begin(), roles.end());
  return absl::StrCat(name, " (", roles.empty() ? "no roles" : absl::StrJoin(roles, ", "), ")");
}

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kRead:
      return "read";
    case Action::kWriteProduct:
      return "write products";
    case Action::kWritePolicy:
      return "write policies";
    case Action::kIngest:
      return "ingest lineage";
    case Action::kAdmin:
      return "use admin operations";
  }
  return "unknown action";
}

Gate::Gate(std::string path) : path_(std::move(path)) {}

std::unique_ptr<Gate> Gate::Disabled() { return std::unique_ptr<Gate>(new Gate("")); }

absl::StatusOr<std::unique_ptr<Gate>> Gate::FromFile(std::string path) {
  if (path.empty()) return absl::InvalidArgumentError("auth file: empty path");
  std::unique_ptr<Gate> gate(new Gate(std::move(path)));
  if (absl::Status status = gate->Reload(); !status.ok()) return status;
  return gate;
}

absl::StatusOr<std::shared_ptr<const Gate::TokenTable>> Gate::LoadFile() const {
  absl::StatusOr<std::string> contents = ReadFile(path_);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<TokenTable> tokens = ParseAuthFile(*contents);
  if (!tokens.ok()) {
    return absl::Status(tokens.status().code(),
                        absl::StrCat("auth file ", path_, ": ", tokens.status().message()));
  }
  return std::make_shared<const TokenTable>(*std::move(tokens));
}

std::shared_ptr<const Gate::TokenTable> Gate::Snapshot() const {
  absl::ReaderMutexLock lock(&mu_);
  return tokens_;
}

absl::Status Gate::Reload() {
  if (!enabled()) return absl::OkStatus();
  absl::MutexLock reload_lock(&reload_mu_);
  absl::StatusOr<std::shared_ptr<const TokenTable>> loaded = LoadFile();
  if (!loaded.ok()) {
    // Only FromFile() reaches this without tokens; it reports the error itself.
    if (const std::shared_ptr<const TokenTable> kept = Snapshot(); kept != nullptr) {
      spdlog::warn("auth: reload failed, keeping the {} token(s) loaded before: {}", kept->size(),
                   loaded.status().ToString());
    }
    return loaded.status();
  }
  absl::flat_hash_set<absl::string_view> principals;
  for (const TokenEntry& entry : **loaded) principals.insert(entry.principal.name);
  spdlog::info("auth: loaded {} token(s) of {} principal(s) from {}", (*loaded)->size(),
               principals.size(), path_);
  absl::MutexLock lock(&mu_);
  tokens_ = *std::move(loaded);
  return absl::OkStatus();
}

absl::StatusOr<Principal> Gate::Authenticate(absl::string_view authorization) const {
  if (!enabled()) {
    Principal local;
    local.name = "local";
    local.admin = true;
    return local;
  }
  const absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (value.empty()) return absl::UnauthenticatedError(kMissingToken);
  const absl::string_view token = BearerToken(value);
  if (token.empty()) return absl::UnauthenticatedError(kMalformedHeader);

  const Sha256Digest digest = Sha256(token);
  const std::shared_ptr<const TokenTable> tokens = Snapshot();
  const Principal* found = nullptr;
  // Every entry is compared, a match does not end the loop: the time taken
  // does not depend on where (or whether) the token is in the file.
  for (const TokenEntry& entry : *tokens) {
    const bool equal = CRYPTO_memcmp(entry.sha256.data(), digest.data(), digest.size()) == 0;
    if (equal) found = &entry.principal;
  }
  if (found == nullptr) return absl::UnauthenticatedError(kUnknownToken);
  return *found;
}

absl::Status Gate::Authorize(const Principal& principal, Action action, absl::string_view domain) {
  if (principal.admin) return absl::OkStatus();
  switch (action) {
    case Action::kRead:
      if (principal.reader || principal.ingest || !principal.owned_domains.empty()) {
        return absl::OkStatus();
      }
      return Denied(principal, ActionName(action), "reader, ingest, an owner role or admin");
    case Action::kWriteProduct:
    case Action::kWritePolicy:
      return AuthorizeDomainWrite(principal, action, domain);
    case Action::kIngest:
      if (principal.ingest) return absl::OkStatus();
      return Denied(principal, ActionName(action), "ingest or admin");
    case Action::kAdmin:
      return Denied(principal, ActionName(action), "admin");
  }
  return Denied(principal, ActionName(action), "admin");
}

}  // namespace meshdex::auth
