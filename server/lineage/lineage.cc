#include "server/lineage/lineage.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/catalog/page_token.h"
#include "server/lineage/graph.h"
#include "server/lineage/ingest.h"
#include "server/lineage/trust.h"
#include "storage/lineage_ids.h"

namespace meshdex::lineage {

Lineage::Lineage(storage::Store& store, Options options)
    : store_(store), options_(std::move(options)) {}

absl::StatusOr<Lineage::BatchResult> Lineage::WriteEvents(
    const std::vector<OpenLineageEvent>& events) {
  BatchResult result;
  absl::StatusOr<uint64_t> sequence = store_.Write([&](storage::WriteTxn& txn) -> absl::Status {
    for (size_t i = 0; i < events.size(); ++i) {
      absl::StatusOr<bool> duplicate = ApplyEvent(events[i], txn);
      if (absl::IsInvalidArgument(duplicate.status())) {
        // Nothing of this event is in the transaction: commit those before it.
        result.rejected = i;
        result.reason = std::string(duplicate.status().message());
        return absl::OkStatus();
      }
      if (!duplicate.ok()) return duplicate.status();
      ++result.applied;
      if (*duplicate) ++result.duplicates;
    }
    return absl::OkStatus();
  });
  if (!sequence.ok()) return sequence.status();
  result.sequence = *sequence;
  return result;
}

absl::StatusOr<meshdex::v1::IngestEventResponse> Lineage::IngestEvent(
    const meshdex::v1::IngestEventRequest& request) {
  absl::StatusOr<OpenLineageEvent> event = ParseEvent(request.event_json(), options_.limits);
  if (!event.ok()) return event.status();
  std::vector<OpenLineageEvent> batch;
  batch.push_back(*std::move(event));
  absl::StatusOr<BatchResult> written = WriteEvents(batch);
  if (!written.ok()) return written.status();
  if (written->rejected) return absl::InvalidArgumentError(written->reason);
  meshdex::v1::IngestEventResponse response;
  response.set_sequence(written->sequence);
  response.set_duplicate(written->duplicates > 0);
  return response;
}

bool Lineage::IngestStream::Add(std::string event_json) {
  if (over_) return false;
  const int64_t index = added_++;
  absl::StatusOr<OpenLineageEvent> event =
      ParseEvent(std::move(event_json), lineage_.options_.limits);
  if (!event.ok()) {
    RejectAt(index, std::string(event.status().message()));
    return false;
  }
  if (queued_.empty()) queued_first_ = index;
  queued_bytes_ += event->json.size();
  queued_.push_back(*std::move(event));
  if (queued_.size() >= lineage_.options_.max_batch_events ||
      queued_bytes_ >= lineage_.options_.max_batch_bytes) {
    Flush();
  }
  return !over_;
}

void Lineage::IngestStream::Reject(std::string reason) {
  if (!over_) RejectAt(added_++, std::move(reason));
}

void Lineage::IngestStream::RejectAt(int64_t index, std::string reason) {
  // The events before it are stored, as promised.
  Flush();
  if (failure_.ok() && !response_.has_rejected_index()) {
    response_.set_rejected_index(index);
    response_.set_rejected_reason(std::move(reason));
  }
  over_ = true;
}

void Lineage::IngestStream::Flush() {
  if (queued_.empty() || !failure_.ok()) return;
  absl::StatusOr<BatchResult> written = lineage_.WriteEvents(queued_);
  queued_.clear();
  queued_bytes_ = 0;
  if (!written.ok()) {
    failure_ = written.status();
    over_ = true;
    return;
  }
  response_.set_accepted(response_.accepted() + static_cast<int64_t>(written->applied));
  response_.set_sequence(written->sequence);
  if (written->rejected) {
    response_.set_rejected_index(queued_first_ + static_cast<int64_t>(*written->rejected));
    response_.set_rejected_reason(written->reason);
    over_ = true;
  }
}

absl::StatusOr<meshdex::v1::IngestEventsResponse> Lineage::IngestStream::Finish() {
  Flush();
  if (!failure_.ok()) return failure_;
  if (response_.sequence() == 0) response_.set_sequence(lineage_.store_.LastSequence());
  return response_;
}

absl::StatusOr<meshdex::v1::LineageGraph> Lineage::GetLineage(
    const meshdex::v1::GetLineageRequest& request) const {
  return GetLineageGraph(store_, request);
}

absl::StatusOr<meshdex::v1::LineageGraph> Lineage::GetColumnLineage(
    const meshdex::v1::GetColumnLineageRequest& request) const {
  return GetColumnLineageGraph(store_, request);
}

absl::StatusOr<meshdex::v1::ListRunsResponse> Lineage::ListRuns(
    const meshdex::v1::ListRunsRequest& request) const {
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  const int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  absl::string_view rest = request.job_id();
  if (!absl::ConsumePrefix(&rest, storage::kJobIdPrefix)) {
    return absl::InvalidArgumentError("job_id: must be job:<namespace>:<name>");
  }
  absl::StatusOr<std::optional<storage::JobKey>> job = storage::FindJob(store_, rest);
  if (!job.ok()) return job.status();
  if (!job->has_value()) return absl::NotFoundError(absl::StrCat("no job ", request.job_id()));
  const std::string canonical_id = storage::JobNodeId(**job);
  std::string position;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> decoded =
        catalog::DecodePageToken(request.page_token(), "runs", canonical_id);
    if (!decoded.ok()) return decoded.status();
    position = *std::move(decoded);
  }
  absl::StatusOr<storage::Store::RunPage> page =
      store_.ListJobRuns(**job, position, static_cast<size_t>(page_size));
  if (!page.ok()) return page.status();
  meshdex::v1::ListRunsResponse response;
  for (meshdex::v1::RunRecord& run : page->runs) *response.add_runs() = std::move(*run.mutable_run());
  if (page->more) {
    response.set_next_page_token(catalog::EncodePageToken("runs", canonical_id, page->position));
  }
  return response;
}

absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> Lineage::GetDataset(
    const std::string& ns, const std::string& name) const {
  return store_.GetDataset(storage::DatasetKey{ns, name});
}

absl::StatusOr<std::optional<meshdex::v1::LineageJob>> Lineage::GetJob(
    const std::string& ns, const std::string& name) const {
  return store_.GetJob(storage::JobKey{ns, name});
}

absl::StatusOr<std::optional<meshdex::v1::RunRecord>> Lineage::GetRun(
    const std::string& run_id) const {
  return store_.GetRun(run_id);
}

absl::Status Lineage::FillTrust(meshdex::v1::DataProduct& product) const {
  return lineage::FillTrust(store_, options_.clock(), product);
}

}  // namespace meshdex::lineage
