// Fuzz target: an OpenLineage event as a producer would send it — JSON text
// -> ParseEvent (syntax, depth, kinds, identities, facets) -> Lineage::IngestEvent
// on a real store (RocksDB in a temp dir, kept across inputs so events meet
// the runs, jobs and datasets earlier inputs stored) -> the lineage graph
// around the event's job and its first output's columns.
// Any input must be ingested or refused with INVALID_ARGUMENT, and the graph
// around what was ingested must be readable; never INTERNAL, a crash, a hang
// or a leak.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/lineage/lineage.h"
#include "server/lineage/openlineage.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace {

// Destroyed at exit in reverse order: the lineage, the store, the directory.
struct Fixture {
  meshdex::testing::TempDir dir;
  std::unique_ptr<meshdex::storage::Store> store;
  std::unique_ptr<meshdex::lineage::Lineage> lineage;
};

Fixture* fixture = nullptr;

// Aborts (a finding) unless `status` is OK or has the code `allowed`.
void Expect(const absl::Status& status, absl::StatusCode allowed, const char* what,
            const std::string& input) {
  if (status.ok() || status.code() == allowed) return;
  std::fprintf(stderr, "%s of a %zu-byte event: %s\n", what, input.size(),
               status.ToString().c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture;
  auto store =
      meshdex::storage::Store::Open({.path = fixture->dir.Sub("store"), .sync_writes = false});
  if (!store.ok()) std::abort();
  fixture->store = *std::move(store);
  fixture->lineage = std::make_unique<meshdex::lineage::Lineage>(*fixture->store);
  std::atexit([] { delete fixture; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<meshdex::lineage::OpenLineageEvent> event = meshdex::lineage::ParseEvent(input);
  Expect(event.status(), absl::StatusCode::kInvalidArgument, "ParseEvent", input);
  if (!event.ok()) return 0;
  (void)event->IdempotencyKey();

  meshdex::v1::IngestEventRequest request;
  request.set_event_json(input);
  absl::StatusOr<meshdex::v1::IngestEventResponse> ingested =
      fixture->lineage->IngestEvent(request);
  Expect(ingested.status(), absl::StatusCode::kInvalidArgument, "IngestEvent", input);
  // A duplicate (same idempotency key as an earlier input) wrote nothing, so
  // its job and datasets may be unknown.
  if (!ingested.ok() || ingested->duplicate() ||
      event->kind != meshdex::lineage::OpenLineageEvent::Kind::kRun) {
    return 0;
  }

  meshdex::v1::GetLineageRequest graph;
  graph.set_node_id(absl::StrCat("job:", event->job.ns, ":", event->job.name));
  graph.set_depth(4);
  Expect(fixture->lineage->GetLineage(graph).status(), absl::StatusCode::kOk, "GetLineage", input);
  if (!event->outputs.empty()) {
    const meshdex::storage::DatasetKey& output = event->outputs.front().key;
    meshdex::v1::GetColumnLineageRequest columns;
    columns.set_node_id(absl::StrCat("dataset:", output.ns, ":", output.name));
    columns.set_depth(4);
    Expect(fixture->lineage->GetColumnLineage(columns).status(), absl::StatusCode::kOk,
           "GetColumnLineage", input);
  }
  return 0;
}
