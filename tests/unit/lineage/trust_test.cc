// Trust states computed on read, with a controlled clock, through the
// catalog's reads (as every transport gets them).
#include "server/lineage/trust.h"

#include "gtest/gtest.h"
#include "server/lineage/formats.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

using meshdex::v1::TrustStatus;

class TrustTest : public LineageFixture {
 protected:
  TrustStatus TrustOf(const std::string& urn) {
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    absl::StatusOr<meshdex::v1::DataProduct> product = catalog_->GetProduct(request);
    EXPECT_TRUE(product.ok()) << product.status();
    return product.ok() ? product->status().trust() : TrustStatus();
  }

  void Complete(int run, const std::string& topic, int minutes) {
    Ingest(RunEvent("COMPLETE", RunId(run), "build-" + topic, {}, {Topic(topic)}, At(minutes)));
  }

  static absl::Time Time(int minutes) { return *ParseDateTime(At(minutes)); }
};

TEST_F(TrustTest, FreshThenStaleAsTheClockMoves) {
  ApplyProduct("sales", "orders", {"orders"}, /*freshness_seconds=*/900);
  Complete(1, "orders", 0);

  now_ = Time(10);
  TrustStatus trust = TrustOf("urn:dp:sales:orders");
  EXPECT_EQ(trust.state(), meshdex::v1::FRESH);
  EXPECT_EQ(trust.last_successful_run().seconds(), absl::ToUnixSeconds(Time(0)));
  ASSERT_EQ(trust.ports_size(), 1);
  EXPECT_EQ(trust.ports(0).port(), "port-orders");
  EXPECT_EQ(trust.ports(0).state(), meshdex::v1::FRESH);

  now_ = Time(15);  // exactly the SLO
  EXPECT_EQ(TrustOf("urn:dp:sales:orders").state(), meshdex::v1::FRESH);
  now_ = Time(16);
  EXPECT_EQ(TrustOf("urn:dp:sales:orders").state(), meshdex::v1::STALE);

  // A new completion makes it fresh again.
  Complete(2, "orders", 14);
  EXPECT_EQ(TrustOf("urn:dp:sales:orders").state(), meshdex::v1::FRESH);
}

TEST_F(TrustTest, UnknownWithoutRunsOrWithoutSlo) {
  ApplyProduct("sales", "never-ran", {"never"}, 900);
  TrustStatus never = TrustOf("urn:dp:sales:never-ran");
  EXPECT_EQ(never.state(), meshdex::v1::UNKNOWN);
  EXPECT_FALSE(never.has_last_successful_run());
  EXPECT_EQ(never.ports(0).state(), meshdex::v1::UNKNOWN);

  ApplyProduct("sales", "no-slo", {"noslo"});
  Complete(1, "noslo", 0);
  now_ = Time(1);
  TrustStatus no_slo = TrustOf("urn:dp:sales:no-slo");
  EXPECT_EQ(no_slo.state(), meshdex::v1::UNKNOWN);
  // The run is still reported.
  EXPECT_EQ(no_slo.ports(0).last_successful_run().seconds(), absl::ToUnixSeconds(Time(0)));
}

TEST_F(TrustTest, OnlyCompleteRunsCount) {
  ApplyProduct("sales", "orders", {"orders"}, 900);
  Ingest(RunEvent("START", RunId(1), "build", {}, {Topic("orders")}, At(0)));
  Ingest(RunEvent("FAIL", RunId(2), "build", {}, {Topic("orders")}, At(1)));
  now_ = Time(2);
  EXPECT_EQ(TrustOf("urn:dp:sales:orders").state(), meshdex::v1::UNKNOWN);
  Ingest(RunEvent("COMPLETE", RunId(1), "build", {}, {}, At(2)));
  EXPECT_EQ(TrustOf("urn:dp:sales:orders").state(), meshdex::v1::FRESH);
}

TEST_F(TrustTest, ProductIsTheWorstOfItsPortsWithAnSlo) {
  // Three ports: fresh, stale, and one without SLO and without runs.
  meshdex::v1::DataProduct product = ApplyProduct("sales", "multi", {"fresh", "stale"}, 600);
  Complete(1, "fresh", 50);
  Complete(2, "stale", 0);
  now_ = Time(55);
  TrustStatus trust = TrustOf("urn:dp:sales:multi");
  ASSERT_EQ(trust.ports_size(), 2);
  EXPECT_EQ(trust.ports(0).state(), meshdex::v1::FRESH);
  EXPECT_EQ(trust.ports(1).state(), meshdex::v1::STALE);
  EXPECT_EQ(trust.state(), meshdex::v1::STALE);
  EXPECT_EQ(trust.last_successful_run().seconds(), absl::ToUnixSeconds(Time(50)));

  // STALE outranks UNKNOWN; UNKNOWN outranks FRESH.
  meshdex::v1::DataProduct mixed;
  *mixed.mutable_spec() = product.spec();
  mixed.mutable_spec()->mutable_output_ports(1)->set_address("kafka://broker:9092/unrun");
  ASSERT_TRUE(FillTrust(*store_, Time(55), mixed).ok());
  EXPECT_EQ(mixed.status().trust().ports(1).state(), meshdex::v1::UNKNOWN);
  EXPECT_EQ(mixed.status().trust().state(), meshdex::v1::UNKNOWN);
  mixed.mutable_spec()->mutable_output_ports(1)->clear_slo();
  ASSERT_TRUE(FillTrust(*store_, Time(55), mixed).ok());
  EXPECT_EQ(mixed.status().trust().state(), meshdex::v1::FRESH);
}

TEST_F(TrustTest, EveryReadOfTheCatalogCarriesTrust) {
  ApplyProduct("sales", "a", {"a"}, 900);
  ApplyProduct("sales", "b", {"b"}, 900);
  Complete(1, "a", 0);
  now_ = Time(1);
  meshdex::v1::ListProductsRequest list;
  absl::StatusOr<meshdex::v1::ListProductsResponse> listed = catalog_->ListProducts(list);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->products_size(), 2);
  EXPECT_EQ(listed->products(0).status().trust().state(), meshdex::v1::FRESH);
  EXPECT_EQ(listed->products(1).status().trust().state(), meshdex::v1::UNKNOWN);

  meshdex::v1::BatchGetProductsRequest batch;
  batch.add_urns("urn:dp:sales:b");
  batch.add_urns("urn:dp:sales:a");
  absl::StatusOr<meshdex::v1::BatchGetProductsResponse> got = catalog_->BatchGetProducts(batch);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->products(0).status().trust().state(), meshdex::v1::UNKNOWN);
  EXPECT_EQ(got->products(1).status().trust().state(), meshdex::v1::FRESH);

  // Trust is computed, never stored: the stored product has no status.
  EXPECT_FALSE(store_->GetProduct("urn:dp:sales:a")->has_status());
}

TEST_F(TrustTest, ProducerSpellingOfTheNamespaceStillCounts) {
  ApplyProduct("sales", "orders", {"orders"}, 900);
  Ingest(RunEvent("COMPLETE", RunId(1), "build", {}, {{"kafka://BROKER", "orders"}}, At(0)));
  now_ = Time(1);
  EXPECT_EQ(TrustOf("urn:dp:sales:orders").state(), meshdex::v1::FRESH);
}

}  // namespace
}  // namespace meshdex::lineage
