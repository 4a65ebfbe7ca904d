#include "server/auth/gatekeeper.h"

#include "spdlog/spdlog.h"

namespace meshdex::auth {
namespace {

constexpr absl::string_view kAnonymous = "anonymous";

}  // namespace

absl::StatusOr<Principal> Gatekeeper::Admit(absl::string_view authorization,
                                            const Request& request) const {
  absl::StatusOr<Principal> principal = gate_.Authenticate(authorization);
  if (!principal.ok()) {
    Record(kAnonymous, request, principal.status(), 0, 0);
    return principal.status();
  }
  if (absl::Status allowed = Gate::Authorize(*principal, request.action, request.domain);
      !allowed.ok()) {
    Record(principal->name, request, allowed, 0, 0);
    return allowed;
  }
  return principal;
}

void Gatekeeper::RecordWrite(const Principal& principal, const Request& request,
                             const absl::Status& outcome, int64_t revision,
                             uint64_t sequence) const {
  // The server's own failures (disk full, I/O errors, corruption) are the
  // operator's business; a refused bad request is the caller's.
  if (absl::IsUnavailable(outcome) || absl::IsInternal(outcome) || absl::IsDataLoss(outcome)) {
    spdlog::error("{} {} of {} by {} failed: {}", std::string(request.transport),
                  std::string(request.operation), std::string(request.target), principal.name,
                  outcome.ToString());
  }
  Record(principal.name, request, outcome, revision, sequence);
}

void Gatekeeper::Record(absl::string_view principal, const Request& request,
                        const absl::Status& outcome, int64_t revision, uint64_t sequence) const {
  meshdex::v1::AuditEntry entry;
  entry.set_principal(std::string(principal));
  entry.set_operation(std::string(request.operation));
  entry.set_target(std::string(request.target));
  entry.set_revision(revision);
  entry.set_sequence(sequence);
  entry.set_code(absl::StatusCodeToString(outcome.code()));
  entry.set_transport(std::string(request.transport));
  audit_.Record(std::move(entry));
}

}  // namespace meshdex::auth
