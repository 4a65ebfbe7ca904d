#include "tests/testing/health_probe.h"

#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"

namespace meshdex::testing {

grpc::health::v1::HealthCheckResponse::ServingStatus ProbeUntilServing(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse::ServingStatus status =
      grpc::health::v1::HealthCheckResponse::UNKNOWN;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    grpc::health::v1::HealthCheckRequest probe;
    probe.set_service(service);
    grpc::health::v1::HealthCheckResponse probed;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::Status call = health->Check(&context, probe, &probed);
    status = call.ok() ? probed.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
    if (status == grpc::health::v1::HealthCheckResponse::SERVING) break;
    absl::SleepFor(absl::Milliseconds(20));  // polling, bounded by the deadline
  }
  return status;
}

}  // namespace meshdex::testing
