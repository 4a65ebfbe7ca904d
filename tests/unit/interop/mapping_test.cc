// The value conversions shared by the mappers (server/interop/mapping.h).
#include "server/interop/mapping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meshdex::interop {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(SlugTest, MakesIdentifiersFromFreeText) {
  EXPECT_THAT(Slug("Transport Management"), Optional(std::string("transport-management")));
  EXPECT_THAT(Slug("tripExecution"), Optional(std::string("trip-execution")));
  EXPECT_THAT(Slug("my_quantum"), Optional(std::string("my-quantum")));
  EXPECT_THAT(Slug("my_table", /*allow_underscore=*/true), Optional(std::string("my_table")));
  EXPECT_THAT(Slug("  --Orders  Stream!! "), Optional(std::string("orders-stream")));
  EXPECT_THAT(Slug("53581432-6c55"), Optional(std::string("dp-53581432-6c55")));
  EXPECT_EQ(Slug("!!!"), std::nullopt);
  EXPECT_EQ(Slug(""), std::nullopt);
  const std::optional<std::string> long_slug = Slug(std::string(100, 'a') + " b");
  ASSERT_TRUE(long_slug.has_value());
  EXPECT_EQ(long_slug->size(), 63u);
}

TEST(SemanticVersionTest, AcceptsAndRepairsVersions) {
  EXPECT_THAT(SemanticVersion("1.2.3"), Optional(std::string("1.2.3")));
  EXPECT_THAT(SemanticVersion("v1.0.0"), Optional(std::string("1.0.0")));
  EXPECT_THAT(SemanticVersion("2.1"), Optional(std::string("2.1.0")));
  EXPECT_THAT(SemanticVersion("3"), Optional(std::string("3.0.0")));
  EXPECT_THAT(SemanticVersion("1.0.0-rc.1+build.5"), Optional(std::string("1.0.0-rc.1+build.5")));
  EXPECT_EQ(SemanticVersion("latest"), std::nullopt);
  EXPECT_EQ(SemanticVersion("01.2.3"), std::nullopt);
}

TEST(LifecycleTest, MapsStatusWords) {
  EXPECT_THAT(Lifecycle("active"), Optional(std::string("production")));
  EXPECT_THAT(Lifecycle("In Development"), Optional(std::string("experimental")));
  EXPECT_THAT(Lifecycle("proposed"), Optional(std::string("draft")));
  EXPECT_THAT(Lifecycle("deprecated"), Optional(std::string("deprecated")));
  EXPECT_THAT(Lifecycle("archived"), Optional(std::string("retired")));
  EXPECT_EQ(Lifecycle("sleeping"), std::nullopt);
}

TEST(ClassificationTest, KnowsMeshdexClassificationsOnly) {
  EXPECT_THAT(Classification("PII"), Optional(std::string("pii")));
  EXPECT_THAT(Classification("restricted"), Optional(std::string("restricted")));
  EXPECT_EQ(Classification("top-secret"), std::nullopt);
}

TEST(DurationTest, ConvertsUnitsAndCompactForms) {
  EXPECT_THAT(DurationSeconds(4, "d"), Optional(int64_t{345600}));
  EXPECT_THAT(DurationSeconds(15, "minutes"), Optional(int64_t{900}));
  EXPECT_THAT(DurationSeconds(1500, "ms"), Optional(int64_t{2}));
  EXPECT_THAT(DurationSeconds(30, ""), Optional(int64_t{30}));
  EXPECT_EQ(DurationSeconds(1, "fortnight"), std::nullopt);
  EXPECT_EQ(DurationSeconds(-1, "s"), std::nullopt);
  EXPECT_THAT(CompactDurationSeconds("5m"), Optional(int64_t{300}));
  EXPECT_THAT(CompactDurationSeconds("10 min"), Optional(int64_t{600}));
  EXPECT_THAT(CompactDurationSeconds("PT1H30M"), Optional(int64_t{5400}));
  EXPECT_THAT(CompactDurationSeconds("P1D"), Optional(int64_t{86400}));
  EXPECT_EQ(CompactDurationSeconds("soon"), std::nullopt);
}

TEST(PortKindTest, GuessesFromTypeWords) {
  EXPECT_THAT(PortKindOf("postgres"), Optional(std::string("sql")));
  EXPECT_THAT(PortKindOf("tables"), Optional(std::string("sql")));
  EXPECT_THAT(PortKindOf("topic"), Optional(std::string("kafka")));
  EXPECT_THAT(PortKindOf("streaming-services"), Optional(std::string("kafka")));
  EXPECT_THAT(PortKindOf("s3"), Optional(std::string("s3")));
  EXPECT_THAT(PortKindOf("rest-services"), Optional(std::string("api")));
  EXPECT_EQ(PortKindOf("custom"), std::nullopt);
  EXPECT_EQ(PortKindOf(""), std::nullopt);
}

TEST(MappingRecordTest, ReportsOtherKeysOnceSorted) {
  MappingRecord record;
  const Json object = Json::parse(R"({"name": "a", "zeta": 1, "alpha": 2})");
  record.OtherKeys(object, "schema[*]", {"name"});
  record.OtherKeys(object, "schema[*]", {"name"});
  record.Derived("x");
  EXPECT_THAT(record.unmapped(), ElementsAre("schema[*].alpha", "schema[*].zeta"));
  EXPECT_THAT(record.derived(), ElementsAre("x"));
}

TEST(TextTest, ReadsScalars) {
  EXPECT_EQ(Text(Json("a")), "a");
  EXPECT_EQ(Text(Json(4)), "4");
  EXPECT_EQ(Text(Json(true)), "true");
  EXPECT_EQ(Text(Json::array()), "");
  EXPECT_EQ(Text(Field(Json::parse(R"({"a": {"b": 1}})"), "missing")), "");
}

TEST(AvailabilityTest, ReadsFractionsAndPercentages) {
  EXPECT_EQ(AvailabilityPercent(0.99999, false), 99.999);
  EXPECT_EQ(AvailabilityPercent(99.5, false), 99.5);
  EXPECT_EQ(AvailabilityPercent(1, true), 1);
  EXPECT_EQ(AvailabilityPercent(1, false), 100);
}

TEST(EmailTest, RecognisesAddresses) {
  EXPECT_TRUE(LooksLikeEmail("john.doe@company-xyz.com"));
  EXPECT_FALSE(LooksLikeEmail("John Doe"));
  EXPECT_FALSE(LooksLikeEmail("a@b"));
}

}  // namespace
}  // namespace meshdex::interop
