// The store's kept entity counts against what a scan finds, through every kind
// of write that adds or removes a product or a dataset, and across reopening.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::storage {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::LineageDataset;

DataProduct Product(const std::string& urn, int64_t revision) {
  DataProduct product;
  product.mutable_metadata()->set_urn(urn);
  product.mutable_metadata()->set_revision(revision);
  return product;
}

LineageDataset Dataset(const std::string& name) {
  LineageDataset dataset;
  dataset.set_namespace_("warehouse");
  dataset.set_name(name);
  return dataset;
}

std::unique_ptr<Store> OpenStore(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open({.path = path, .sync_writes = false});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// What the store holds, counted the slow way.
EntityCounts Scan(const Store& store) {
  EntityCounts counts;
  std::string after;
  while (true) {
    absl::StatusOr<Page<DataProduct>> page = store.ListProducts("", after, 7);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->items.empty()) break;
    counts.products += page->items.size();
    after = page->items.back().metadata().urn();
    if (!page->more) break;
  }
  std::optional<DatasetKey> after_dataset;
  while (true) {
    absl::StatusOr<Page<LineageDataset>> page = store.ListDatasets(after_dataset, 7);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->items.empty()) break;
    counts.datasets += page->items.size();
    after_dataset = DatasetKey{page->items.back().namespace_(), page->items.back().name()};
    if (!page->more) break;
  }
  return counts;
}

class StoreCountsTest : public ::testing::Test {
 protected:
  void Write(absl::FunctionRef<absl::Status(WriteTxn&)> fn) {
    absl::StatusOr<uint64_t> written = store_->Write(fn);
    ASSERT_TRUE(written.ok()) << written.status();
  }

  // The kept counts equal the scan, and are `products` and `datasets`.
  void ExpectCounts(uint64_t products, uint64_t datasets) {
    absl::StatusOr<EntityCounts> kept = store_->Counts();
    ASSERT_TRUE(kept.ok()) << kept.status();
    const EntityCounts scanned = Scan(*store_);
    EXPECT_EQ(scanned.products, products);
    EXPECT_EQ(scanned.datasets, datasets);
    EXPECT_EQ(kept->products, scanned.products);
    EXPECT_EQ(kept->datasets, scanned.datasets);
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_ = OpenStore(dir_.Sub("db"));
};

TEST_F(StoreCountsTest, EveryKindOfWriteKeepsTheCountsExact) {
  ExpectCounts(0, 0);
  // New products, read first as the catalog does, and one put blind.
  Write([](WriteTxn& txn) {
    for (const char* urn : {"urn:dp:a:one", "urn:dp:a:two"}) {
      absl::StatusOr<std::optional<DataProduct>> current = txn.GetProduct(urn);
      if (!current.ok()) return current.status();
      txn.PutProduct(Product(urn, 1));
    }
    txn.PutProduct(Product("urn:dp:a:three", 1));
    return absl::OkStatus();
  });
  ExpectCounts(3, 0);
  // A new revision of an existing product, blind and read first.
  Write([](WriteTxn& txn) {
    txn.PutProduct(Product("urn:dp:a:one", 2));
    absl::StatusOr<std::optional<DataProduct>> current = txn.GetProduct("urn:dp:a:two");
    if (!current.ok()) return current.status();
    txn.PutProduct(Product("urn:dp:a:two", 2));
    return absl::OkStatus();
  });
  ExpectCounts(3, 0);
  // Created and deleted in one write; deleted and created again in one write;
  // deleted.
  Write([](WriteTxn& txn) {
    txn.PutProduct(Product("urn:dp:a:fleeting", 1));
    txn.DeleteProduct(Product("urn:dp:a:fleeting", 2));
    txn.DeleteProduct(Product("urn:dp:a:one", 3));
    txn.PutProduct(Product("urn:dp:a:one", 4));
    txn.DeleteProduct(Product("urn:dp:a:three", 2));
    return absl::OkStatus();
  });
  ExpectCounts(2, 0);
  // Datasets: new ones (one put twice in a write), then an existing one again
  // beside a new one, read first as ingest does.
  Write([](WriteTxn& txn) {
    txn.PutDataset(Dataset("orders"));
    txn.PutDataset(Dataset("orders"));
    txn.PutDataset(Dataset("customers"));
    return absl::OkStatus();
  });
  ExpectCounts(2, 2);
  Write([](WriteTxn& txn) {
    for (const char* name : {"orders", "invoices"}) {
      absl::StatusOr<std::optional<LineageDataset>> current = txn.GetDataset({"warehouse", name});
      if (!current.ok()) return current.status();
      txn.PutDataset(Dataset(name));
    }
    return absl::OkStatus();
  });
  ExpectCounts(2, 3);
  // A failed write changes nothing, neither do the counts.
  EXPECT_FALSE(store_
                   ->Write([](WriteTxn& txn) {
                     txn.PutProduct(Product("urn:dp:a:never", 1));
                     txn.PutDataset(Dataset("never"));
                     return absl::InternalError("refused");
                   })
                   .ok());
  ExpectCounts(2, 3);
  // The counts are stored: a reopened store starts from them.
  store_.reset();
  store_ = OpenStore(dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  ExpectCounts(2, 3);
  Write([](WriteTxn& txn) {
    txn.DeleteProduct(Product("urn:dp:a:two", 3));
    return absl::OkStatus();
  });
  ExpectCounts(1, 3);
}

TEST_F(StoreCountsTest, AStoreWrittenBeforeCountsWereKeptIsCountedOnceOnOpen) {
  Write([](WriteTxn& txn) {
    for (int i = 0; i < 20; ++i) txn.PutProduct(Product("urn:dp:a:p" + std::to_string(i), 1));
    for (int i = 0; i < 5; ++i) txn.PutDataset(Dataset("d" + std::to_string(i)));
    return absl::OkStatus();
  });
  store_.reset();
  {
    // What an older meshdexd left: the same records without the counts.
    std::vector<std::string> families;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_.Sub("db"), &families).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : families) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir_.Sub("db"), descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), keys::kCountsKey, &value).ok());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), keys::kCountsKey).ok());
    for (rocksdb::ColumnFamilyHandle* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  }
  store_ = OpenStore(dir_.Sub("db"));
  ASSERT_NE(store_, nullptr);
  ExpectCounts(20, 5);
  Write([](WriteTxn& txn) {
    txn.PutProduct(Product("urn:dp:a:new", 1));
    return absl::OkStatus();
  });
  ExpectCounts(21, 5);
}

}  // namespace
}  // namespace meshdex::storage
