#include "index/searcher.h"

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "index/layout.h"
#include "index/search_query.h"
#include "tests/unit/index/index_fixture.h"

namespace meshdex::index {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using meshdex::v1::DataProduct;
using meshdex::v1::SearchRequest;
using meshdex::v1::SearchResponse;

void AddPort(DataProduct& product, const std::string& kind,
             const std::vector<std::pair<std::string, std::string>>& fields) {
  auto& port = *product.mutable_spec()->add_output_ports();
  port.set_name(absl::StrCat(kind, "-port"));
  port.set_kind(kind);
  for (const auto& [name, classification] : fields) {
    auto& field = *port.mutable_schema()->add_fields();
    field.set_name(name);
    field.set_classification(classification);
  }
}

DataProduct Described(const std::string& domain, const std::string& name, const std::string& title,
                      const std::string& description, const std::vector<std::string>& tags,
                      const std::string& lifecycle, const std::string& team) {
  return Product(domain, name, [&](DataProduct& p) {
    auto& spec = *p.mutable_spec();
    spec.set_title(title);
    spec.set_description(description);
    for (const std::string& tag : tags) spec.add_tags(tag);
    spec.set_lifecycle(lifecycle);
    spec.mutable_owner()->set_team(team);
  });
}

class SearcherTest : public IndexFixture {
 protected:
  void SetUp() override {
    DataProduct shipments =
        Described("logistics", "shipments", "Shipments",
                  "Every parcel movement, as events, within 5 minutes.",
                  {"shipping", "events", "IoT"}, "production", "logistics-core");
    AddPort(shipments, "kafka",
            {{"shipment_id", ""}, {"customer_email", "pii"}, {"loyalty_tier", ""}});
    Put(shipments);
    DataProduct scans = Described("logistics", "parcel-scans", "Parcel Scans",
                                  "Scanner readings <b>raw</b> & \"unfiltered\"", {"iot"},
                                  "experimental", "logistics-core");
    AddPort(scans, "s3", {});
    Put(scans);
    DataProduct orders = Described("sales", "orders", "Orders",
                                   "Customer orders with shipment references", {"sales"},
                                   "production", "sales-team");
    AddPort(orders, "sql", {{"email", "pii"}});
    Put(orders);
    DataProduct customers = Described("sales", "customers", "Customers", "Customer master data",
                                      {"sales", "crm"}, "deprecated", "sales-team");
    AddPort(customers, "api", {{"name", "confidential"}});
    Put(customers);
    DataProduct machines =
        Described("production", "machines", "Machine Telemetry",
                  "Sensor readings from the factory floor", {"iot"}, "production", "factory");
    AddPort(machines, "kafka", {});
    Put(machines);
    StartFollower();
    CatchUp();
    searcher_ = std::make_unique<Searcher>(*follower_);
  }

  absl::StatusOr<SearchResponse> Search(SearchRequest request) {
    return searcher_->Search(request);
  }

  SearchResponse MustSearch(const std::string& query) {
    SearchRequest request;
    request.set_query(query);
    absl::StatusOr<SearchResponse> response = Search(request);
    EXPECT_TRUE(response.ok()) << query << ": " << response.status();
    return response.value_or(SearchResponse());
  }

  // URNs of the hits, in rank order.
  static std::vector<std::string> Urns(const SearchResponse& response) {
    std::vector<std::string> urns;
    for (const auto& hit : response.hits()) urns.push_back(hit.urn());
    return urns;
  }

  std::vector<std::string> Find(const std::string& query) { return Urns(MustSearch(query)); }

  // The pages of `request`, following its page tokens, at most `max_pages`.
  std::vector<SearchResponse> AllPages(SearchRequest request, int max_pages) {
    std::vector<SearchResponse> pages;
    while (static_cast<int>(pages.size()) < max_pages) {
      absl::StatusOr<SearchResponse> response = Search(request);
      if (!response.ok()) {
        ADD_FAILURE() << "page " << pages.size() << ": " << response.status();
        break;
      }
      pages.push_back(*std::move(response));
      if (pages.back().next_page_token().empty()) break;
      request.set_page_token(pages.back().next_page_token());
    }
    return pages;
  }

  static std::map<std::string, int64_t> Counts(const meshdex::v1::Facet& facet) {
    std::map<std::string, int64_t> counts;
    for (const auto& value : facet.values()) counts[value.value()] = value.count();
    return counts;
  }

  const std::string kShipments = Urn("logistics", "shipments");
  const std::string kScans = Urn("logistics", "parcel-scans");
  const std::string kOrders = Urn("sales", "orders");
  const std::string kCustomers = Urn("sales", "customers");
  const std::string kMachines = Urn("production", "machines");
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SearcherTest, FreeTextTermsAreAnded) {
  EXPECT_THAT(Find("customer orders"), ElementsAre(kOrders));
  EXPECT_THAT(Find("customer"), UnorderedElementsAre(kOrders, kCustomers, kShipments));
}

TEST_F(SearcherTest, HitsCarryWhatTheListShows) {
  SearchResponse response = MustSearch("telemetry");
  ASSERT_EQ(response.hits_size(), 1);
  const auto& hit = response.hits(0);
  EXPECT_EQ(hit.urn(), kMachines);
  EXPECT_EQ(hit.type(), "product");
  EXPECT_EQ(hit.title(), "Machine Telemetry");
  EXPECT_EQ(hit.domain(), "production");
  EXPECT_GT(hit.score(), 0);
  EXPECT_EQ(response.total_estimate(), 1);
}

TEST_F(SearcherTest, TitleMatchRanksAboveDescriptionMatch) {
  // Stemming: "shipment" also finds "Shipments".
  EXPECT_THAT(Find("shipment"), ElementsAre(kShipments, kOrders));
}

// Ranking() leaves document length out: a long description costs nothing.
TEST_F(SearcherTest, ScoresDoNotDependOnDocumentLength) {
  Put(Described("finance", "ledger-short", "Ledger", "", {}, "production", "finance"));
  Put(Described("finance", "ledger-long", "Ledger",
                "Daily balances of every account, reconciled against the bank statements, "
                "with adjustments, accruals, currency revaluations and the audit trail of each "
                "posting, kept for ten years as the regulator asks",
                {}, "production", "finance"));
  CatchUp();
  const SearchResponse response = MustSearch("ledger");
  ASSERT_EQ(response.hits_size(), 2);
  EXPECT_EQ(response.hits(0).score(), response.hits(1).score());
}

// Without length normalisation a title still outweighs a word repeated in a
// product's field names.
TEST_F(SearcherTest, TitleMatchRanksAboveRepeatedFieldNameMatches) {
  DataProduct archive = Described("finance", "billing-archive", "Billing Archive",
                                  "Closed accounts", {}, "production", "finance");
  AddPort(
      archive, "sql",
      {{"invoice_id", ""}, {"invoice_date", ""}, {"invoice_total", ""}, {"invoice_status", ""}});
  Put(archive);
  Put(Described("finance", "invoices", "Invoices", "", {}, "production", "finance"));
  CatchUp();
  EXPECT_THAT(Find("invoice"),
              ElementsAre(Urn("finance", "invoices"), Urn("finance", "billing-archive")));
}

TEST_F(SearcherTest, PhrasesPrefixesAndExclusions) {
  EXPECT_THAT(Find("\"parcel movement\""), ElementsAre(kShipments));
  EXPECT_THAT(Find("\"movement parcel\""), IsEmpty());
  EXPECT_THAT(Find("scan*"), ElementsAre(kScans));
  EXPECT_THAT(Find("readings -sensor"), ElementsAre(kScans));
}

TEST_F(SearcherTest, OnlyExcludedTermsMeanEverythingElse) {
  EXPECT_THAT(Find("-customer"), UnorderedElementsAre(kScans, kMachines));
  EXPECT_THAT(Find("-customer -telemetry"), ElementsAre(kScans));
  EXPECT_THAT(Find("domain:logistics -shipment"), ElementsAre(kScans));
}

TEST_F(SearcherTest, SchemaFieldNamesAreFoundWholeAndByParts) {
  EXPECT_THAT(Find("loyalty_tier"), ElementsAre(kShipments));
  EXPECT_THAT(Find("loyalty"), ElementsAre(kShipments));
  EXPECT_THAT(Find("tier"), ElementsAre(kShipments));
}

TEST_F(SearcherTest, FieldFilters) {
  EXPECT_THAT(Find("domain:logistics"), UnorderedElementsAre(kShipments, kScans));
  EXPECT_THAT(Find("tag:iot"), UnorderedElementsAre(kShipments, kScans, kMachines));
  EXPECT_THAT(Find("kind:s3"), ElementsAre(kScans));
  EXPECT_THAT(Find("classification:pii"), UnorderedElementsAre(kShipments, kOrders));
  EXPECT_THAT(Find("lifecycle:production"), UnorderedElementsAre(kShipments, kOrders, kMachines));
  EXPECT_THAT(Find("owner:sales-team"), UnorderedElementsAre(kOrders, kCustomers));
  EXPECT_THAT(Find("type:product").size(), 5u);
  EXPECT_THAT(Find("type:dataset"), IsEmpty());
  EXPECT_THAT(Find("TAG:IoT"), UnorderedElementsAre(kShipments, kScans, kMachines));
}

TEST_F(SearcherTest, FilterCombinations) {
  // One domain per product: alternatives. Several tags: all required.
  EXPECT_EQ(Find("domain:logistics domain:sales").size(), 4u);
  EXPECT_THAT(Find("tag:iot tag:shipping"), ElementsAre(kShipments));
  EXPECT_THAT(Find("-tag:iot"), UnorderedElementsAre(kOrders, kCustomers));
  EXPECT_THAT(Find("readings tag:iot"), UnorderedElementsAre(kScans, kMachines));
  EXPECT_THAT(Find("readings -domain:production"), ElementsAre(kScans));
  EXPECT_THAT(Find("tag:" + std::string(300, 'x')), IsEmpty());
}

meshdex::v1::SearchFilter* AddFilter(SearchRequest& request, const std::string& field,
                                     const std::string& value, bool exclude = false) {
  meshdex::v1::SearchFilter* filter = request.add_filters();
  filter->set_field(field);
  filter->set_value(value);
  filter->set_exclude(exclude);
  return filter;
}

TEST_F(SearcherTest, StructuredFiltersCountAsTheSameFiltersInTheQuery) {
  auto find = [this](const std::string& query,
                     const std::vector<std::tuple<std::string, std::string, bool>>& filters) {
    SearchRequest request;
    request.set_query(query);
    for (const auto& [field, value, exclude] : filters) AddFilter(request, field, value, exclude);
    absl::StatusOr<SearchResponse> response = Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return Urns(response.value_or(SearchResponse()));
  };
  EXPECT_THAT(find("", {{"domain", "logistics", false}}), ElementsAre(kScans, kShipments));
  // One domain per product: alternatives. Several tags: all required.
  EXPECT_EQ(find("", {{"domain", "logistics", false}, {"domain", "sales", false}}).size(), 4u);
  EXPECT_THAT(find("", {{"tag", "iot", false}, {"tag", "shipping", false}}),
              ElementsAre(kShipments));
  EXPECT_THAT(find("", {{"tag", "iot", true}}), UnorderedElementsAre(kOrders, kCustomers));
  EXPECT_THAT(find("readings", {{"domain", "production", true}}), ElementsAre(kScans));
  // ANDed with the query's own filters; values trimmed and case-folded.
  EXPECT_THAT(find("tag:iot", {{"domain", "logistics", false}}), ElementsAre(kScans, kShipments));
  EXPECT_THAT(find("", {{"tag", " IoT ", false}}), ElementsAre(kMachines, kScans, kShipments));
  EXPECT_THAT(find("", {{"tag", std::string(256, 'x'), false}}), IsEmpty());
}

TEST_F(SearcherTest, StructuredFilterValuesNeedNoQuoting) {
  Put(Described("logistics", "fleet", "Fleet", "Trucks", {}, "production", "Fleet Ops \"East\""));
  CatchUp();
  SearchRequest request;
  AddFilter(request, "owner", "Fleet Ops \"East\"");
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Urns(*response), ElementsAre(Urn("logistics", "fleet")));
}

TEST_F(SearcherTest, StructuredFiltersAreValidatedWithTheirPath) {
  auto error = [this](const SearchRequest& request) {
    absl::StatusOr<SearchResponse> response = Search(request);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(response.status().message());
  };
  SearchRequest unknown;
  AddFilter(unknown, "domain", "sales");
  AddFilter(unknown, "colour", "red");
  EXPECT_THAT(error(unknown), HasSubstr("filters[1].field: unknown filter field \"colour\""));
  SearchRequest blank;
  AddFilter(blank, "tag", "  ");
  EXPECT_THAT(error(blank), HasSubstr("filters[0].value: required"));
  SearchRequest long_value;
  AddFilter(long_value, "tag", std::string(257, 'x'));
  EXPECT_THAT(error(long_value), HasSubstr("filters[0].value: longer than 256 bytes"));
  SearchRequest many;
  for (int i = 0; i <= Searcher::kMaxFilters; ++i) AddFilter(many, "tag", absl::StrCat("t", i));
  EXPECT_THAT(error(many), HasSubstr("filters: more than 64"));
}

TEST_F(SearcherTest, PagesOfStructuredFiltersAndTheirTokens) {
  SearchRequest request;
  request.set_page_size(1);
  AddFilter(request, "lifecycle", "production");
  std::vector<std::string> urns;
  for (const SearchResponse& page : AllPages(request, 10)) {
    for (const std::string& urn : Urns(page)) urns.push_back(urn);
  }
  EXPECT_THAT(urns, ElementsAre(kMachines, kOrders, kShipments));

  absl::StatusOr<SearchResponse> first = Search(request);
  ASSERT_TRUE(first.ok());
  ASSERT_NE(first->next_page_token(), "");
  // A token belongs to its filters.
  SearchRequest other = request;
  other.set_page_token(first->next_page_token());
  other.mutable_filters(0)->set_value("deprecated");
  EXPECT_EQ(Search(other).status().code(), absl::StatusCode::kInvalidArgument);
  other.mutable_filters(0)->set_value("production");
  EXPECT_TRUE(Search(other).ok());
}

TEST_F(SearcherTest, DidYouMeanLeavesStructuredFiltersInTheRequest) {
  SearchRequest request;
  request.set_query("parcl");
  AddFilter(request, "domain", "logistics");
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->did_you_mean(), "parcel");
}

TEST_F(SearcherTest, TypesRestrictTheEntityTypes) {
  SearchRequest request;
  request.add_types("dataset");
  EXPECT_EQ(Search(request)->hits_size(), 0);
  request.set_types(0, "product");
  EXPECT_EQ(Search(request)->hits_size(), 5);
  request.set_types(0, "bogus");
  EXPECT_EQ(Search(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearcherTest, EmptyQueryListsEverythingByName) {
  EXPECT_THAT(Find(""), ElementsAre(kCustomers, kMachines, kOrders, kScans, kShipments));
  EXPECT_THAT(Find("tag:iot"), ElementsAre(kMachines, kScans, kShipments));
}

TEST_F(SearcherTest, FacetCountsAreExactOverTheWholeMatchSet) {
  SearchRequest request;
  request.set_page_size(1);
  request.add_facets("domain");
  request.add_facets("tag");
  request.add_facets("lifecycle");
  request.add_facets("classification");
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->hits_size(), 1);
  EXPECT_EQ(response->total_estimate(), 5);
  ASSERT_EQ(response->facets_size(), 4);
  EXPECT_EQ(response->facets(0).name(), "domain");
  EXPECT_EQ(Counts(response->facets(0)),
            (std::map<std::string, int64_t>{{"logistics", 2}, {"sales", 2}, {"production", 1}}));
  EXPECT_EQ(Counts(response->facets(1)),
            (std::map<std::string, int64_t>{
                {"iot", 3}, {"sales", 2}, {"shipping", 1}, {"events", 1}, {"crm", 1}}));
  EXPECT_EQ(Counts(response->facets(2)),
            (std::map<std::string, int64_t>{
                {"production", 3}, {"experimental", 1}, {"deprecated", 1}}));
  EXPECT_EQ(Counts(response->facets(3)),
            (std::map<std::string, int64_t>{{"pii", 2}, {"confidential", 1}}));
  // Most frequent first.
  EXPECT_EQ(response->facets(1).values(0).value(), "iot");
  EXPECT_FALSE(response->approximate());
  request.set_query("readings");
  EXPECT_FALSE(Search(request)->approximate());
}

TEST_F(SearcherTest, EmptyQueryAndMatcherCountFacetsAlike) {
  // The empty query counts from term frequencies, any other query from the
  // matches: "type:product" matches everything too.
  SearchRequest browse;
  for (const auto& field : layout::FilterFields()) browse.add_facets(std::string(field.name));
  SearchRequest matched = browse;
  matched.set_query("type:product");
  absl::StatusOr<SearchResponse> a = Search(browse);
  absl::StatusOr<SearchResponse> b = Search(matched);
  ASSERT_TRUE(a.ok() && b.ok());
  const int fields = static_cast<int>(layout::FilterFields().size());
  ASSERT_EQ(a->facets_size(), fields);
  ASSERT_EQ(b->facets_size(), fields);
  for (int i = 0; i < fields; ++i) {
    EXPECT_EQ(Counts(a->facets(i)), Counts(b->facets(i))) << a->facets(i).name();
  }
  EXPECT_EQ(Counts(a->facets(2)),
            (std::map<std::string, int64_t>{
                {"logistics-core", 2}, {"sales-team", 2}, {"factory", 1}}));
  EXPECT_EQ(a->total_estimate(), b->total_estimate());
}

// A facet value of thousands of products has a posting list of several
// chunks in the index; the empty query still counts the values after it.
TEST_F(SearcherTest, EmptyQueryCountsValuesAfterAValueOfManyProducts) {
  for (int i = 0; i < 2500; ++i) Put(Product("bulk", absl::StrCat("p", i)));
  Put(Product("bulkx", "one"));
  CatchUp();
  SearchRequest browse;
  browse.add_facets("domain");
  absl::StatusOr<SearchResponse> response = Search(browse);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(Counts(response->facets(0)),
            (std::map<std::string, int64_t>{{"bulk", 2500},
                                            {"bulkx", 1},
                                            {"logistics", 2},
                                            {"production", 1},
                                            {"sales", 2}}));
}

TEST_F(SearcherTest, FacetsFollowTheQuery) {
  SearchRequest request;
  request.set_query("tag:iot");
  request.add_facets("domain");
  request.add_facets("kind");
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(Counts(response->facets(0)),
            (std::map<std::string, int64_t>{{"logistics", 2}, {"production", 1}}));
  EXPECT_EQ(Counts(response->facets(1)),
            (std::map<std::string, int64_t>{{"kafka", 2}, {"s3", 1}}));
}

// Facets are counted from in-memory columns: they follow every commit and
// a rebuild (which numbers the documents anew) once a search has loaded them.
TEST_F(SearcherTest, FacetCountsFollowChangesAndRebuilds) {
  SearchRequest request;
  request.set_query("tag:iot");
  request.add_facets("lifecycle");
  const auto lifecycles = [&]() -> std::map<std::string, int64_t> {
    absl::StatusOr<SearchResponse> response = Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok() || response->facets_size() != 1) return {};
    return Counts(response->facets(0));
  };
  EXPECT_EQ(lifecycles(), (std::map<std::string, int64_t>{{"production", 2}, {"experimental", 1}}));

  Put(Described("logistics", "parcel-scans", "Parcel Scans", "Scanner readings", {"iot"},
                "production", "logistics-core"));
  Delete(kMachines);
  Put(Described("production", "robots", "Robots", "Robot arm telemetry", {"iot"}, "deprecated",
                "factory"));
  CatchUp();
  const std::map<std::string, int64_t> expected = {{"production", 2}, {"deprecated", 1}};
  EXPECT_EQ(lifecycles(), expected);

  ASSERT_TRUE(follower_->Rebuild().ok());
  EXPECT_EQ(lifecycles(), expected);
  request.set_query("tag:iot -shipping");
  EXPECT_EQ(lifecycles(), (std::map<std::string, int64_t>{{"production", 1}, {"deprecated", 1}}));
}

TEST_F(SearcherTest, UnknownFacetIsInvalid) {
  SearchRequest request;
  request.add_facets("colour");
  absl::StatusOr<SearchResponse> response = Search(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("facets[0]"));
}

TEST_F(SearcherTest, HighlightedSnippetIsEscapedHtml) {
  SearchRequest request;
  request.set_query("scanner");
  request.set_highlight(true);
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->hits_size(), 1);
  const std::string& snippet = response->hits(0).snippet();
  EXPECT_THAT(snippet, HasSubstr("<mark>Scanner</mark>"));
  EXPECT_THAT(snippet, HasSubstr("&lt;b&gt;raw&lt;/b&gt; &amp; &quot;unfiltered&quot;"));
  EXPECT_THAT(snippet, Not(HasSubstr("<b>")));

  request.set_highlight(false);
  EXPECT_EQ(Search(request)->hits(0).snippet(), "");
}

TEST_F(SearcherTest, EmptyQuerySnippetIsTheEscapedStartOfTheText) {
  SearchRequest request;
  request.set_highlight(true);
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->hits(3).urn(), kScans);
  EXPECT_EQ(response->hits(3).snippet(),
            "Scanner readings &lt;b&gt;raw&lt;/b&gt; &amp; &quot;unfiltered&quot;");
}

TEST_F(SearcherTest, DidYouMeanCorrectsUnknownWordsKeepingFilters) {
  SearchResponse response = MustSearch("shipmnts");
  EXPECT_EQ(response.hits_size(), 0);
  EXPECT_EQ(response.did_you_mean(), "shipments");
  EXPECT_EQ(MustSearch("parcl domain:logistics").did_you_mean(), "parcel domain:logistics");
}

TEST_F(SearcherTest, NoDidYouMeanForWordsThatMatch) {
  EXPECT_EQ(MustSearch("shipments").did_you_mean(), "");
  EXPECT_EQ(MustSearch("telemetry").did_you_mean(), "");
  EXPECT_EQ(MustSearch("zzzzqqq").did_you_mean(), "");
}

TEST_F(SearcherTest, RareWordGetsTheFrequentSpelling) {
  // "sensr" is a typo present in one product; "sensor" is in three.
  for (const char* name : {"a", "b"}) {
    Put(Described("production", name, "", "sensor feed", {}, "", ""));
  }
  Put(Described("production", "typo", "", "sensr feed", {}, "", ""));
  CatchUp();
  EXPECT_EQ(MustSearch("sensr").did_you_mean(), "sensor");
}

TEST_F(SearcherTest, PagesAreStableAndComplete) {
  for (int i = 0; i < 23; ++i) {
    Put(Described("widgets", absl::StrCat("widget-", i), "Widget", "identical widget text", {}, "",
                  ""));
  }
  CatchUp();
  SearchRequest all;
  all.set_query("widget");
  all.set_page_size(100);
  absl::StatusOr<SearchResponse> everything = Search(all);
  ASSERT_TRUE(everything.ok());
  ASSERT_EQ(everything->hits_size(), 23);
  EXPECT_EQ(everything->next_page_token(), "");

  SearchRequest page;
  page.set_query("widget");
  page.set_page_size(5);
  std::vector<std::string> paged;
  for (const SearchResponse& response : AllPages(page, 10)) {
    for (const std::string& urn : Urns(response)) paged.push_back(urn);
  }
  EXPECT_EQ(paged, Urns(*everything));
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), 23u);
}

// A word in a name and title reaches the ranking's cap (ranking.h), so
// pages of such matches could end the match early: every page must still
// hold what a full match ranks there, and below Searcher::kExactMatches the
// total and facets count every match.
TEST_F(SearcherTest, PagesOfMatchesAtTheRankingCapAreCompleteAndInIndexOrder) {
  std::vector<std::string> capped;
  std::vector<std::string> mentioned;
  for (int i = 0; i < 30; ++i) {
    const std::string gear = absl::StrCat("gear-", i);
    Put(Described("machines", gear, "Gear", "", {}, "", ""));
    capped.push_back(Urn("machines", gear));
    const std::string part = absl::StrCat("part-", i);
    Put(Described("machines", part, "Part", "fits a gear", {}, "", ""));
    mentioned.push_back(Urn("machines", part));
  }
  CatchUp();
  std::vector<std::string> expected = capped;
  expected.insert(expected.end(), mentioned.begin(), mentioned.end());
  for (const bool facets : {false, true}) {
    SCOPED_TRACE(facets ? "with facets" : "without facets");
    SearchRequest page;
    page.set_query("gear");
    page.set_page_size(20);
    if (facets) page.add_facets("domain");
    std::vector<std::string> paged;
    for (const SearchResponse& response : AllPages(page, 5)) {
      EXPECT_EQ(response.total_estimate(), 60);
      EXPECT_FALSE(response.approximate());
      if (facets) {
        EXPECT_EQ(Counts(response.facets(0)), (std::map<std::string, int64_t>{{"machines", 60}}));
      }
      for (const std::string& urn : Urns(response)) paged.push_back(urn);
    }
    EXPECT_EQ(paged, expected);
  }
}

// Beyond Searcher::kExactMatches the page is still exact; the total is an
// estimate unless Xapian knows it (one word: its term frequency), and facet
// counts are scaled; either sets `approximate`.
TEST_F(SearcherTest, BeyondTheExactBoundEstimatesAreFlaggedApproximate) {
  constexpr int kMatches = Searcher::kExactMatches + 500;
  for (int i = 0; i < kMatches; ++i) {
    Put(Described("bulk", absl::StrCat("wooden-crate-", i), "Wooden Crate", "", {}, "", ""));
  }
  CatchUp();
  for (const std::string query : {"crate", "wooden crate"}) {
    for (const bool facets : {false, true}) {
      SCOPED_TRACE(absl::StrCat(query, facets ? " with facets" : ""));
      SearchRequest request;
      request.set_query(query);
      if (facets) request.add_facets("domain");
      absl::StatusOr<SearchResponse> response = Search(request);
      ASSERT_TRUE(response.ok()) << response.status();
      const bool one_word = query == "crate";
      EXPECT_EQ(response->approximate(), facets || !one_word);
      if (one_word) {
        EXPECT_EQ(response->total_estimate(), kMatches);
      } else {
        EXPECT_GE(response->total_estimate(), Searcher::kExactMatches);
      }
      ASSERT_EQ(response->hits_size(), 20);
      EXPECT_EQ(response->hits(0).urn(), Urn("bulk", "wooden-crate-0"));
      EXPECT_EQ(response->hits(19).urn(), Urn("bulk", "wooden-crate-19"));
    }
  }
}

TEST_F(SearcherTest, EmptyQueryAndFilterPagesFollowTheNameOrder) {
  for (const std::string query : {"", "type:product"}) {
    SearchRequest page;
    page.set_query(query);
    page.set_page_size(2);
    std::vector<std::vector<std::string>> pages;
    for (const SearchResponse& response : AllPages(page, 5)) {
      EXPECT_EQ(response.total_estimate(), 5);
      pages.push_back(Urns(response));
    }
    EXPECT_THAT(pages, ElementsAre(ElementsAre(kCustomers, kMachines), ElementsAre(kOrders, kScans),
                                   ElementsAre(kShipments)))
        << query;
  }
}

TEST_F(SearcherTest, PageTokensAreValidated) {
  SearchRequest request;
  request.set_page_size(2);
  absl::StatusOr<SearchResponse> first = Search(request);
  ASSERT_TRUE(first.ok());
  ASSERT_NE(first->next_page_token(), "");

  SearchRequest other;
  other.set_query("tag:iot");
  other.set_page_token(first->next_page_token());
  EXPECT_EQ(Search(other).status().code(), absl::StatusCode::kInvalidArgument);
  other.set_page_token("not-a-token");
  EXPECT_EQ(Search(other).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearcherTest, PageSizeIsBounded) {
  SearchRequest request;
  request.set_page_size(-1);
  EXPECT_EQ(Search(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_page_size(1000);
  EXPECT_EQ(Search(request)->hits_size(), 5);
}

TEST_F(SearcherTest, MinSequenceWaitsForTheWrite) {
  const uint64_t sequence = Put(Described("logistics", "returns", "Returns",
                                          "Parcels sent back by customers", {}, "", ""));
  SearchRequest request;
  request.set_query("returns");
  request.set_min_sequence(sequence);
  absl::StatusOr<SearchResponse> response = Search(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->hits_size(), 1);
  EXPECT_EQ(response->hits(0).urn(), Urn("logistics", "returns"));
}

TEST_F(SearcherTest, MinSequenceNotReachedIsUnavailable) {
  Searcher::Options options;
  options.min_sequence_timeout = absl::Milliseconds(30);
  Searcher impatient(*follower_, options);
  SearchRequest request;
  request.set_min_sequence(store_->LastSequence() + 1);
  absl::StatusOr<SearchResponse> response = impatient.Search(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("min_sequence"));
}

TEST_F(SearcherTest, OddQueriesNeverFailInternally) {
  const std::vector<std::string> queries = {
      "\"unbalanced", "AND", "OR", "NOT", "a AND", "OR b", "a OR OR b", "-", "+", "*", "**",
      "-*", "(", ")", "(((", "\"\"", "domain:", ":", "::", "-domain:", "~", "NEAR", "a NEAR",
      "x ADJ/3", std::string(300, 'a'), std::string(300, 'a') + "*",
      "\"" + std::string(300, 'b') + " c\"", "\x01\x02\x1f ship", "\xff\xfe\xfd",
      std::string("nul\0byte", 8), "tag:\"unterminated", "-tag:", "domain:\"\"", "ü*",
      std::string(kMaxQueryBytes + 1, 'z')};
  for (const std::string& query : queries) {
    SearchRequest request;
    request.set_query(query);
    request.set_highlight(true);
    request.add_facets("tag");
    absl::StatusOr<SearchResponse> response = Search(request);
    EXPECT_TRUE(response.ok() || response.status().code() == absl::StatusCode::kInvalidArgument)
        << absl::CHexEscape(query) << ": " << response.status();
  }
}

TEST_F(SearcherTest, ConcurrentSearchesDuringWrites) {
  std::atomic<int> failures{0};
  std::vector<std::thread> searchers;
  for (int t = 0; t < 4; ++t) {
    searchers.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        SearchRequest request;
        request.set_query(i % 2 == 0 ? "readings" : "");
        request.add_facets("domain");
        if (!searcher_->Search(request).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    Put(Described("bulk", absl::StrCat("item-", i), "Bulk item", "readings", {}, "", ""));
  }
  for (std::thread& thread : searchers) thread.join();
  EXPECT_EQ(failures.load(), 0);
  CatchUp();
  EXPECT_EQ(Find("domain:bulk").size(), 20u);  // the default page size
  EXPECT_EQ(MustSearch("domain:bulk").total_estimate(), 40);
}

// Empty text, exclusions only and filters on unknown values all build
// match-everything or match-nothing queries; many threads doing so at once
// must not share a query object (Xapian's reference counts are not atomic).
TEST_F(SearcherTest, ConcurrentMatchEverythingSearchesAgree) {
  const std::vector<std::pair<std::string, int64_t>> queries = {
      {"", 5}, {"-parcel", 3}, {"domain:sales", 2}, {"domain:nosuchdomain", 0}};
  constexpr int kThreads = 4;
  constexpr int kRounds = 1000;  // before the fix: a crash in about one run of two
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < kRounds; ++round) {
        for (const auto& [query, expected] : queries) {
          SearchRequest request;
          request.set_query(query);
          request.add_facets("domain");
          absl::StatusOr<SearchResponse> response = searcher_->Search(request);
          if (!response.ok() || response->total_estimate() != expected) ++wrong;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace meshdex::index
