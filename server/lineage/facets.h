// Facets: checks of the facets an OpenLineage event carries, and the few
// values the lineage model takes from them.
//
// CheckFacets checks one `facets` (`inputFacets`, `outputFacets`) object:
//  * every facet is a JSON object (BaseFacet);
//  * `_producer` and `_schemaURL` are strings when given; they are not
//    required, as the spec's BaseFacet says, because real producers omit
//    them (Spark's serde fixtures, many hand-written events) and the facet
//    is still meaningful;
//  * `_deleted` is a boolean when given (job and dataset facets);
//  * the standard facets of the OpenLineage spec (spec/facets/*.json) are
//    checked against their schemas where it matters for meaning: required
//    fields and JSON types; null counts as absent. String formats (uuid,
//    date-time, uri) inside facets are annotations, as JSON Schema 2020-12
//    treats `format` by default: producers send e.g. date-only nominal
//    times, and the lineage model reads none of them.
//    Run: parent, nominalTime, errorMessage, processing_engine,
//    externalQuery, extractionError, environmentVariables, tags. Job:
//    ownership, sql, documentation, sourceCodeLocation, sourceCode, jobType,
//    tags. Dataset: schema, columnLineage, dataSource, ownership,
//    documentation, version, symlinks, lifecycleStateChange, storage,
//    datasetType, dataQualityMetrics, dataQualityAssertions, catalog,
//    hierarchy, tags. Input: dataQualityMetrics, dataQualityAssertions,
//    inputStatistics. Output: outputStatistics. dataQualityMetrics needs
//    columnMetrics (facet 1-0-2) or rowCount (the earlier form still sent);
//    a facet marked `_deleted: true` is not checked further;
//  * columnLineage field names and input datasets become graph keys, so they
//    must be valid identity parts (see CheckIdentityPart).
// Other (custom) facets are kept as they are.
//
// Thread-safety: pure functions; the rule table is built once, immutable.
#ifndef MESHDEX_SERVER_LINEAGE_FACETS_H_
#define MESHDEX_SERVER_LINEAGE_FACETS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "meshdex/v1/lineage.pb.h"
#include "nlohmann/json.hpp"
#include "server/lineage/problems.h"
#include "storage/store.h"

namespace meshdex::lineage {

enum class FacetScope { kRun, kJob, kDataset, kInputDataset, kOutputDataset };

// `facets` is the value found at `path` (not null).
void CheckFacets(const nlohmann::ordered_json& facets, FacetScope scope, absl::string_view path,
                 size_t max_identity_bytes, Problems& problems);

// Values taken from checked dataset or job facets ("" / empty when absent).
std::vector<meshdex::v1::DatasetField> SchemaFields(const nlohmann::ordered_json& facets);
std::string DocumentationOf(const nlohmann::ordered_json& facets);
std::string SqlOf(const nlohmann::ordered_json& facets);

// The column edges (input field -> field of `dataset`) a dataset's checked
// `columnLineage` facet declares, in document order.
std::vector<std::pair<storage::FieldKey, storage::FieldKey>> ColumnEdges(
    const storage::DatasetKey& dataset, const nlohmann::ordered_json& facets);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_FACETS_H_
