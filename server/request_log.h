// Slow-request log: requests (gRPC and HTTP) that take at least
// --slow_request_ms are logged at warn with their rpc, code, latency_ms,
// principal and transport, as fields of the JSON line with
// --log_format=json, as key=value pairs in text (see server/logging.h).
//
// SlowGrpcRequestLog is a gRPC server interceptor factory; the HTTP gateway
// reports through SlowRequestLog::ObserveHttp (GatewayServices::observe_request).
// The principal is only worked out (token hashed and looked up) for a slow
// request, so fast requests pay nothing beyond a clock read.
//
// Thread-safety: thread-safe; the Gate is thread-safe and outlives the log.
#ifndef MESHDEX_SERVER_REQUEST_LOG_H_
#define MESHDEX_SERVER_REQUEST_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "server/auth/gate.h"

namespace meshdex::server {

class SlowRequestLog {
 public:
  // `threshold` <= 0 turns the log off.
  SlowRequestLog(const auth::Gate& gate, absl::Duration threshold)
      : gate_(gate), threshold_(threshold) {}

  bool enabled() const { return threshold_ > absl::ZeroDuration(); }
  bool IsSlow(absl::Duration latency) const { return enabled() && latency >= threshold_; }

  // Logs the request when it is slow. `rpc` is e.g.
  // "meshdex.v1.CatalogService/GetProduct" or "GET /v1/products/{domain}/{name}",
  // `code` a canonical code name (gRPC) or an HTTP status.
  void Observe(absl::string_view transport, absl::string_view rpc, absl::string_view code,
               absl::string_view authorization, absl::Duration latency) const;

 private:
  // The caller as the audit log names it: the token's principal, "local"
  // without an auth file, "anonymous" without a valid token.
  std::string Principal(absl::string_view authorization) const;

  const auth::Gate& gate_;
  const absl::Duration threshold_;
};

class SlowGrpcRequestLog final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `log` must outlive the factory.
  explicit SlowGrpcRequestLog(const SlowRequestLog& log) : log_(log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const SlowRequestLog& log_;
};

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_REQUEST_LOG_H_
