// The lineage core: bulk ingestion (batches, all-or-nothing per event, the
// first rejection ends the stream) and run listings.
#include "server/lineage/lineage.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/lineage/lineage_fixture.h"

namespace meshdex::lineage {
namespace {

using meshdex::v1::ChangeEvent;

class LineageCoreTest : public LineageFixture {
 protected:
  absl::StatusOr<meshdex::v1::IngestEventsResponse> Stream(const std::vector<std::string>& events) {
    Lineage::IngestStream stream = lineage_->StartIngest();
    for (const std::string& event : events) {
      if (!stream.Add(event)) break;
    }
    return stream.Finish();
  }

  meshdex::v1::ListRunsResponse Runs(const std::string& job, int page_size,
                                     const std::string& token = "") {
    meshdex::v1::ListRunsRequest request;
    request.set_job_id(job);
    request.set_page_size(page_size);
    request.set_page_token(token);
    absl::StatusOr<meshdex::v1::ListRunsResponse> response = lineage_->ListRuns(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : meshdex::v1::ListRunsResponse();
  }
};

TEST_F(LineageCoreTest, StreamWritesInBatchesWithOneChangePerEntityPerBatch) {
  // max_batch_events is 4 in the fixture: 10 events of one run are 3 writes.
  std::vector<std::string> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back(RunEvent(i == 9 ? "COMPLETE" : "RUNNING", RunId(1), "etl", {Topic("in")},
                              {Topic("out")}, At(i))
                         .dump());
  }
  absl::StatusOr<meshdex::v1::IngestEventsResponse> response = Stream(events);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->accepted(), 10);
  EXPECT_FALSE(response->has_rejected_index());
  EXPECT_EQ(response->sequence(), store_->LastSequence());
  // Per batch: 2 datasets + job + run = 4 change records.
  EXPECT_EQ(store_->LastSequence(), 12u);
  absl::StatusOr<std::optional<meshdex::v1::RunRecord>> run = store_->GetRun(RunId(1));
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->event_count(), 10);
  EXPECT_EQ((*run)->run().state(), "COMPLETE");
}

TEST_F(LineageCoreTest, FirstInvalidEventEndsTheStreamAfterStoringThoseBefore) {
  std::vector<std::string> events = {
      RunEvent("START", RunId(1), "a", {}, {Topic("a")}).dump(),
      RunEvent("START", RunId(2), "b", {}, {Topic("b")}).dump(),
      "{\"eventTime\": 1}",
      RunEvent("START", RunId(3), "c", {}, {Topic("c")}).dump(),
  };
  absl::StatusOr<meshdex::v1::IngestEventsResponse> response = Stream(events);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->accepted(), 2);
  ASSERT_TRUE(response->has_rejected_index());
  EXPECT_EQ(response->rejected_index(), 2);
  EXPECT_TRUE(absl::StartsWith(response->rejected_reason(), "eventTime: must be a string"))
      << response->rejected_reason();
  EXPECT_TRUE(store_->GetRun(RunId(2))->has_value());
  EXPECT_FALSE(store_->GetRun(RunId(3))->has_value());
}

TEST_F(LineageCoreTest, ARejectedMessageEndsTheStreamAfterStoringTheEventsQueuedBeforeIt) {
  Lineage::IngestStream stream = lineage_->StartIngest();
  ASSERT_TRUE(stream.Add(RunEvent("START", RunId(1), "a", {}, {Topic("a")}).dump()));
  stream.Reject("not a message");
  EXPECT_FALSE(stream.Add(RunEvent("START", RunId(2), "b", {}, {Topic("b")}).dump()));
  absl::StatusOr<meshdex::v1::IngestEventsResponse> response = stream.Finish();
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->accepted(), 1);
  ASSERT_TRUE(response->has_rejected_index());
  EXPECT_EQ(response->rejected_index(), 1);
  EXPECT_EQ(response->rejected_reason(), "not a message");
  EXPECT_TRUE(store_->GetRun(RunId(1))->has_value());
  EXPECT_FALSE(store_->GetRun(RunId(2))->has_value());
}

TEST_F(LineageCoreTest, EventContradictingTheStoreInsideABatchIsRejectedAlone) {
  Ingest(RunEvent("START", RunId(1), "a"));
  std::vector<std::string> events = {
      RunEvent("START", RunId(2), "b", {}, {Topic("b")}).dump(),
      RunEvent("COMPLETE", RunId(1), "not-a", {}, {Topic("x")}).dump(),
      RunEvent("START", RunId(3), "c").dump(),
  };
  absl::StatusOr<meshdex::v1::IngestEventsResponse> response = Stream(events);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->accepted(), 1);
  EXPECT_EQ(response->rejected_index(), 1);
  EXPECT_TRUE(absl::StrContains(response->rejected_reason(), "belongs to job")) << response->rejected_reason();
  EXPECT_TRUE(store_->GetRun(RunId(2))->has_value());
  EXPECT_FALSE(store_->GetDataset({"kafka://broker:9092", "x"})->has_value());
  EXPECT_FALSE(store_->GetRun(RunId(3))->has_value());
}

TEST_F(LineageCoreTest, DuplicatesInAStreamAreAcceptedAndWriteNothing) {
  const std::string event = RunEvent("START", RunId(1), "a").dump();
  absl::StatusOr<meshdex::v1::IngestEventsResponse> first = Stream({event, event});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->accepted(), 2);
  const uint64_t sequence = store_->LastSequence();
  absl::StatusOr<meshdex::v1::IngestEventsResponse> again = Stream({event});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted(), 1);
  EXPECT_EQ(again->sequence(), sequence);
  EXPECT_EQ(store_->LastSequence(), sequence);
}

TEST_F(LineageCoreTest, EmptyStreamAnswersTheCurrentSequence) {
  Ingest(RunEvent("START", RunId(1), "a"));
  absl::StatusOr<meshdex::v1::IngestEventsResponse> response = Stream({});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->accepted(), 0);
  EXPECT_EQ(response->sequence(), store_->LastSequence());
}

TEST_F(LineageCoreTest, ListRunsNewestFirstWithPaging) {
  // Runs 1..5 start at minutes 10, 20, ...; run 3 arrives last; run 6 has only
  // a COMPLETE (listed by its first event).
  for (int run : {1, 2, 4, 5, 3}) Ingest(RunEvent("START", RunId(run), "etl", {}, {}, At(run * 10)));
  Ingest(RunEvent("COMPLETE", RunId(6), "etl", {}, {}, At(35)));
  Ingest(RunEvent("START", RunId(7), "other", {}, {}, At(100)));

  std::vector<std::string> ids;
  std::string token;
  do {
    meshdex::v1::ListRunsResponse page = Runs("job:scheduler:etl", 2, token);
    EXPECT_LE(page.runs_size(), 2);
    for (const meshdex::v1::Run& run : page.runs()) ids.push_back(run.run_id());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(ids, ::testing::ElementsAre(RunId(5), RunId(4), RunId(6), RunId(3), RunId(2), RunId(1)));

  const meshdex::v1::ListRunsResponse all = Runs("job:scheduler:etl", 0);
  ASSERT_EQ(all.runs_size(), 6);
  EXPECT_EQ(all.runs(2).state(), "COMPLETE");
  EXPECT_EQ(all.runs(2).job_id(), "job:scheduler:etl");
  EXPECT_TRUE(all.runs(2).has_end_time());
  EXPECT_TRUE(all.next_page_token().empty());

  // A START arriving later moves a run to its start time.
  Ingest(RunEvent("START", RunId(6), "etl", {}, {}, At(1)));
  EXPECT_EQ(Runs("job:scheduler:etl", 0).runs(5).run_id(), RunId(6));
  EXPECT_EQ(Runs("job:scheduler:etl", 0).runs_size(), 6);
}

TEST_F(LineageCoreTest, ListRunsValidatesItsRequest) {
  Ingest(RunEvent("START", RunId(1), "etl"));
  meshdex::v1::ListRunsRequest request;
  request.set_job_id("etl");
  EXPECT_EQ(lineage_->ListRuns(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_job_id("job:scheduler:missing");
  EXPECT_EQ(lineage_->ListRuns(request).status().code(), absl::StatusCode::kNotFound);
  request.set_job_id("job:scheduler:etl");
  request.set_page_size(-1);
  EXPECT_EQ(lineage_->ListRuns(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_page_size(1);
  request.set_page_token("garbage");
  EXPECT_EQ(lineage_->ListRuns(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meshdex::lineage
