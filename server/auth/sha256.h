// SHA-256 through OpenSSL's EVP interface: the auth file stores the digests
// of bearer tokens, never the tokens, and a presented token is hashed before
// it is compared.
//
// Thread-safety: both functions are pure and thread-safe.
#ifndef MESHDEX_SERVER_AUTH_SHA256_H_
#define MESHDEX_SERVER_AUTH_SHA256_H_

#include <array>
#include <string>

#include "absl/strings/string_view.h"

namespace meshdex::auth {

using Sha256Digest = std::array<unsigned char, 32>;

// The digest of `data`. OpenSSL failing to hash (no SHA-256 provider) is not
// survivable for a server that authenticates with it: the process aborts.
Sha256Digest Sha256(absl::string_view data);

// The digest of `data` as 64 lower-case hex digits, the form of the auth file.
std::string Sha256Hex(absl::string_view data);

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_SHA256_H_
