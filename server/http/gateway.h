// HttpGateway: the HTTP listener of meshdexd. It serves the health endpoints
// (/healthz: the process is up; /readyz: the catalog is ready to answer) and is
// the place the HTTP/JSON API and the UI are mounted.
//
// Thread-safety: Start/Stop from one thread; handlers run on the server's
// bounded worker pool.
#ifndef MESHDEX_SERVER_HTTP_GATEWAY_H_
#define MESHDEX_SERVER_HTTP_GATEWAY_H_

#include <functional>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "server/listen_address.h"

namespace httplib {
class Server;
}

namespace meshdex::http {

class HttpGateway {
 public:
  // `ready` answers /readyz.
  explicit HttpGateway(std::function<bool()> ready);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // Binds (port 0 picks a free one) and serves in a background thread.
  // Returns the bound address.
  absl::StatusOr<server::ListenAddress> Start(const server::ListenAddress& address);
  // Stops accepting and joins the serving thread. Idempotent.
  void Stop();

 private:
  std::function<bool()> ready_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_GATEWAY_H_
