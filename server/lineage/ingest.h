// Ingest: how one checked OpenLineage event changes the stored lineage model
// (records in lineage.proto), inside a store transaction.
//
//  * The event text is stored under its idempotency key; an event whose key
//    is already stored is a duplicate and changes nothing.
//  * Jobs and datasets named by any event are upserted: first/last seen,
//    facets merged by name (a later event's facet replaces the stored one of
//    the same name, an earlier event's only fills gaps, `_deleted: true`
//    removes it), and from the facets the schema fields, documentation and
//    (jobs) SQL. A dataset records the identity its owner is looked up under
//    (ClaimIdentity) when that differs from its own.
//  * Run events also merge the run (one record per runId, whatever order its
//    events arrive in): the state is the eventType of the event ranking
//    highest by (terminal COMPLETE/ABORT/FAIL > START/RUNNING > OTHER or
//    none, then eventTime), so a late START never reopens a finished run;
//    start_time is the earliest START/RUNNING, end_time the time of the
//    terminal state; datasets accumulate over the run's events.
//  * Edges come from run events only, so the graph shows what ran, not what
//    was declared: input dataset -> job -> output dataset, and the column
//    edges of the datasets' columnLineage facets. Outputs record their
//    producing job (the latest run writing them).
//  * Once a run is COMPLETE, each of its outputs records the run and its end
//    time when newer than the one it has: what product trust rests on.
//
// Thread-safety: functions over a transaction, which is used by one thread.
#ifndef MESHDEX_SERVER_LINEAGE_INGEST_H_
#define MESHDEX_SERVER_LINEAGE_INGEST_H_

#include <optional>

#include "absl/status/statusor.h"
#include "server/lineage/openlineage.h"
#include "storage/store.h"

namespace meshdex::lineage {

// Applies `event` to `txn`. Returns true for a duplicate (nothing written).
// INVALID_ARGUMENT when the event contradicts the store (its runId belongs to
// another job); all checks run before the first write, so `txn` then holds
// nothing of this event.
absl::StatusOr<bool> ApplyEvent(const OpenLineageEvent& event, storage::WriteTxn& txn);

// The identity a dataset's owning product is looked up under when it differs
// from (namespace, name): namespace + name read as a port address and
// normalised the same way (lower-case scheme and host, default ports), so a
// producer writing kafka://Broker/orders finds the port claiming
// kafka://broker:9092/orders. nullopt when equal or not an address.
std::optional<storage::DatasetKey> ClaimIdentity(const storage::DatasetKey& dataset);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_INGEST_H_
