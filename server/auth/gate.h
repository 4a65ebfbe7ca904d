// Gate: the one place that turns the `authorization` header (HTTP) or
// metadata (gRPC) into a Principal, and decides whether a Principal may do an
// Action in a domain. Shared by the gRPC services and the HTTP gateway.
//
// Authentication: `authorization: Bearer <token>`. The token is hashed with
// SHA-256 and the digest compared with every digest of the auth file in
// constant time, without stopping at a match, so neither the comparison nor
// the position of a token in the file shows in the response time. Missing,
// malformed or unknown tokens are UNAUTHENTICATED; a known principal that may
// not do an operation is PERMISSION_DENIED.
//
// Invariants: a token or its digest never appears in a log line, a status
// message or a Principal. An enabled Gate always holds a valid token table: a
// failed Reload() keeps the previous one.
//
// Thread-safety: all methods are thread-safe. Authenticate() runs
// concurrently with Reload() (from the SIGHUP handler thread): the token table
// is an immutable snapshot swapped under a mutex, so a request sees either the
// old or the new table, never a mix, and connections are not touched.
#ifndef MESHDEX_SERVER_AUTH_GATE_H_
#define MESHDEX_SERVER_AUTH_GATE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/auth_file.h"
#include "server/auth/principal.h"

namespace meshdex::auth {

class Gate {
 public:
  // Auth off: every caller, with or without a token, is Principal{"local",
  // admin}. Only for loopback serving; the daemon says so in its log.
  static std::unique_ptr<Gate> Disabled();

  // Auth on with the tokens of the auth file at `path`. Errors name the file:
  // the code of the errno (e.g. NOT_FOUND) when it cannot be read,
  // INVALID_ARGUMENT (see ParseAuthFile) when it is not a valid auth file.
  static absl::StatusOr<std::unique_ptr<Gate>> FromFile(std::string path);

  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  bool enabled() const { return !path_.empty(); }

  // Re-reads the auth file. On success the new tokens serve every later
  // Authenticate(); on any error the current tokens stay, the error is logged
  // (with the number of tokens kept) and returned. Logs the number of tokens
  // and principals loaded, never a token or a digest. A no-op on a disabled
  // Gate. Concurrent calls are serialised, so the last file read wins.
  absl::Status Reload();

  // `authorization` is the raw header or metadata value, "" when absent. It
  // must be "Bearer <token>" (the scheme in any case). UNAUTHENTICATED
  // "missing bearer token (authorization: Bearer <token>)", "malformed
  // authorization header (expected: Bearer <token>)" or "unknown token".
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;

  // OK when `principal` may do `action` in `domain`; otherwise
  // PERMISSION_DENIED "<principal.Describe()> may not <ActionName(action)> in
  // domain <domain> (needs ...)", or "... may not write global policies
  // (needs admin)" for kWritePolicy with an empty domain. `domain` matters
  // only for kWriteProduct and kWritePolicy.
  static absl::Status Authorize(const Principal& principal, Action action,
                                absl::string_view domain);

 private:
  using TokenTable = std::vector<TokenEntry>;

  explicit Gate(std::string path);

  // Reads and parses path_; errors are prefixed with the path.
  absl::StatusOr<std::shared_ptr<const TokenTable>> LoadFile() const;
  std::shared_ptr<const TokenTable> Snapshot() const;

  const std::string path_;  // empty when disabled
  absl::Mutex reload_mu_;   // serialises Reload(): read + swap
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenTable> tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_GATE_H_
