#include "server/http/graphql_proxy.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "server/http/response.h"
#include "server/listen_address.h"

namespace meshdex::http {
namespace {

constexpr char kUpstreamFlag[] = "--graphql_upstream";

// Headers of the caller the gateway needs: its GraphQL-over-HTTP content
// negotiation and the credentials meshdexd checks.
constexpr const char* kForwardedHeaders[] = {"Authorization", "Accept"};

}  // namespace

absl::Status GraphqlProxy::CheckUpstream(const std::string& upstream) {
  if (upstream.empty()) return absl::OkStatus();
  absl::StatusOr<server::ListenAddress> address = server::ParseListenAddress(upstream, kUpstreamFlag);
  if (!address.ok()) return address.status();
  if (address->port == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(kUpstreamFlag, ": the gateway's port is needed, not 0, in \"", upstream, "\""));
  }
  return absl::OkStatus();
}

GraphqlProxy::GraphqlProxy(const std::string& upstream, absl::Duration timeout)
    : upstream_(CheckUpstream(upstream).ok() && !upstream.empty()
                    ? std::optional<server::ListenAddress>(
                          *server::ParseListenAddress(upstream, kUpstreamFlag))
                    : std::nullopt),
      timeout_(timeout) {}

void GraphqlProxy::Forward(const httplib::Request& request, const std::string& body,
                           httplib::Response& response) const {
  if (!upstream_.has_value()) {
    SendError(response, absl::UnavailableError(
                            "GraphQL is not configured: run the GraphQL gateway (clients/graphql) "
                            "and start meshdexd with --graphql_upstream=HOST:PORT"));
    return;
  }
  httplib::Client client(upstream_->host, upstream_->port);
  const int64_t micros = absl::ToInt64Microseconds(timeout_);
  client.set_connection_timeout(micros / 1000000, micros % 1000000);
  client.set_read_timeout(micros / 1000000, micros % 1000000);
  client.set_write_timeout(micros / 1000000, micros % 1000000);
  httplib::Headers headers;
  for (const char* name : kForwardedHeaders) {
    if (request.has_header(name)) headers.emplace(name, request.get_header_value(name));
  }
  const httplib::Result result =
      request.method == "POST"
          ? client.Post(request.target, headers, body,
                        request.get_header_value("Content-Type").c_str())
          : client.Get(request.target, headers);
  if (!result) {
    SendError(response, absl::UnavailableError(absl::StrCat("GraphQL gateway at ", upstream_->ToString(),
                                                            " did not answer: ",
                                                            httplib::to_string(result.error()))));
    return;
  }
  response.status = result->status;
  response.set_content(result->body, result->get_header_value("Content-Type").c_str());
}

}  // namespace meshdex::http
