// GraphqlProxy: forwards meshdexd's /graphql (POST, and GET with ?query=) to
// the GraphQL gateway (clients/graphql, a separate Node.js process on
// graphql-js), so GraphQL is served on meshdexd's own HTTP address and the
// web UI's query page is same-origin.
//
// The request body, its Content-Type and Accept, and the caller's
// Authorization header are passed on unchanged: the gateway forwards the
// header to meshdexd's gRPC API, where the one gatekeeper decides, so the
// proxy itself admits everyone. The gateway's status, Content-Type and body
// come back unchanged. When no upstream is configured, or it cannot be
// reached in time, the answer is 503 with the error body {"code","message"}.
//
// Thread-safety: Forward may be called concurrently (one client connection
// per request; the loopback hop costs a connect).
#ifndef MESHDEX_SERVER_HTTP_GRAPHQL_PROXY_H_
#define MESHDEX_SERVER_HTTP_GRAPHQL_PROXY_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/listen_address.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace meshdex::http {

class GraphqlProxy {
 public:
  // Whether `upstream` (the --graphql_upstream flag) is empty or a host:port
  // with a port other than 0; INVALID_ARGUMENT naming the flag otherwise.
  static absl::Status CheckUpstream(const std::string& upstream);

  // `upstream`: the gateway's host:port, valid by CheckUpstream (empty:
  // GraphQL is not configured). `timeout`: longest connect, read or write
  // stall towards it.
  GraphqlProxy(const std::string& upstream, absl::Duration timeout);

  // Answers `request` (whose body has been read into `body`) with the
  // gateway's answer.
  void Forward(const httplib::Request& request, const std::string& body,
               httplib::Response& response) const;

 private:
  const std::optional<server::ListenAddress> upstream_;
  const absl::Duration timeout_;
};

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_GRAPHQL_PROXY_H_
