#include "server/logging.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace meshdex::server {
namespace {

// Set by ConfigureLogging before any other thread starts.
bool json_logs = false;
// The fields of the record being logged on this thread (LogRequest); the
// logger is synchronous, so the formatter runs on the same thread.
thread_local const RequestFields* current_fields = nullptr;

// Formats each record as one JSON object; the message is escaped by a real
// JSON serialiser so quotes and control characters cannot break the line.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json line = {
        {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromChrono(msg.time),
                                  absl::UTCTimeZone())},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    if (current_fields != nullptr) {
      line["rpc"] = current_fields->rpc;
      line["code"] = current_fields->code;
      line["latency_ms"] = current_fields->latency_ms;
      line["principal"] = current_fields->principal;
      line["transport"] = current_fields->transport;
    }
    std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    text.push_back('\n');
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

absl::Status ConfigureLogging(absl::string_view format) {
  auto logger = spdlog::stderr_color_mt("meshdexd");
  json_logs = format == "json";
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--log_format: want text or json, got \"", format, "\""));
  }
  spdlog::set_default_logger(logger);
  spdlog::flush_on(spdlog::level::info);
  return absl::OkStatus();
}

void LogRequest(spdlog::level::level_enum level, absl::string_view message,
                const RequestFields& fields) {
  if (json_logs) {
    current_fields = &fields;
    spdlog::log(level, "{}", std::string(message));
    current_fields = nullptr;
    return;
  }
  spdlog::log(level, "{}: rpc={} code={} latency_ms={:.1f} principal={} transport={}",
              std::string(message), fields.rpc, fields.code, fields.latency_ms, fields.principal,
              fields.transport);
}

}  // namespace meshdex::server
