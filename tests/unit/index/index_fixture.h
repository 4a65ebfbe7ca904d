// IndexFixture: a real store and index follower in a temporary directory,
// with helpers to write products the way the catalog does (through
// Store::Write, URN urn:dp:<domain>:<name>, next revision). For tests only.
#ifndef MESHDEX_TESTS_UNIT_INDEX_INDEX_FIXTURE_H_
#define MESHDEX_TESTS_UNIT_INDEX_INDEX_FIXTURE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "index/follower.h"
#include "meshdex/v1/resources.pb.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::index {

inline std::string Urn(const std::string& domain, const std::string& name) {
  return absl::StrCat("urn:dp:", domain, ":", name);
}

// A product of `domain`/`name`; `edit` fills in the rest.
inline meshdex::v1::DataProduct Product(
    const std::string& domain, const std::string& name,
    const std::function<void(meshdex::v1::DataProduct&)>& edit = {}) {
  meshdex::v1::DataProduct product;
  product.mutable_metadata()->set_domain(domain);
  product.mutable_metadata()->set_name(name);
  product.mutable_metadata()->set_urn(Urn(domain, name));
  product.mutable_spec()->set_version("1.0.0");
  if (edit) edit(product);
  return product;
}

class IndexFixture : public ::testing::Test {
 protected:
  IndexFixture() { OpenStore(); }
  ~IndexFixture() override {
    follower_.reset();
    store_.reset();
  }

  static IndexFollowerOptions FastOptions() {
    IndexFollowerOptions options;
    options.sync_commits = false;
    options.idle_wait = absl::Milliseconds(5);
    return options;
  }

  void OpenStore() {
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::Store::Open({dir_.Sub("store"), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  std::string IndexPath() const { return dir_.Sub("index"); }

  // A new follower on the index directory, started.
  void StartFollower(IndexFollowerOptions options = FastOptions()) {
    follower_ = std::make_unique<IndexFollower>(*store_, IndexPath(), options);
    ASSERT_TRUE(follower_->Start().ok());
  }

  // Writes `product` as its next revision; returns the change sequence.
  uint64_t Put(meshdex::v1::DataProduct product) {
    absl::StatusOr<uint64_t> sequence = store_->Write([&](storage::WriteTxn& txn) {
      absl::StatusOr<int64_t> last = txn.LastRevision(product.metadata().urn());
      if (!last.ok()) return last.status();
      product.mutable_metadata()->set_revision(*last + 1);
      txn.PutProduct(product);
      return absl::OkStatus();
    });
    EXPECT_TRUE(sequence.ok()) << sequence.status();
    return sequence.value_or(0);
  }

  uint64_t Delete(const std::string& urn) {
    absl::StatusOr<uint64_t> sequence = store_->Write([&](storage::WriteTxn& txn) {
      absl::StatusOr<int64_t> last = txn.LastRevision(urn);
      if (!last.ok()) return last.status();
      meshdex::v1::DataProduct tombstone;
      tombstone.mutable_metadata()->set_urn(urn);
      tombstone.mutable_metadata()->set_revision(*last + 1);
      txn.DeleteProduct(tombstone);
      return absl::OkStatus();
    });
    EXPECT_TRUE(sequence.ok()) << sequence.status();
    return sequence.value_or(0);
  }

  // Waits (bounded) until the follower has applied everything written. The
  // bound is generous: the sanitizer build on a loaded 2-core CI machine once
  // took more than 10 s for a test's 10,500 products (7,358 applied by then).
  void CatchUp() {
    ASSERT_TRUE(follower_->WaitForSequence(store_->LastSequence(), absl::Now() + absl::Seconds(60)))
        << "applied " << follower_->AppliedSequence() << " of " << store_->LastSequence();
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<IndexFollower> follower_;
};

}  // namespace meshdex::index

#endif  // MESHDEX_TESTS_UNIT_INDEX_INDEX_FIXTURE_H_
