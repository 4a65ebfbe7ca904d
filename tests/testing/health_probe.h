// ProbeUntilServing: waits (bounded) until a meshdexd reports a service as
// SERVING on grpc.health.v1.Health; "meshdex.v1.SearchService" turns SERVING
// once the search index has caught up with the store as it was at start.
// For tests and test tools only.
#ifndef MESHDEX_TESTS_TESTING_HEALTH_PROBE_H_
#define MESHDEX_TESTS_TESTING_HEALTH_PROBE_H_

#include <memory>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"

namespace meshdex::testing {

// Polls Health/Check for `service` (bounded: 30 s) until it is SERVING;
// returns the last status seen (UNKNOWN after a failed call).
grpc::health::v1::HealthCheckResponse::ServingStatus ProbeUntilServing(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service);

}  // namespace meshdex::testing

#endif  // MESHDEX_TESTS_TESTING_HEALTH_PROBE_H_
