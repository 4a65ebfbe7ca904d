// Listen addresses ("host:port", "[v6]:port"): parsing, the loopback test that
// guards unauthenticated serving, and substituting the port picked for ":0".
#ifndef MESHDEX_SERVER_LISTEN_ADDRESS_H_
#define MESHDEX_SERVER_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meshdex::server {

struct ListenAddress {
  std::string host;  // without brackets
  int port = 0;      // 0 = pick a free one

  bool IsLoopback() const;
  // host:port with brackets around IPv6 hosts.
  std::string ToString() const;
};

// INVALID_ARGUMENT naming `flag` for anything that is not host:port.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view text, absl::string_view flag);

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_LISTEN_ADDRESS_H_
