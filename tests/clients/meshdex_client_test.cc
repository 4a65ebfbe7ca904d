// meshdex::client (clients/cpp): the backoff schedule, the retry engine
// (UNAVAILABLE only, bounded by attempts and by the deadline), and the
// client against a port that refuses connections and against a real meshdexd
// that comes up while a call is retrying.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <string>

#include "absl/time/clock.h"
#include "clients/cpp/meshdex_client.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::client {
namespace {

// A loopback port nothing listens on (bound, then released).
int RefusingPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(BackoffTest, GrowsExponentiallyUpToTheBound) {
  const RetryPolicy policy{.max_attempts = 10,
                           .initial_backoff = absl::Milliseconds(100),
                           .multiplier = 2,
                           .max_backoff = absl::Seconds(1)};
  EXPECT_EQ(Backoff(policy, 1), absl::Milliseconds(100));
  EXPECT_EQ(Backoff(policy, 2), absl::Milliseconds(200));
  EXPECT_EQ(Backoff(policy, 4), absl::Milliseconds(800));
  EXPECT_EQ(Backoff(policy, 5), absl::Seconds(1));
  EXPECT_EQ(Backoff(policy, 5000), absl::Seconds(1));  // no overflow
  EXPECT_EQ(Backoff(policy, 0), absl::ZeroDuration());
}

TEST(RetryTest, RetriesUnavailableUntilSuccess) {
  const RetryPolicy policy{.max_attempts = 5, .initial_backoff = absl::Milliseconds(1)};
  int attempts = 0;
  grpc::Status status = RetryUnavailable(policy, absl::Now() + absl::Seconds(10), [&](absl::Time) {
    return ++attempts < 3 ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "down") : grpc::Status::OK;
  });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(attempts, 3);
}

TEST(RetryTest, StopsAfterMaxAttempts) {
  const RetryPolicy policy{.max_attempts = 4, .initial_backoff = absl::Milliseconds(1)};
  int attempts = 0;
  grpc::Status status = RetryUnavailable(policy, absl::Now() + absl::Seconds(10), [&](absl::Time) {
    ++attempts;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(attempts, 4);
}

TEST(RetryTest, OtherCodesAreNotRetried) {
  for (grpc::StatusCode code : {grpc::StatusCode::NOT_FOUND, grpc::StatusCode::DEADLINE_EXCEEDED,
                                grpc::StatusCode::INVALID_ARGUMENT}) {
    int attempts = 0;
    grpc::Status status = RetryUnavailable(RetryPolicy(), absl::Now() + absl::Seconds(10),
                                           [&](absl::Time) {
                                             ++attempts;
                                             return grpc::Status(code, "no");
                                           });
    EXPECT_EQ(status.error_code(), code);
    EXPECT_EQ(attempts, 1);
  }
}

TEST(RetryTest, NoRetryStartsAfterTheDeadline) {
  const RetryPolicy policy{.max_attempts = 100,
                           .initial_backoff = absl::Milliseconds(100),
                           .multiplier = 2,
                           .max_backoff = absl::Seconds(10)};
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + absl::Milliseconds(500);
  int attempts = 0;
  grpc::Status status = RetryUnavailable(policy, deadline, [&](absl::Time given) {
    EXPECT_EQ(given, deadline);  // every attempt shares the call's deadline
    ++attempts;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  // Attempts at 0, 100, 300 ms; the next (after 400 ms more) would start past 500 ms.
  EXPECT_EQ(attempts, 3);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
}

TEST(ClientTest, RefusedConnectionIsRetriedWithBackoffThenUnavailable) {
  ClientOptions options;
  options.server = "127.0.0.1:" + std::to_string(RefusingPort());
  options.retry = {.max_attempts = 3,
                   .initial_backoff = absl::Milliseconds(100),
                   .multiplier = 2,
                   .max_backoff = absl::Seconds(1)};
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<meshdex::v1::Stats> stats =
      (*client)->Call(&meshdex::v1::AdminService::Stub::GetStats, (*client)->admin(),
                      meshdex::v1::GetStatsRequest());
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kUnavailable) << stats.status();
  // Two backoffs (100 + 200 ms) were waited.
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
}

TEST(ClientTest, CallSucceedsOnceTheServerComesUp) {
  const int port = RefusingPort();
  ClientOptions options;
  options.server = "127.0.0.1:" + std::to_string(port);
  options.deadline = absl::Seconds(60);
  options.retry = {.max_attempts = 1000,
                   .initial_backoff = absl::Milliseconds(50),
                   .multiplier = 1.5,
                   .max_backoff = absl::Milliseconds(500)};
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  std::future<absl::StatusOr<meshdex::v1::Stats>> call = std::async(std::launch::async, [&] {
    return (*client)->Call(&meshdex::v1::AdminService::Stub::GetStats, (*client)->admin(),
                           meshdex::v1::GetStatsRequest());
  });
  // The call is failing and retrying while the server starts.
  ASSERT_EQ(call.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"),
                                {"--grpc_listen=127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(server.Start());
  absl::StatusOr<meshdex::v1::Stats> stats = call.get();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_FALSE(stats->version().empty());
}

TEST(ClientTest, BadOptionsAreRefusedAndContextsCarryTheDeadline) {
  ClientOptions options;
  options.token = "has space";
  EXPECT_EQ(Client::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.token = "abc";
  options.tls.cert_chain = "-----BEGIN CERTIFICATE-----";
  EXPECT_EQ(Client::Connect(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.tls = {};
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Connect(options);
  ASSERT_TRUE(client.ok());
  std::unique_ptr<grpc::ClientContext> context = (*client)->NewContext();
  EXPECT_LT(absl::FromChrono(context->deadline()), absl::Now() + options.deadline + absl::Seconds(1));
  EXPECT_GT(absl::FromChrono(context->deadline()), absl::Now() + absl::Seconds(1));
}

}  // namespace
}  // namespace meshdex::client
