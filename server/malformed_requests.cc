#include "server/malformed_requests.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "google/protobuf/stubs/logging.h"
#include "spdlog/spdlog.h"

namespace meshdex::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The last line libprotobuf logged on this thread.
thread_local std::string last_protobuf_message;

void LogProtobuf(google::protobuf::LogLevel level, const char* filename, int line,
                 const std::string& message) {
  last_protobuf_message = message;
  if (level >= google::protobuf::LOGLEVEL_ERROR) {
    spdlog::warn("protobuf ({}:{}): {}", filename, line, message);
  } else {
    spdlog::info("protobuf ({}:{}): {}", filename, line, message);
  }
}

class MalformedRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  // Made on the thread that then parses the request: what protobuf logs from
  // here on is about this call.
  explicit MalformedRequestInterceptor(absl::string_view method) : method_(method) {
    ForgetProtobufLog();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      reason_ = ParseFailureReason();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !reason_.empty()) {
      methods->ModifySendStatus(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("request: not a valid ", method_, " request: ", reason_)));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  std::string reason_;
};

}  // namespace

void InstallProtobufLogHandler() { google::protobuf::SetLogHandler(&LogProtobuf); }

void ForgetProtobufLog() { last_protobuf_message.clear(); }

// protobuf says "String field 'meshdex.v1.GetProductRequest.urn' contains
// invalid UTF-8 data when parsing a protocol buffer. ...".
std::string ParseFailureReason() {
  constexpr absl::string_view kBadUtf8 = "String field '";
  std::string reason = "not a decodable protobuf message";
  absl::string_view message = last_protobuf_message;
  if (const size_t at = message.find(kBadUtf8); at != absl::string_view::npos) {
    message.remove_prefix(at + kBadUtf8.size());
    const absl::string_view field = message.substr(0, message.find('\''));
    if (absl::StartsWith(message.substr(field.size()), "' contains invalid UTF-8")) {
      reason = absl::StrCat("string field ", field, " is not valid UTF-8");
    }
  }
  ForgetProtobufLog();
  return reason;
}

grpc::experimental::Interceptor* MalformedRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  if (info->type() != Type::UNARY && info->type() != Type::SERVER_STREAMING) return nullptr;
  const char* method = info->method();
  return new MalformedRequestInterceptor(
      absl::StripPrefix(method == nullptr ? "" : method, "/"));
}

}  // namespace meshdex::server
