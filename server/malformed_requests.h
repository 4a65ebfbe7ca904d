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
//    INVALID_ARGUMENT "request: ...". A client stream's bad message ends its
//    reads like the end of the stream does; the handler's response then
//    counts what it accepted.
//
// Thread-safety: thread-safe.
#ifndef MESHDEX_SERVER_MALFORMED_REQUESTS_H_
#define MESHDEX_SERVER_MALFORMED_REQUESTS_H_

#include "grpcpp/support/server_interceptor.h"

namespace meshdex::server {

void InstallProtobufLogHandler();

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_MALFORMED_REQUESTS_H_
