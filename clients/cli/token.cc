// meshdexctl token commands: make a bearer token, and the auth-file line that
// lets the server accept one (it stores only the token's SHA-256).
#include <iostream>
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "clients/cli/commands.h"
#include "nlohmann/json.hpp"
#include "openssl/evp.h"
#include "openssl/rand.h"

namespace meshdex::cli {
namespace {

// Random bytes in a new token: 256 bits.
constexpr int kTokenBytes = 32;

bool IsDomainName(absl::string_view name) {
  if (name.empty() || name.size() > 63 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// The roles the server knows (admin, reader, ingest, owner:<domain>), checked
// here so a typo fails now rather than when the server loads the file.
bool IsRole(absl::string_view role) {
  if (role == "admin" || role == "reader" || role == "ingest") return true;
  return absl::ConsumePrefix(&role, "owner:") && IsDomainName(role);
}

// `text` as a YAML scalar: plain when that is unambiguous, else double-quoted
// (a JSON string is a valid YAML double-quoted scalar).
std::string YamlScalar(const std::string& text) {
  bool plain = !text.empty() && text.front() != '-';
  for (char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '@';
    plain = plain && safe;
  }
  return plain ? text : nlohmann::json(text).dump();
}

}  // namespace

bool IsSendableToken(absl::string_view token) { return client::IsSendableToken(token); }

int TokenHashCommand(const std::string& principal, const std::vector<std::string>& roles) {
  if (principal.empty()) {
    std::cerr << "error: --principal: must not be empty\n";
    return 2;
  }
  for (const std::string& role : roles) {
    if (!IsRole(role)) {
      std::cerr << "error: --role: unknown role \"" << role
                << "\" (admin, reader, ingest, owner:<domain>)\n";
      return 2;
    }
    if (std::count(roles.begin(), roles.end(), role) > 1) {
      std::cerr << "error: --role: \"" << role << "\" given twice\n";
      return 2;
    }
  }
  std::string token(std::istreambuf_iterator<char>(std::cin), {});
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (!IsSendableToken(token)) {
    // Never quoted back: it is a secret.
    std::cerr << "error: stdin: expected one token of printable ASCII characters without spaces\n";
    return 1;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
    std::cerr << "error: computing SHA-256 failed\n";
    return 1;
  }
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_size));
  std::vector<std::string> role_scalars;
  for (const std::string& role : roles) role_scalars.push_back(YamlScalar(role));
  std::cout << "{principal: " << YamlScalar(principal) << ", sha256: " << hex << ", roles: ["
            << absl::StrJoin(role_scalars, ", ") << "]}\n";
  return 0;
}

int TokenNewCommand() {
  unsigned char bytes[kTokenBytes];
  if (RAND_bytes(bytes, kTokenBytes) != 1) {
    std::cerr << "error: the system random number generator failed\n";
    return 1;
  }
  std::cout << absl::WebSafeBase64Escape(
                   absl::string_view(reinterpret_cast<const char*>(bytes), kTokenBytes))
            << "\n";
  return 0;
}

}  // namespace meshdex::cli
