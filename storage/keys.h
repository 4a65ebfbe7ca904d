// Key and value encodings of the RocksDB column families: the only place that
// knows them. Fixed-width integers are big-endian so byte order is numeric
// order; '\0' separates variable parts (URNs and dataset ids never contain it,
// validation guarantees no control characters).
#ifndef MESHDEX_STORAGE_KEYS_H_
#define MESHDEX_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "storage/store.h"

namespace meshdex::storage::keys {

inline constexpr char kProductsFamily[] = "products";
inline constexpr char kRevisionsFamily[] = "revisions";
inline constexpr char kClaimsFamily[] = "claims";
inline constexpr char kChangeLogFamily[] = "changelog";
inline constexpr char kDatasetsFamily[] = "datasets";
inline constexpr char kJobsFamily[] = "jobs";
inline constexpr char kRunsFamily[] = "runs";
inline constexpr char kLineageEdgesFamily[] = "lineage_edges";
inline constexpr char kLineageEventsFamily[] = "lineage_events";
inline constexpr char kLineageIndexFamily[] = "lineage_index";
inline constexpr char kPoliciesFamily[] = "policies";
inline constexpr char kGovernanceFamily[] = "governance";
inline constexpr char kAuditFamily[] = "audit";

// The default family holds store-wide records:
//   kCountsKey -> <products:be64> <datasets:be64>, kept by every write.
inline constexpr char kCountsKey[] = "counts";
std::string EncodeCounts(const EntityCounts& counts);
std::optional<EntityCounts> DecodeCounts(absl::string_view value);

// products: <urn>
std::string ProductKey(absl::string_view urn);

// revisions: <urn> '\0' <revision:be64>
std::string RevisionKey(absl::string_view urn, int64_t revision);
std::string RevisionPrefix(absl::string_view urn);
// Revision encoded in a key that starts with RevisionPrefix(urn).
std::optional<int64_t> RevisionFromKey(absl::string_view key, absl::string_view urn);

// claims: <dataset namespace> '\0' <dataset name> -> <urn> '\0' <port>
// (the key is the dataset's DatasetKeyBytes, which the owner cache relies on)
std::string ClaimKey(const DatasetKey& dataset);
std::string EncodeClaim(const AddressClaim& claim);
std::optional<AddressClaim> DecodeClaim(absl::string_view value);

// changelog: <sequence:be64> -> serialized ChangeEvent
std::string SequenceKey(uint64_t sequence);
std::optional<uint64_t> SequenceFromKey(absl::string_view key);

// Lineage. OpenLineage namespaces, names, field names and run ids never
// contain control characters (the ingest validates them), so '\0' separates.
//
// datasets: <namespace> '\0' <name> -> LineageDataset
// jobs:     <namespace> '\0' <name> -> LineageJob
// runs:     <runId>                 -> RunRecord
std::string DatasetKeyBytes(const DatasetKey& dataset);
std::optional<DatasetKey> DatasetKeyFromBytes(absl::string_view key);
std::string JobKeyBytes(const JobKey& job);
std::optional<JobKey> JobKeyFromBytes(absl::string_view key);

// lineage_edges, graph: <dir> <node> '\0' <node>, where dir is 'D' (stored
// as data flows: from -> to) or 'U' (to -> from) and node is <kind>
// <namespace> '\0' <name> with kind 'd' (dataset) or 'j' (job).
// lineage_edges, columns: <dir> <field> '\0' <field>, dir 'C' (from -> to)
// or 'c' (to -> from), field <namespace> '\0' <dataset> '\0' <field>.
// Values are empty. The neighbours of X in one direction share the prefix
// <dir> <X> '\0'.
std::string EdgeKey(EdgeDirection direction, const LineageNodeKey& from, const LineageNodeKey& to);
std::string EdgePrefix(EdgeDirection direction, const LineageNodeKey& node);
// The neighbour in a key starting with `prefix` (EdgePrefix).
std::optional<LineageNodeKey> EdgeNeighbor(absl::string_view key, absl::string_view prefix);
// A node as it appears in edge keys (<kind> <namespace> '\0' <name>), and back.
std::string NodeBytes(const LineageNodeKey& node);
std::optional<LineageNodeKey> NodeFromBytes(absl::string_view bytes);
// The two node encodings in a graph edge key of `direction` (first the node
// the key is listed under); nullopt for any other key.
struct EdgeNodes {
  absl::string_view node;
  absl::string_view neighbor;
};
std::optional<EdgeNodes> SplitEdgeKey(EdgeDirection direction, absl::string_view key);
// The prefix every graph edge key of `direction` starts with.
std::string EdgesPrefix(EdgeDirection direction);
std::string ColumnEdgeKey(EdgeDirection direction, const FieldKey& from, const FieldKey& to);
std::string ColumnEdgePrefix(EdgeDirection direction, const FieldKey& field);
// Prefix of the column edges of all fields of `dataset` in `direction`.
std::string ColumnDatasetPrefix(EdgeDirection direction, const DatasetKey& dataset);
// The neighbour in a key starting with a ColumnEdgePrefix.
std::optional<FieldKey> ColumnEdgeNeighbor(absl::string_view key, absl::string_view prefix);
// The field of a key starting with ColumnDatasetPrefix(direction, dataset).
std::optional<std::string> ColumnEdgeField(absl::string_view key, absl::string_view prefix);

// lineage_events: idempotency keys of ingested events -> the event's JSON.
// Run events: 'r' <runId> '\0' <eventType> '\0' <eventTime>; job and dataset
// events: 'j' or 'd' <namespace> '\0' <name> '\0' <eventTime>; the time is
// the instant (nanoseconds since the epoch, order-preserving big-endian), so
// one instant written with different offsets is one key.
std::string RunEventKey(absl::string_view run_id, absl::string_view event_type, int64_t unix_nanos);
std::string JobEventKey(const JobKey& job, int64_t unix_nanos);
std::string DatasetEventKey(const DatasetKey& dataset, int64_t unix_nanos);

// lineage_index, runs of a job newest first:
//   'R' <job namespace> '\0' <job name> '\0' <~time:be64> <runId> -> ""
// where ~time inverts the order-preserving encoding of the run's sort time.
std::string JobRunKey(const JobKey& job, int64_t sort_unix_nanos, absl::string_view run_id);
std::string JobRunPrefix(const JobKey& job);
// The run id of a key starting with JobRunPrefix(job).
std::optional<std::string> JobRunIdFromKey(absl::string_view key, absl::string_view prefix);
// lineage_index, datasets by claim identity:
//   'A' <claim namespace> '\0' <claim name> '\0' <namespace> '\0' <name> -> ""
std::string ClaimAliasKey(const DatasetKey& identity, const DatasetKey& dataset);
std::string ClaimAliasPrefix(const DatasetKey& identity);
std::optional<DatasetKey> ClaimAliasDataset(absl::string_view key, absl::string_view prefix);
// The prefix of every claim alias key.
inline constexpr absl::string_view kClaimAliasesPrefix = "A";
// DatasetKeyBytes of the dataset of a claim alias key when its claim
// identity is another dataset (the dataset's claim_dataset), "" when it is
// the dataset itself; nullopt when `key` is not a claim alias key.
std::optional<std::string> AliasedDatasetOf(absl::string_view key);

// policies: <domain> '\0' <name> -> Policy (domain empty for global ones, so
// they sort first). Policy revisions live in `revisions` under the policy URN.
std::string PolicyKey(absl::string_view domain, absl::string_view name);

// governance: 's' <product urn> -> GovernanceStatus of the current product;
// two markers (be64 sequences): the last policy change, and the policy change
// the stored statuses were last re-evaluated against.
std::string GovernanceStatusKey(absl::string_view urn);
inline constexpr char kPolicyChangeMarkerKey[] = "m:policy_sequence";
inline constexpr char kPoliciesEvaluatedMarkerKey[] = "m:evaluated_sequence";
std::string EncodeMarker(uint64_t sequence);
std::optional<uint64_t> DecodeMarker(absl::string_view value);

// audit: <time:be64> <counter:be64> -> AuditEntry, where time is the entry's
// instant (order-preserving nanoseconds since the epoch) and the counter
// tells apart entries of one instant. Read backwards for newest first.
std::string AuditKey(int64_t unix_nanos, uint64_t counter);
// The counter of an AuditKey.
std::optional<uint64_t> AuditCounterFromKey(absl::string_view key);

}  // namespace meshdex::storage::keys

#endif  // MESHDEX_STORAGE_KEYS_H_
