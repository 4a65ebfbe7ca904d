// Catalog core on a real store: revision rules, claims, dry run, optimistic
// concurrency under racing writers, paging tokens.
#include "server/catalog/catalog.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::catalog {
namespace {

using meshdex::v1::ApplyProductRequest;
using meshdex::v1::DataProduct;

DataProduct Product(const std::string& name, const std::string& address,
                    const std::string& version = "1.0.0") {
  DataProduct product;
  product.mutable_metadata()->set_domain("sales");
  product.mutable_metadata()->set_name(name);
  product.mutable_spec()->set_version(version);
  auto* port = product.mutable_spec()->add_output_ports();
  port->set_name("out");
  port->set_kind("s3");
  port->set_address(address);
  port->mutable_schema()->add_fields()->set_name("id");
  port->mutable_schema()->mutable_fields(0)->set_type("string");
  return product;
}

ApplyProductRequest Request(const DataProduct& product, int64_t expected_revision = 0) {
  ApplyProductRequest request;
  *request.mutable_product() = product;
  request.set_expected_revision(expected_revision);
  return request;
}

class CatalogTest : public ::testing::Test {
 protected:
  CatalogTest() {
    auto store = storage::Store::Open({.path = dir_.Sub("db"), .sync_writes = false});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    Catalog::Options options;
    options.clock = [this] { return now_; };
    catalog_ = std::make_unique<Catalog>(*store_, options);
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogTest, DefaultsAndServerFieldsAreSetOnCreate) {
  DataProduct input = Product("orders", "s3://lake/orders");
  input.mutable_metadata()->set_revision(42);  // output-only: ignored
  input.mutable_metadata()->set_urn("urn:dp:other:thing");
  auto response = catalog_->ApplyProduct(Request(input));
  ASSERT_TRUE(response.ok()) << response.status();
  const DataProduct& stored = response->product();
  EXPECT_EQ(stored.metadata().urn(), "urn:dp:sales:orders");
  EXPECT_EQ(stored.metadata().revision(), 1);
  EXPECT_EQ(stored.api_version(), "meshdex.io/v1");
  EXPECT_EQ(stored.kind(), "DataProduct");
  EXPECT_EQ(stored.spec().lifecycle(), "draft");
  EXPECT_EQ(stored.metadata().create_time().seconds(), 1700000000);
}

TEST_F(CatalogTest, ReapplyingWhatGetReturnsIsUnchanged) {
  ASSERT_TRUE(catalog_->ApplyProduct(Request(Product("orders", "s3://lake/orders"))).ok());
  meshdex::v1::GetProductRequest get;
  get.set_urn("urn:dp:sales:orders");
  auto stored = catalog_->GetProduct(get);
  ASSERT_TRUE(stored.ok());
  now_ += absl::Hours(1);
  auto again = catalog_->ApplyProduct(Request(*stored));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome(), meshdex::v1::UNCHANGED);
  EXPECT_EQ(store_->LastSequence(), 1u);
}

TEST_F(CatalogTest, UpdateKeepsCreateTimeAndAdvancesUpdateTime) {
  ASSERT_TRUE(catalog_->ApplyProduct(Request(Product("orders", "s3://lake/orders"))).ok());
  now_ += absl::Hours(1);
  auto updated = catalog_->ApplyProduct(Request(Product("orders", "s3://lake/orders", "1.1.0")));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->outcome(), meshdex::v1::UPDATED);
  EXPECT_EQ(updated->product().metadata().create_time().seconds(), 1700000000);
  EXPECT_EQ(updated->product().metadata().update_time().seconds(), 1700003600);
}

TEST_F(CatalogTest, DryRunChecksClaimsButWritesNothing) {
  ASSERT_TRUE(catalog_->ApplyProduct(Request(Product("orders", "s3://lake/orders"))).ok());
  ApplyProductRequest dry = Request(Product("copy", "s3://lake/orders"));
  dry.set_dry_run(true);
  EXPECT_EQ(catalog_->ApplyProduct(dry).status().code(), absl::StatusCode::kAlreadyExists);
  dry = Request(Product("fresh", "s3://lake/fresh"));
  dry.set_dry_run(true);
  ASSERT_TRUE(catalog_->ApplyProduct(dry).ok());
  EXPECT_EQ(store_->LastSequence(), 1u);
  EXPECT_FALSE(store_->GetClaim({"s3://lake", "fresh"})->has_value());
}

TEST_F(CatalogTest, SwappingAddressesBetweenPortsOfOneProductIsAllowed) {
  DataProduct two = Product("orders", "s3://lake/a");
  *two.mutable_spec()->add_output_ports() = two.spec().output_ports(0);
  two.mutable_spec()->mutable_output_ports(1)->set_name("second");
  two.mutable_spec()->mutable_output_ports(1)->set_address("s3://lake/b");
  ASSERT_TRUE(catalog_->ApplyProduct(Request(two)).ok());
  two.mutable_spec()->mutable_output_ports(0)->set_address("s3://lake/b");
  two.mutable_spec()->mutable_output_ports(1)->set_address("s3://lake/a");
  ASSERT_TRUE(catalog_->ApplyProduct(Request(two)).ok());
  EXPECT_EQ((*store_->GetClaim({"s3://lake", "a"}))->port_name, "second");
  EXPECT_EQ((*store_->GetClaim({"s3://lake", "b"}))->port_name, "out");
}

TEST_F(CatalogTest, RacingWritersWithExpectedRevisionNeverLoseAnUpdate) {
  ASSERT_TRUE(catalog_->ApplyProduct(Request(Product("orders", "s3://lake/orders"))).ok());
  constexpr int kWriters = 8;
  std::atomic<int> won{0}, aborted{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto result = catalog_->ApplyProduct(
          Request(Product("orders", "s3://lake/orders", "2." + std::to_string(w) + ".0"), 1));
      if (result.ok()) {
        ++won;
      } else if (result.status().code() == absl::StatusCode::kAborted) {
        ++aborted;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(aborted.load(), kWriters - 1);
  meshdex::v1::GetProductRequest get;
  get.set_urn("urn:dp:sales:orders");
  EXPECT_EQ(catalog_->GetProduct(get)->metadata().revision(), 2);
}

TEST_F(CatalogTest, ListTokensAreBoundToTheirListing) {
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(catalog_->ApplyProduct(Request(Product(name, std::string("s3://lake/") + name))).ok());
  }
  meshdex::v1::ListProductsRequest list;
  list.set_domain("sales");
  list.set_page_size(1);
  auto page = catalog_->ListProducts(list);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_page_token().empty());
  meshdex::v1::ListProductsRequest other;
  other.set_domain("logistics");
  other.set_page_token(page->next_page_token());
  EXPECT_EQ(catalog_->ListProducts(other).status().code(), absl::StatusCode::kInvalidArgument);
  meshdex::v1::ListRevisionsRequest revisions;
  revisions.set_urn("urn:dp:sales:a");
  revisions.set_page_token(page->next_page_token());
  EXPECT_EQ(catalog_->ListRevisions(revisions).status().code(), absl::StatusCode::kInvalidArgument);
  list.set_page_size(-1);
  EXPECT_EQ(catalog_->ListProducts(list).status().code(), absl::StatusCode::kInvalidArgument);
  list.set_page_size(1);
  list.set_domain("Bad Domain");
  EXPECT_EQ(catalog_->ListProducts(list).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CatalogTest, MalformedUrnsAreInvalidArgument) {
  meshdex::v1::GetProductRequest get;
  for (const char* urn : {"", "orders", "urn:dp:sales", "urn:dp:sales:orders:port", "urn:x:a:b"}) {
    get.set_urn(urn);
    EXPECT_EQ(catalog_->GetProduct(get).status().code(), absl::StatusCode::kInvalidArgument) << urn;
  }
  meshdex::v1::ResolveAddressRequest resolve;
  resolve.mutable_dataset()->set_namespace_("s3://lake");
  resolve.mutable_dataset()->set_name(std::string("a\0b", 3));
  EXPECT_EQ(catalog_->ResolveAddress(resolve).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meshdex::catalog
