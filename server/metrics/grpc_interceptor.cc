#include "server/metrics/grpc_interceptor.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace meshdex::metrics {
namespace {

class GrpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  GrpcMetricsInterceptor(absl::string_view full_method, Counter& requests, Histogram& latency)
      : start_(absl::Now()), requests_(requests), latency_(latency) {
    // "/meshdex.v1.CatalogService/GetProduct" -> service, method.
    absl::string_view name = absl::StripPrefix(full_method, "/");
    const size_t slash = name.rfind('/');
    service_ = std::string(slash == absl::string_view::npos ? "" : name.substr(0, slash));
    method_ = std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      // absl and gRPC share the canonical code numbering.
      const std::string code = absl::StatusCodeToString(
          static_cast<absl::StatusCode>(methods->GetSendStatus().error_code()));
      const LabelValues labels = {service_, method_, code};
      requests_.Increment(labels);
      latency_.Observe(labels, absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  const absl::Time start_;
  Counter& requests_;
  Histogram& latency_;
  std::string service_;
  std::string method_;
};

}  // namespace

GrpcMetricsInterceptorFactory::GrpcMetricsInterceptorFactory(Registry& registry)
    : requests_(registry.AddCounter("meshdex_grpc_requests_total",
                                    "gRPC calls handled, by service, method and status code.",
                                    {"service", "method", "code"})),
      latency_(registry.AddHistogram(
          "meshdex_grpc_request_duration_seconds",
          "gRPC call latency from arrival to status, by service, method and status code.",
          {"service", "method", "code"}, LatencyBuckets())) {}

grpc::experimental::Interceptor* GrpcMetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const char* method = info->method();
  return new GrpcMetricsInterceptor(method == nullptr ? "" : method, requests_, latency_);
}

}  // namespace meshdex::metrics
