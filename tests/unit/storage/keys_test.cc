#include "storage/keys.h"

#include "gtest/gtest.h"

namespace meshdex::storage::keys {
namespace {

TEST(KeysTest, SequenceKeysSortNumerically) {
  EXPECT_LT(SequenceKey(9), SequenceKey(10));
  EXPECT_LT(SequenceKey(255), SequenceKey(256));
  EXPECT_LT(SequenceKey(1ull << 40), SequenceKey((1ull << 40) + 1));
  EXPECT_EQ(SequenceFromKey(SequenceKey(123456789)), 123456789u);
  EXPECT_EQ(SequenceFromKey("short"), std::nullopt);
}

TEST(KeysTest, RevisionKeysSortByRevisionWithinUrn) {
  EXPECT_LT(RevisionKey("urn:dp:a:b", 2), RevisionKey("urn:dp:a:b", 10));
  // A URN that extends another sorts after all of the shorter URN's revisions.
  EXPECT_LT(RevisionKey("urn:dp:a:b", 1000), RevisionKey("urn:dp:a:b-c", 1));
  EXPECT_EQ(RevisionFromKey(RevisionKey("urn:dp:a:b", 77), "urn:dp:a:b"), 77);
  EXPECT_EQ(RevisionFromKey(RevisionKey("urn:dp:a:b", 77), "urn:dp:a:c"), std::nullopt);
}

TEST(KeysTest, AClaimIsKeyedByItsDatasetsKeyBytes) {
  const DatasetKey dataset{"kafka://broker:9092", "orders"};
  EXPECT_EQ(ClaimKey(dataset), DatasetKeyBytes(dataset));
}

TEST(KeysTest, ClaimsRoundTrip) {
  AddressClaim claim{"urn:dp:logistics:shipments", "events"};
  std::optional<AddressClaim> decoded = DecodeClaim(EncodeClaim(claim));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->product_urn, claim.product_urn);
  EXPECT_EQ(decoded->port_name, claim.port_name);
  EXPECT_EQ(DecodeClaim("no-separator"), std::nullopt);
  EXPECT_NE(ClaimKey({"kafka://a:1", "bc"}), ClaimKey({"kafka://a:1b", "c"}));
}

}  // namespace
TEST(KeysTest, AnAliasKeyNamesItsDatasetWhenTheIdentityIsAnother) {
  const DatasetKey dataset{"s3://bucket", "orders/2024"};
  const DatasetKey identity{"s3://bucket", "orders"};
  EXPECT_EQ(AliasedDatasetOf(ClaimAliasKey(identity, dataset)), DatasetKeyBytes(dataset));
  EXPECT_EQ(AliasedDatasetOf(ClaimAliasKey(dataset, dataset)), "");
  EXPECT_EQ(AliasedDatasetOf(DatasetKeyBytes(dataset)), std::nullopt);  // Not an alias key.
  EXPECT_EQ(AliasedDatasetOf(ClaimAliasPrefix(identity)), std::nullopt);
}

}  // namespace meshdex::storage::keys
