// Process-wide logging set-up: spdlog to stderr, human text by default or one
// JSON object per line ({"time","level","msg"}) for log collectors.
#ifndef MESHDEX_SERVER_LOGGING_H_
#define MESHDEX_SERVER_LOGGING_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace meshdex::server {

// `format` is "text" or "json"; anything else is INVALID_ARGUMENT.
absl::Status ConfigureLogging(absl::string_view format);

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_LOGGING_H_
