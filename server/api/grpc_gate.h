// GrpcGate: the gRPC side of auth::Gatekeeper. Reads the caller's
// `authorization` metadata, admits or refuses the call (UNAUTHENTICATED,
// PERMISSION_DENIED, audited), and audits the outcome of every write it lets
// through. Every service method starts with one of its calls.
//
// Thread-safety: thread-safe (stateless over a thread-safe Gatekeeper).
#ifndef MESHDEX_SERVER_API_GRPC_GATE_H_
#define MESHDEX_SERVER_API_GRPC_GATE_H_

#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "grpcpp/server_context.h"
#include "server/api/status.h"
#include "server/auth/gatekeeper.h"

namespace meshdex::api {

inline constexpr absl::string_view kGrpcTransport = "grpc";

class GrpcGate {
 public:
  explicit GrpcGate(const auth::Gatekeeper& gatekeeper) : gatekeeper_(gatekeeper) {}

  // OK when the caller may do `action` (a read, ingest or admin operation:
  // no target domain).
  grpc::Status Admit(const grpc::ServerContext& context, absl::string_view operation,
                     auth::Action action) const {
    absl::StatusOr<auth::Principal> principal =
        gatekeeper_.Admit(Authorization(context), {kGrpcTransport, operation, action, "", ""});
    return ToGrpcStatus(principal.status());
  }

  // A call without a target domain (read, ingest, admin): admitted, then
  // `call` answers it.
  template <typename Response>
  grpc::Status Call(const grpc::ServerContext& context, absl::string_view operation,
                    auth::Action action, absl::FunctionRef<absl::StatusOr<Response>()> call,
                    Response* response) const {
    if (grpc::Status denied = Admit(context, operation, action); !denied.ok()) return denied;
    return Respond(call(), response);
  }

  // A write: admitted for request.domain, then `write` runs and its outcome
  // is audited with the (revision, sequence) `written` reads from a success.
  template <typename Response>
  grpc::Status Write(const grpc::ServerContext& context, const auth::Gatekeeper::Request& request,
                     absl::FunctionRef<absl::StatusOr<Response>()> write,
                     absl::FunctionRef<std::pair<int64_t, uint64_t>(const Response&)> written,
                     Response* response) const {
    absl::StatusOr<auth::Principal> principal = gatekeeper_.Admit(Authorization(context), request);
    if (!principal.ok()) return ToGrpcStatus(principal.status());
    absl::StatusOr<Response> result = write();
    const std::pair<int64_t, uint64_t> wrote =
        result.ok() ? written(*result) : std::pair<int64_t, uint64_t>(0, 0);
    gatekeeper_.RecordWrite(*principal, request, result.status(), wrote.first, wrote.second);
    return Respond(std::move(result), response);
  }

  const auth::Gatekeeper& gatekeeper() const { return gatekeeper_; }

  // The `authorization` metadata of the call, "" when absent.
  static std::string Authorization(const grpc::ServerContext& context) {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find("authorization");
    return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
  }

 private:
  const auth::Gatekeeper& gatekeeper_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_GRPC_GATE_H_
