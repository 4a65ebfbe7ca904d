// Unit tests of the gateway's request mapping (server/http/request_mapping.h):
// query parameters, path segments and bodies to the core's proto requests.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/request_mapping.h"

namespace meshdex::http {
namespace {

using meshdex::v1::GetLineageRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(HttpRequestMappingTest, ListProductsReadsItsParameters) {
  auto request =
      ListProductsRequestFrom({{"domain", "sales"}, {"page_size", "7"}, {"page_token", "t"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->domain(), "sales");
  EXPECT_EQ(request->page_size(), 7);
  EXPECT_EQ(request->page_token(), "t");
  EXPECT_TRUE(ListProductsRequestFrom({}).ok());
}

TEST(HttpRequestMappingTest, MalformedUnknownAndRepeatedParametersAreInvalid) {
  auto not_a_number = ListProductsRequestFrom({{"page_size", "ten"}});
  EXPECT_EQ(not_a_number.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_a_number.status().message(), HasSubstr("page_size"));

  auto out_of_range = ListProductsRequestFrom({{"page_size", "99999999999"}});
  EXPECT_EQ(out_of_range.status().code(), absl::StatusCode::kInvalidArgument);

  auto unknown = ListProductsRequestFrom({{"pagesize", "10"}});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("\"pagesize\""));

  auto twice = ListProductsRequestFrom({{"domain", "a"}, {"domain", "b"}});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(twice.status().message(), HasSubstr("more than once"));
}

TEST(HttpRequestMappingTest, ProductRoutesBuildTheUrnFromThePath) {
  auto get = GetProductRequestFrom("logistics", "shipments", {{"revision", "3"}});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->urn(), "urn:dp:logistics:shipments");
  EXPECT_EQ(get->revision(), 3);

  auto revisions = ListRevisionsRequestFrom("sales", "orders", {{"page_size", "2"}});
  ASSERT_TRUE(revisions.ok());
  EXPECT_EQ(revisions->urn(), "urn:dp:sales:orders");
  EXPECT_EQ(revisions->page_size(), 2);

  auto deletion = DeleteProductRequestFrom("sales", "orders", {{"expected_revision", "4"}});
  ASSERT_TRUE(deletion.ok());
  EXPECT_EQ(deletion->expected_revision(), 4);
  EXPECT_FALSE(DeleteProductRequestFrom("sales", "orders", {{"revision", "4"}}).ok());
}

TEST(HttpRequestMappingTest, SearchTakesRepeatedAndCommaSeparatedFacets) {
  auto request = SearchRequestFrom({{"q", "orders tag:gold"},
                                    {"facet", "domain, owner"},
                                    {"facet", "tag"},
                                    {"type", "product"},
                                    {"min_sequence", "42"},
                                    {"highlight", "TRUE"},
                                    {"page_size", "5"},
                                    {"page_token", "abc"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->query(), "orders tag:gold");
  EXPECT_THAT(request->facets(), ElementsAre("domain", "owner", "tag"));
  EXPECT_THAT(request->types(), ElementsAre("product"));
  EXPECT_EQ(request->min_sequence(), 42u);
  EXPECT_TRUE(request->highlight());
  EXPECT_EQ(request->page_size(), 5);
  EXPECT_EQ(request->page_token(), "abc");

  EXPECT_FALSE(SearchRequestFrom({{"highlight", "yes"}}).ok());
  EXPECT_FALSE(SearchRequestFrom({{"min_sequence", "-1"}}).ok());
  EXPECT_FALSE(SearchRequestFrom({{"query", "x"}}).ok());
  auto highlight_off = SearchRequestFrom({{"highlight", "0"}});
  ASSERT_TRUE(highlight_off.ok());
  EXPECT_FALSE(highlight_off->highlight());
}

TEST(HttpRequestMappingTest, SearchFiltersAreFieldColonValueEachVerbatim) {
  auto request = SearchRequestFrom({{"filter", "domain:sales"},
                                    {"filter", "-tag:cold chain, frozen"},
                                    {"filter", "owner:team:a"}});
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->filters_size(), 3);
  EXPECT_EQ(request->filters(0).field(), "domain");
  EXPECT_EQ(request->filters(0).value(), "sales");
  EXPECT_FALSE(request->filters(0).exclude());
  EXPECT_EQ(request->filters(1).field(), "tag");
  EXPECT_EQ(request->filters(1).value(), "cold chain, frozen");
  EXPECT_TRUE(request->filters(1).exclude());
  EXPECT_EQ(request->filters(2).field(), "owner");
  EXPECT_EQ(request->filters(2).value(), "team:a");

  auto malformed = SearchRequestFrom({{"filter", "sales"}});
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(malformed.status().message()), HasSubstr("filter: \"sales\""));
  EXPECT_FALSE(SearchRequestFrom({{"filter", ":sales"}}).ok());
  EXPECT_FALSE(SearchRequestFrom({{"filter", "-:sales"}}).ok());
}

TEST(HttpRequestMappingTest, SuggestUsesQAsThePrefix) {
  auto request = SuggestRequestFrom({{"q", "ship"}, {"limit", "3"}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->prefix(), "ship");
  EXPECT_EQ(request->limit(), 3);
}

TEST(HttpRequestMappingTest, ResolveTakesAnAddressOrADataset) {
  auto by_address = ResolveAddressRequestFrom({{"address", "kafka://b:9092/t"}});
  ASSERT_TRUE(by_address.ok());
  EXPECT_EQ(by_address->address(), "kafka://b:9092/t");
  EXPECT_FALSE(by_address->has_dataset());

  auto by_dataset = ResolveAddressRequestFrom({{"namespace", "kafka://b:9092"}, {"name", "t"}});
  ASSERT_TRUE(by_dataset.ok());
  EXPECT_EQ(by_dataset->dataset().namespace_(), "kafka://b:9092");
  EXPECT_EQ(by_dataset->dataset().name(), "t");

  EXPECT_FALSE(ResolveAddressRequestFrom({}).ok());
  EXPECT_FALSE(ResolveAddressRequestFrom({{"address", "a"}, {"name", "t"}}).ok());
}

TEST(HttpRequestMappingTest, NativeLineageParameters) {
  auto request = LineageRequestFrom({{"node_id", "urn:dp:sales:orders"},
                                     {"direction", "up"},
                                     {"level", "PRODUCT"},
                                     {"depth", "3"},
                                     {"max_nodes", "50"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->node_id(), "urn:dp:sales:orders");
  EXPECT_EQ(request->direction(), GetLineageRequest::UPSTREAM);
  EXPECT_EQ(request->level(), GetLineageRequest::PRODUCT);
  EXPECT_EQ(request->depth(), 3);
  EXPECT_EQ(request->max_nodes(), 50);

  auto defaults = LineageRequestFrom({{"node_id", "dataset:ns:n"}});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->direction(), GetLineageRequest::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(defaults->level(), GetLineageRequest::LEVEL_UNSPECIFIED);

  EXPECT_EQ(LineageRequestFrom({{"node_id", "x"}, {"direction", "DOWNSTREAM"}})->direction(),
            GetLineageRequest::DOWNSTREAM);
  EXPECT_FALSE(LineageRequestFrom({}).ok());
  EXPECT_FALSE(LineageRequestFrom({{"node_id", "x"}, {"direction", "sideways"}}).ok());
  EXPECT_FALSE(LineageRequestFrom({{"node_id", "x"}, {"level", "column"}}).ok());
}

TEST(HttpRequestMappingTest, MarquezLineageWalksBothWaysAtDatasetLevel) {
  auto request = MarquezLineageRequestFrom({{"nodeId", "dataset:food_delivery:public.categories"},
                                            {"depth", "5"},
                                            {"withDownstream", "true"}});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->node_id(), "dataset:food_delivery:public.categories");
  EXPECT_EQ(request->depth(), 5);
  EXPECT_EQ(request->direction(), GetLineageRequest::BOTH);
  EXPECT_EQ(request->level(), GetLineageRequest::DATASET);
  EXPECT_FALSE(MarquezLineageRequestFrom({{"depth", "2"}}).ok());
}

TEST(HttpRequestMappingTest, ListRunsNeedsAJob) {
  auto request = ListRunsRequestFrom({{"job_id", "job:airflow:etl"}, {"page_size", "5"}});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->job_id(), "job:airflow:etl");
  EXPECT_FALSE(ListRunsRequestFrom({}).ok());
}

TEST(HttpRequestMappingTest, ApplyParams) {
  auto params = ApplyParamsFrom({{"expected_revision", "2"}, {"dry_run", "true"}});
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->expected_revision, 2);
  EXPECT_TRUE(params->dry_run);
  EXPECT_FALSE(ApplyParamsFrom({{"dryrun", "true"}}).ok());
}

constexpr char kJsonProduct[] =
    R"({"apiVersion":"meshdex.io/v1","kind":"DataProduct",
        "metadata":{"domain":"sales","name":"orders"},
        "spec":{"title":"Orders","version":"1.0.0"}})";

TEST(HttpRequestMappingTest, JsonAndYamlBodiesGiveTheSameProduct) {
  auto json = ProductsFromBody("application/json", kJsonProduct);
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_EQ(json->size(), 1u);
  EXPECT_EQ(json->front().metadata().name(), "orders");
  EXPECT_EQ(json->front().spec().title(), "Orders");

  auto yaml = ProductsFromBody("application/yaml; charset=utf-8",
                               "apiVersion: meshdex.io/v1\nkind: DataProduct\n"
                               "metadata: {domain: sales, name: orders}\n"
                               "spec: {title: Orders, version: 1.0.0}\n");
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  ASSERT_EQ(yaml->size(), 1u);
  EXPECT_EQ(yaml->front().SerializeAsString(), json->front().SerializeAsString());

  auto untyped = ProductsFromBody("", kJsonProduct);
  EXPECT_TRUE(untyped.ok());
}

TEST(HttpRequestMappingTest, SeveralDocumentsAndTheirErrors) {
  auto batch = ProductsFromBody("text/yaml",
                                "metadata: {domain: a, name: one}\n---\n"
                                "metadata: {domain: a, name: two}\n");
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[1].metadata().name(), "two");

  auto array = ProductsFromBody("application/json",
                                R"([{"metadata":{"name":"one"}},{"metadata":{"name":"two"}}])");
  ASSERT_TRUE(array.ok()) << array.status();
  EXPECT_EQ(array->size(), 2u);

  auto unknown_field =
      ProductsFromBody("application/yaml", "metadata: {name: one}\n---\nspec: {titel: x}\n");
  EXPECT_EQ(unknown_field.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown_field.status().message(), HasSubstr("document 2"));
  EXPECT_THAT(unknown_field.status().message(), HasSubstr("titel"));

  auto policy = ProductsFromBody("application/yaml", "kind: Policy\nmetadata: {name: p}\n");
  EXPECT_THAT(policy.status().message(), HasSubstr("unsupported kind \"Policy\""));

  EXPECT_FALSE(ProductsFromBody("application/json", "").ok());
  EXPECT_FALSE(ProductsFromBody("application/json", "{\"metadata\": ").ok());
  auto csv = ProductsFromBody("text/csv", "a,b");
  EXPECT_THAT(csv.status().message(), HasSubstr("text/csv"));
}

TEST(HttpRequestMappingTest, BindProductToPath) {
  meshdex::v1::DataProduct empty;
  ASSERT_TRUE(BindProductToPath("sales", "orders", empty).ok());
  EXPECT_EQ(empty.metadata().domain(), "sales");
  EXPECT_EQ(empty.metadata().name(), "orders");

  meshdex::v1::DataProduct matching = empty;
  EXPECT_TRUE(BindProductToPath("sales", "orders", matching).ok());

  meshdex::v1::DataProduct other = empty;
  other.mutable_metadata()->set_name("returns");
  absl::Status mismatch = BindProductToPath("sales", "orders", other);
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatch.message(), HasSubstr("urn:dp:sales:returns"));
}

TEST(HttpRequestMappingTest, LineageBodies) {
  const std::string event = R"({"eventType":"COMPLETE","run":{"runId":"x"},"z":1.10})";
  auto single = LineageEventsFromBody("  " + event);
  ASSERT_TRUE(single.ok());
  EXPECT_FALSE(single->batch);
  // Handed on exactly as sent.
  EXPECT_THAT(single->events, ElementsAre("  " + event));

  auto batch = LineageEventsFromBody(R"([{"b":1,"a":2},{"eventType":"START"}])");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_TRUE(batch->batch);
  // Keys keep their order.
  EXPECT_THAT(batch->events, ElementsAre(R"({"b":1,"a":2})", R"({"eventType":"START"})"));

  EXPECT_FALSE(LineageEventsFromBody("").ok());
  EXPECT_FALSE(LineageEventsFromBody("[]").ok());
  EXPECT_FALSE(LineageEventsFromBody("[{]").ok());
  auto not_objects = LineageEventsFromBody(R"([{"a":1}, 2])");
  EXPECT_THAT(not_objects.status().message(), HasSubstr("event 2"));
}

TEST(HttpRequestMappingTest, ToJsonBodyUsesLowerCamelCaseAndOmitsDefaults) {
  meshdex::v1::ResolveAddressResponse response;
  response.set_product_urn("urn:dp:a:b");
  auto json = ToJsonBody(response);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"productUrn":"urn:dp:a:b"})");
}

}  // namespace
}  // namespace meshdex::http
