// The auth file (`meshdexd --auth_file=PATH`): the bearer tokens the server
// accepts, each stored only as its SHA-256 digest, with the principal it
// stands for and that principal's roles.
//
//   tokens:
//     - principal: alice
//       sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//       roles: [owner:logistics, reader]
//     - principal: airflow
//       sha256: 60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752
//       roles: [ingest]
//
// `sha256` is `printf %s "$TOKEN" | sha256sum` (64 hex digits, either case).
// Roles: admin, reader, ingest, owner:<domain> with <domain> matching
// ^[a-z][a-z0-9-]{0,62}$. One principal may have several tokens (rotation).
//
// Invariants of a parsed file: at least one token; every digest distinct;
// every entry has a non-empty principal name and at least one role, no role
// twice.
//
// Thread-safety: ParseAuthFile is pure and thread-safe.
#ifndef MESHDEX_SERVER_AUTH_AUTH_FILE_H_
#define MESHDEX_SERVER_AUTH_AUTH_FILE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/principal.h"
#include "server/auth/sha256.h"

namespace meshdex::auth {

struct TokenEntry {
  Sha256Digest sha256;  // of the bearer token
  Principal principal;  // name and roles
};

// Parses the text of an auth file. Errors are INVALID_ARGUMENT and start with
// the path of the offending value, e.g. `tokens[2].sha256: must be 64 hex
// digits` or `tokens[0].roles[1]: unknown role "owner:" (admin, reader,
// ingest, owner:<domain>)`. A digest is never quoted back: a token pasted into
// the file by mistake must not reach a log.
absl::StatusOr<std::vector<TokenEntry>> ParseAuthFile(absl::string_view yaml);

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_AUTH_FILE_H_
