#include "server/http/response.h"

#include "server/http/request_mapping.h"
#include "spdlog/spdlog.h"

namespace meshdex::http {

void SendError(httplib::Response& response, const absl::Status& status, int http_status) {
  response.status = http_status != 0 ? http_status : HttpStatusFor(status.code());
  if (response.status == 500) spdlog::warn("http: {}", status.ToString());
  // RFC 6750: a 401 says which scheme would be accepted.
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    response.set_header("WWW-Authenticate", "Bearer realm=\"meshdex\"");
  }
  response.set_content(ErrorBody(status), kJsonContentType);
}

void SendJson(httplib::Response& response, const std::string& json, int http_status) {
  response.status = http_status;
  response.set_content(json, kJsonContentType);
}

void SendMessage(httplib::Response& response, const google::protobuf::Message& message,
                 int http_status) {
  absl::StatusOr<std::string> json = ToJsonBody(message);
  if (!json.ok()) {
    SendError(response, json.status());
    return;
  }
  SendJson(response, *json, http_status);
}

}  // namespace meshdex::http
