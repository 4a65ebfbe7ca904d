// Catalog core on a real store: revision rules, claims, dry run, optimistic
// concurrency under racing writers, paging tokens, batch apply.
#include "server/catalog/catalog.h"

#include <atomic>
#include <memory>
#include <string>
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

// BatchApplyProducts: many applies as one atomic write. All or nothing, in
// order (later requests see earlier ones), one WAL sync, errors naming the
// refused request.

using meshdex::v1::BatchApplyProductsRequest;

void Add(BatchApplyProductsRequest& batch, const DataProduct& product, int64_t expected = 0) {
  auto* request = batch.add_requests();
  *request->mutable_product() = product;
  request->set_expected_revision(expected);
}

class BatchApplyTest : public ::testing::Test {
 protected:
  BatchApplyTest() {
    // Synced writes, so the batch's single WAL sync is observable.
    auto store = storage::Store::Open({.path = dir_.Sub("db"), .sync_writes = true});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    catalog_ = std::make_unique<Catalog>(*store_);
  }

  // The product owning `address`, "" when none.
  std::string Owner(const std::string& address) {
    meshdex::v1::ResolveAddressRequest request;
    request.set_address(address);
    auto resolved = catalog_->ResolveAddress(request);
    return resolved.ok() ? resolved->product_urn() : "";
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(BatchApplyTest, AppliesEveryRequestInOneDurableWrite) {
  BatchApplyProductsRequest batch;
  for (int i = 0; i < 50; ++i) {
    Add(batch, Product("p" + std::to_string(i), "s3://lake/p" + std::to_string(i)));
  }
  const uint64_t syncs_before = store_->WalSyncs();
  auto response = catalog_->BatchApplyProducts(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(store_->WalSyncs() - syncs_before, 1u);
  ASSERT_EQ(response->responses_size(), 50);
  EXPECT_EQ(response->sequence(), store_->LastSequence());
  for (int i = 0; i < 50; ++i) {
    const auto& applied = response->responses(i);
    EXPECT_EQ(applied.outcome(), meshdex::v1::CREATED);
    EXPECT_EQ(applied.product().metadata().urn(), "urn:dp:sales:p" + std::to_string(i));
    EXPECT_EQ(applied.sequence(), response->sequence());
    // The answer is the product as stored, whole.
    meshdex::v1::GetProductRequest get;
    get.set_urn(applied.product().metadata().urn());
    EXPECT_EQ(applied.product().SerializeAsString(),
              catalog_->GetProduct(get)->SerializeAsString());
  }
  EXPECT_EQ(*store_->CountProducts(), 50u);
  EXPECT_EQ(Owner("s3://lake/p7"), "urn:dp:sales:p7");

  // Applying the same batch again changes nothing and writes nothing.
  auto again = catalog_->BatchApplyProducts(batch);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->sequence(), response->sequence());
  for (const auto& applied : again->responses()) {
    EXPECT_EQ(applied.outcome(), meshdex::v1::UNCHANGED);
  }
}

TEST_F(BatchApplyTest, LaterRequestsSeeEarlierOnes) {
  BatchApplyProductsRequest batch;
  Add(batch, Product("orders", "s3://lake/orders", "1.0.0"));
  Add(batch, Product("orders", "s3://lake/orders", "1.1.0"), /*expected=*/1);
  Add(batch, Product("orders", "s3://lake/orders", "1.1.0"));
  auto response = catalog_->BatchApplyProducts(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->responses(0).outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(response->responses(1).outcome(), meshdex::v1::UPDATED);
  EXPECT_EQ(response->responses(1).product().metadata().revision(), 2);
  EXPECT_EQ(response->responses(2).outcome(), meshdex::v1::UNCHANGED);
  meshdex::v1::GetProductRequest get;
  get.set_urn("urn:dp:sales:orders");
  EXPECT_EQ(catalog_->GetProduct(get)->spec().version(), "1.1.0");
}

TEST_F(BatchApplyTest, OneRefusedRequestStoresNothingAndIsNamed) {
  ASSERT_TRUE(catalog_->BatchApplyProducts([] {
                BatchApplyProductsRequest owner;
                Add(owner, Product("owner", "s3://lake/taken"));
                return owner;
              }()).ok());
  const uint64_t sequence = store_->LastSequence();

  struct Case {
    const char* what;
    DataProduct bad;
    int64_t expected_revision;
    absl::StatusCode code;
    const char* message;
  };
  DataProduct unnamed = Product("x", "s3://lake/x");
  unnamed.mutable_metadata()->clear_name();
  const Case cases[] = {
      {"invalid", unnamed, 0, absl::StatusCode::kInvalidArgument, "requests[1]: metadata.name"},
      {"claimed address", Product("thief", "s3://lake/taken"), 0,
       absl::StatusCode::kAlreadyExists, "requests[1]: spec.outputPorts[0]"},
      {"stale revision", Product("owner", "s3://lake/taken", "2.0.0"), 7,
       absl::StatusCode::kAborted, "requests[1]: "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    BatchApplyProductsRequest batch;
    Add(batch, Product("fine", "s3://lake/fine"));
    Add(batch, c.bad, c.expected_revision);
    Add(batch, Product("also-fine", "s3://lake/also-fine"));
    auto response = catalog_->BatchApplyProducts(batch);
    EXPECT_EQ(response.status().code(), c.code) << response.status();
    EXPECT_NE(response.status().message().find(c.message), std::string::npos)
        << response.status();
    EXPECT_EQ(store_->LastSequence(), sequence);
    EXPECT_EQ(*store_->CountProducts(), 1u);
    EXPECT_EQ(Owner("s3://lake/fine"), "");
  }
}

TEST_F(BatchApplyTest, EmptyAndOversizedBatchesAreInvalid) {
  EXPECT_EQ(catalog_->BatchApplyProducts({}).status().code(), absl::StatusCode::kInvalidArgument);
  BatchApplyProductsRequest big;
  for (int i = 0; i <= Catalog::kMaxBatchSize; ++i) Add(big, Product("p", "s3://lake/p"));
  auto response = catalog_->BatchApplyProducts(big);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(response.status().message().find("requests: at most 1000"), std::string::npos);
  EXPECT_EQ(store_->LastSequence(), 0u);
}

TEST_F(BatchApplyTest, DryRunRequestsStoreNothing) {
  BatchApplyProductsRequest batch;
  Add(batch, Product("orders", "s3://lake/orders"));
  batch.mutable_requests(0)->set_dry_run(true);
  auto response = catalog_->BatchApplyProducts(batch);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->responses(0).outcome(), meshdex::v1::CREATED);
  // The answer is the product as it would have been stored.
  const DataProduct& answered = response->responses(0).product();
  EXPECT_EQ(answered.metadata().urn(), "urn:dp:sales:orders");
  EXPECT_EQ(answered.metadata().revision(), 1);
  EXPECT_TRUE(answered.metadata().has_create_time());
  ASSERT_EQ(answered.spec().output_ports_size(), 1);
  EXPECT_EQ(answered.spec().output_ports(0).address(), "s3://lake/orders");
  EXPECT_EQ(*store_->CountProducts(), 0u);
  EXPECT_EQ(store_->LastSequence(), 0u);
}

}  // namespace
}  // namespace meshdex::catalog
