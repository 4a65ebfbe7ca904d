// SearchService against the real meshdexd on the demo mesh (18 products, 4
// domains): relevance for queries with an obvious answer, facet counts against
// a count of the catalog itself, read-your-writes through min_sequence,
// update/delete visibility, and recovery (kill -9, index directory deleted).
#include <filesystem>
#include <map>
#include <set>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::SearchRequest;
using meshdex::v1::SearchResponse;

class SearchIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }

  void StartServer() {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"),
                                                       std::vector<std::string>{"--demo"});
    ASSERT_TRUE(server_->Start());
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
    search_ = meshdex::v1::SearchService::NewStub(server_->Channel());
    // The demo load (products, then a day of lineage runs) is done when the
    // server is ready; searches wait until the index has caught up with it.
    auto admin = meshdex::v1::AdminService::NewStub(server_->Channel());
    meshdex::v1::Stats stats;
    grpc::ClientContext context;
    ASSERT_TRUE(admin->GetStats(&context, meshdex::v1::GetStatsRequest(), &stats).ok());
    ASSERT_GE(stats.last_sequence(), 18u);  // at least the demo mesh's products
    last_sequence_ = std::max(last_sequence_, stats.last_sequence());
  }

  std::vector<DataProduct> AllProducts() {
    meshdex::v1::ListProductsRequest request;
    request.set_page_size(1000);
    meshdex::v1::ListProductsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(catalog_->ListProducts(&context, request, &response).ok());
    return {response.products().begin(), response.products().end()};
  }

  // Searches after everything written so far is indexed.
  SearchResponse Search(const std::string& query, std::vector<std::string> facets = {},
                        int page_size = 100) {
    SearchRequest request;
    request.set_query(query);
    for (const std::string& facet : facets) request.add_facets(facet);
    request.set_page_size(page_size);
    request.set_min_sequence(last_sequence_);
    SearchResponse response;
    grpc::ClientContext context;
    grpc::Status status = search_->Search(&context, request, &response);
    EXPECT_TRUE(status.ok()) << query << ": " << status.error_message();
    return response;
  }

  std::vector<std::string> Urns(const SearchResponse& response) {
    std::vector<std::string> urns;
    for (const auto& hit : response.hits()) urns.push_back(hit.urn());
    return urns;
  }

  uint64_t Apply(const DataProduct& product) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    meshdex::v1::ApplyProductResponse response;
    grpc::ClientContext context;
    grpc::Status status = catalog_->ApplyProduct(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    last_sequence_ = std::max(last_sequence_, response.sequence());
    return response.sequence();
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  std::unique_ptr<meshdex::v1::SearchService::Stub> search_;
  uint64_t last_sequence_ = 0;
};

TEST_F(SearchIntegrationTest, ObviousQueriesRankTheObviousProductFirst) {
  const std::map<std::string, std::string> expectations = {
      {"machine telemetry", "urn:dp:production:machine-telemetry"},
      {"shipments", "urn:dp:logistics:shipments"},
      {"invoices", "urn:dp:finance:invoices"},
      {"foreign exchange rates", "urn:dp:finance:fx-rates"},
      {"returns refunds", "urn:dp:sales:returns"},
      {"quality inspections", "urn:dp:production:quality-inspections"},
      {"campaign attribution", "urn:dp:sales:campaign-attribution"},
  };
  for (const auto& [query, urn] : expectations) {
    SearchResponse response = Search(query);
    ASSERT_FALSE(response.hits().empty()) << query;
    EXPECT_EQ(response.hits(0).urn(), urn) << query;
    EXPECT_EQ(response.hits(0).type(), "product");
  }
}

TEST_F(SearchIntegrationTest, FilterOnlyQueryListsProductsSortedByName) {
  std::vector<DataProduct> products = AllProducts();
  // The demo's lineage adds datasets and jobs to the index; products only here.
  SearchResponse response = Search("type:product", {}, 100);
  ASSERT_EQ(response.hits_size(), static_cast<int>(products.size()));
  EXPECT_EQ(response.total_estimate(), static_cast<int64_t>(products.size()));
  // urn:dp:<domain>:<name> -> <name>
  auto name = [](const std::string& urn) { return urn.substr(urn.rfind(':') + 1); };
  for (int i = 1; i < response.hits_size(); ++i) {
    EXPECT_LE(name(response.hits(i - 1).urn()), name(response.hits(i).urn()))
        << "not sorted at " << i << ": " << response.hits(i - 1).urn() << " / " << response.hits(i).urn();
  }
}

TEST_F(SearchIntegrationTest, FacetCountsMatchACountOfTheCatalog) {
  std::map<std::string, int64_t> domains, lifecycles, kinds, classifications;
  for (const DataProduct& product : AllProducts()) {
    ++domains[product.metadata().domain()];
    ++lifecycles[product.spec().lifecycle()];
    std::set<std::string> product_kinds, product_classes;
    for (const auto& port : product.spec().output_ports()) {
      product_kinds.insert(port.kind());
      for (const auto& field : port.schema().fields()) {
        if (!field.classification().empty()) product_classes.insert(field.classification());
      }
    }
    for (const auto& port : product.spec().input_ports()) {
      for (const auto& field : port.schema().fields()) {
        if (!field.classification().empty()) product_classes.insert(field.classification());
      }
    }
    for (const std::string& kind : product_kinds) ++kinds[kind];
    for (const std::string& c : product_classes) ++classifications[c];
  }
  SearchResponse response = Search("type:product", {"domain", "lifecycle", "kind", "classification"}, 1);
  std::map<std::string, std::map<std::string, int64_t>> counted;
  for (const auto& facet : response.facets()) {
    for (const auto& value : facet.values()) counted[facet.name()][value.value()] = value.count();
  }
  EXPECT_EQ(counted["domain"], domains);
  EXPECT_EQ(counted["lifecycle"], lifecycles);
  EXPECT_EQ(counted["kind"], kinds);
  EXPECT_EQ(counted["classification"], classifications);
  // Exact over the whole match set even though only one hit is on the page.
  EXPECT_EQ(response.hits_size(), 1);
}

TEST_F(SearchIntegrationTest, FiltersNarrowTheMatchSet) {
  SearchResponse logistics = Search("domain:logistics");
  ASSERT_FALSE(logistics.hits().empty());
  for (const auto& hit : logistics.hits()) EXPECT_EQ(hit.domain(), "logistics");

  SearchResponse pii = Search("classification:pii");
  SearchResponse pii_sales = Search("classification:pii domain:sales");
  EXPECT_GT(pii.hits_size(), pii_sales.hits_size());
  for (const auto& hit : pii_sales.hits()) EXPECT_EQ(hit.domain(), "sales");

  SearchResponse without = Search("domain:logistics -shipments");
  for (const std::string& urn : Urns(without)) EXPECT_NE(urn, "urn:dp:logistics:shipments");
}

TEST_F(SearchIntegrationTest, ReadYourWritesUpdatesAndDeletes) {
  DataProduct product;
  product.mutable_metadata()->set_domain("sales");
  product.mutable_metadata()->set_name("zeppelin-bookings");
  product.mutable_spec()->set_title("Zeppelin bookings");
  product.mutable_spec()->set_description("Airship seat reservations by passenger.");
  product.mutable_spec()->set_version("1.0.0");
  auto* port = product.mutable_spec()->add_output_ports();
  port->set_name("bookings");
  port->set_kind("sql");
  port->set_address("postgres://db.sales:5432/air.public.bookings");
  Apply(product);
  ASSERT_EQ(Urns(Search("airship")), std::vector<std::string>{"urn:dp:sales:zeppelin-bookings"});

  product.mutable_spec()->set_description("Dirigible seat reservations by passenger.");
  Apply(product);
  EXPECT_TRUE(Search("airship").hits().empty());
  EXPECT_EQ(Urns(Search("dirigible")), std::vector<std::string>{"urn:dp:sales:zeppelin-bookings"});

  meshdex::v1::DeleteProductRequest del;
  del.set_urn("urn:dp:sales:zeppelin-bookings");
  meshdex::v1::DeleteProductResponse deleted;
  grpc::ClientContext context;
  ASSERT_TRUE(catalog_->DeleteProduct(&context, del, &deleted).ok());
  last_sequence_ = deleted.sequence();
  EXPECT_TRUE(Search("dirigible").hits().empty());
}

TEST_F(SearchIntegrationTest, UnreachableMinSequenceIsUnavailable) {
  SearchRequest request;
  request.set_query("shipments");
  request.set_min_sequence(1000000);
  SearchResponse response;
  grpc::ClientContext context;
  grpc::Status status = search_->Search(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(status.error_message().empty());
}

TEST_F(SearchIntegrationTest, OddQueriesNeverFailInternally) {
  for (const std::string& query :
       {std::string("\"unbalanced"), std::string("AND"), std::string("-"), std::string("*"),
        std::string(300, 'x'), std::string("a\x01\x02 b"), std::string("domain:"), std::string("(((("),
        std::string("tag:\"x"), std::string("NOT NOT OR")}) {
    SearchRequest request;
    request.set_query(query);
    SearchResponse response;
    grpc::ClientContext context;
    grpc::Status status = search_->Search(&context, request, &response);
    EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
        << query << ": " << status.error_code() << " " << status.error_message();
  }
}

TEST_F(SearchIntegrationTest, SuggestCompletesNamesAndTitles) {
  Search("");  // Suggest has no min_sequence: wait for the demo mesh to be indexed
  meshdex::v1::SuggestRequest request;
  request.set_prefix("mach");
  meshdex::v1::SuggestResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(search_->Suggest(&context, request, &response).ok());
  ASSERT_FALSE(response.suggestions().empty());
  bool found = false;
  for (const auto& suggestion : response.suggestions()) {
    found = found || suggestion.urn() == "urn:dp:production:machine-telemetry";
  }
  EXPECT_TRUE(found);
}

TEST_F(SearchIntegrationTest, IndexResumesAfterKill9AndRebuildsWhenDeleted) {
  const std::vector<std::string> before = Urns(Search("warehouse"));
  ASSERT_FALSE(before.empty());
  const std::vector<std::string> pii_before = Urns(Search("classification:pii"));

  server_->Kill();
  StartServer();
  EXPECT_EQ(Urns(Search("warehouse")), before);

  server_->Kill();
  std::filesystem::remove_all(dir_.Sub("data") + "/index");
  StartServer();
  EXPECT_EQ(Urns(Search("warehouse")), before);
  EXPECT_EQ(Urns(Search("classification:pii")), pii_before);
}

TEST_F(SearchIntegrationTest, CliSearchPrintsHitsAndFacets) {
  Search("");  // wait for the demo mesh to be indexed
  testing::CommandResult result = testing::RunCommand(
      {testing::BinaryPath("meshdexctl"), "--server", server_->grpc_address(), "search", "shipments",
       "--facet", "domain"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("urn:dp:logistics:shipments"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("domain: "), std::string::npos) << result.out;
  result = testing::RunCommand(
      {testing::BinaryPath("meshdexctl"), "--server", server_->grpc_address(), "suggest", "ship"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("ship"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace meshdex
