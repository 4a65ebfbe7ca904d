// meshdex::client: a small C++ client library for meshdexd's gRPC API, used
// by meshdexctl and meant for services that look products up.
//
//   meshdex::client::ClientOptions options;
//   options.server = "meshdex.meshdex.svc:50051";
//   options.token = std::getenv("MESHDEX_TOKEN");          // optional
//   absl::StatusOr<std::unique_ptr<meshdex::client::Client>> client =
//       meshdex::client::Client::Connect(options);
//   meshdex::v1::GetProductRequest request;
//   request.set_urn("urn:dp:sales:orders");
//   absl::StatusOr<meshdex::v1::DataProduct> product = (*client)->Call(
//       &meshdex::v1::CatalogService::Stub::GetProduct, (*client)->catalog(), request);
//
// What it adds to the generated stubs:
//  - one channel, plaintext or TLS (optionally mutual) from PEM text, with
//    the stubs of every meshdex service on it;
//  - `authorization: Bearer <token>` on every call when a token is set;
//  - a deadline per call (ClientOptions::deadline, or the `deadline`
//    argument): it bounds the whole call, retries included;
//  - retries of calls that fail with UNAVAILABLE (server not up yet,
//    restarting, connection refused, or a Search whose min_sequence the
//    index has not reached), with exponential backoff bounded by
//    RetryPolicy, never beyond the deadline. Every other code is returned
//    at once. All meshdex writes are idempotent by content (applying the same
//    descriptor again is UNCHANGED; an OpenLineage run event is keyed by its
//    runId), so retrying them is safe;
//  - absl::Status / absl::StatusOr results (gRPC codes map 1:1).
//
// Thread-safety: a Client is thread-safe after Connect (gRPC channels and
// stubs are); it must outlive the calls made through it.
#ifndef MESHDEX_CLIENTS_CPP_MESHDEX_CLIENT_H_
#define MESHDEX_CLIENTS_CPP_MESHDEX_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"

namespace meshdex::client {

// Retries of UNAVAILABLE: the wait before retry n (1-based) is
// min(initial_backoff * multiplier^(n-1), max_backoff).
struct RetryPolicy {
  // Attempts in all, the first included; 1 = no retries.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  double multiplier = 2.0;
  absl::Duration max_backoff = absl::Seconds(2);
};

// The wait before retry `retry` (1 = the first retry) under `policy`.
absl::Duration Backoff(const RetryPolicy& policy, int retry);

// PEM text (not file names) of the TLS material; all empty = plaintext.
struct TlsOptions {
  // Roots the server's certificate must chain to; empty with a client
  // certificate = the system roots.
  std::string root_certs;
  // Client certificate chain and its key, for mutual TLS; both or neither.
  std::string cert_chain;
  std::string private_key;
};

struct ClientOptions {
  // meshdexd's gRPC address, HOST:PORT.
  std::string server = "127.0.0.1:50051";
  // Bearer token sent with every call; empty = none.
  std::string token;
  TlsOptions tls;
  // Default deadline of each call (retries included).
  absl::Duration deadline = absl::Seconds(30);
  RetryPolicy retry;
};

// Whether `token` can be sent as a bearer token: non-empty printable ASCII
// without spaces (what an HTTP/2 header value may carry after "Bearer ").
bool IsSendableToken(absl::string_view token);

// TLS credentials when `tls` has any PEM text, plaintext otherwise.
// INVALID_ARGUMENT when only half of the client certificate pair is given.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(
    const TlsOptions& tls);

// Runs `attempt` until it succeeds, fails with a code other than
// UNAVAILABLE, `policy.max_attempts` is reached, or the next backoff would
// end after `deadline`; returns the last status. `attempt` gets the deadline.
// (The engine behind Client::Call, separate so it can be tested alone.)
grpc::Status RetryUnavailable(const RetryPolicy& policy, absl::Time deadline,
                              absl::FunctionRef<grpc::Status(absl::Time deadline)> attempt);

class Client {
 public:
  // Creates the channel (lazily connected: an unreachable server shows as
  // UNAVAILABLE on the first call, not here). Fails for bad TLS options or
  // a token that cannot be sent (not printable ASCII, or with spaces).
  static absl::StatusOr<std::unique_ptr<Client>> Connect(ClientOptions options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const ClientOptions& options() const { return options_; }
  meshdex::v1::CatalogService::Stub& catalog() const { return *catalog_; }
  meshdex::v1::SearchService::Stub& search() const { return *search_; }
  meshdex::v1::LineageService::Stub& lineage() const { return *lineage_; }
  meshdex::v1::GovernanceService::Stub& governance() const { return *governance_; }
  meshdex::v1::AdminService::Stub& admin() const { return *admin_; }

  // A context carrying the token and, unless `deadline` is nullopt
  // (streams that run until stopped), that deadline. For calls made on the
  // stubs directly (streams, or when retries are not wanted).
  std::unique_ptr<grpc::ClientContext> NewContext(std::optional<absl::Time> deadline) const;
  // NewContext(now + options().deadline).
  std::unique_ptr<grpc::ClientContext> NewContext() const {
    return NewContext(absl::Now() + options_.deadline);
  }

  // A unary call with the token, the deadline (`timeout`, default
  // options().deadline) and retries on UNAVAILABLE:
  //   client->Call(&meshdex::v1::SearchService::Stub::Search, client->search(), request)
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                Stub& stub, const Request& request,
                                std::optional<absl::Duration> timeout = std::nullopt) const {
    Response response;
    grpc::Status status = RetryUnavailable(
        options_.retry, absl::Now() + timeout.value_or(options_.deadline),
        [&](absl::Time deadline) {
          response.Clear();
          return (stub.*method)(NewContext(deadline).get(), request, &response);
        });
    if (!status.ok()) return ToStatus(status);
    return response;
  }

  static absl::Status ToStatus(const grpc::Status& status);

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  const ClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  const std::unique_ptr<meshdex::v1::SearchService::Stub> search_;
  const std::unique_ptr<meshdex::v1::LineageService::Stub> lineage_;
  const std::unique_ptr<meshdex::v1::GovernanceService::Stub> governance_;
  const std::unique_ptr<meshdex::v1::AdminService::Stub> admin_;
};

}  // namespace meshdex::client

#endif  // MESHDEX_CLIENTS_CPP_MESHDEX_CLIENT_H_
