// Lineage: the domain core of LineageService, shared by every transport
// (gRPC, HTTP): OpenLineage ingestion (openlineage.h, ingest.h), graph queries
// (graph.h), run listings, and product trust (trust.h). It speaks proto
// messages and absl::Status, never transport types.
//
// Writes go through the store's one commit path: an ingested batch of events
// is ONE WriteBatch holding the events, every record they change and one
// change record per touched dataset, job and run; acknowledged once durable.
// An event that fails validation is rejected (INVALID_ARGUMENT, JSON path and
// reason) before anything is written.
//
// Thread-safety: thread-safe; concurrent writes are serialised by the store.
// An IngestStream is used by one thread at a time.
#ifndef MESHDEX_SERVER_LINEAGE_LINEAGE_H_
#define MESHDEX_SERVER_LINEAGE_LINEAGE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "meshdex/v1/lineage.pb.h"
#include "meshdex/v1/resources.pb.h"
#include "server/lineage/openlineage.h"
#include "storage/store.h"

namespace meshdex::lineage {

class Lineage {
 public:
  struct Options {
    EventLimits limits;
    // A stream's queued events are written once this many are queued...
    size_t max_batch_events = 512;
    // ...or their text reaches this many bytes.
    size_t max_batch_bytes = 8 * 1024 * 1024;
    // "Now" for trust; tests inject a fixed clock.
    std::function<absl::Time()> clock = [] { return absl::Now(); };
  };

  // Bulk ingestion, all-or-nothing per event: events are checked as they
  // arrive and written in batches; the first rejected event ends the stream
  // (the events before it are stored).
  class IngestStream {
   public:
    // Takes the next event (index = the number added before). False once the
    // stream is over (an event was rejected or a write failed): add no more.
    bool Add(std::string event_json);
    // Rejects the next stream message, which is no event at all (say, a
    // message that does not parse): the stream is over, as on a rejected
    // event.
    void Reject(std::string reason);
    // Writes what is queued. The response counts the events stored
    // (duplicates included), the last sequence written, and the rejected
    // event's index and reason; an error when a write failed.
    absl::StatusOr<meshdex::v1::IngestEventsResponse> Finish();

   private:
    friend class Lineage;
    explicit IngestStream(Lineage& lineage) : lineage_(lineage) {}
    void Flush();
    // Ends the stream at message `index`: what is queued is written first.
    void RejectAt(int64_t index, std::string reason);

    Lineage& lineage_;
    std::vector<OpenLineageEvent> queued_;
    // Stream index of queued_.front().
    int64_t queued_first_ = 0;
    size_t queued_bytes_ = 0;
    int64_t added_ = 0;
    meshdex::v1::IngestEventsResponse response_;
    absl::Status failure_;
    bool over_ = false;
  };

  explicit Lineage(storage::Store& store) : Lineage(store, Options()) {}
  Lineage(storage::Store& store, Options options);

  absl::StatusOr<meshdex::v1::IngestEventResponse> IngestEvent(
      const meshdex::v1::IngestEventRequest& request);
  IngestStream StartIngest() { return IngestStream(*this); }
  absl::StatusOr<meshdex::v1::LineageGraph> GetLineage(
      const meshdex::v1::GetLineageRequest& request) const;
  absl::StatusOr<meshdex::v1::LineageGraph> GetColumnLineage(
      const meshdex::v1::GetColumnLineageRequest& request) const;
  // Newest first (start time, else first event time); page_size default
  // kDefaultPageSize, at most kMaxPageSize.
  absl::StatusOr<meshdex::v1::ListRunsResponse> ListRuns(
      const meshdex::v1::ListRunsRequest& request) const;
  // The stored record of a graph node (LineageNode namespace and name; a
  // run by id), for views that show more of a node than the graph carries;
  // nullopt when nothing is stored under it.
  absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> GetDataset(
      const std::string& ns, const std::string& name) const;
  absl::StatusOr<std::optional<meshdex::v1::LineageJob>> GetJob(const std::string& ns,
                                                                const std::string& name) const;
  absl::StatusOr<std::optional<meshdex::v1::RunRecord>> GetRun(const std::string& run_id) const;
  // Sets product.status.trust (trust.h) as of the clock's now; what the
  // catalog calls on every product it returns.
  absl::Status FillTrust(meshdex::v1::DataProduct& product) const;

  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;

 private:
  // The outcome of writing a batch of checked events.
  struct BatchResult {
    uint64_t sequence = 0;
    // Events stored or found to be duplicates, from the front of the batch.
    size_t applied = 0;
    size_t duplicates = 0;
    // The event that contradicted the store, if one did (it and those after
    // it were not written).
    std::optional<size_t> rejected;
    std::string reason;
  };
  absl::StatusOr<BatchResult> WriteEvents(const std::vector<OpenLineageEvent>& events);

  storage::Store& store_;
  const Options options_;
};

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_LINEAGE_H_
