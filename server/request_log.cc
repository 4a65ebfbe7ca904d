#include "server/request_log.h"

#include "absl/status/status.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/server_context.h"
#include "server/logging.h"

namespace meshdex::server {
namespace {

class SlowGrpcRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  SlowGrpcRequestInterceptor(const SlowRequestLog& log, grpc::experimental::ServerRpcInfo* info)
      : log_(log), info_(info), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const absl::Duration latency = absl::Now() - start_;
      if (log_.IsSlow(latency)) {
        std::string authorization;
        if (const grpc::ServerContextBase* context = info_->server_context(); context != nullptr) {
          const auto& metadata = context->client_metadata();
          if (auto it = metadata.find("authorization"); it != metadata.end()) {
            authorization.assign(it->second.data(), it->second.size());
          }
        }
        // absl and gRPC share the canonical code numbering.
        log_.Observe("grpc", absl::StripPrefix(info_->method() == nullptr ? "" : info_->method(), "/"),
                     absl::StatusCodeToString(
                         static_cast<absl::StatusCode>(methods->GetSendStatus().error_code())),
                     authorization, latency);
      }
    }
    methods->Proceed();
  }

 private:
  const SlowRequestLog& log_;
  grpc::experimental::ServerRpcInfo* const info_;
  const absl::Time start_;
};

}  // namespace

void SlowRequestLog::Observe(absl::string_view transport, absl::string_view rpc,
                             absl::string_view code, absl::string_view authorization,
                             absl::Duration latency) const {
  if (!IsSlow(latency)) return;
  LogRequest(spdlog::level::warn, "slow request",
             {.transport = std::string(transport),
              .rpc = std::string(rpc),
              .code = std::string(code),
              .latency_ms = absl::ToDoubleMilliseconds(latency),
              .principal = Principal(authorization)});
}

std::string SlowRequestLog::Principal(absl::string_view authorization) const {
  if (!gate_.enabled()) return "local";
  absl::StatusOr<auth::Principal> principal = gate_.Authenticate(authorization);
  return principal.ok() ? principal->name : "anonymous";
}

grpc::experimental::Interceptor* SlowGrpcRequestLog::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new SlowGrpcRequestInterceptor(log_, info);
}

}  // namespace meshdex::server
