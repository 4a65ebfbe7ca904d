#include "server/http/gateway.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"
#include "server/http/compression.h"
#include "server/http/response.h"
#include "spdlog/spdlog.h"

namespace meshdex::http {
namespace {

// The route label of requests no route took.
constexpr char kOtherRoute[] = "other";

// Longest stall waiting for the GraphQL gateway (which gives each of its own
// calls to meshdexd 10 s).
constexpr absl::Duration kGraphqlUpstreamTimeout = absl::Seconds(30);

// "/v1/products/{domain}/{name}" -> "/v1/products/([^/]+)/([^/]+)";
// "{path...}" -> "(.+)". Literal characters are escaped.
std::string PatternFor(const std::string& route) {
  std::string pattern;
  for (size_t i = 0; i < route.size(); ++i) {
    if (route[i] == '{') {
      const size_t close = route.find('}', i);
      const bool rest = route.compare(close - 3, 3, "...") == 0;
      pattern += rest ? "(.+)" : "([^/]+)";
      i = close;
    } else if (std::string_view("\\^$.|?*+()[]").find(route[i]) != std::string_view::npos) {
      pattern += '\\';
      pattern += route[i];
    } else {
      pattern += route[i];
    }
  }
  return pattern;
}

// Hands httplib the finished body, gzip-compressed when the client takes it,
// as a fixed-length content provider: httplib sends those as they are
// instead of compressing them itself (see compression.h).
void FinishBody(const httplib::Request& request, httplib::Response& response) {
  if (response.body.empty()) return;
  const std::string content_type = response.get_header_value("Content-Type");
  auto body = std::make_shared<std::string>(std::move(response.body));
  response.body.clear();
  if (IsCompressible(content_type)) {
    response.set_header("Vary", "Accept-Encoding");
    if (body->size() >= kMinCompressBytes &&
        AcceptsGzip(request.get_header_value("Accept-Encoding"))) {
      if (std::optional<std::string> compressed = Gzip(*body); compressed.has_value()) {
        *body = *std::move(compressed);
        response.set_header("Content-Encoding", "gzip");
      }
    }
  }
  response.headers.erase("Content-Type");
  response.set_content_provider(body->size(), content_type,
                                [body](size_t offset, size_t length, httplib::DataSink& sink) {
                                  return sink.write(body->data() + offset, length);
                                });
}

// 413 with the error body. The rest of the body stays unread, so the
// connection cannot carry another request.
void SendBodyTooLarge(httplib::Response& response, size_t limit) {
  SendError(response,
            absl::ResourceExhaustedError(absl::StrCat("request body larger than the limit of ",
                                                      limit, " bytes (--http_max_body_bytes)")),
            413);
  response.set_header("Connection", "close");
}

// Message of an error httplib raised itself.
std::string HttpLayerErrorMessage(const httplib::Request& request, int http_status) {
  if (http_status == 404) return absl::StrCat("no route for ", request.method, " ", request.path);
  return absl::StrCat("HTTP status ", http_status);
}

// Headers of the UI's HTML: scripts and styles only from this origin (the
// graph library sets inline styles on its elements).
void AddPageSecurityHeaders(httplib::Response& response) {
  response.set_header("Content-Security-Policy",
                      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                      "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  response.set_header("Referrer-Policy", "same-origin");
}

// Plain HTTP, or HTTPS when the options name a certificate and key.
std::unique_ptr<httplib::Server> NewServer(const GatewayOptions& options) {
  if (options.tls_cert.empty() || options.tls_key.empty()) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(
      options.tls_cert.c_str(), options.tls_key.c_str(),
      options.tls_client_ca.empty() ? nullptr : options.tls_client_ca.c_str());
}

}  // namespace

HttpGateway::HttpGateway(GatewayServices services, GatewayOptions options)
    : services_(std::move(services)),
      options_(std::move(options)),
      api_(services_),
      ui_(options_.ui_dir),
      graphql_(options_.graphql_upstream, kGraphqlUpstreamTimeout),
      requests_(services_.metrics->AddCounter(
          "meshdex_http_requests_total",
          "HTTP requests answered, by method, route template and status code.",
          {"method", "route", "code"})),
      latency_(services_.metrics->AddHistogram(
          "meshdex_http_request_duration_seconds",
          "HTTP request latency in the handler, by method, route template and status code.",
          {"method", "route", "code"}, metrics::LatencyBuckets())),
      server_(NewServer(options_)) {
  const int64_t io_micros = std::max<int64_t>(absl::ToInt64Microseconds(options_.io_timeout), 1);
  server_->set_read_timeout(io_micros / 1000000, io_micros % 1000000);
  server_->set_write_timeout(io_micros / 1000000, io_micros % 1000000);
  // Keep-alive idle time has whole seconds only.
  server_->set_keep_alive_timeout(std::max<time_t>(1, (io_micros + 999999) / 1000000));
  server_->set_keep_alive_max_count(100);
  server_->set_tcp_nodelay(true);
  server_->set_payload_max_length(options_.max_body_bytes);
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_default_headers({{"X-Content-Type-Options", "nosniff"}});

  server_->set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        return RefuseOversizedBody(request, response) ? httplib::Server::HandlerResponse::Handled
                                                      : httplib::Server::HandlerResponse::Unhandled;
      });
  server_->set_expect_100_continue_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        return RefuseOversizedBody(request, response) ? 413 : 100;
      });
  // Errors httplib raises itself (no route, malformed request, a body over
  // the backstop limit) come without content: give them the error shape.
  // Responses of the handlers have their content (and its type) already.
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty() || response.has_header("Content-Type")) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        if (response.status == 413) {
          SendBodyTooLarge(response, options_.max_body_bytes);
        } else {
          SendError(response,
                    absl::Status(StatusCodeForHttp(response.status),
                                 HttpLayerErrorMessage(request, response.status)),
                    response.status);
        }
        FinishBody(request, response);
        requests_.Increment({request.method, kOtherRoute, absl::StrCat(response.status)});
        return httplib::Server::HandlerResponse::Handled;
      }));
  server_->set_exception_handler([this](const httplib::Request& request,
                                        httplib::Response& response, std::exception_ptr error) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      // Not a std::exception: the generic text stays.
    }
    spdlog::error("http: {} {}: {}", request.method, request.path, what);
    SendError(response, absl::InternalError("internal error"));
    FinishBody(request, response);
    requests_.Increment({request.method, kOtherRoute, "500"});
  });
  RegisterRoutes();
}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::RegisterRoutes() {
  Route("GET", "/healthz", Access::kPublic,
        [](const httplib::Request&, httplib::Response& response) {
          SendJson(response, R"({"status":"ok"})");
        });
  Route("GET", "/readyz", Access::kPublic,
        [this](const httplib::Request&, httplib::Response& response) {
          if (services_.ready()) {
            SendJson(response, R"({"status":"ready"})");
          } else {
            SendError(response, absl::UnavailableError("not ready"));
          }
        });
  Route("GET", "/metrics", Access::kMetrics,
        [this](const httplib::Request&, httplib::Response& response) {
          response.set_content(services_.metrics->Render(),
                               "text/plain; version=0.0.4; charset=utf-8");
        });

  using Request = httplib::Request;
  using Response = httplib::Response;
  const ApiHandlers* api = &api_;
  Route("GET", "/v1/products", Access::kRead,
        [api](const Request& rq, Response& rs) { api->ListProducts(rq, rs); });
  BodyRoute("POST", "/v1/products", Access::kWriteInHandler,
            [api](const Request& rq, const std::string& body, Response& rs) {
              api->ApplyProducts(rq, body, rs);
            });
  Route("GET", "/v1/products/{domain}/{name}", Access::kRead,
        [api](const Request& rq, Response& rs) { api->GetProduct(rq, rs); });
  BodyRoute("PUT", "/v1/products/{domain}/{name}", Access::kWriteInHandler,
            [api](const Request& rq, const std::string& body, Response& rs) {
              api->PutProduct(rq, body, rs);
            });
  Route("DELETE", "/v1/products/{domain}/{name}", Access::kWriteInHandler,
        [api](const Request& rq, Response& rs) { api->DeleteProduct(rq, rs); });
  Route("GET", "/v1/products/{domain}/{name}/revisions", Access::kRead,
        [api](const Request& rq, Response& rs) { api->ListRevisions(rq, rs); });
  Route("GET", "/v1/products/{domain}/{name}/export", Access::kRead,
        [api](const Request& rq, Response& rs) { api->ExportDescriptor(rq, rs); });
  BodyRoute("POST", "/v1/import", Access::kWriteInHandler,
            [api](const Request& rq, const std::string& body, Response& rs) {
              api->ImportDescriptor(rq, body, rs);
            });
  Route("GET", "/v1/policies", Access::kRead,
        [api](const Request& rq, Response& rs) { api->ListPolicies(rq, rs); });
  BodyRoute("POST", "/v1/policies", Access::kWriteInHandler,
            [api](const Request& rq, const std::string& body, Response& rs) {
              api->ApplyPolicies(rq, body, rs);
            });
  for (const char* policy : {"/v1/policies/{name}", "/v1/policies/{domain}/{name}"}) {
    Route("GET", policy, Access::kRead,
          [api](const Request& rq, Response& rs) { api->GetPolicy(rq, rs); });
    Route("DELETE", policy, Access::kWriteInHandler,
          [api](const Request& rq, Response& rs) { api->DeletePolicy(rq, rs); });
  }
  BodyRoute("POST", "/v1/evaluate", Access::kRead,
            [api](const Request& rq, const std::string& body, Response& rs) {
              api->Evaluate(rq, body, rs);
            });
  Route("GET", "/v1/scorecard", Access::kRead,
        [api](const Request& rq, Response& rs) { api->GetScorecard(rq, rs); });
  Route("GET", "/v1/search", Access::kRead,
        [api](const Request& rq, Response& rs) { api->Search(rq, rs); });
  Route("GET", "/v1/suggest", Access::kRead,
        [api](const Request& rq, Response& rs) { api->Suggest(rq, rs); });
  Route("GET", "/v1/resolve", Access::kRead,
        [api](const Request& rq, Response& rs) { api->Resolve(rq, rs); });
  Route("GET", "/v1/lineage", Access::kRead,
        [api](const Request& rq, Response& rs) { api->GetLineage(rq, rs); });
  Route("GET", "/v1/runs", Access::kRead,
        [api](const Request& rq, Response& rs) { api->ListRuns(rq, rs); });
  BodyRoute("POST", "/api/v1/lineage", Access::kWriteInHandler,
            [api](const Request& rq, const std::string& body, Response& rs) {
              api->IngestLineage(rq, body, rs);
            });
  Route("GET", "/api/v1/lineage", Access::kRead,
        [api](const Request& rq, Response& rs) { api->GetMarquezLineage(rq, rs); });

  // GraphQL: the gateway forwards the caller's token to the gRPC API, which
  // admits each call, so the route itself is public.
  Route("GET", "/graphql", Access::kPublic,
        [this](const Request& rq, Response& rs) { graphql_.Forward(rq, "", rs); });
  BodyRoute("POST", "/graphql", Access::kPublic,
            [this](const Request& rq, const std::string& body, Response& rs) {
              graphql_.Forward(rq, body, rs);
            });

  // The single-page app: its pages all load index.html, which routes itself.
  const Handler page = [this](const Request& rq, Response& rs) {
    ServeAsset(rq, rs, "index.html");
  };
  Route("GET", "/", Access::kPublic, page);
  Route("GET", "/products/{domain}/{name}", Access::kPublic, page);
  Route("GET", "/datasets/{dataset...}", Access::kPublic, page);
  Route("GET", "/ui/{path...}", Access::kPublic,
        [this](const Request& rq, Response& rs) { ServeAsset(rq, rs, rq.matches[1].str()); });
}

bool HttpGateway::Admitted(Access access, const std::string& method, const std::string& route,
                           const httplib::Request& request, httplib::Response& response) const {
  if (access == Access::kPublic || access == Access::kWriteInHandler) return true;
  if (access == Access::kMetrics && services_.metrics_public) return true;
  const std::string operation = absl::StrCat(method, " ", route);
  absl::StatusOr<auth::Principal> principal = services_.gatekeeper->Admit(
      request.get_header_value("Authorization"),
      {"http", operation, access == Access::kRead ? auth::Action::kRead : auth::Action::kAdmin, "",
       request.path});
  if (principal.ok()) return true;
  SendError(response, principal.status());
  return false;
}

void HttpGateway::Route(const std::string& method, const std::string& route, Access access,
                        Handler handler) {
  auto recorded = [this, method, route, access, handler = std::move(handler)](
                      const httplib::Request& request, httplib::Response& response) {
    const absl::Time start = absl::Now();
    if (Admitted(access, method, route, request, response)) handler(request, response);
    FinishBody(request, response);
    Record(request, route, response.status, absl::Now() - start);
  };
  const std::string pattern = PatternFor(route);
  if (method == "GET") {
    server_->Get(pattern, std::move(recorded));
  } else {
    server_->Delete(pattern, std::move(recorded));
  }
}

void HttpGateway::BodyRoute(const std::string& method, const std::string& route, Access access,
                            BodyHandler handler) {
  auto recorded = [this, method, route, access, handler = std::move(handler)](
                      const httplib::Request& request, httplib::Response& response,
                      const httplib::ContentReader& content_reader) {
    const absl::Time start = absl::Now();
    if (!Admitted(access, method, route, request, response)) {
      // The body stays unread: refused before it costs anything.
      response.set_header("Connection", "close");
      FinishBody(request, response);
      Record(request, route, response.status, absl::Now() - start);
      return;
    }
    if (request.is_multipart_form_data()) {
      // Resources are documents, not form uploads. The body stays unread.
      SendError(response, absl::InvalidArgumentError(
                              "multipart/form-data: send application/json or application/yaml"));
      response.set_header("Connection", "close");
      FinishBody(request, response);
      Record(request, route, response.status, absl::Now() - start);
      return;
    }
    std::string body;
    bool too_large = false;
    const bool complete = content_reader([&](const char* data, size_t length) {
      if (body.size() + length > options_.max_body_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
    if (too_large || response.status == 413) {
      SendBodyTooLarge(response, options_.max_body_bytes);
    } else if (!complete) {
      SendError(response, absl::InvalidArgumentError("the request body could not be read"));
    } else {
      handler(request, body, response);
    }
    FinishBody(request, response);
    Record(request, route, response.status, absl::Now() - start);
  };
  const std::string pattern = PatternFor(route);
  if (method == "POST") {
    server_->Post(pattern, std::move(recorded));
  } else {
    server_->Put(pattern, std::move(recorded));
  }
}

bool HttpGateway::RefuseOversizedBody(const httplib::Request& request,
                                      httplib::Response& response) {
  const std::string declared = request.get_header_value("Content-Length");
  if (declared.empty()) return false;
  char* end = nullptr;
  const unsigned long long length = std::strtoull(declared.c_str(), &end, 10);
  if (*end != '\0' || length <= options_.max_body_bytes) return false;
  SendBodyTooLarge(response, options_.max_body_bytes);
  FinishBody(request, response);
  requests_.Increment({request.method, kOtherRoute, "413"});
  return true;
}

void HttpGateway::ServeAsset(const httplib::Request& request, httplib::Response& response,
                             const std::string& path) const {
  std::optional<UiAsset> asset = ui_.Find(path);
  if (!asset.has_value()) {
    SendError(response, absl::NotFoundError(absl::StrCat("no UI file ", path)));
    return;
  }
  response.set_header("ETag", asset->etag);
  // Revalidate every time: cheap (304), and a new build is picked up at once.
  response.set_header("Cache-Control", "no-cache");
  if (asset->content_type.rfind("text/html", 0) == 0) AddPageSecurityHeaders(response);
  if (request.get_header_value("If-None-Match") == asset->etag) {
    response.status = 304;
    return;
  }
  response.set_content(asset->body, asset->content_type);
}

void HttpGateway::Record(const httplib::Request& request, const std::string& route, int status,
                         absl::Duration latency) {
  // A handler that set no status answers 200 (httplib's default).
  const metrics::LabelValues labels = {request.method, route,
                                       absl::StrCat(status == -1 ? 200 : status)};
  requests_.Increment(labels);
  latency_.Observe(labels, absl::ToDoubleSeconds(latency));
  if (services_.observe_request) {
    services_.observe_request(absl::StrCat(request.method, " ", route), labels[2],
                              request.get_header_value("Authorization"), latency);
  }
}

absl::StatusOr<server::ListenAddress> HttpGateway::Start(const server::ListenAddress& address) {
  if (!server_->is_valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_cert/--tls_key/--tls_client_ca: cannot load ", options_.tls_cert, ", ",
        options_.tls_key,
        options_.tls_client_ca.empty() ? "" : absl::StrCat(" or ", options_.tls_client_ca),
        " (PEM certificate chain, matching private key, CA certificates)"));
  }
  server::ListenAddress bound = address;
  if (address.port == 0) {
    bound.port = server_->bind_to_any_port(address.host);
    if (bound.port <= 0) {
      return absl::UnavailableError(absl::StrCat("--http_listen: cannot bind ", address.host));
    }
  } else if (!server_->bind_to_port(address.host, address.port)) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen: cannot bind ", address.ToString(), " (in use?)"));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void HttpGateway::Stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace meshdex::http
