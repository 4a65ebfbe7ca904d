// Ingest: what events do to the stored model (jobs, runs, datasets, edges,
// change records), idempotency, and all-or-nothing batches.
#include "server/lineage/ingest.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/lineage/formats.h"
#include "storage/lineage_ids.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

using meshdex::v1::ChangeEvent;
using storage::EdgeDirection;
using storage::LineageNodeKey;

class IngestTest : public LineageFixture {
 protected:
  std::vector<ChangeEvent> ChangesAfter(uint64_t sequence) {
    absl::StatusOr<std::vector<ChangeEvent>> changes = store_->ReadChanges(sequence + 1, 1000);
    EXPECT_TRUE(changes.ok());
    return changes.ok() ? *changes : std::vector<ChangeEvent>();
  }

  std::vector<std::string> Neighbors(const LineageNodeKey& node, EdgeDirection direction) {
    std::vector<std::string> ids;
    EXPECT_TRUE(store_
                    ->ForEachNeighbor(node, direction,
                                      [&](const LineageNodeKey& neighbor) {
                                        ids.push_back(storage::NodeId(neighbor));
                                        return true;
                                      })
                    .ok());
    return ids;
  }

  meshdex::v1::RunRecord Run(int n) {
    absl::StatusOr<std::optional<meshdex::v1::RunRecord>> run = store_->GetRun(RunId(n));
    EXPECT_TRUE(run.ok() && run->has_value());
    return run.ok() && run->has_value() ? **run : meshdex::v1::RunRecord();
  }

  meshdex::v1::LineageDataset Dataset(const Ds& dataset) {
    absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> record =
        store_->GetDataset({dataset.ns, dataset.name});
    EXPECT_TRUE(record.ok() && record->has_value()) << dataset.name;
    return record.ok() && record->has_value() ? **record : meshdex::v1::LineageDataset();
  }
};

TEST_F(IngestTest, RunEventStoresJobRunDatasetsAndEdgesBothWays) {
  const Ds orders{"postgres://db:5432", "shop.public.orders"};
  const Ds daily{"s3://lake", "orders/daily"};
  const uint64_t sequence = Ingest(RunEvent("COMPLETE", RunId(1), "etl", {orders}, {daily})).sequence();

  // One change record per touched entity: two datasets, the job, the run.
  std::vector<std::string> changes;
  for (const ChangeEvent& change : ChangesAfter(0)) {
    changes.push_back(absl::StrCat(ChangeEvent::Type_Name(change.type()), " ", change.urn()));
  }
  EXPECT_THAT(changes, ::testing::UnorderedElementsAre(
                           "DATASET_UPSERTED dataset:postgres://db:5432:shop.public.orders",
                           "DATASET_UPSERTED dataset:s3://lake:orders/daily",
                           "JOB_UPSERTED job:scheduler:etl", absl::StrCat("RUN_UPSERTED run:", RunId(1))));
  EXPECT_EQ(sequence, 4u);

  const LineageNodeKey job{LineageNodeKey::Kind::kJob, "scheduler", "etl"};
  EXPECT_THAT(Neighbors(job, EdgeDirection::kDownstream), ::testing::ElementsAre("dataset:s3://lake:orders/daily"));
  EXPECT_THAT(Neighbors(job, EdgeDirection::kUpstream),
              ::testing::ElementsAre("dataset:postgres://db:5432:shop.public.orders"));
  EXPECT_THAT(Neighbors({LineageNodeKey::Kind::kDataset, daily.ns, daily.name}, EdgeDirection::kUpstream),
              ::testing::ElementsAre("job:scheduler:etl"));

  const meshdex::v1::LineageDataset output = Dataset(daily);
  EXPECT_EQ(output.producing_job(), "job:scheduler:etl");
  EXPECT_EQ(output.last_complete_run_id(), RunId(1));
  EXPECT_TRUE(Dataset(orders).producing_job().empty());
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> stored_job = store_->GetJob({"scheduler", "etl"});
  ASSERT_TRUE(stored_job.ok() && stored_job->has_value());
  EXPECT_EQ((*stored_job)->latest_run_id(), RunId(1));
}

TEST_F(IngestTest, SameEventAgainIsADuplicateAndWritesNothing) {
  const Json event = RunEvent("START", RunId(1), "etl", {}, {Topic("orders")});
  const meshdex::v1::IngestEventResponse first = Ingest(event);
  EXPECT_FALSE(first.duplicate());
  const meshdex::v1::IngestEventResponse again = Ingest(event);
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.sequence(), first.sequence());
  EXPECT_EQ(store_->LastSequence(), first.sequence());
  EXPECT_EQ(Run(1).event_count(), 1);

  // The same instant written with another offset is the same event.
  Json shifted = event;
  shifted["eventTime"] = "2024-05-01T12:00:00+02:00";
  EXPECT_TRUE(Ingest(shifted).duplicate());
  // Another eventType of the same run is not.
  EXPECT_FALSE(Ingest(RunEvent("COMPLETE", RunId(1), "etl", {}, {Topic("orders")}, At(5))).duplicate());
  EXPECT_EQ(Run(1).event_count(), 2);
}

TEST_F(IngestTest, RunEventsMergeWhateverOrderTheyArrive) {
  // COMPLETE first, then the START that preceded it, then a late RUNNING.
  Ingest(RunEvent("COMPLETE", RunId(1), "etl", {}, {Topic("b")}, At(10)));
  Ingest(RunEvent("START", RunId(1), "etl", {Topic("a")}, {}, At(0)));
  Ingest(RunEvent("RUNNING", RunId(1), "etl", {}, {}, At(20)));
  Ingest(RunEvent("OTHER", RunId(1), "etl", {}, {}, At(30)));
  const meshdex::v1::RunRecord run = Run(1);
  EXPECT_EQ(run.run().state(), "COMPLETE");
  EXPECT_EQ(run.run().start_time().seconds(), absl::ToUnixSeconds(*ParseDateTime(At(0))));
  EXPECT_EQ(run.run().end_time().seconds(), absl::ToUnixSeconds(*ParseDateTime(At(10))));
  EXPECT_EQ(run.run().job_id(), "job:scheduler:etl");
  EXPECT_EQ(run.inputs_size(), 1);
  EXPECT_EQ(run.outputs_size(), 1);
  EXPECT_EQ(run.event_count(), 4);

  Ingest(RunEvent("START", RunId(2), "etl", {}, {}, At(40)));
  EXPECT_EQ(Run(2).run().state(), "START");
  EXPECT_FALSE(Run(2).run().has_end_time());
  Ingest(RunEvent("FAIL", RunId(2), "etl", {}, {}, At(41)));
  EXPECT_EQ(Run(2).run().state(), "FAIL");
}

TEST_F(IngestTest, RunWithoutEventTypeIsOther) {
  Json event = RunEvent("START", RunId(1), "etl");
  event.erase("eventType");
  Ingest(event);
  EXPECT_EQ(Run(1).run().state(), "OTHER");
  Ingest(RunEvent("START", RunId(1), "etl", {}, {}, At(1)));
  EXPECT_EQ(Run(1).run().state(), "START");
}

TEST_F(IngestTest, FacetsAreKeptVerbatimAndMergedByName) {
  // Built in member order (nlohmann::json would sort the members).
  nlohmann::ordered_json start =
      nlohmann::ordered_json::parse(RunEvent("START", RunId(1), "etl", {}, {Topic("orders")}, At(0)).dump());
  start["run"]["facets"]["custom"] =
      nlohmann::ordered_json::parse(R"({"a":1,"nested":{"z":"last","b":[1,2]}})");
  start["outputs"][0]["facets"]["schema"] = {{"fields", {{{"name", "id"}, {"type", "string"}}}}};
  start["outputs"][0]["facets"]["documentation"] = {{"description", "All orders"}};
  const absl::Status started = TryIngest(start.dump());
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_EQ(Dataset(Topic("orders")).description(), "All orders");
  Json complete = RunEvent("COMPLETE", RunId(1), "etl", {}, {Topic("orders")}, At(5));
  complete["run"]["facets"]["other"] = {{"x", true}};
  complete["outputs"][0]["facets"]["schema"] = {
      {"fields", {{{"name", "id"}, {"type", "string"}}, {{"name", "total"}, {"type", "decimal"}}}}};
  complete["outputs"][0]["facets"]["documentation"] = {{"_deleted", true}};
  Ingest(complete);

  const nlohmann::ordered_json run_facets = nlohmann::ordered_json::parse(Run(1).facets_json());
  // Member order inside a facet is preserved: the facet is kept as sent.
  EXPECT_EQ(run_facets["custom"].dump(), R"({"a":1,"nested":{"z":"last","b":[1,2]}})");
  EXPECT_TRUE(run_facets.contains("other"));

  const meshdex::v1::LineageDataset orders = Dataset(Topic("orders"));
  ASSERT_EQ(orders.fields_size(), 2);
  EXPECT_EQ(orders.fields(1).name(), "total");
  EXPECT_EQ(orders.description(), "");
  EXPECT_FALSE(Json::parse(orders.facets_json()).contains("documentation"));

  // An older event only fills gaps.
  Json older = RunEvent("OTHER", RunId(1), "etl", {}, {Topic("orders")}, At(1));
  older["outputs"][0]["facets"]["schema"] = {{"fields", {{{"name", "old"}}}}};
  older["outputs"][0]["facets"]["version"] = {{"datasetVersion", "7"}};
  Ingest(older);
  const meshdex::v1::LineageDataset after = Dataset(Topic("orders"));
  EXPECT_EQ(after.fields_size(), 2);
  EXPECT_TRUE(Json::parse(after.facets_json()).contains("version"));
}

TEST_F(IngestTest, FirstAndLastSeenSpanTheEvents) {
  Ingest(RunEvent("START", RunId(1), "etl", {}, {Topic("orders")}, At(30)));
  Ingest(RunEvent("START", RunId(2), "etl", {}, {Topic("orders")}, At(10)));
  Ingest(RunEvent("START", RunId(3), "etl", {}, {Topic("orders")}, At(20)));
  const meshdex::v1::LineageDataset orders = Dataset(Topic("orders"));
  EXPECT_EQ(orders.first_seen().seconds(), absl::ToUnixSeconds(*ParseDateTime(At(10))));
  EXPECT_EQ(orders.last_seen().seconds(), absl::ToUnixSeconds(*ParseDateTime(At(30))));
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> job = store_->GetJob({"scheduler", "etl"});
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->latest_run_id(), RunId(1));
}

TEST_F(IngestTest, CompletionIsRecordedOnOutputsNamedByEarlierEvents) {
  Ingest(RunEvent("START", RunId(1), "etl", {}, {Topic("orders")}, At(0)));
  EXPECT_FALSE(Dataset(Topic("orders")).has_last_complete_time());
  Ingest(RunEvent("COMPLETE", RunId(1), "etl", {}, {}, At(7)));
  EXPECT_EQ(Dataset(Topic("orders")).last_complete_time().seconds(),
            absl::ToUnixSeconds(*ParseDateTime(At(7))));
  // An older completion does not move it back.
  Ingest(RunEvent("COMPLETE", RunId(2), "etl", {}, {Topic("orders")}, At(3)));
  EXPECT_EQ(Dataset(Topic("orders")).last_complete_run_id(), RunId(1));
  // A failed run does not count.
  Ingest(RunEvent("FAIL", RunId(3), "etl", {}, {Topic("orders")}, At(20)));
  EXPECT_EQ(Dataset(Topic("orders")).last_complete_run_id(), RunId(1));
}

TEST_F(IngestTest, JobAndDatasetEventsRecordMetadataButNoEdges) {
  Json job_event = RunEvent("COMPLETE", RunId(1), "declared", {Topic("in")}, {Topic("out")});
  job_event.erase("run");
  job_event["job"]["facets"]["documentation"] = {{"description", "Declared job"}};
  Ingest(job_event);
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> job = store_->GetJob({"scheduler", "declared"});
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->description(), "Declared job");
  EXPECT_EQ(Dataset(Topic("out")).name(), "out");
  EXPECT_TRUE(Neighbors({LineageNodeKey::Kind::kJob, "scheduler", "declared"}, EdgeDirection::kDownstream).empty());

  Json dataset_event = {{"eventTime", At(0)},
                        {"producer", "https://example.com/p"},
                        {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
                        {"dataset",
                         {{"namespace", "s3://lake"},
                          {"name", "static"},
                          {"facets", {{"schema", {{"fields", {{{"name", "k"}}}}}}}}}}};
  const meshdex::v1::IngestEventResponse response = Ingest(dataset_event);
  EXPECT_FALSE(response.duplicate());
  EXPECT_EQ(Dataset({"s3://lake", "static"}).fields(0).name(), "k");
  EXPECT_TRUE(Ingest(dataset_event).duplicate());
}

TEST_F(IngestTest, RunIdOfAnotherJobIsRefusedAndNothingIsStored) {
  Ingest(RunEvent("START", RunId(1), "etl", {}, {}, At(0)));
  const uint64_t before = store_->LastSequence();
  absl::Status status = TryIngest(RunEvent("COMPLETE", RunId(1), "other", {}, {Topic("x")}, At(1)).dump());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "belongs to job job:scheduler:etl")) << status;
  EXPECT_EQ(store_->LastSequence(), before);
  EXPECT_FALSE(store_->GetDataset({"kafka://broker:9092", "x"})->has_value());
}

TEST_F(IngestTest, InvalidEventStoresNothing) {
  Json event = RunEvent("START", RunId(1), "etl", {}, {Topic("x")});
  event["outputs"][0].erase("name");
  EXPECT_EQ(TryIngest(event.dump()).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LastSequence(), 0u);
}

TEST_F(IngestTest, ColumnLineageFacetBecomesColumnEdges) {
  Json event = RunEvent("COMPLETE", RunId(1), "etl", {Topic("a")}, {Topic("b")});
  AddColumnLineage(event, 0, "total", {{Topic("a"), "price"}, {Topic("a"), "quantity"}});
  Ingest(event);
  std::vector<std::string> inputs;
  ASSERT_TRUE(store_
                  ->ForEachColumnNeighbor({{"kafka://broker:9092", "b"}, "total"},
                                          EdgeDirection::kUpstream,
                                          [&](const storage::FieldKey& field) {
                                            inputs.push_back(field.field);
                                            return true;
                                          })
                  .ok());
  EXPECT_THAT(inputs, ::testing::ElementsAre("price", "quantity"));
}

TEST_F(IngestTest, ClaimIdentityNormalisesLikePortAddresses) {
  EXPECT_EQ(ClaimIdentity({"kafka://Broker", "orders"})->ns, "kafka://broker:9092");
  EXPECT_EQ(ClaimIdentity({"kafka://Broker", "orders"})->name, "orders");
  EXPECT_FALSE(ClaimIdentity({"kafka://broker:9092", "orders"}).has_value());
  EXPECT_FALSE(ClaimIdentity({"my-namespace", "orders"}).has_value());
  EXPECT_EQ(ClaimIdentity({"postgresql://DB", "shop.public.orders"})->ns, "postgres://db:5432");
  EXPECT_FALSE(ClaimIdentity({"hdfs://nn:8020", "/warehouse/t"}).has_value());
}

TEST_F(IngestTest, ClaimChangeTouchesTheDatasetsItOwns) {
  Ingest(RunEvent("COMPLETE", RunId(1), "etl", {}, {{"kafka://Broker", "orders"}}));
  const uint64_t before = store_->LastSequence();
  ApplyProduct("sales", "orders", {"orders"});
  std::vector<std::string> urns;
  for (const ChangeEvent& change : ChangesAfter(before)) urns.push_back(change.urn());
  EXPECT_THAT(urns, ::testing::ElementsAre("urn:dp:sales:orders", "dataset:kafka://Broker:orders"));
  // Re-applying a changed product that keeps the claim touches no dataset.
  const uint64_t middle = store_->LastSequence();
  meshdex::v1::ApplyProductRequest request;
  *request.mutable_product() = *store_->GetProduct("urn:dp:sales:orders");
  request.mutable_product()->mutable_spec()->set_title("Orders!");
  ASSERT_TRUE(catalog_->ApplyProduct(request).ok());
  EXPECT_EQ(ChangesAfter(middle).size(), 1u);
}

}  // namespace
}  // namespace meshdex::lineage
