// Gatekeeper: what both transports (gRPC services, HTTP gateway) do for every
// API request, so the rules are one piece of code: authenticate the caller
// (Gate::Authenticate), authorize the action on its target domain
// (Gate::Authorize), and record every denial and every write's outcome in
// the audit log.
//
// Invariants: an audit entry names the principal ("anonymous" when the
// caller could not be authenticated), never a token.
//
// Thread-safety: thread-safe (Gate and AuditLog are).
#ifndef MESHDEX_SERVER_AUTH_GATEKEEPER_H_
#define MESHDEX_SERVER_AUTH_GATEKEEPER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/audit_log.h"
#include "server/auth/gate.h"
#include "server/auth/principal.h"

namespace meshdex::auth {

class Gatekeeper {
 public:
  Gatekeeper(const Gate& gate, AuditLog& audit) : gate_(gate), audit_(audit) {}

  // One request, as the audit log records it.
  struct Request {
    // "grpc" or "http".
    absl::string_view transport;
    // The RPC, also for HTTP requests: "CatalogService.ApplyProduct".
    absl::string_view operation;
    Action action = Action::kRead;
    // Domain the write targets ("" = global, for policies).
    absl::string_view domain;
    // URN (or what was asked for) of the target.
    absl::string_view target;
  };

  // The caller, when `authorization` (the header or metadata value, "" when
  // absent) authenticates it and it may do the request; otherwise
  // UNAUTHENTICATED or PERMISSION_DENIED, recorded in the audit log.
  absl::StatusOr<Principal> Admit(absl::string_view authorization, const Request& request) const;

  // Records the outcome of a write Admit let through: the revision and
  // change-log sequence it wrote (0 when none), or its error.
  void RecordWrite(const Principal& principal, const Request& request, const absl::Status& outcome,
                   int64_t revision, uint64_t sequence) const;

  bool auth_enabled() const { return gate_.enabled(); }

 private:
  void Record(absl::string_view principal, const Request& request, const absl::Status& outcome,
              int64_t revision, uint64_t sequence) const;

  const Gate& gate_;
  AuditLog& audit_;
};

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_GATEKEEPER_H_
