// LineageService against the real meshdexd: streamed ingestion with a
// rejected event or a message that does not parse, the dataset, product and
// column graphs, runs, trust on GetProduct, search for datasets, and the
// graph surviving kill -9.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using meshdex::v1::GetLineageRequest;
using nlohmann::json;

std::string RunId(int n) { return absl::StrFormat("00000000-0000-4000-8000-%012d", n); }

// An event `minutes_ago` before now (the server's clock decides trust).
std::string Event(const std::string& type, int run, const std::string& job,
                  const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                  int minutes_ago) {
  json event = {
      {"eventType", type},
      {"eventTime", absl::FormatTime(absl::RFC3339_full, absl::Now() - absl::Minutes(minutes_ago),
                                     absl::UTCTimeZone())},
      {"producer", "https://example.com/integration"},
      {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
      {"run", {{"runId", RunId(run)}}},
      {"job", {{"namespace", "airflow"}, {"name", job}}},
      {"inputs", json::array()},
      {"outputs", json::array()}};
  for (const std::string& topic : inputs) {
    event["inputs"].push_back({{"namespace", "kafka://broker:9092"}, {"name", topic}});
  }
  for (const std::string& topic : outputs) {
    event["outputs"].push_back({{"namespace", "kafka://broker:9092"}, {"name", topic}});
  }
  return event.dump();
}

std::string Dataset(const std::string& topic) { return "dataset:kafka://broker:9092:" + topic; }

class LineageIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start() {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"));
    ASSERT_TRUE(server_->Start());
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
    lineage_ = meshdex::v1::LineageService::NewStub(server_->Channel());
    search_ = meshdex::v1::SearchService::NewStub(server_->Channel());
  }

  void ApplyProduct(const std::string& domain, const std::string& name, const std::string& topic) {
    meshdex::v1::ApplyProductRequest request;
    meshdex::v1::DataProduct& product = *request.mutable_product();
    product.mutable_metadata()->set_domain(domain);
    product.mutable_metadata()->set_name(name);
    product.mutable_spec()->set_version("1.0.0");
    meshdex::v1::Port* port = product.mutable_spec()->add_output_ports();
    port->set_name("events");
    port->set_kind("kafka");
    port->set_address("kafka://broker:9092/" + topic);
    port->mutable_slo()->set_freshness_seconds(3600);
    meshdex::v1::ApplyProductResponse response;
    grpc::ClientContext context;
    grpc::Status status = catalog_->ApplyProduct(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  meshdex::v1::IngestEventsResponse Stream(const std::vector<std::string>& events) {
    grpc::ClientContext context;
    meshdex::v1::IngestEventsResponse response;
    std::unique_ptr<grpc::ClientWriter<meshdex::v1::IngestEventRequest>> writer =
        lineage_->IngestEvents(&context, &response);
    for (const std::string& event : events) {
      meshdex::v1::IngestEventRequest request;
      request.set_event_json(event);
      if (!writer->Write(request)) break;
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  meshdex::v1::LineageGraph Lineage(const std::string& node_id, GetLineageRequest::Direction direction,
                                    GetLineageRequest::Level level = GetLineageRequest::DATASET) {
    GetLineageRequest request;
    request.set_node_id(node_id);
    request.set_direction(direction);
    request.set_level(level);
    meshdex::v1::LineageGraph graph;
    grpc::ClientContext context;
    grpc::Status status = lineage_->GetLineage(&context, request, &graph);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return graph;
  }

  std::vector<std::string> Ids(const meshdex::v1::LineageGraph& graph) {
    std::vector<std::string> ids;
    for (const meshdex::v1::LineageNode& node : graph.nodes()) ids.push_back(node.id());
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<std::string> SearchUrns(const std::string& query, uint64_t min_sequence) {
    meshdex::v1::SearchRequest request;
    request.set_query(query);
    request.set_min_sequence(min_sequence);
    request.set_page_size(100);
    meshdex::v1::SearchResponse response;
    grpc::ClientContext context;
    grpc::Status status = search_->Search(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> urns;
    for (const meshdex::v1::SearchHit& hit : response.hits()) urns.push_back(hit.urn());
    std::sort(urns.begin(), urns.end());
    return urns;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  std::unique_ptr<meshdex::v1::LineageService::Stub> lineage_;
  std::unique_ptr<meshdex::v1::SearchService::Stub> search_;
};

TEST_F(LineageIntegrationTest, IngestQueryAndSurviveKill9) {
  ApplyProduct("sales", "orders", "orders");
  ApplyProduct("finance", "revenue", "revenue");
  // orders -> enrich -> orders.enriched (unowned) -> revenue-job -> revenue
  const meshdex::v1::IngestEventsResponse ingested = Stream({
      Event("START", 1, "enrich", {"orders"}, {"orders.enriched"}, 30),
      Event("COMPLETE", 1, "enrich", {"orders"}, {"orders.enriched"}, 25),
      Event("START", 2, "revenue-job", {"orders.enriched"}, {"revenue"}, 20),
      Event("COMPLETE", 2, "revenue-job", {"orders.enriched"}, {"revenue"}, 10),
  });
  EXPECT_EQ(ingested.accepted(), 4);
  EXPECT_FALSE(ingested.has_rejected_index());
  ASSERT_GT(ingested.sequence(), 0u);

  const std::vector<std::string> expected = {Dataset("orders"), Dataset("orders.enriched"),
                                             Dataset("revenue"), "job:airflow:enrich",
                                             "job:airflow:revenue-job"};
  EXPECT_EQ(Ids(Lineage(Dataset("orders"), GetLineageRequest::DOWNSTREAM)), expected);
  const meshdex::v1::LineageGraph products =
      Lineage("urn:dp:sales:orders", GetLineageRequest::DOWNSTREAM, GetLineageRequest::PRODUCT);
  EXPECT_EQ(Ids(products), (std::vector<std::string>{Dataset("orders.enriched"), "urn:dp:finance:revenue",
                                                     "urn:dp:sales:orders"}));

  {
    meshdex::v1::ListRunsRequest request;
    request.set_job_id("job:airflow:revenue-job");
    meshdex::v1::ListRunsResponse runs;
    grpc::ClientContext context;
    ASSERT_TRUE(lineage_->ListRuns(&context, request, &runs).ok());
    ASSERT_EQ(runs.runs_size(), 1);
    EXPECT_EQ(runs.runs(0).state(), "COMPLETE");
  }
  {
    meshdex::v1::GetProductRequest request;
    request.set_urn("urn:dp:finance:revenue");
    meshdex::v1::DataProduct product;
    grpc::ClientContext context;
    ASSERT_TRUE(catalog_->GetProduct(&context, request, &product).ok());
    EXPECT_EQ(product.status().trust().state(), meshdex::v1::FRESH);
    EXPECT_EQ(product.status().trust().ports(0).port(), "events");
  }
  EXPECT_EQ(SearchUrns("type:dataset", ingested.sequence()),
            (std::vector<std::string>{Dataset("orders"), Dataset("orders.enriched"), Dataset("revenue")}));
  EXPECT_EQ(SearchUrns("type:dataset domain:finance", ingested.sequence()),
            (std::vector<std::string>{Dataset("revenue")}));

  server_->Kill();
  Start();
  EXPECT_EQ(Ids(Lineage(Dataset("orders"), GetLineageRequest::DOWNSTREAM)), expected);
  EXPECT_EQ(Ids(Lineage("urn:dp:sales:orders", GetLineageRequest::DOWNSTREAM, GetLineageRequest::PRODUCT)),
            Ids(products));
  EXPECT_EQ(SearchUrns("type:job", ingested.sequence()),
            (std::vector<std::string>{"job:airflow:enrich", "job:airflow:revenue-job"}));
}

TEST_F(LineageIntegrationTest, RejectionsNameThePathAndStoreNothingOfTheBadEvent) {
  {
    meshdex::v1::IngestEventRequest request;
    json bad = json::parse(Event("START", 1, "job", {}, {"x"}, 0));
    bad["run"]["runId"] = "not-a-uuid";
    request.set_event_json(bad.dump());
    meshdex::v1::IngestEventResponse response;
    grpc::ClientContext context;
    grpc::Status status = lineage_->IngestEvent(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(absl::StartsWith(status.error_message(), "run.runId: must be a UUID"))
        << status.error_message();
  }
  {
    const std::string good = Event("START", 1, "job", {}, {"x"}, 0);
    meshdex::v1::IngestEventRequest request;
    request.set_event_json(good);
    meshdex::v1::IngestEventResponse first;
    grpc::ClientContext context;
    ASSERT_TRUE(lineage_->IngestEvent(&context, request, &first).ok());
    EXPECT_FALSE(first.duplicate());
    meshdex::v1::IngestEventResponse again;
    grpc::ClientContext context2;
    ASSERT_TRUE(lineage_->IngestEvent(&context2, request, &again).ok());
    EXPECT_TRUE(again.duplicate());
    EXPECT_EQ(again.sequence(), first.sequence());
  }
  const meshdex::v1::IngestEventsResponse streamed = Stream({
      Event("START", 2, "a", {}, {"a"}, 0),
      "{not json",
      Event("START", 3, "b", {}, {"b"}, 0),
  });
  EXPECT_EQ(streamed.accepted(), 1);
  ASSERT_TRUE(streamed.has_rejected_index());
  EXPECT_EQ(streamed.rejected_index(), 1);
  EXPECT_TRUE(absl::StartsWith(streamed.rejected_reason(), "event: malformed JSON"))
      << streamed.rejected_reason();

  GetLineageRequest request;
  request.set_node_id(Dataset("b"));
  meshdex::v1::LineageGraph graph;
  grpc::ClientContext context;
  EXPECT_EQ(lineage_->GetLineage(&context, request, &graph).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(LineageIntegrationTest, AStreamMessageThatDoesNotParseIsRejectedNotTakenForTheStreamsEnd) {
  // event_json is a proto3 string: the client serialises bytes that are not
  // UTF-8 (protobuf only logs), the server cannot parse the message. With
  // gRPC's own reader the stream ended there, as if the client were done:
  // the events after it were dropped under an OK status, with no reason.
  const meshdex::v1::IngestEventsResponse streamed = Stream({
      Event("START", 2, "a", {}, {"a"}, 0),
      "\xff not UTF-8",
      Event("START", 3, "b", {}, {"b"}, 0),
  });
  EXPECT_EQ(streamed.accepted(), 1);
  ASSERT_TRUE(streamed.has_rejected_index());
  EXPECT_EQ(streamed.rejected_index(), 1);
  EXPECT_EQ(streamed.rejected_reason(),
            "not a valid meshdex.v1.IngestEventRequest message: string field "
            "meshdex.v1.IngestEventRequest.event_json is not valid UTF-8");
  for (const auto& [topic, code] :
       {std::pair<std::string, grpc::StatusCode>{"a", grpc::StatusCode::OK},
        {"b", grpc::StatusCode::NOT_FOUND}}) {
    GetLineageRequest request;
    request.set_node_id(Dataset(topic));
    meshdex::v1::LineageGraph graph;
    grpc::ClientContext context;
    EXPECT_EQ(lineage_->GetLineage(&context, request, &graph).error_code(), code) << topic;
  }
}

}  // namespace
}  // namespace meshdex
