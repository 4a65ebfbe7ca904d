// AuditLog on a real RocksDB store: newest-first paging, filters, page-size
// and token errors, bounded scans, concurrent recording, durability across a
// reopen, and staying out of the change log.
#include "server/auth/audit_log.h"

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::auth {
namespace {

using meshdex::v1::AuditEntry;
using meshdex::v1::ListAuditRequest;
using meshdex::v1::ListAuditResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

AuditEntry Entry(const std::string& principal, const std::string& target, int64_t unix_seconds = 0) {
  AuditEntry entry;
  entry.set_principal(principal);
  entry.set_operation("CatalogService.ApplyProduct");
  entry.set_target(target);
  entry.set_code("OK");
  entry.set_transport("grpc");
  if (unix_seconds != 0) entry.mutable_time()->set_seconds(unix_seconds);
  return entry;
}

std::vector<std::string> Targets(const ListAuditResponse& response) {
  std::vector<std::string> targets;
  for (const AuditEntry& entry : response.entries()) targets.push_back(entry.target());
  return targets;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::Store::Open({.path = dir_.Sub("store"), .sync_writes = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void Reopen() {
    store_.reset();
    Open();
  }

  // Every entry matching `request`'s filter, following the page tokens.
  std::vector<std::string> ListAllTargets(const AuditLog& log, ListAuditRequest request) {
    std::vector<std::string> targets;
    for (int page = 0; page < 1000; ++page) {
      absl::StatusOr<ListAuditResponse> response = log.List(request);
      EXPECT_TRUE(response.ok()) << response.status();
      if (!response.ok()) break;
      for (const std::string& target : Targets(*response)) targets.push_back(target);
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
    }
    return targets;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(AuditLogTest, EmptyLogListsNothing) {
  AuditLog log(*store_);
  absl::StatusOr<ListAuditResponse> response = log.List({});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->entries_size(), 0);
  EXPECT_EQ(response->next_page_token(), "");
}

TEST_F(AuditLogTest, NewestFirstByTimeThenByRecordingOrder) {
  AuditLog log(*store_);
  log.Record(Entry("alice", "urn:dp:a:second", 2000));
  log.Record(Entry("alice", "urn:dp:a:first", 1000));
  log.Record(Entry("alice", "urn:dp:a:third", 3000));
  // Same instant: the later recording is the newer.
  log.Record(Entry("alice", "urn:dp:a:third-again", 3000));
  absl::StatusOr<ListAuditResponse> response = log.List({});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Targets(*response), ElementsAre("urn:dp:a:third-again", "urn:dp:a:third",
                                              "urn:dp:a:second", "urn:dp:a:first"));
  EXPECT_EQ(response->entries(0).time().seconds(), 3000);
  EXPECT_EQ(response->entries(0).operation(), "CatalogService.ApplyProduct");
}

TEST_F(AuditLogTest, BytesThatAreNotUtf8AreReplacedAndTheLogStaysReadable) {
  AuditLog log(*store_);
  // A target from a request path: any bytes (a lone 0xFF, a truncated
  // sequence, an overlong '/', a UTF-16 surrogate), around valid UTF-8.
  log.Record(Entry("alice", "urn:dp:\xff:x\xc3 caf\xc3\xa9 \xc0\xaf \xed\xa0\x80 \xf0\x9f\x93\xa6"));
  log.Record(Entry("bob\x80", "urn:dp:a:b"));
  absl::StatusOr<ListAuditResponse> response = log.List({});
  ASSERT_TRUE(response.ok()) << response.status();
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_THAT(Targets(*response),
              ElementsAre("urn:dp:a:b", absl::StrCat("urn:dp:", replacement, ":x", replacement,
                                                     " caf\xc3\xa9 ", replacement, replacement,
                                                     " ", replacement, replacement, replacement,
                                                     " \xf0\x9f\x93\xa6")));
  EXPECT_EQ(response->entries(0).principal(), "bob" + replacement);
}

TEST_F(AuditLogTest, RecordStampsTheTimeWhenUnset) {
  AuditLog log(*store_);
  const int64_t before = google::protobuf::util::TimeUtil::TimestampToSeconds(
      google::protobuf::util::TimeUtil::GetCurrentTime());
  log.Record(Entry("alice", "urn:dp:a:b"));
  absl::StatusOr<ListAuditResponse> response = log.List({});
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->entries_size(), 1);
  EXPECT_GE(response->entries(0).time().seconds(), before);
  EXPECT_LE(response->entries(0).time().seconds(), before + 60);
}

TEST_F(AuditLogTest, PagesCoverEveryEntryOnceInOrder) {
  AuditLog log(*store_);
  for (int i = 1; i <= 25; ++i) log.Record(Entry("alice", absl::StrCat("t", i), 1000 + i));
  ListAuditRequest request;
  request.set_page_size(10);
  absl::StatusOr<ListAuditResponse> first = log.List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->entries_size(), 10);
  EXPECT_EQ(first->entries(0).target(), "t25");
  EXPECT_NE(first->next_page_token(), "");

  std::vector<std::string> all = ListAllTargets(log, request);
  ASSERT_EQ(all.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(all[i], absl::StrCat("t", 25 - i));

  // An exact fit leaves no token behind.
  request.set_page_size(25);
  absl::StatusOr<ListAuditResponse> whole = log.List(request);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->entries_size(), 25);
  EXPECT_EQ(whole->next_page_token(), "");
}

TEST_F(AuditLogTest, PageSizeDefaultsAndIsClamped) {
  AuditLog log(*store_);
  for (int i = 0; i < 1100; ++i) log.Record(Entry("alice", absl::StrCat("t", i), 1000 + i));
  absl::StatusOr<ListAuditResponse> by_default = log.List({});
  ASSERT_TRUE(by_default.ok()) << by_default.status();
  EXPECT_EQ(by_default->entries_size(), 100);
  ListAuditRequest huge;
  huge.set_page_size(5000);
  absl::StatusOr<ListAuditResponse> clamped = log.List(huge);
  ASSERT_TRUE(clamped.ok()) << clamped.status();
  EXPECT_EQ(clamped->entries_size(), 1000);
  EXPECT_NE(clamped->next_page_token(), "");
}

TEST_F(AuditLogTest, FiltersAreExactMatches) {
  AuditLog log(*store_);
  log.Record(Entry("alice", "urn:dp:sales:orders", 1));
  log.Record(Entry("alice2", "urn:dp:sales:orders", 2));
  log.Record(Entry("bob", "urn:dp:sales:orders-v2", 3));
  log.Record(Entry("bob", "urn:dp:sales:orders", 4));

  ListAuditRequest by_principal;
  by_principal.set_principal("alice");
  EXPECT_THAT(ListAllTargets(log, by_principal), ElementsAre("urn:dp:sales:orders"));

  ListAuditRequest by_urn;
  by_urn.set_urn("urn:dp:sales:orders");
  absl::StatusOr<ListAuditResponse> response = log.List(by_urn);
  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<std::string> principals;
  for (const AuditEntry& entry : response->entries()) principals.push_back(entry.principal());
  EXPECT_THAT(principals, ElementsAre("bob", "alice2", "alice"));

  ListAuditRequest both;
  both.set_principal("bob");
  both.set_urn("urn:dp:sales:orders-v2");
  EXPECT_THAT(ListAllTargets(log, both), ElementsAre("urn:dp:sales:orders-v2"));
}

TEST_F(AuditLogTest, BadPageSizeAndTokensAreInvalidArgument) {
  AuditLog log(*store_);
  for (int i = 0; i < 5; ++i) log.Record(Entry(i % 2 == 0 ? "alice" : "bob", "t", 100 + i));

  ListAuditRequest negative;
  negative.set_page_size(-1);
  absl::StatusOr<ListAuditResponse> response = log.List(negative);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("page_size:"));

  for (const std::string& token : {std::string("not base64!"), std::string("Zm9v"),
                                   std::string("YXVkaXQxCgoKAAAA")}) {
    ListAuditRequest bad;
    bad.set_page_token(token);
    response = log.List(bad);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(std::string(response.status().message()), HasSubstr("page_token:")) << token;
  }

  // A token continues only the listing (filter) it came from.
  ListAuditRequest alice;
  alice.set_principal("alice");
  alice.set_page_size(1);
  absl::StatusOr<ListAuditResponse> first = log.List(alice);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(first->next_page_token(), "");
  ListAuditRequest bob;
  bob.set_principal("bob");
  bob.set_page_token(first->next_page_token());
  response = log.List(bob);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(response.status().message()), HasSubstr("page_token:"));
  alice.set_page_token(first->next_page_token());
  EXPECT_TRUE(log.List(alice).ok());
}

TEST_F(AuditLogTest, ScanIsBoundedPerPageAndResumable) {
  AuditLog log(*store_, /*max_examined_per_page=*/4);
  for (int i = 0; i < 10; ++i) log.Record(Entry("alice", absl::StrCat("t", i), 100 + i));
  log.Record(Entry("bob", "oldest-of-bob", 50));

  ListAuditRequest request;
  request.set_principal("bob");
  absl::StatusOr<ListAuditResponse> first = log.List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  // Four alice entries examined, none matched: an empty page that continues.
  EXPECT_EQ(first->entries_size(), 0);
  EXPECT_NE(first->next_page_token(), "");
  EXPECT_THAT(ListAllTargets(log, request), ElementsAre("oldest-of-bob"));

  request.set_principal("nobody");
  int pages = 0;
  std::string token;
  do {
    request.set_page_token(token);
    absl::StatusOr<ListAuditResponse> page = log.List(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->entries_size(), 0);
    token = page->next_page_token();
    ++pages;
  } while (!token.empty() && pages < 100);
  EXPECT_EQ(pages, 3);  // 11 entries, 4 per page
}

TEST_F(AuditLogTest, ConcurrentRecordsAreAllListed) {
  AuditLog log(*store_);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Many entries share an instant; none may overwrite another.
        log.Record(Entry(absl::StrCat("p", t), absl::StrCat("t", t, "-", i), 1000 + i % 3));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  ListAuditRequest request;
  request.set_page_size(1000);
  std::vector<std::string> targets = ListAllTargets(log, request);
  EXPECT_EQ(targets.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(std::set<std::string>(targets.begin(), targets.end()).size(),
            static_cast<size_t>(kThreads * kPerThread));
  request.set_principal("p3");
  EXPECT_EQ(ListAllTargets(log, request).size(), static_cast<size_t>(kPerThread));
}

TEST_F(AuditLogTest, SurvivesReopenWithoutOverwritingEntriesOfTheSameInstant) {
  {
    AuditLog log(*store_);
    log.Record(Entry("alice", "before-reopen", 777));
  }
  Reopen();
  AuditLog log(*store_);
  log.Record(Entry("alice", "after-reopen", 777));
  absl::StatusOr<ListAuditResponse> response = log.List({});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Targets(*response), ElementsAre("after-reopen", "before-reopen"));
}

TEST_F(AuditLogTest, EntriesStayOutOfTheChangeLog) {
  meshdex::v1::DataProduct product;
  product.mutable_metadata()->set_urn("urn:dp:sales:orders");
  product.mutable_metadata()->set_revision(1);
  absl::StatusOr<uint64_t> written = store_->Write([&](storage::WriteTxn& txn) {
    txn.PutProduct(product);
    return absl::OkStatus();
  });
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(*written, 1u);

  AuditLog log(*store_);
  for (int i = 0; i < 5; ++i) log.Record(Entry("alice", "urn:dp:sales:orders", 100 + i));
  EXPECT_EQ(store_->LastSequence(), 1u);
  absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> changes = store_->ReadChanges(1, 100);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].type(), meshdex::v1::ChangeEvent::PRODUCT_UPSERTED);
  EXPECT_EQ(log.List({})->entries_size(), 5);
}

}  // namespace
}  // namespace meshdex::auth
