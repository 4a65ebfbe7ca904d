// Response compression for the gateway. cpp-httplib would compress bodies
// itself, preferring brotli at its slowest setting (quality 11: 15-30 ms for
// a 10 KB search response, most of a second for the graph library), so the
// gateway compresses with gzip at a moderate level instead and hands httplib
// the finished bytes.
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_HTTP_COMPRESSION_H_
#define MESHDEX_SERVER_HTTP_COMPRESSION_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace meshdex::http {

// Bodies smaller than this are sent as they are.
inline constexpr size_t kMinCompressBytes = 1024;

// Whether an Accept-Encoding header accepts gzip (a "gzip" or "*" coding
// without q=0).
bool AcceptsGzip(absl::string_view accept_encoding);

// Whether a body of this Content-Type is worth compressing (text, JSON,
// JavaScript, SVG).
bool IsCompressible(absl::string_view content_type);

// `data` in gzip format; nullopt if zlib fails.
std::optional<std::string> Gzip(absl::string_view data);

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_COMPRESSION_H_
