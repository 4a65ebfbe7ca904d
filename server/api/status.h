// Conversion between absl::Status (the core's error type) and grpc::Status
// (the wire's), and the one-line adapter every unary RPC uses.
#ifndef MESHDEX_SERVER_API_STATUS_H_
#define MESHDEX_SERVER_API_STATUS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/status.h"

namespace meshdex::api {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl and gRPC share the canonical code numbering.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

// Moves a successful result into `*response`, or returns the error.
template <typename Response>
grpc::Status Respond(absl::StatusOr<Response> result, Response* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_STATUS_H_
