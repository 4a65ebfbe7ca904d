// Marquez-compatible lineage graph: the shape of Marquez's
// GET /api/v1/lineage, so tools written for Marquez's lineage API read
// meshdex's:
//
//   {"graph": [{"id": "dataset:<ns>:<name>", "type": "DATASET",
//               "data": {...},
//               "inEdges":  [{"origin": "job:...", "destination": "dataset:..."}],
//               "outEdges": [{"origin": "dataset:...", "destination": "job:..."}]},
//              ...]}
//
// Node ids are meshdex's, which already follow Marquez's scheme. Types:
// dataset -> DATASET, job -> JOB, datasetField -> DATASET_FIELD, product ->
// PRODUCT (a meshdex extension, product-level graphs only). `data` holds
// `id` {namespace, name}, `namespace`, `name`, then by type:
// - datasets: `physicalName`; from the stored record (`records.datasets`),
//   Marquez's DatasetData: `type` DB_TABLE, `createdAt`/`updatedAt` (first
//   and last event naming it), `sourceName` (its namespace), `fields` (the
//   latest schema facet's {name, type, tags, description}), `tags`,
//   `lastModifiedAt` (the latest run writing it), `description` (the
//   documentation facet); and `productUrn` when a product owns it;
// - jobs: `simpleName`, `inputs`/`outputs` (the datasets on their edges, as
//   {namespace, name}); from the stored record: `type` (BATCH, STREAM when
//   its jobType facet says STREAMING), `createdAt`/`updatedAt`,
//   `description`, `latestRun` {id, state (Marquez's: NEW, RUNNING,
//   COMPLETED, ABORTED, FAILED), createdAt, updatedAt, startedAt, endedAt,
//   durationMs} when `records.latest_runs` has it, else null;
// - products: `urn`.
// Absent values are null, as Marquez writes them; a node without a stored
// record has the graph's keys only. Times are RFC 3339 UTC. Nodes keep the
// graph's order; each node's edges keep the order of graph.edges.
// `"truncated": true` is added when the graph was cut at max_nodes.
//
// Thread-safety: pure function.
#ifndef MESHDEX_SERVER_HTTP_MARQUEZ_H_
#define MESHDEX_SERVER_HTTP_MARQUEZ_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "meshdex/v1/lineage.pb.h"
#include "nlohmann/json.hpp"

namespace meshdex::http {

// What the store holds about a graph's nodes beyond the graph, by node id.
struct MarquezNodeRecords {
  absl::flat_hash_map<std::string, meshdex::v1::LineageDataset> datasets;
  absl::flat_hash_map<std::string, meshdex::v1::LineageJob> jobs;
  // A job's latest run (LineageJob.latest_run_id), by the job's node id.
  absl::flat_hash_map<std::string, meshdex::v1::RunRecord> latest_runs;
};

nlohmann::ordered_json ToMarquezGraph(const meshdex::v1::LineageGraph& graph,
                                      const MarquezNodeRecords& records);

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_MARQUEZ_H_
