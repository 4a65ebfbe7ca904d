#include "clients/cpp/meshdex_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"

namespace meshdex::client {
namespace {

std::chrono::system_clock::time_point ToChrono(absl::Time time) { return absl::ToChronoTime(time); }

}  // namespace

bool IsSendableToken(absl::string_view token) {
  return !token.empty() &&
         std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c <= '~'; });
}

absl::Duration Backoff(const RetryPolicy& policy, int retry) {
  if (retry < 1) return absl::ZeroDuration();
  const double factor = std::pow(std::max(policy.multiplier, 1.0), retry - 1);
  // Compare in seconds first: a large factor would overflow the Duration.
  const double seconds = absl::ToDoubleSeconds(policy.initial_backoff) * factor;
  if (!std::isfinite(seconds) || seconds >= absl::ToDoubleSeconds(policy.max_backoff)) {
    return policy.max_backoff;
  }
  return absl::Seconds(seconds);
}

grpc::Status RetryUnavailable(const RetryPolicy& policy, absl::Time deadline,
                              absl::FunctionRef<grpc::Status(absl::Time deadline)> attempt) {
  grpc::Status status = attempt(deadline);
  for (int retry = 1; retry < policy.max_attempts; ++retry) {
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    const absl::Duration wait = Backoff(policy, retry);
    // A retry that could not even start before the deadline is not made.
    if (absl::Now() + wait >= deadline) break;
    absl::SleepFor(wait);
    status = attempt(deadline);
  }
  return status;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const TlsOptions& tls) {
  if (tls.cert_chain.empty() != tls.private_key.empty()) {
    return absl::InvalidArgumentError(
        "TLS client certificate: give both the certificate chain and its private key, or neither");
  }
  if (tls.root_certs.empty() && tls.cert_chain.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.root_certs;
  options.pem_cert_chain = tls.cert_chain;
  options.pem_private_key = tls.private_key;
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(ClientOptions options) {
  if (!options.token.empty() && !IsSendableToken(options.token)) {
    return absl::InvalidArgumentError("token: must be printable ASCII without spaces");
  }
  if (options.retry.max_attempts < 1) {
    return absl::InvalidArgumentError("retry.max_attempts: must be at least 1");
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentials(options.tls);
  if (!credentials.ok()) return credentials.status();
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(options.server, *credentials);
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(channel)));
}

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      catalog_(meshdex::v1::CatalogService::NewStub(channel_)),
      search_(meshdex::v1::SearchService::NewStub(channel_)),
      lineage_(meshdex::v1::LineageService::NewStub(channel_)),
      governance_(meshdex::v1::GovernanceService::NewStub(channel_)),
      admin_(meshdex::v1::AdminService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Client::NewContext(std::optional<absl::Time> deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (deadline.has_value()) context->set_deadline(ToChrono(*deadline));
  if (!options_.token.empty()) context->AddMetadata("authorization", "Bearer " + options_.token);
  return context;
}

absl::Status Client::ToStatus(const grpc::Status& status) {
  // absl and gRPC share the canonical code numbering.
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace meshdex::client
