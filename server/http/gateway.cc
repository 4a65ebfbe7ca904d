#include "server/http/gateway.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace meshdex::http {
namespace {
constexpr char kJson[] = "application/json";
}  // namespace

HttpGateway::HttpGateway(std::function<bool()> ready)
    : ready_(std::move(ready)), server_(std::make_unique<httplib::Server>()) {
  server_->set_read_timeout(10, 0);
  server_->set_write_timeout(10, 0);
  server_->set_keep_alive_timeout(5);
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":"ok"})", kJson);
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& response) {
    if (ready_()) {
      response.set_content(R"({"status":"ready"})", kJson);
    } else {
      response.status = 503;
      response.set_content(R"({"code":"UNAVAILABLE","message":"not ready"})", kJson);
    }
  });
}

HttpGateway::~HttpGateway() { Stop(); }

absl::StatusOr<server::ListenAddress> HttpGateway::Start(const server::ListenAddress& address) {
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
