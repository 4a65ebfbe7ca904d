#include "index/search_query.h"

#include <string>

#include "gtest/gtest.h"

namespace meshdex::index {
namespace {

TEST(SearchQueryTest, SplitsFiltersFromText) {
  absl::StatusOr<SearchQuery> query =
      ParseSearchQuery("parcel domain:logistics -tag:iot \"real time\" Kind:S3 owner:\"core team\"");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->text, "parcel \"real time\"");
  ASSERT_EQ(query->filters.size(), 4u);
  EXPECT_EQ(query->filters[0].field->name, "domain");
  EXPECT_EQ(query->filters[0].value, "logistics");
  EXPECT_FALSE(query->filters[0].negated);
  EXPECT_EQ(query->filters[1].field->name, "tag");
  EXPECT_TRUE(query->filters[1].negated);
  EXPECT_EQ(query->filters[1].token, "-tag:iot");
  EXPECT_EQ(query->filters[2].field->name, "kind");
  EXPECT_EQ(query->filters[2].value, "S3");
  EXPECT_EQ(query->filters[3].value, "core team");
}

TEST(SearchQueryTest, QuotedFiltersUnknownFieldsAndEmptyValuesStayText) {
  absl::StatusOr<SearchQuery> query = ParseSearchQuery("\"tag:iot inside\" color:red domain:");
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query->filters.empty());
  EXPECT_EQ(query->text, "\"tag:iot inside\" color:red domain:");
}

TEST(SearchQueryTest, ControlCharactersSeparateTokens) {
  absl::StatusOr<SearchQuery> query = ParseSearchQuery("a\x01\tb\ndomain:x\x7f");
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->text, "a b");
  ASSERT_EQ(query->filters.size(), 1u);
  EXPECT_EQ(query->filters[0].value, "x");
}

TEST(SearchQueryTest, UnbalancedQuoteRunsToTheEnd) {
  absl::StatusOr<SearchQuery> query = ParseSearchQuery("\"open domain:x");
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE(query->filters.empty());
  EXPECT_EQ(query->text, "\"open domain:x");
}

TEST(SearchQueryTest, OverlongQueryIsInvalid) {
  EXPECT_EQ(ParseSearchQuery(std::string(kMaxQueryBytes + 1, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseSearchQuery(std::string(kMaxQueryBytes, 'a')).ok());
}

meshdex::v1::SearchRequest Request(const std::string& query, const std::string& token = "") {
  meshdex::v1::SearchRequest request;
  request.set_query(query);
  request.set_page_token(token);
  return request;
}

TEST(SearchQueryTest, PageTokenRoundTripsForTheSameQuery) {
  const std::string token = EncodeSearchPageToken(Request("parcel"), 40);
  absl::StatusOr<uint64_t> offset = DecodeSearchPageToken(Request("parcel", token));
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(*offset, 40u);
  EXPECT_EQ(*DecodeSearchPageToken(Request("parcel")), 0u);
}

TEST(SearchQueryTest, PageTokenIsRefusedForAnotherQueryOrTypes) {
  const std::string token = EncodeSearchPageToken(Request("parcel"), 40);
  absl::StatusOr<uint64_t> other = DecodeSearchPageToken(Request("parcels", token));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("different query"), absl::string_view::npos);
  meshdex::v1::SearchRequest typed = Request("parcel", token);
  typed.add_types("dataset");
  EXPECT_EQ(DecodeSearchPageToken(typed).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SearchQueryTest, GarbagePageTokensAreInvalid) {
  for (const char* garbage : {"garbage!", "czE6MTA", "czE6eDp5", "AAAA", "%%%"}) {
    absl::StatusOr<uint64_t> offset = DecodeSearchPageToken(Request("parcel", garbage));
    EXPECT_EQ(offset.status().code(), absl::StatusCode::kInvalidArgument) << garbage;
  }
}

}  // namespace
}  // namespace meshdex::index
