#include "server/listen_address.h"

#include "gtest/gtest.h"

namespace meshdex::server {
namespace {

TEST(ListenAddressTest, ParsesHostsAndPorts) {
  absl::StatusOr<ListenAddress> v4 = ParseListenAddress("127.0.0.1:50051", "--grpc_listen");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 50051);
  EXPECT_TRUE(v4->IsLoopback());
  absl::StatusOr<ListenAddress> v6 = ParseListenAddress("[::1]:0", "--grpc_listen");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->IsLoopback());
  EXPECT_EQ(v6->ToString(), "[::1]:0");
  EXPECT_FALSE(ParseListenAddress("0.0.0.0:80", "--x")->IsLoopback());
  EXPECT_FALSE(ParseListenAddress("[::]:80", "--x")->IsLoopback());
}

TEST(ListenAddressTest, RejectsMalformedAddressesNamingTheFlag) {
  for (const char* bad : {"", "50051", ":50051", "host:", "host:-1", "host:65536", "::1:80", "h:x"}) {
    absl::StatusOr<ListenAddress> address = ParseListenAddress(bad, "--http_listen");
    EXPECT_EQ(address.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(address.status().message().find("--http_listen"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace meshdex::server
