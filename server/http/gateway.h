// HttpGateway: the HTTP listener of meshdexd (cpp-httplib). It serves
//  * the JSON API: /v1/products, /v1/products/{domain}/{name} (GET, PUT,
//    DELETE), .../revisions, /v1/search, /v1/suggest, /v1/resolve,
//    governance (/v1/policies, /v1/policies/{name} and
//    /v1/policies/{domain}/{name} (GET, DELETE), /v1/evaluate,
//    /v1/scorecard), /v1/lineage, /v1/runs, and the OpenLineage endpoint
//    /api/v1/lineage (POST events, GET a Marquez-shaped graph) — see
//    api_handlers.h;
//  * /healthz (the process is up), /readyz (ready to answer), /metrics
//    (Prometheus text, including this gateway's request metrics);
//  * the web UI: / , /products/{domain}/{name} and /datasets/{...} answer the
//    single-page app's index.html, its files are below /ui/ (ui_assets.h);
//  * /graphql (POST, GET), forwarded to the GraphQL gateway (graphql_proxy.h).
//
// Limits: a bounded pool of GatewayOptions::threads workers; a body declared
// larger than max_body_bytes is refused with 413 before it is read (also on
// `Expect: 100-continue`), a chunked body that grows past it is cut off with
// 413; every read or write stall and every idle keep-alive connection is
// bounded by io_timeout. Errors always have the body {"code","message"}.
//
// Metrics (families added to GatewayServices::metrics):
//   meshdex_http_requests_total{method,route,code}
//   meshdex_http_request_duration_seconds{method,route,code}  (histogram)
// `route` is the route template (e.g. /v1/products/{domain}/{name}), or
// "other" for requests no route took (unknown path, refused before routing).
//
// Thread-safety: Start/Stop from one thread; handlers run on the worker pool.
#ifndef MESHDEX_SERVER_HTTP_GATEWAY_H_
#define MESHDEX_SERVER_HTTP_GATEWAY_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/http/api_handlers.h"
#include "server/http/graphql_proxy.h"
#include "server/http/services.h"
#include "server/http/ui_assets.h"
#include "server/listen_address.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace meshdex::http {

class HttpGateway {
 public:
  HttpGateway(GatewayServices services, GatewayOptions options);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // Binds (port 0 picks a free one) and serves in a background thread.
  // Returns the bound address.
  absl::StatusOr<server::ListenAddress> Start(const server::ListenAddress& address);
  // Stops accepting and joins the serving thread. Idempotent.
  void Stop();

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using BodyHandler =
      std::function<void(const httplib::Request&, const std::string& body, httplib::Response&)>;

  // Who may use a route. Writes name their target domain only in their path
  // or body, so their handlers admit them (services_.gatekeeper).
  enum class Access { kPublic, kRead, kMetrics, kWriteInHandler };

  void RegisterRoutes();
  // Registers `handler` for `method` (GET or DELETE) on the route template
  // `route`: "{name}" matches one path segment, "{name...}" the rest of the
  // path; captures are request.matches[1...]. Admits the caller for `access`
  // and records the request metrics.
  void Route(const std::string& method, const std::string& route, Access access, Handler handler);
  // POST or PUT: the body is read (bounded) before `handler` runs.
  void BodyRoute(const std::string& method, const std::string& route, Access access,
                 BodyHandler handler);
  // Whether the caller may use a route of `access`; answers 401 or 403 (and
  // the gatekeeper audits it) when not.
  bool Admitted(Access access, const std::string& method, const std::string& route,
                const httplib::Request& request, httplib::Response& response) const;
  void ServeAsset(const httplib::Request& request, httplib::Response& response,
                  const std::string& path) const;
  // Whether the request declares a body over the limit; answers 413 if so.
  bool RefuseOversizedBody(const httplib::Request& request, httplib::Response& response);
  void Record(const httplib::Request& request, const std::string& route, int status,
              absl::Duration latency);

  const GatewayServices services_;
  const GatewayOptions options_;
  const ApiHandlers api_;
  const UiAssets ui_;
  const GraphqlProxy graphql_;
  metrics::Counter& requests_;
  metrics::Histogram& latency_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_GATEWAY_H_
