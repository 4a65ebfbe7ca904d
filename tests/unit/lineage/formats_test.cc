// The date-time, uuid and uri formats of OpenLineage events.
#include "server/lineage/formats.h"

#include "gtest/gtest.h"

namespace meshdex::lineage {
namespace {

absl::Time Utc(int y, int m, int d, int hh, int mm, int ss) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

TEST(ParseDateTimeTest, AcceptsTheFormsProducersSend) {
  EXPECT_EQ(*ParseDateTime("2020-12-28T19:52:00Z"), Utc(2020, 12, 28, 19, 52, 0));
  EXPECT_EQ(*ParseDateTime("2020-12-28T19:52:00.001+10:00"),
            Utc(2020, 12, 28, 9, 52, 0) + absl::Milliseconds(1));
  EXPECT_EQ(*ParseDateTime("2020-12-28T19:51:01.641499Z"),
            Utc(2020, 12, 28, 19, 51, 1) + absl::Microseconds(641499));
  EXPECT_EQ(*ParseDateTime("2020-12-28T19:51:01.123456789Z"),
            Utc(2020, 12, 28, 19, 51, 1) + absl::Nanoseconds(123456789));
  // Digits beyond nanoseconds are dropped.
  EXPECT_EQ(*ParseDateTime("2020-12-28T19:51:01.1234567899Z"),
            Utc(2020, 12, 28, 19, 51, 1) + absl::Nanoseconds(123456789));
  EXPECT_EQ(*ParseDateTime("2020-12-28t19:52:00z"), Utc(2020, 12, 28, 19, 52, 0));
  EXPECT_EQ(*ParseDateTime("2020-12-28 19:52:00-0130"), Utc(2020, 12, 28, 21, 22, 0));
  EXPECT_EQ(*ParseDateTime("2020-12-28T19:52:00+02"), Utc(2020, 12, 28, 17, 52, 0));
  EXPECT_EQ(*ParseDateTime("2016-12-31T23:59:60Z"), Utc(2017, 1, 1, 0, 0, 0));
  EXPECT_EQ(*ParseDateTime("2024-02-29T00:00:00Z"), Utc(2024, 2, 29, 0, 0, 0));
}

TEST(ParseDateTimeTest, NoOffsetMeansUtc) {
  EXPECT_EQ(*ParseDateTime("2021-11-03T10:53:52.427343"),
            Utc(2021, 11, 3, 10, 53, 52) + absl::Microseconds(427343));
}

TEST(ParseDateTimeTest, RefusesWhatIsNotADateTime) {
  for (const char* bad :
       {"", "yesterday", "2020-12-28", "2020-12-28T19:52", "2020-12-28T19:52:00.Z",
        "2020-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2020-12-32T00:00:00Z",
        "2020-12-28T24:00:00Z", "2020-12-28T23:60:00Z", "2020-12-28T23:00:61Z",
        "0000-01-01T00:00:00Z", "2020-12-28T19:52:00+25:00", "2020-12-28T19:52:00Z junk",
        "20201228T195200Z", "2020-12-28T19:52:00+1"}) {
    EXPECT_FALSE(ParseDateTime(bad).ok()) << bad;
  }
}

TEST(CanonicalUuidTest, LowerCasesValidAndRefusesOthers) {
  EXPECT_EQ(CanonicalUuid("41FB5137-F0FD-4EE5-BA5C-56F8571D1BD7"),
            "41fb5137-f0fd-4ee5-ba5c-56f8571d1bd7");
  EXPECT_EQ(CanonicalUuid("00000000-0000-0000-0000-000000000000"),
            "00000000-0000-0000-0000-000000000000");
  for (const char* bad : {"", "123", "41fb5137f0fd4ee5ba5c56f8571d1bd7",
                          "41fb5137-f0fd-4ee5-ba5c-56f8571d1bdz",
                          "{41fb5137-f0fd-4ee5-ba5c-56f8571d1bd7}",
                          "41fb5137-f0fd4-ee5-ba5c-56f8571d1bd7"}) {
    EXPECT_FALSE(CanonicalUuid(bad).has_value()) << bad;
  }
}

TEST(IsAbsoluteUriTest, NeedsASchemeAndNoBlanks) {
  EXPECT_TRUE(IsAbsoluteUri("https://github.com/OpenLineage/OpenLineage/blob/v1-0-0/client"));
  EXPECT_TRUE(IsAbsoluteUri("urn:example:producer"));
  EXPECT_TRUE(IsAbsoluteUri("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"));
  for (const char* bad : {"", "producer", "://x", "1http://x", "http:", "http://a b", "ht tp://x"}) {
    EXPECT_FALSE(IsAbsoluteUri(bad)) << bad;
  }
}

}  // namespace
}  // namespace meshdex::lineage
