#include "index/suggester.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/index/index_fixture.h"

namespace meshdex::index {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using meshdex::v1::DataProduct;
using meshdex::v1::SuggestRequest;

DataProduct Titled(const std::string& domain, const std::string& name, const std::string& title,
                   const std::vector<std::string>& tags = {},
                   const std::string& description = "") {
  return Product(domain, name, [&](DataProduct& p) {
    p.mutable_spec()->set_title(title);
    p.mutable_spec()->set_description(description);
    for (const std::string& tag : tags) p.mutable_spec()->add_tags(tag);
  });
}

class SuggesterTest : public IndexFixture {
 protected:
  void SetUp() override { StartFollower(); }

  // (text, urn) of each suggestion, in order.
  std::vector<std::pair<std::string, std::string>> Suggest(const std::string& prefix,
                                                           int limit = 0) {
    CatchUp();
    SuggestRequest request;
    request.set_prefix(prefix);
    request.set_limit(limit);
    absl::StatusOr<meshdex::v1::SuggestResponse> response = Suggester(*follower_).Suggest(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::pair<std::string, std::string>> suggestions;
    if (response.ok()) {
      for (const auto& suggestion : response->suggestions()) {
        suggestions.emplace_back(suggestion.text(), suggestion.urn());
        if (!suggestion.urn().empty()) {
          EXPECT_EQ(suggestion.type(), "product");
        }
      }
    }
    return suggestions;
  }
};

TEST_F(SuggesterTest, ProductNamesExactMatchThenShorterThenAlphabetical) {
  Put(Titled("logistics", "shipments-archive", ""));
  Put(Titled("logistics", "shipments", ""));
  Put(Titled("sales", "ship-modes", ""));
  Put(Titled("sales", "ship", ""));
  Put(Titled("sales", "orders", ""));
  EXPECT_THAT(Suggest("ship"),
              ElementsAre(Pair("ship", Urn("sales", "ship")),
                          Pair("shipments", Urn("logistics", "shipments")),
                          Pair("ship-modes", Urn("sales", "ship-modes")),
                          Pair("shipments-archive", Urn("logistics", "shipments-archive"))));
}

TEST_F(SuggesterTest, TitlesMatchCaseInsensitivelyAndShowTheTitle) {
  Put(Titled("production", "machines", "Machine Telemetry"));
  EXPECT_THAT(Suggest("MACHINE t"),
              ElementsAre(Pair("Machine Telemetry", Urn("production", "machines"))));
  // Name and title both match: the product is suggested once, by its name.
  EXPECT_THAT(Suggest("mach"), ElementsAre(Pair("machines", Urn("production", "machines"))));
}

TEST_F(SuggesterTest, TagsAndFrequentWordsByProductCount) {
  Put(Titled("a", "one", "", {"telemetry"}, "temperature readings"));
  Put(Titled("a", "two", "", {"telemetry", "temporal"}, "temperature readings"));
  Put(Titled("a", "three", "", {"telemetry"}, "temperature tempest"));
  EXPECT_THAT(Suggest("te"), ElementsAre(Pair("telemetry", ""), Pair("temperature", ""),
                                         Pair("temporal", "")));
  // "tempest" is in one product only: not frequent enough to suggest.
  EXPECT_THAT(Suggest("tempe"), ElementsAre(Pair("temperature", "")));
}

// A word in thousands of products has a posting list of several chunks in
// the index; the terms after it (here one it is a prefix of) are still found.
TEST_F(SuggesterTest, TermsAfterAWordOfManyProductsAreFound) {
  for (int i = 0; i < 2500; ++i) {
    Put(Titled("bulk", absl::StrCat("p", i), "", {"telemetry"}, "telemetry"));
  }
  for (const char* name : {"x", "y"}) {
    Put(Titled("few", name, "", {"telemetryx", "teletype"}, "telemetryx teletype"));
  }
  EXPECT_THAT(Suggest("tele"), ElementsAre(Pair("telemetry", ""), Pair("telemetryx", ""),
                                           Pair("teletype", "")));
}

TEST_F(SuggesterTest, EntitiesAndTermsShareTheLimit) {
  for (const char* name : {"sensor-a", "sensor-b", "sensor-c", "sensor-d"}) {
    Put(Titled("iot", name, "", {"sensors"}, "sensor sensing"));
  }
  const auto suggestions = Suggest("sens", 4);
  ASSERT_EQ(suggestions.size(), 4u);
  EXPECT_EQ(suggestions[0].second, Urn("iot", "sensor-a"));
  EXPECT_EQ(suggestions[1].second, Urn("iot", "sensor-b"));
  // All terms are in four products; the tag ranks first.
  EXPECT_THAT(std::vector(suggestions.begin() + 2, suggestions.end()),
              ElementsAre(Pair("sensors", ""), Pair("sensing", "")));
  // Without terms to show, entities fill every slot.
  EXPECT_EQ(Suggest("sensor-", 4).size(), 4u);
}

TEST_F(SuggesterTest, TermEqualToASuggestedEntityIsDropped) {
  Put(Titled("a", "orders", "", {}, "orders"));
  Put(Titled("b", "invoices", "", {}, "orders"));
  EXPECT_THAT(Suggest("order"), ElementsAre(Pair("orders", Urn("a", "orders"))));
}

TEST_F(SuggesterTest, SuggestionsFollowUpdatesAndDeletes) {
  Put(Titled("a", "alpha", "Alpha Feed"));
  ASSERT_EQ(Suggest("alpha").size(), 1u);
  Put(Titled("a", "alpha", "Omega Feed"));
  EXPECT_THAT(Suggest("omega"), ElementsAre(Pair("Omega Feed", Urn("a", "alpha"))));
  EXPECT_THAT(Suggest("alpha f"), IsEmpty());
  Delete(Urn("a", "alpha"));
  EXPECT_THAT(Suggest("alpha"), IsEmpty());
}

TEST_F(SuggesterTest, LimitAndOddPrefixes) {
  for (int i = 0; i < 60; ++i) Put(Titled("bulk", absl::StrCat("item-", i), ""));
  EXPECT_EQ(Suggest("item").size(), 10u);
  EXPECT_EQ(Suggest("item", 100).size(), 50u);
  EXPECT_THAT(Suggest(""), IsEmpty());
  EXPECT_THAT(Suggest(" \t\x01"), IsEmpty());
  EXPECT_THAT(Suggest(std::string(500, 'i')), IsEmpty());
  EXPECT_THAT(Suggest("\xff\xfe"), IsEmpty());

  SuggestRequest negative;
  negative.set_prefix("item");
  negative.set_limit(-1);
  EXPECT_EQ(Suggester(*follower_).Suggest(negative).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meshdex::index
