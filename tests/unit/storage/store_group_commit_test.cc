// Store::Write's group commit: a write is applied under the writer lock and
// synced outside it, so writers queue behind one another's callbacks, not
// behind one another's fsyncs; nothing is visible to readers (or the change
// log) before it is durable; a failed sync stops all writes.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::storage {
namespace {

using meshdex::v1::DataProduct;

DataProduct Product(const std::string& urn) {
  DataProduct product;
  product.mutable_metadata()->set_urn(urn);
  product.mutable_metadata()->set_revision(1);
  return product;
}

// A store whose first WAL sync waits until the test releases it.
class GroupCommitTest : public ::testing::Test {
 protected:
  GroupCommitTest() {
    StoreOptions options{.path = dir_.Sub("db"), .sync_writes = true};
    options.before_wal_sync = [this]() -> absl::Status {
      if (syncs_entered_.fetch_add(1) == 0) {
        first_sync_entered_.Notify();
        release_first_sync_.WaitForNotification();
      }
      return sync_result_;
    };
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    if (store.ok()) store_ = *std::move(store);
  }

  // Writes `urn` on a new thread; `applied` is notified once the write is
  // applied (its on-commit hook runs), `done` once Write() returned.
  std::thread WriteAsync(const std::string& urn, absl::Notification* applied,
                         absl::Notification* done, absl::StatusOr<uint64_t>* result) {
    return std::thread([this, urn, applied, done, result] {
      *result = store_->Write([&](WriteTxn& txn) {
        txn.PutProduct(Product(urn));
        txn.OnCommit([applied] { applied->Notify(); });
        return absl::OkStatus();
      });
      done->Notify();
    });
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::atomic<int> syncs_entered_{0};
  absl::Notification first_sync_entered_;
  absl::Notification release_first_sync_;
  absl::Status sync_result_;
};

TEST_F(GroupCommitTest, AWriteIsInvisibleUntilItsSyncCompletes) {
  absl::Notification applied, done;
  absl::StatusOr<uint64_t> result;
  std::thread writer = WriteAsync("urn:dp:a:first", &applied, &done, &result);
  first_sync_entered_.WaitForNotification();

  // Applied to RocksDB, not durable: readers and the change log do not see it.
  EXPECT_TRUE(applied.HasBeenNotified());
  EXPECT_EQ(store_->GetProduct("urn:dp:a:first").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->ListProducts("", "", 10)->items.size(), 0u);
  EXPECT_EQ(store_->LastSequence(), 0u);
  EXPECT_TRUE(store_->ReadChanges(1, 10)->empty());
  EXPECT_FALSE(done.HasBeenNotified());

  release_first_sync_.Notify();
  writer.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, 1u);
  EXPECT_EQ(store_->LastSequence(), 1u);
  EXPECT_TRUE(store_->GetProduct("urn:dp:a:first").ok());
  EXPECT_EQ(store_->ReadChanges(1, 10)->size(), 1u);
}

TEST_F(GroupCommitTest, WritesApplyWhileASyncIsInFlightAndShareTheNextSync) {
  absl::Notification first_applied, first_done;
  absl::StatusOr<uint64_t> first_result;
  std::thread first = WriteAsync("urn:dp:a:first", &first_applied, &first_done, &first_result);
  first_sync_entered_.WaitForNotification();

  // Three more writers get through the writer lock (each sees the earlier
  // writes in its callback) while the first one's fsync is still running.
  constexpr int kFollowers = 3;
  absl::Notification applied[kFollowers], done[kFollowers];
  absl::StatusOr<uint64_t> results[kFollowers];
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i) {
    followers.push_back(
        WriteAsync("urn:dp:a:next" + std::to_string(i), &applied[i], &done[i], &results[i]));
  }
  for (absl::Notification& notification : applied) notification.WaitForNotification();
  EXPECT_EQ(store_->LastSequence(), 0u);

  release_first_sync_.Notify();
  first.join();
  for (std::thread& follower : followers) follower.join();

  ASSERT_TRUE(first_result.ok()) << first_result.status();
  std::vector<uint64_t> sequences = {*first_result};
  for (const absl::StatusOr<uint64_t>& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    sequences.push_back(*result);
  }
  std::sort(sequences.begin(), sequences.end());
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 2, 3, 4}));
  // One sync for the first write, ONE for the three that queued behind it.
  EXPECT_EQ(store_->WalSyncs(), 2u);
  EXPECT_EQ(store_->LastSequence(), 4u);
  EXPECT_EQ(*store_->CountProducts(), 4u);
}

TEST_F(GroupCommitTest, AnAnswerRestingOnAnUnsyncedWriteWaitsForIt) {
  absl::Notification applied, done;
  absl::StatusOr<uint64_t> result;
  std::thread writer = WriteAsync("urn:dp:a:first", &applied, &done, &result);
  first_sync_entered_.WaitForNotification();

  // A write that finds the product already there and changes nothing (what
  // an UNCHANGED apply does) must not answer before that product is durable.
  absl::Notification looked, answered;
  bool saw_product = false;
  absl::StatusOr<uint64_t> no_op;
  std::thread reader([&] {
    no_op = store_->Write([&](WriteTxn& txn) {
      absl::StatusOr<std::optional<DataProduct>> current = txn.GetProduct("urn:dp:a:first");
      saw_product = current.ok() && current->has_value();
      looked.Notify();
      return absl::OkStatus();
    });
    answered.Notify();
  });
  looked.WaitForNotification();
  EXPECT_TRUE(saw_product);
  // Bounded wait for something that must not happen while the sync is held.
  EXPECT_FALSE(answered.WaitForNotificationWithTimeout(absl::Milliseconds(200)));

  release_first_sync_.Notify();
  writer.join();
  reader.join();
  ASSERT_TRUE(no_op.ok()) << no_op.status();
  EXPECT_EQ(*no_op, 1u);
  EXPECT_EQ(store_->LastSequence(), 1u);
}

TEST_F(GroupCommitTest, AFailedSyncRefusesEveryLaterWrite) {
  sync_result_ = absl::InternalError("injected fsync failure");
  release_first_sync_.Notify();
  absl::Notification applied, done;
  absl::StatusOr<uint64_t> result;
  WriteAsync("urn:dp:a:first", &applied, &done, &result).join();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("injected fsync failure"), std::string::npos);
  EXPECT_EQ(store_->LastSequence(), 0u);
  EXPECT_EQ(store_->GetProduct("urn:dp:a:first").status().code(), absl::StatusCode::kNotFound);

  // Not retried: no later write is applied, and no further sync is tried.
  sync_result_ = absl::OkStatus();
  bool ran = false;
  absl::StatusOr<uint64_t> later = store_->Write([&](WriteTxn& txn) {
    ran = true;
    txn.PutProduct(Product("urn:dp:a:second"));
    return absl::OkStatus();
  });
  EXPECT_EQ(later.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(ran);
  EXPECT_EQ(store_->WalSyncs(), 1u);
}

TEST(GroupCommitStressTest, ConcurrentSyncedWritersLoseNothing) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open({.path = dir.Sub("db"), .sync_writes = true});
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kThreads = 8, kWrites = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string urn = "urn:dp:d" + std::to_string(t) + ":p" + std::to_string(i);
        absl::StatusOr<uint64_t> written = (*store)->Write([&](WriteTxn& txn) {
          txn.PutProduct(Product(urn));
          return absl::OkStatus();
        });
        // Acknowledged means published: the writer reads its own write.
        if (!written.ok() || (*store)->LastSequence() < *written ||
            !(*store)->GetProduct(urn).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ((*store)->LastSequence(), uint64_t{kThreads * kWrites});
  EXPECT_LE((*store)->WalSyncs(), uint64_t{kThreads * kWrites});

  // Everything acknowledged is there after a reopen (WAL replay).
  const std::string path = (*store)->path();
  store->reset();
  absl::StatusOr<std::unique_ptr<Store>> reopened = Store::Open({.path = path});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->LastSequence(), uint64_t{kThreads * kWrites});
  EXPECT_EQ(*(*reopened)->CountProducts(), uint64_t{kThreads * kWrites});
  EXPECT_EQ((*reopened)->ReadChanges(1, kThreads * kWrites + 1)->size(),
            size_t{kThreads * kWrites});
}

}  // namespace
}  // namespace meshdex::storage
