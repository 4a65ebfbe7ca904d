#include "storage/owner_cache.h"

#include "gtest/gtest.h"

namespace meshdex::storage {
namespace {

TEST(OwnerCacheTest, RemembersForReadersAtOrAfterTheLastChange) {
  OwnerCache cache(100);
  EXPECT_EQ(cache.Find("orders", 10), std::nullopt);
  cache.Remember("orders", 10, "urn:dp:sales:orders");
  cache.Remember("unowned", 10, "");
  EXPECT_EQ(cache.Find("orders", 10), "urn:dp:sales:orders");
  EXPECT_EQ(cache.Find("orders", 3), "urn:dp:sales:orders");  // Never changed since open.
  EXPECT_EQ(cache.Find("unowned", 12), "");

  cache.Changed("orders", 20);
  EXPECT_EQ(cache.Find("orders", 25), std::nullopt);
  EXPECT_EQ(cache.Find("unowned", 25), "");  // Other datasets keep theirs.
  // Read before the change: not remembered, it may be stale for later readers.
  cache.Remember("orders", 15, "urn:dp:sales:orders");
  EXPECT_EQ(cache.Find("orders", 25), std::nullopt);
  cache.Remember("orders", 20, "urn:dp:finance:orders");
  EXPECT_EQ(cache.Find("orders", 25), "urn:dp:finance:orders");
  // A reader older than the change is not given the new owner.
  EXPECT_EQ(cache.Find("orders", 19), std::nullopt);
}

TEST(OwnerCacheTest, StartingOverWhenFullForgetsNoChange) {
  OwnerCache cache(2);
  cache.Changed("a", 5);
  cache.Changed("b", 7);
  cache.Remember("c", 8, "urn:c");  // Full: starts over, as if every dataset changed at 7.
  EXPECT_EQ(cache.Find("c", 8), "urn:c");
  cache.Remember("a", 6, "urn:a");  // "a" changed at 5, but the cache no longer knows: refused.
  EXPECT_EQ(cache.Find("a", 9), std::nullopt);
  cache.Remember("a", 7, "urn:a");
  EXPECT_EQ(cache.Find("a", 9), "urn:a");
  EXPECT_EQ(cache.Find("a", 6), std::nullopt);
}

}  // namespace
}  // namespace meshdex::storage
