// The audit log of Store: key order, newest-first listing with positions and
// scan bounds, and backups carrying it. (That it stays out of the change log
// is tested with AuditLog, tests/unit/auth/audit_log_test.cc.)
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::storage {
namespace {

using meshdex::v1::AuditEntry;

TEST(AuditKeyTest, OrdersByTimeThenCounterAcrossTheEpoch) {
  EXPECT_LT(keys::AuditKey(-1, 9), keys::AuditKey(0, 0));
  EXPECT_LT(keys::AuditKey(0, 9), keys::AuditKey(1, 0));
  EXPECT_LT(keys::AuditKey(5, 1), keys::AuditKey(5, 2));
  EXPECT_EQ(keys::AuditCounterFromKey(keys::AuditKey(-42, 7)), 7u);
  EXPECT_EQ(keys::AuditCounterFromKey("short"), std::nullopt);
}

class StoreAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Store>> store =
        Store::Open({.path = dir_.Sub("store"), .sync_writes = false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void Append(const std::string& target, int64_t seconds) {
    AuditEntry entry;
    entry.set_target(target);
    entry.mutable_time()->set_seconds(seconds);
    ASSERT_TRUE(store_->AppendAudit(entry).ok());
  }

  static std::vector<std::string> Targets(const Store::AuditPage& page) {
    std::vector<std::string> targets;
    for (const AuditEntry& entry : page.entries) targets.push_back(entry.target());
    return targets;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreAuditTest, ListsNewestFirstFromPositions) {
  Append("old", -100);  // before the epoch still sorts first
  Append("mid", 100);
  Append("new", 200);
  auto all = [](const AuditEntry&) { return true; };

  absl::StatusOr<Store::AuditPage> first = store_->ListAudit("", 2, 100, all);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Targets(*first), (std::vector<std::string>{"new", "mid"}));
  EXPECT_TRUE(first->more);

  absl::StatusOr<Store::AuditPage> rest = store_->ListAudit(first->position, 2, 100, all);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(Targets(*rest), std::vector<std::string>{"old"});
  EXPECT_FALSE(rest->more);
}

TEST_F(StoreAuditTest, FilterAndScanBound) {
  for (int i = 0; i < 6; ++i) Append(i == 0 ? "wanted" : "other", 10 + i);
  auto wanted = [](const AuditEntry& entry) { return entry.target() == "wanted"; };

  absl::StatusOr<Store::AuditPage> bounded = store_->ListAudit("", 10, 3, wanted);
  ASSERT_TRUE(bounded.ok()) << bounded.status();
  EXPECT_TRUE(bounded->entries.empty());
  EXPECT_TRUE(bounded->more);

  absl::StatusOr<Store::AuditPage> next = store_->ListAudit(bounded->position, 10, 3, wanted);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(Targets(*next), std::vector<std::string>{"wanted"});
  EXPECT_FALSE(next->more);
}

TEST_F(StoreAuditTest, MalformedPositionIsInvalidArgument) {
  Append("x", 1);
  absl::StatusOr<Store::AuditPage> page =
      store_->ListAudit("garbage", 10, 10, [](const AuditEntry&) { return true; });
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreAuditTest, CheckpointCarriesTheAuditLog) {
  Append("kept", 1);
  ASSERT_TRUE(store_->Checkpoint(dir_.Sub("copy")).ok());
  absl::StatusOr<std::unique_ptr<Store>> copy =
      Store::Open({.path = dir_.Sub("copy"), .sync_writes = false});
  ASSERT_TRUE(copy.ok()) << copy.status();
  absl::StatusOr<Store::AuditPage> page =
      (*copy)->ListAudit("", 10, 10, [](const AuditEntry&) { return true; });
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Targets(*page), std::vector<std::string>{"kept"});
}

}  // namespace
}  // namespace meshdex::storage
