// Process-wide logging set-up: spdlog to stderr, human text by default or one
// JSON object per line ({"time","level","msg"}) for log collectors. Request
// records (LogRequest) add their fields to that object ("rpc", "code",
// "latency_ms", "principal", "transport"), or key=value pairs after the
// message in text.
//
// Thread-safety: ConfigureLogging runs once at start, before other threads;
// LogRequest is thread-safe (spdlog's loggers are; fields travel in a
// thread_local to the formatter, which runs on the logging thread).
#ifndef MESHDEX_SERVER_LOGGING_H_
#define MESHDEX_SERVER_LOGGING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "spdlog/common.h"

namespace meshdex::server {

// `format` is "text" or "json"; anything else is INVALID_ARGUMENT.
absl::Status ConfigureLogging(absl::string_view format);

// The structured fields of one request's log line.
struct RequestFields {
  std::string transport;  // grpc | http
  std::string rpc;        // meshdex.v1.CatalogService/GetProduct, GET /v1/products/{domain}/{name}
  std::string code;       // canonical status code name, or HTTP status
  double latency_ms = 0;
  std::string principal;
};

// Logs `message` at `level` with `fields`.
void LogRequest(spdlog::level::level_enum level, absl::string_view message,
                const RequestFields& fields);

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_LOGGING_H_
