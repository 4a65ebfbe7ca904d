// Real OpenLineage events from the OpenLineage and Marquez projects (in
// ../shared/corpus, outside the repository): every valid one is ingested, the
// spec's invalid examples are refused, and events lacking a field the spec
// requires are refused for exactly that. Skips when the corpus is absent.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/lineage/lineage_fixture.h"

#ifndef MESHDEX_CORPUS_DIR
#error "MESHDEX_CORPUS_DIR must name the shared test corpus"
#endif

namespace meshdex::lineage {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The .json files under `dir` (recursively), in path order.
std::vector<fs::path> JsonFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class CorpusTest : public LineageFixture {
 protected:
  void SetUp() override {
    if (!fs::is_directory(corpus_)) GTEST_SKIP() << "no corpus at " << corpus_;
  }

  const fs::path corpus_ = fs::path(MESHDEX_CORPUS_DIR);
};

// Corpus events the spec does not allow, and why. Marquez and the Spark
// serde test accept them; the OpenLineage spec requires producer and
// schemaURL on every event.
const std::map<std::string, std::string>& SpecViolations() {
  static const auto* const kViolations = new std::map<std::string, std::string>{
      {"event_without_schema_url.json", "schemaURL: required"},
      {"1.json", "schemaURL: required"},
      {"2.json", "schemaURL: required"},
      {"spark_serde_openlineage-event.json",
       "producer: required; schemaURL: required; run.facets.parent.run: required"},
  };
  return *kViolations;
}

TEST_F(CorpusTest, EveryValidEventIsIngestedAndOnlyOnce) {
  std::vector<fs::path> files = JsonFiles(corpus_ / "openlineage" / "events");
  for (const fs::path& file : JsonFiles(corpus_ / "marquez" / "test_resources" / "open_lineage")) {
    files.push_back(file);
  }
  ASSERT_GE(files.size(), 20u);
  std::vector<std::string> accepted;
  std::vector<std::string> duplicates;
  for (const fs::path& file : files) {
    const std::string text = ReadFile(file);
    auto violation = SpecViolations().find(file.filename().string());
    if (violation != SpecViolations().end()) {
      const uint64_t before = store_->LastSequence();
      absl::Status status = TryIngest(text);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << file;
      EXPECT_EQ(std::string(status.message()), violation->second) << file;
      EXPECT_EQ(store_->LastSequence(), before) << file;
      continue;
    }
    meshdex::v1::IngestEventRequest request;
    request.set_event_json(text);
    absl::StatusOr<meshdex::v1::IngestEventResponse> response = lineage_->IngestEvent(request);
    ASSERT_TRUE(response.ok()) << file << ": " << response.status();
    if (response->duplicate()) duplicates.push_back(file.filename().string());
    accepted.push_back(text);
  }
  EXPECT_GE(accepted.size(), 20u);
  // Several fixtures re-send one event: the same (runId, eventType,
  // eventTime) as an earlier file, so they are duplicates by definition. The
  // no-timezone event is the nanoseconds one read as UTC.
  EXPECT_THAT(duplicates, ::testing::UnorderedElementsAre(
                              "pyclient_example_full_event.json", "event_full.json",
                              "event_large.json", "event_namespace_naming.json",
                              "event_required_no_timezone.json", "event_simple.json"));

  // Everything again: all duplicates, nothing written.
  const uint64_t sequence = store_->LastSequence();
  for (const std::string& text : accepted) {
    meshdex::v1::IngestEventRequest request;
    request.set_event_json(text);
    absl::StatusOr<meshdex::v1::IngestEventResponse> response = lineage_->IngestEvent(request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_TRUE(response->duplicate()) << text.substr(0, 200);
  }
  EXPECT_EQ(store_->LastSequence(), sequence);

  // What some of them say is in the model.
  absl::StatusOr<std::optional<meshdex::v1::RunRecord>> run =
      store_->GetRun("43d7db3b-8984-4cda-b237-8c6919b36670");
  ASSERT_TRUE(run.ok() && run->has_value());
  // event_required_only and event_required_nanoseconds.
  EXPECT_EQ((*run)->event_count(), 2);
  EXPECT_EQ((*run)->run().state(), "OTHER");
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> unicode =
      store_->GetJob({"my-scheduler-namespace", "myjob.buggy_task\xF0\x9F\x95\xB7"});
  ASSERT_TRUE(unicode.ok());
  EXPECT_TRUE(unicode->has_value());
  absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> table =
      store_->GetDataset({"my-datasource-namespace", "instance.schema.table"});
  ASSERT_TRUE(table.ok() && table->has_value());
  EXPECT_GT((*table)->fields_size(), 0);
}

TEST_F(CorpusTest, LargestEventIsStoredWhole) {
  const std::string text =
      ReadFile(corpus_ / "marquez" / "test_resources" / "open_lineage" / "event_large.json");
  ASSERT_GT(text.size(), 200000u);
  ASSERT_TRUE(TryIngest(text).ok());
  // The facets are stored as sent (member order included).
  const nlohmann::ordered_json event = nlohmann::ordered_json::parse(text);
  for (const nlohmann::ordered_json& output : event["outputs"]) {
    absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> dataset =
        store_->GetDataset({output["namespace"], output["name"]});
    ASSERT_TRUE(dataset.ok() && dataset->has_value());
    // (The event also reads this dataset: its input facets are merged in.)
    const nlohmann::ordered_json stored = nlohmann::ordered_json::parse((*dataset)->facets_json());
    for (const auto& [name, facet] : output["facets"].items()) {
      ASSERT_TRUE(stored.contains(name)) << name;
      EXPECT_EQ(stored.at(name), facet) << name;
    }
    EXPECT_EQ(static_cast<size_t>((*dataset)->fields_size()),
              output["facets"]["schema"]["fields"].size());
  }
  absl::StatusOr<std::optional<meshdex::v1::RunRecord>> run =
      store_->GetRun(event["run"]["runId"].get<std::string>());
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ(nlohmann::ordered_json::parse((*run)->facets_json()), event["run"]["facets"]);
}

TEST_F(CorpusTest, InvalidExamplesAreRefusedForTheirDefectAndStoreNothing) {
  const std::map<std::string, std::string> expected = {
      {"fluentd_event_invalid_dataset_facet.json",
       "outputs[0].facets.ownership.owners[0].name: required"},
      {"fluentd_event_invalid_input_dataset_facet.json",
       "inputs[0].inputFacets.dataQualityMetrics: needs one of columnMetrics, rowCount"},
      {"fluentd_event_invalid_job_facet.json", "job.facets.ownership.owners[0].name: required"},
      {"fluentd_event_invalid_output_dataset_facet.json",
       "outputs[0].outputFacets.outputStatistics.rowCount: must be an integer"},
      {"fluentd_event_invalid_run_facet.json", "run.facets.parent.run.runId: required"},
      {"fluentd_event_no_run_id.json", "run.runId: required"},
  };
  const std::vector<fs::path> files = JsonFiles(corpus_ / "openlineage" / "invalid");
  ASSERT_EQ(files.size(), expected.size());
  for (const fs::path& file : files) {
    absl::Status status = TryIngest(ReadFile(file));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << file;
    auto reason = expected.find(file.filename().string());
    ASSERT_NE(reason, expected.end()) << file;
    EXPECT_EQ(std::string(status.message()), reason->second) << file;
  }
  EXPECT_EQ(store_->LastSequence(), 0u);
}

TEST_F(CorpusTest, ApplesSequenceFormsItsGraph) {
  const std::vector<fs::path> files = JsonFiles(corpus_ / "marquez" / "test_resources" / "apples");
  ASSERT_EQ(files.size(), 8u);
  for (const fs::path& file : files) {
    Json event = Json::parse(ReadFile(file));
    // Marquez's fixtures omit schemaURL, which the spec requires...
    EXPECT_EQ(TryIngest(event.dump()).message(), "schemaURL: required") << file;
    // ...and are otherwise valid.
    event["schemaURL"] = "https://openlineage.io/spec/1-0-5/OpenLineage.json#/definitions/RunEvent";
    Ingest(event);
  }
  const meshdex::v1::LineageGraph down =
      Graph("dataset:laurents-orchard:red.delicious", meshdex::v1::GetLineageRequest::DOWNSTREAM);
  const std::vector<std::string> ids = NodeIds(down);
  for (const char* expected :
       {"dataset:grandmas.kitchen:apples", "dataset:grandmas.kitchen:apple.filling",
        "dataset:grandmas.kitchen:apple.pie", "dataset:grandmas.kitchen:apple.cider",
        "dataset:cupboard:apple.vinegar", "job:grandmas.kitchen:prepare_apple_pie"}) {
    EXPECT_THAT(ids, ::testing::Contains(expected));
  }
  // Not downstream of the orchard: the other inputs.
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains("dataset:cupboard:sugar")));
  const meshdex::v1::LineageGraph up =
      Graph("dataset:grandmas.kitchen:apple.pie", meshdex::v1::GetLineageRequest::UPSTREAM);
  EXPECT_THAT(NodeIds(up), ::testing::Contains("dataset:backyard:crab.apples"));
  EXPECT_THAT(NodeIds(up), ::testing::Contains("dataset:cupboard:sugar"));
  // gather_apples ran twice.
  meshdex::v1::ListRunsRequest runs;
  runs.set_job_id("job:grandmas.kitchen:gather_apples");
  EXPECT_EQ(lineage_->ListRuns(runs)->runs_size(), 2);
}

}  // namespace
}  // namespace meshdex::lineage
