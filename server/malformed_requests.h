// Malformed gRPC requests: a request message that does not parse (broken
// encoding, or a string field that is not valid UTF-8) is refused by gRPC
// before any handler runs, as INTERNAL with no message, and protobuf writes
// why to stderr past meshdexd's logger. This turns the first into
// INVALID_ARGUMENT naming the field protobuf named, and the second into a
// log line through spdlog.
//
//  * InstallProtobufLogHandler() routes libprotobuf's log lines to spdlog and
//    remembers the calling thread's last one (parsing happens on the thread
//    that then sends the status).
//  * MalformedRequestInterceptorFactory, for methods with one request message
//    (unary, server streaming), answers a request that did not parse with
//    INVALID_ARGUMENT "request: ...". gRPC's reader of a client stream ends
//    at a bad message as at the end of the stream, so a handler that must
//    tell them apart reads bytes and parses them itself
//    (LineageService.IngestEvents), asking ParseFailureReason() why.
//
// Thread-safety: thread-safe.
#ifndef MESHDEX_SERVER_MALFORMED_REQUESTS_H_
#define MESHDEX_SERVER_MALFORMED_REQUESTS_H_

#include <string>

#include "grpcpp/support/server_interceptor.h"

namespace meshdex::server {

void InstallProtobufLogHandler();

// Forgets what libprotobuf logged on this thread so far: call it before
// parsing, so that ParseFailureReason() is about that parse only.
void ForgetProtobufLog();

// Why the message last parsed on this thread did not parse, from what
// libprotobuf logged since ForgetProtobufLog(): "string field F is not valid
// UTF-8", else "not a decodable protobuf message".
std::string ParseFailureReason();

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_MALFORMED_REQUESTS_H_
