// How the gateway reports errors: the HTTP status for each canonical status
// code, and the body {"code":"INVALID_ARGUMENT","message":"..."} (code is the
// gRPC code name, so clients of both transports branch on the same values).
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_HTTP_ERRORS_H_
#define MESHDEX_SERVER_HTTP_ERRORS_H_

#include <string>

#include "absl/status/status.h"

namespace meshdex::http {

// 400 INVALID_ARGUMENT/OUT_OF_RANGE, 401 UNAUTHENTICATED, 403
// PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS/ABORTED, 412
// FAILED_PRECONDITION, 429 RESOURCE_EXHAUSTED, 499 CANCELLED, 501 for a method
// the server does not offer, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, 500 otherwise.
int HttpStatusFor(absl::StatusCode code);

// The canonical code whose HTTP status is `http_status`, for errors the HTTP
// layer itself raises (e.g. 413, 404 for an unknown route).
absl::StatusCode StatusCodeForHttp(int http_status);

// {"code":"...","message":"..."} for a non-OK status.
std::string ErrorBody(const absl::Status& status);

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_ERRORS_H_
