// Catalog::BatchApplyProducts: many applies as one atomic write. All or
// nothing, in order (later requests see earlier ones), one WAL sync, errors
// naming the refused request.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/catalog/catalog.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::catalog {
namespace {

using meshdex::v1::BatchApplyProductsRequest;
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
  auto* field = port->mutable_schema()->add_fields();
  field->set_name("id");
  field->set_type("string");
  return product;
}

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
  EXPECT_EQ(*store_->CountProducts(), 0u);
  EXPECT_EQ(store_->LastSequence(), 0u);
}

}  // namespace
}  // namespace meshdex::catalog
