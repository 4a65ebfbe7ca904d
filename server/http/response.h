// Writing gateway responses: JSON bodies from proto messages or the core's
// StatusOr results, and errors in the one error shape (errors.h).
//
// Thread-safety: stateless functions.
#ifndef MESHDEX_SERVER_HTTP_RESPONSE_H_
#define MESHDEX_SERVER_HTTP_RESPONSE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "httplib.h"
#include "server/http/errors.h"

namespace meshdex::http {

inline constexpr char kJsonContentType[] = "application/json";

// The error body with the status mapped by HttpStatusFor, or `http_status`
// when given (for errors of the HTTP layer, such as 413). Internal errors
// (500) are logged.
void SendError(httplib::Response& response, const absl::Status& status, int http_status = 0);

// `json` with `http_status`.
void SendJson(httplib::Response& response, const std::string& json, int http_status = 200);

// The proto JSON mapping of `message` with `http_status`.
void SendMessage(httplib::Response& response, const google::protobuf::Message& message,
                 int http_status = 200);

// The message, or the error.
template <typename Message>
void SendResult(httplib::Response& response, const absl::StatusOr<Message>& result,
                int http_status = 200) {
  if (!result.ok()) {
    SendError(response, result.status());
  } else {
    SendMessage(response, *result, http_status);
  }
}

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_RESPONSE_H_
