// Request mapping: HTTP query parameters, path segments and bodies to the
// proto requests the core takes, and responses to JSON. Pure functions, so
// the whole HTTP surface of each operation is decided (and unit-tested) here
// and the route handlers only call the core.
//
// Query parameters of the /v1 routes are snake_case like the proto fields
// they set; an unknown parameter or a malformed value is INVALID_ARGUMENT
// naming the parameter (a typo is an error, not silently ignored). Repeated
// parameters (facet, type) may be given several times or comma-separated.
// Booleans are true/false/1/0.
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_HTTP_REQUEST_MAPPING_H_
#define MESHDEX_SERVER_HTTP_REQUEST_MAPPING_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "meshdex/v1/catalog.pb.h"
#include "meshdex/v1/governance.pb.h"
#include "meshdex/v1/lineage.pb.h"
#include "meshdex/v1/search.pb.h"

namespace meshdex::http {

// Decoded query parameters in arrival order per name (httplib::Params).
using QueryParams = std::multimap<std::string, std::string>;

// urn:dp:<domain>:<name>
std::string ProductUrn(absl::string_view domain, absl::string_view name);

// GET /v1/products?domain=&page_size=&page_token=
absl::StatusOr<meshdex::v1::ListProductsRequest> ListProductsRequestFrom(const QueryParams& query);
// POST /v1/import?from=odcs|dpds|odps|datacontract|auto[&domain=D][&dry_run=true], the body
// being the descriptor (YAML or JSON).
absl::StatusOr<meshdex::v1::ImportDescriptorRequest> ImportDescriptorRequestFrom(
    const QueryParams& query, std::string body);
// GET /v1/products/{domain}/{name}/export?to=odcs[&revision=N].
absl::StatusOr<meshdex::v1::ExportDescriptorRequest> ExportDescriptorRequestFrom(
    absl::string_view domain, absl::string_view name, const QueryParams& query);
// GET /v1/products/{domain}/{name}?revision=
absl::StatusOr<meshdex::v1::GetProductRequest> GetProductRequestFrom(absl::string_view domain,
                                                                     absl::string_view name,
                                                                     const QueryParams& query);
// GET /v1/products/{domain}/{name}/revisions?page_size=&page_token=
absl::StatusOr<meshdex::v1::ListRevisionsRequest> ListRevisionsRequestFrom(
    absl::string_view domain, absl::string_view name, const QueryParams& query);
// DELETE /v1/products/{domain}/{name}?expected_revision=
absl::StatusOr<meshdex::v1::DeleteProductRequest> DeleteProductRequestFrom(
    absl::string_view domain, absl::string_view name, const QueryParams& query);
// GET /v1/search?q=&facet=&page_size=&page_token=&min_sequence=&highlight=&type=
absl::StatusOr<meshdex::v1::SearchRequest> SearchRequestFrom(const QueryParams& query);
// GET /v1/suggest?q=&limit=
absl::StatusOr<meshdex::v1::SuggestRequest> SuggestRequestFrom(const QueryParams& query);
// GET /v1/resolve?address=  or  ?namespace=&name=  (an OpenLineage dataset)
absl::StatusOr<meshdex::v1::ResolveAddressRequest> ResolveAddressRequestFrom(
    const QueryParams& query);
// GET /v1/lineage?node_id=&direction=&depth=&level=&max_nodes=
// direction: up|down|both (or the enum names), level: dataset|product.
absl::StatusOr<meshdex::v1::GetLineageRequest> LineageRequestFrom(const QueryParams& query);
// GET /api/v1/lineage?nodeId=&depth= (Marquez): both directions, dataset
// level. Parameters Marquez clients may send beyond these are ignored.
absl::StatusOr<meshdex::v1::GetLineageRequest> MarquezLineageRequestFrom(const QueryParams& query);
// GET /v1/runs?job_id=&page_size=&page_token=
absl::StatusOr<meshdex::v1::ListRunsRequest> ListRunsRequestFrom(const QueryParams& query);

// GET /v1/policies?domain=
absl::StatusOr<meshdex::v1::ListPoliciesRequest> ListPoliciesRequestFrom(const QueryParams& query);
// The policy that GET|DELETE /v1/policies/{name} (a global one: `domain`
// empty) and /v1/policies/{domain}/{name} name.
struct PolicyPath {
  std::string domain;
  std::string name;
};
// GET /v1/policies/{name}, /v1/policies/{domain}/{name}: no query parameters.
absl::StatusOr<meshdex::v1::GetPolicyRequest> GetPolicyRequestFrom(const PolicyPath& path,
                                                                   const QueryParams& query);
// DELETE /v1/policies/{name}, /v1/policies/{domain}/{name}?expected_revision=
absl::StatusOr<meshdex::v1::DeletePolicyRequest> DeletePolicyRequestFrom(const PolicyPath& path,
                                                                         const QueryParams& query);
// GET /v1/scorecard?domain=
absl::StatusOr<meshdex::v1::GetScorecardRequest> GetScorecardRequestFrom(const QueryParams& query);

// POST /v1/products, PUT /v1/products/{domain}/{name} and POST /v1/policies:
// ?expected_revision=&dry_run=
struct ApplyParams {
  int64_t expected_revision = 0;
  bool dry_run = false;
};
absl::StatusOr<ApplyParams> ApplyParamsFrom(const QueryParams& query);

// The DataProduct documents of a request body: JSON (an object, or an array
// of objects) or YAML (`---`-separated documents), read by the same resource
// codec as `meshdexctl apply -f` (proto/document.h), so a descriptor is
// accepted or rejected identically on every path. `content_type` (parameters
// ignored) must be empty, application/json, application/yaml,
// application/x-yaml or text/yaml. A document whose kind is neither empty nor
// DataProduct is INVALID_ARGUMENT naming it ("document 2: ...").
absl::StatusOr<std::vector<meshdex::v1::DataProduct>> ProductsFromBody(
    absl::string_view content_type, absl::string_view body);
// The Policy documents of a request body, read like ProductsFromBody; a
// document whose kind is neither empty nor Policy is INVALID_ARGUMENT.
absl::StatusOr<std::vector<meshdex::v1::Policy>> PoliciesFromBody(absl::string_view content_type,
                                                                  absl::string_view body);

// PUT /v1/products/{domain}/{name}: the body's metadata.domain/name must
// name the path's product; when the body leaves them empty they are taken
// from the path.
absl::Status BindProductToPath(absl::string_view domain, absl::string_view name,
                               meshdex::v1::DataProduct& product);

// The OpenLineage events of a POST /api/v1/lineage body: one event (the
// OpenLineage HTTP transport; handed on exactly as sent, the lineage core
// validates it), or a JSON array of event objects (a batch; each re-encoded
// as compact JSON with its keys in order). INVALID_ARGUMENT for an empty
// body, an array that is not valid JSON, empty, or holds a non-object.
struct LineageBody {
  std::vector<std::string> events;
  bool batch = false;
};
absl::StatusOr<LineageBody> LineageEventsFromBody(absl::string_view body);

// Compact proto JSON mapping (lowerCamelCase, defaults omitted). Fails
// (INTERNAL) only for values outside the mapping, e.g. a year-10000 time.
absl::StatusOr<std::string> ToJsonBody(const google::protobuf::Message& message);

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_REQUEST_MAPPING_H_
