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
// `id` {namespace, name}, `namespace`, `name`; datasets add `physicalName`
// and, when a product owns them, `productUrn`; jobs add `simpleName` and
// `inputs`/`outputs` (the datasets on their edges, as {namespace, name});
// products add `urn`. Nodes keep the graph's order; each node's edges keep
// the order of graph.edges. `"truncated": true` is added when the graph was
// cut at max_nodes.
//
// Thread-safety: pure function.
#ifndef MESHDEX_SERVER_HTTP_MARQUEZ_H_
#define MESHDEX_SERVER_HTTP_MARQUEZ_H_

#include "meshdex/v1/lineage.pb.h"
#include "nlohmann/json.hpp"

namespace meshdex::http {

nlohmann::ordered_json ToMarquezGraph(const meshdex::v1::LineageGraph& graph);

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_MARQUEZ_H_
