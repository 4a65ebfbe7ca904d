// GrpcMetricsInterceptorFactory: a gRPC server interceptor that counts every
// RPC and records its latency, per service, method and status code:
//
//   meshdex_grpc_requests_total{service,method,code}
//   meshdex_grpc_request_duration_seconds{service,method,code}   (histogram)
//
// Latency runs from the interceptor's creation (the call arrived) to the
// moment its status is sent; for a server stream that is the stream's life.
// Register with ServerBuilder::experimental().SetInterceptorCreators().
//
// Thread-safety: thread-safe; gRPC creates one interceptor per call.
#ifndef MESHDEX_SERVER_METRICS_GRPC_INTERCEPTOR_H_
#define MESHDEX_SERVER_METRICS_GRPC_INTERCEPTOR_H_

#include "grpcpp/support/server_interceptor.h"
#include "server/metrics/registry.h"

namespace meshdex::metrics {

class GrpcMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // Adds the two families to `registry`, which must outlive the factory.
  explicit GrpcMetricsInterceptorFactory(Registry& registry);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Counter& requests_;
  Histogram& latency_;
};

}  // namespace meshdex::metrics

#endif  // MESHDEX_SERVER_METRICS_GRPC_INTERCEPTOR_H_
