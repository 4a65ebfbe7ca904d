// OpenLineage event validation: a table of bad events, each refused with
// INVALID_ARGUMENT naming the JSON path, and what good events turn into.
#include "server/lineage/openlineage.h"

#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

Json GoodEvent() {
  Json event = RunEvent("COMPLETE", RunId(1), "etl.orders", {{"postgres://db:5432", "shop.public.orders"}},
                        {{"s3://lake", "orders/daily"}});
  event["run"]["facets"]["nominalTime"] = {{"_producer", "https://example.com/p"},
                                           {"_schemaURL", "https://example.com/s"},
                                           {"nominalStartTime", "2024-05-01T00:00:00Z"}};
  event["outputs"][0]["facets"]["schema"] = {
      {"_producer", "https://example.com/p"},
      {"_schemaURL", "https://example.com/s"},
      {"fields", {{{"name", "id"}, {"type", "BIGINT"}}, {{"name", "total"}, {"type", "DECIMAL"}}}}};
  return event;
}

struct BadEvent {
  std::string name;
  std::function<void(Json&)> edit;
  // Expected at the start of the error message ("<path>: <reason>").
  std::string expected;
};

std::vector<BadEvent> BadEvents() {
  return {
      {"eventTime missing", [](Json& e) { e.erase("eventTime"); }, "eventTime: required"},
      {"eventTime null", [](Json& e) { e["eventTime"] = nullptr; }, "eventTime: required"},
      {"eventTime a number", [](Json& e) { e["eventTime"] = 1700000000; }, "eventTime: must be a string"},
      {"eventTime prose", [](Json& e) { e["eventTime"] = "yesterday"; }, "eventTime: malformed date"},
      {"eventTime date only", [](Json& e) { e["eventTime"] = "2024-05-01"; }, "eventTime: date without a time"},
      {"eventTime no such day", [](Json& e) { e["eventTime"] = "2023-02-29T10:00:00Z"; }, "eventTime: no such date"},
      {"eventTime out of range", [](Json& e) { e["eventTime"] = "3000-01-01T00:00:00Z"; }, "eventTime: out of range"},
      {"producer missing", [](Json& e) { e.erase("producer"); }, "producer: required"},
      {"producer not a URI", [](Json& e) { e["producer"] = "my producer"; }, "producer: must be an absolute URI"},
      {"producer an object", [](Json& e) { e["producer"] = Json::object(); }, "producer: must be a string"},
      {"schemaURL missing", [](Json& e) { e.erase("schemaURL"); }, "schemaURL: required"},
      {"schemaURL relative", [](Json& e) { e["schemaURL"] = "spec/OpenLineage.json"; }, "schemaURL: must be an absolute URI"},
      {"eventType unknown", [](Json& e) { e["eventType"] = "DONE"; }, "eventType: must be one of START"},
      {"eventType lower case", [](Json& e) { e["eventType"] = "complete"; }, "eventType: must be one of"},
      {"eventType a number", [](Json& e) { e["eventType"] = 3; }, "eventType: must be one of"},
      {"run not an object", [](Json& e) { e["run"] = "r1"; }, "run: must be an object"},
      {"runId missing", [](Json& e) { e["run"].erase("runId"); }, "run.runId: required"},
      {"runId not a UUID", [](Json& e) { e["run"]["runId"] = "run-1"; }, "run.runId: must be a UUID"},
      {"runId without dashes", [](Json& e) { e["run"]["runId"] = "41fb5137f0fd4ee5ba5c56f8571d1bd7"; }, "run.runId: must be a UUID"},
      {"job missing with run", [](Json& e) { e.erase("job"); }, "job: required"},
      {"job not an object", [](Json& e) { e["job"] = Json::array(); }, "job: must be an object"},
      {"job namespace missing", [](Json& e) { e["job"].erase("namespace"); }, "job.namespace: required"},
      {"job name missing", [](Json& e) { e["job"].erase("name"); }, "job.name: required"},
      {"job name empty", [](Json& e) { e["job"]["name"] = ""; }, "job.name: must not be empty"},
      {"job name with a control character", [](Json& e) { e["job"]["name"] = "a\nb"; }, "job.name: must not contain control characters"},
      {"job name too long", [](Json& e) { e["job"]["name"] = std::string(1025, 'j'); }, "job.name: longer than 1024 bytes"},
      {"inputs not an array", [](Json& e) { e["inputs"] = Json::object(); }, "inputs: must be an array"},
      {"outputs a string", [](Json& e) { e["outputs"] = "s3://lake/x"; }, "outputs: must be an array"},
      {"input not an object", [](Json& e) { e["inputs"][0] = "orders"; }, "inputs[0]: must be an object"},
      {"input namespace missing", [](Json& e) { e["inputs"][0].erase("namespace"); }, "inputs[0].namespace: required"},
      {"output name missing", [](Json& e) { e["outputs"][0].erase("name"); }, "outputs[0].name: required"},
      {"output name not a string", [](Json& e) { e["outputs"][0]["name"] = 7; }, "outputs[0].name: must be a string"},
      {"run facets not an object", [](Json& e) { e["run"]["facets"] = Json::array(); }, "run.facets: must be an object"},
      {"a facet not an object", [](Json& e) { e["run"]["facets"]["custom"] = 3; }, "run.facets.custom: must be an object (a facet)"},
      {"facet _producer not a string", [](Json& e) { e["run"]["facets"]["nominalTime"]["_producer"] = 1; }, "run.facets.nominalTime._producer: must be a string"},
      {"nominalTime start missing", [](Json& e) { e["run"]["facets"]["nominalTime"].erase("nominalStartTime"); }, "run.facets.nominalTime.nominalStartTime: required"},
      {"nominalTime start a number", [](Json& e) { e["run"]["facets"]["nominalTime"]["nominalStartTime"] = 1714521600; }, "run.facets.nominalTime.nominalStartTime: must be a string"},
      {"parent facet without run id",
       [](Json& e) {
         e["run"]["facets"]["parent"] = {{"run", Json::object()}, {"job", {{"namespace", "a"}, {"name", "b"}}}};
       },
       "run.facets.parent.run.runId: required"},
      {"schema field without name", [](Json& e) { e["outputs"][0]["facets"]["schema"]["fields"][1].erase("name"); }, "outputs[0].facets.schema.fields[1].name: required"},
      {"schema fields not an array", [](Json& e) { e["outputs"][0]["facets"]["schema"]["fields"] = "id"; }, "outputs[0].facets.schema.fields: must be an array"},
      {"columnLineage input field missing",
       [](Json& e) {
         AddColumnLineage(e, 0, "id", {{{"postgres://db:5432", "shop.public.orders"}, "id"}});
         e["outputs"][0]["facets"]["columnLineage"]["fields"]["id"]["inputFields"][0].erase("field");
       },
       "outputs[0].facets.columnLineage.fields.id.inputFields[0].field: required"},
      {"columnLineage field name with a control character",
       [](Json& e) { AddColumnLineage(e, 0, "a\tb", {{{"postgres://db:5432", "shop.public.orders"}, "id"}}); },
       "outputs[0].facets.columnLineage.fields[\"a\\tb\"]: must not contain control characters"},
      {"ownership owner without name", [](Json& e) { e["job"]["facets"]["ownership"] = {{"owners", {{{"type", "MAINTAINER"}}}}}; }, "job.facets.ownership.owners[0].name: required"},
      {"outputStatistics rowCount a string", [](Json& e) { e["outputs"][0]["outputFacets"]["outputStatistics"] = {{"rowCount", "many"}}; }, "outputs[0].outputFacets.outputStatistics.rowCount: must be an integer"},
      {"dataQualityMetrics without columnMetrics or rowCount", [](Json& e) { e["inputs"][0]["inputFacets"]["dataQualityMetrics"] = {{"bytes", 10}}; }, "inputs[0].inputFacets.dataQualityMetrics: needs one of columnMetrics, rowCount"},
      {"deleting a facet needs no fields", [](Json& e) {
         e["outputs"][0]["facets"]["documentation"] = {{"_deleted", true}};
         e["producer"] = "";
       }, "producer: must be an absolute URI"},
      {"_deleted not a boolean", [](Json& e) { e["outputs"][0]["facets"]["schema"]["_deleted"] = "yes"; }, "outputs[0].facets.schema._deleted: must be a boolean"},
      {"neither run, job nor dataset",
       [](Json& e) {
         e.erase("run");
         e.erase("job");
       },
       "event: not an OpenLineage event"},
      {"job and dataset without run",
       [](Json& e) {
         e.erase("run");
         e["dataset"] = {{"namespace", "a"}, {"name", "b"}};
       },
       "event: job and dataset without run match both"},
      {"dataset event without dataset name",
       [](Json& e) {
         e.erase("run");
         e.erase("job");
         e["dataset"] = {{"namespace", "a"}};
       },
       "dataset.name: required"},
      {"the event an array", [](Json& e) { e = Json::array({e}); }, "event: must be a JSON object"},
  };
}

TEST(ParseEventTest, GoodEventParses) {
  absl::StatusOr<OpenLineageEvent> event = ParseEvent(GoodEvent().dump());
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->kind, OpenLineageEvent::Kind::kRun);
  EXPECT_EQ(event->event_type, "COMPLETE");
  EXPECT_EQ(event->run_id, RunId(1));
  EXPECT_EQ(event->job.ns, "scheduler");
  EXPECT_EQ(event->job.name, "etl.orders");
  ASSERT_EQ(event->inputs.size(), 1u);
  EXPECT_EQ(event->inputs[0].key.ns, "postgres://db:5432");
  ASSERT_EQ(event->outputs.size(), 1u);
  EXPECT_EQ(event->outputs[0].facets["schema"]["fields"].size(), 2u);
  EXPECT_TRUE(event->run_facets.contains("nominalTime"));
}

TEST(ParseEventTest, BadEventsAreRefusedWithPathAndReason) {
  const std::vector<BadEvent> cases = BadEvents();
  ASSERT_GE(cases.size(), 30u);
  for (const BadEvent& bad : cases) {
    Json event = GoodEvent();
    bad.edit(event);
    absl::StatusOr<OpenLineageEvent> parsed = ParseEvent(event.dump());
    ASSERT_FALSE(parsed.ok()) << bad.name;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad.name;
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), bad.expected))
        << bad.name << ": " << parsed.status().message();
  }
}

TEST(ParseEventTest, BadTextIsRefused) {
  EXPECT_TRUE(absl::StartsWith(ParseEvent("").status().message(), "event: malformed JSON"));
  EXPECT_TRUE(absl::StartsWith(ParseEvent("{\"eventTime\": ").status().message(),
                               "event: malformed JSON"));
  EXPECT_TRUE(absl::StartsWith(ParseEvent(GoodEvent().dump() + " {}").status().message(),
                               "event: malformed JSON"));
  // Invalid UTF-8 inside a string.
  EXPECT_TRUE(absl::StartsWith(ParseEvent("{\"producer\": \"\xff\"}").status().message(),
                               "event: malformed JSON"));
}

TEST(ParseEventTest, EveryProblemIsListedUpToALimit) {
  Json event = GoodEvent();
  event.erase("producer");
  event["run"]["runId"] = "x";
  absl::Status status = ParseEvent(event.dump()).status();
  EXPECT_EQ(status.message(), "producer: required; run.runId: must be a UUID (8-4-4-4-12 hex digits)");

  Json many = GoodEvent();
  for (int i = 0; i < 30; ++i) many["inputs"].push_back(Json::object());
  EventLimits limits;
  limits.max_reported_problems = 3;
  absl::Status limited = ParseEvent(many.dump(), limits).status();
  EXPECT_TRUE(absl::StrContains(limited.message(), "; and 57 more problems")) << limited.message();
}

TEST(ParseEventTest, SizeLimitIsCheckedBeforeParsing) {
  EventLimits limits;
  limits.max_event_bytes = 100;
  absl::Status status = ParseEvent(std::string(101, '['), limits).status();
  EXPECT_EQ(status.message(), "event: 101 bytes exceeds the limit of 100 bytes");
  // The default is 4 MiB.
  Json big = GoodEvent();
  big["run"]["facets"]["blob"] = {{"data", std::string(4 * 1024 * 1024, 'x')}};
  EXPECT_TRUE(absl::StrContains(ParseEvent(big.dump()).status().message(), "exceeds the limit"));
}

TEST(ParseEventTest, DeepNestingIsRefusedWithoutRecursion) {
  // 100k nested arrays: would overflow a recursive parser's stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  absl::Status status = ParseEvent(deep).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "nested deeper than 64 levels")) << status;
  // Depth inside a facet names where.
  Json event = GoodEvent();
  Json nested = Json::array();
  for (int i = 0; i < 70; ++i) nested = Json::array({nested});
  event["run"]["facets"]["custom"] = {{"deep", nested}};
  absl::Status facet = ParseEvent(event.dump()).status();
  EXPECT_TRUE(absl::StartsWith(facet.message(), "run.facets.custom.deep[0][0]")) << facet;
  // 64 levels are fine.
  Json ok = GoodEvent();
  Json shallow = Json::array();
  for (int i = 0; i < 58; ++i) shallow = Json::array({shallow});
  ok["run"]["facets"]["custom"] = {{"deep", shallow}};
  EXPECT_TRUE(ParseEvent(ok.dump()).ok()) << ParseEvent(ok.dump()).status();
}

TEST(ParseEventTest, OptionalNullMembersCountAsAbsent) {
  Json event = GoodEvent();
  event["eventType"] = nullptr;
  event["inputs"] = nullptr;
  event["run"]["facets"]["nominalTime"]["nominalEndTime"] = nullptr;
  absl::StatusOr<OpenLineageEvent> parsed = ParseEvent(event.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->event_type, "");
  EXPECT_TRUE(parsed->inputs.empty());
}

TEST(ParseEventTest, CustomFacetsAndMembersAreKept) {
  Json event = GoodEvent();
  event["run"]["facets"]["spark.logicalPlan"] = {{"plan", {1, 2, 3}}};
  event["somethingNew"] = true;
  absl::StatusOr<OpenLineageEvent> parsed = ParseEvent(event.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->run_facets["spark.logicalPlan"]["plan"][2], 3);
  EXPECT_TRUE(absl::StrContains(parsed->json, "somethingNew"));
}

TEST(ParseEventTest, JobAndDatasetEvents) {
  Json job_event = GoodEvent();
  job_event.erase("run");
  job_event.erase("eventType");
  absl::StatusOr<OpenLineageEvent> job = ParseEvent(job_event.dump());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->kind, OpenLineageEvent::Kind::kJob);
  EXPECT_EQ(job->outputs.size(), 1u);

  Json dataset_event = GoodEvent();
  dataset_event.erase("run");
  dataset_event.erase("job");
  dataset_event["dataset"] = {{"namespace", "s3://lake"}, {"name", "orders/daily"},
                              {"facets", {{"documentation", {{"description", "Daily orders"}}}}}};
  absl::StatusOr<OpenLineageEvent> dataset = ParseEvent(dataset_event.dump());
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->kind, OpenLineageEvent::Kind::kDataset);
  EXPECT_EQ(dataset->dataset.key.name, "orders/daily");
}

TEST(ParseEventTest, IdempotencyKeyIsTheInstantNotTheSpelling) {
  Json utc = GoodEvent();
  utc["eventTime"] = "2024-05-01T10:00:00Z";
  Json offset = GoodEvent();
  offset["eventTime"] = "2024-05-01T12:00:00.000+02:00";
  Json other_type = utc;
  other_type["eventType"] = "START";
  const std::string key = ParseEvent(utc.dump())->IdempotencyKey();
  EXPECT_EQ(ParseEvent(offset.dump())->IdempotencyKey(), key);
  EXPECT_NE(ParseEvent(other_type.dump())->IdempotencyKey(), key);
}

TEST(ParseEventTest, RunIdIsCaseInsensitive) {
  Json event = GoodEvent();
  event["run"]["runId"] = "41FB5137-F0FD-4EE5-BA5C-56F8571D1BD7";
  EXPECT_EQ(ParseEvent(event.dump())->run_id, "41fb5137-f0fd-4ee5-ba5c-56f8571d1bd7");
}

}  // namespace
}  // namespace meshdex::lineage
