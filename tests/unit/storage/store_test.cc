#include "storage/store.h"

#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::storage {
namespace {

using meshdex::v1::ChangeEvent;
using meshdex::v1::DataProduct;

DataProduct Product(const std::string& urn, int64_t revision, const std::string& title) {
  DataProduct product;
  product.mutable_metadata()->set_urn(urn);
  product.mutable_metadata()->set_revision(revision);
  product.mutable_spec()->set_title(title);
  return product;
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open({.path = path, .sync_writes = false});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

absl::StatusOr<uint64_t> Put(Store& store, const DataProduct& product) {
  return store.Write([&](WriteTxn& txn) {
    txn.PutProduct(product);
    return absl::OkStatus();
  });
}

class StoreTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::unique_ptr<Store> store_ = OpenStore(dir_.Sub("db"));
};

TEST_F(StoreTest, EmptyStoreHasNoSequenceAndNoProducts) {
  EXPECT_EQ(store_->LastSequence(), 0u);
  EXPECT_EQ(store_->GetProduct("urn:dp:a:b").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*store_->CountProducts(), 0u);
}

TEST_F(StoreTest, WriteStoresCurrentStateRevisionAndChange) {
  ASSERT_EQ(*Put(*store_, Product("urn:dp:a:b", 1, "one")), 1u);
  ASSERT_EQ(*Put(*store_, Product("urn:dp:a:b", 2, "two")), 2u);

  EXPECT_EQ(store_->GetProduct("urn:dp:a:b")->spec().title(), "two");
  EXPECT_EQ(store_->GetRevision("urn:dp:a:b", 1)->spec().title(), "one");
  EXPECT_EQ(store_->GetRevision("urn:dp:a:b", 3).status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<std::vector<ChangeEvent>> changes = store_->ReadChanges(1, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].sequence(), 1u);
  EXPECT_EQ((*changes)[1].revision(), 2);
  EXPECT_EQ((*changes)[1].type(), ChangeEvent::PRODUCT_UPSERTED);
  EXPECT_TRUE((*changes)[1].has_time());
}

TEST_F(StoreTest, DeleteRemovesCurrentStateAndKeepsHistory) {
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 1, "one")).ok());
  ASSERT_TRUE(store_->Write([&](WriteTxn& txn) {
    txn.DeleteProduct(Product("urn:dp:a:b", 2, "one"));
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(store_->GetProduct("urn:dp:a:b").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<Page<DataProduct>> history = store_->ListRevisions("urn:dp:a:b", 0, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.size(), 2u);
  EXPECT_EQ(history->items[1].metadata().revision(), 2);
  EXPECT_EQ((*store_->ReadChanges(2, 1))[0].type(), ChangeEvent::PRODUCT_DELETED);
}

TEST_F(StoreTest, FailedCallbackWritesNothing) {
  absl::StatusOr<uint64_t> result = store_->Write([&](WriteTxn& txn) {
    txn.PutProduct(Product("urn:dp:a:b", 1, "one"));
    txn.PutClaim({"kafka://h:9092", "t"}, {"urn:dp:a:b", "p"});
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->LastSequence(), 0u);
  EXPECT_FALSE(store_->GetProduct("urn:dp:a:b").ok());
  EXPECT_FALSE(store_->GetClaim({"kafka://h:9092", "t"})->has_value());
}

TEST_F(StoreTest, EmptyWriteReturnsCurrentSequence) {
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 1, "one")).ok());
  EXPECT_EQ(*store_->Write([](WriteTxn&) { return absl::OkStatus(); }), 1u);
  EXPECT_EQ(store_->LastSequence(), 1u);
}

TEST_F(StoreTest, TransactionReadsItsOwnWrites) {
  ASSERT_TRUE(store_->Write([&](WriteTxn& txn) {
    EXPECT_EQ(*txn.LastRevision("urn:dp:a:b"), 0);
    txn.PutProduct(Product("urn:dp:a:b", 1, "one"));
    txn.PutClaim({"s3://b", "x"}, {"urn:dp:a:b", "files"});
    EXPECT_EQ((*txn.GetProduct("urn:dp:a:b"))->spec().title(), "one");
    EXPECT_EQ(*txn.LastRevision("urn:dp:a:b"), 1);
    EXPECT_EQ((*txn.GetClaim({"s3://b", "x"}))->port_name, "files");
    txn.ReleaseClaim({"s3://b", "x"});
    EXPECT_FALSE(txn.GetClaim({"s3://b", "x"})->has_value());
    // Its own delete, then a re-create: the tombstone's revision counts.
    txn.DeleteProduct(Product("urn:dp:a:b", 2, "one"));
    EXPECT_FALSE(txn.GetProduct("urn:dp:a:b")->has_value());
    EXPECT_EQ(*txn.LastRevision("urn:dp:a:b"), 2);
    txn.PutProduct(Product("urn:dp:a:b", 3, "three"));
    EXPECT_EQ((*txn.GetProduct("urn:dp:a:b"))->spec().title(), "three");
    return absl::OkStatus();
  }).ok());
  EXPECT_FALSE(store_->GetClaim({"s3://b", "x"})->has_value());
}

TEST_F(StoreTest, ABigTransactionReadsEachOfItsOwnWrites) {
  // A batch apply of many products: every read finds that product's own
  // last write (by URN, not a neighbour's), claims included.
  constexpr int kProducts = 1000;
  auto urn = [](int i) { return absl::StrCat("urn:dp:a:p", i); };
  ASSERT_TRUE(
      store_
          ->Write([&](WriteTxn& txn) {
            for (int i = 0; i < kProducts; ++i) {
              txn.PutProduct(Product(urn(i), 1, absl::StrCat("title ", i)));
              txn.PutClaim({"s3://b", absl::StrCat("x", i)}, {urn(i), "files"});
            }
            // Every other product is registered again and then re-claimed by the next.
            for (int i = 0; i < kProducts; i += 2) {
              txn.PutProduct(Product(urn(i), 2, absl::StrCat("again ", i)));
              txn.PutClaim({"s3://b", absl::StrCat("x", i)}, {urn(i + 1), "copy"});
            }
            for (int i = 0; i < kProducts; ++i) {
              const bool again = i % 2 == 0;
              EXPECT_EQ((*txn.GetProduct(urn(i)))->spec().title(),
                        absl::StrCat(again ? "again " : "title ", i));
              EXPECT_EQ(*txn.LastRevision(urn(i)), again ? 2 : 1);
              std::optional<AddressClaim> claim = *txn.GetClaim({"s3://b", absl::StrCat("x", i)});
              EXPECT_EQ(claim.has_value() ? claim->product_urn : "none", urn(again ? i + 1 : i));
            }
            return absl::OkStatus();
          })
          .ok());
  EXPECT_EQ(*store_->CountProducts(), static_cast<uint64_t>(kProducts));
  EXPECT_EQ((*store_->GetClaim({"s3://b", "x10"}))->port_name, "copy");
  EXPECT_EQ(store_->GetProduct(urn(10))->spec().title(), "again 10");
}

TEST_F(StoreTest, LastRevisionCountsTombstones) {
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 1, "one")).ok());
  ASSERT_TRUE(store_->Write([&](WriteTxn& txn) {
    txn.DeleteProduct(Product("urn:dp:a:b", 2, "one"));
    return absl::OkStatus();
  }).ok());
  ASSERT_TRUE(store_->Write([&](WriteTxn& txn) {
    EXPECT_FALSE(txn.GetProduct("urn:dp:a:b")->has_value());
    EXPECT_EQ(*txn.LastRevision("urn:dp:a:b"), 2);
    // A neighbouring URN's revisions do not leak into this one's.
    EXPECT_EQ(*txn.LastRevision("urn:dp:a:bb"), 0);
    return absl::OkStatus();
  }).ok());
}

TEST_F(StoreTest, ListProductsPagesByPrefix) {
  for (const char* urn : {"urn:dp:a:x", "urn:dp:a:y", "urn:dp:a:z", "urn:dp:ab:w", "urn:dp:b:v"}) {
    ASSERT_TRUE(Put(*store_, Product(urn, 1, urn)).ok());
  }
  absl::StatusOr<Page<DataProduct>> page = store_->ListProducts("urn:dp:a:", "", 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_TRUE(page->more);
  page = store_->ListProducts("urn:dp:a:", page->items.back().metadata().urn(), 2);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].metadata().urn(), "urn:dp:a:z");
  EXPECT_FALSE(page->more);
  EXPECT_EQ(store_->ListProducts("urn:dp:", "", 100)->items.size(), 5u);
}

TEST_F(StoreTest, SequenceSurvivesReopen) {
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 1, "one")).ok());
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:c", 1, "one")).ok());
  store_.reset();
  store_ = OpenStore(dir_.Sub("db"));
  EXPECT_EQ(store_->LastSequence(), 2u);
  EXPECT_EQ(*Put(*store_, Product("urn:dp:a:d", 1, "x")), 3u);
}

// Bytes of the write-ahead log files in a store directory.
uint64_t WalBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") bytes += entry.file_size();
  }
  return bytes;
}

TEST_F(StoreTest, FlushForRestartLeavesNoWalToReplay) {
  const std::string text(2000, 'x');
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(Put(*store_, Product("urn:dp:a:p" + std::to_string(i), 1, text)).ok());
  }
  EXPECT_GT(WalBytes(dir_.Sub("db")), 200u * 2000u);

  ASSERT_TRUE(store_->FlushForRestart().ok());
  store_.reset();
  EXPECT_LT(WalBytes(dir_.Sub("db")), 4096u);
  store_ = OpenStore(dir_.Sub("db"));
  EXPECT_EQ(store_->LastSequence(), 200u);
  EXPECT_EQ(*store_->CountProducts(), 200u);
  EXPECT_EQ(store_->GetProduct("urn:dp:a:p199")->spec().title(), text);
}

TEST_F(StoreTest, ConcurrentWritersProduceGapFreeSequences) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        std::string urn = "urn:dp:d:p" + std::to_string(t);
        ASSERT_TRUE(store_->Write([&](WriteTxn& txn) {
          // Read-check-write is atomic: the revision always advances by one.
          int64_t next = *txn.LastRevision(urn) + 1;
          txn.PutProduct(Product(urn, next, "t"));
          return absl::OkStatus();
        }).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  constexpr uint64_t kTotal = kThreads * kWritesPerThread;
  EXPECT_EQ(store_->LastSequence(), kTotal);
  absl::StatusOr<std::vector<ChangeEvent>> changes = store_->ReadChanges(1, kTotal + 10);
  ASSERT_EQ(changes->size(), kTotal);
  for (uint64_t i = 0; i < kTotal; ++i) EXPECT_EQ((*changes)[i].sequence(), i + 1);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(store_->GetProduct("urn:dp:d:p" + std::to_string(t))->metadata().revision(),
              kWritesPerThread);
  }
}

TEST_F(StoreTest, WaitForSequenceWakesOnWriteAndTimesOut) {
  EXPECT_FALSE(store_->WaitForSequence(1, absl::Now() + absl::Milliseconds(20)));
  std::thread writer([&] { ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 1, "x")).ok()); });
  EXPECT_TRUE(store_->WaitForSequence(1, absl::Now() + absl::Seconds(10)));
  writer.join();
}

TEST_F(StoreTest, CheckpointIsAConsistentOpenableCopy) {
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 1, "before")).ok());
  absl::StatusOr<uint64_t> sequence = store_->Checkpoint(dir_.Sub("backup"));
  ASSERT_TRUE(sequence.ok()) << sequence.status();
  EXPECT_EQ(*sequence, 1u);
  ASSERT_TRUE(Put(*store_, Product("urn:dp:a:b", 2, "after")).ok());
  // Into an existing directory: refused, nothing overwritten.
  EXPECT_FALSE(store_->Checkpoint(dir_.Sub("backup")).ok());

  std::unique_ptr<Store> copy = OpenStore(dir_.Sub("backup"));
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->LastSequence(), 1u);
  EXPECT_EQ(copy->GetProduct("urn:dp:a:b")->spec().title(), "before");
  EXPECT_EQ(store_->GetProduct("urn:dp:a:b")->spec().title(), "after");
}

TEST(StoreOpenTest, UnopenablePathIsAnErrorNotAReset) {
  testing::TempDir dir;
  // A regular file where the database directory should be.
  std::string path = dir.Sub("file");
  FILE* f = fopen(path.c_str(), "w");
  fputs("not a db", f);
  fclose(f);
  EXPECT_FALSE(Store::Open({.path = path}).ok());
  EXPECT_FALSE(Store::Open({.path = ""}).ok());
}

}  // namespace
}  // namespace meshdex::storage
