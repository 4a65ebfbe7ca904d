// Fuzz target: what an HTTP client controls of a /v1 or /api/v1 request —
// path segments, query parameters and the body — through every mapping to
// the core's requests (server/http/request_mapping.h). Input layout, one
// item per line: the path's domain, its name, then `name=value` query
// parameters up to an empty line; the rest is the body, read as JSON, as
// YAML and as OpenLineage events.
// Any input must map or be refused with INVALID_ARGUMENT (the gateway's 400);
// never another code, a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http/request_mapping.h"

namespace {

using meshdex::http::QueryParams;

struct Request {
  std::string domain;
  std::string name;
  QueryParams query;
  std::string body;
};

// The next line of `*rest` (without its '\n'), removed from `*rest`.
std::string_view NextLine(std::string_view* rest) {
  const size_t end = rest->find('\n');
  const std::string_view line = rest->substr(0, end);
  *rest = end == std::string_view::npos ? std::string_view() : rest->substr(end + 1);
  return line;
}

Request Split(std::string_view input) {
  Request request;
  request.domain = std::string(NextLine(&input));
  request.name = std::string(NextLine(&input));
  for (std::string_view line = NextLine(&input); !line.empty(); line = NextLine(&input)) {
    const size_t equals = line.find('=');
    request.query.emplace(
        std::string(line.substr(0, equals)),
        equals == std::string_view::npos ? std::string() : std::string(line.substr(equals + 1)));
  }
  request.body = std::string(input);
  return request;
}

// Aborts (a finding) unless `status` is OK or INVALID_ARGUMENT.
void Expect(const absl::Status& status, const char* what) {
  if (status.ok() || status.code() == absl::StatusCode::kInvalidArgument) return;
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::abort();
}

// Maps with `map`: a request, or INVALID_ARGUMENT naming what is wrong.
template <typename Mapping>
void Check(const char* what, Mapping map) {
  Expect(map().status(), what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace h = meshdex::http;
  const Request r = Split(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto& q = r.query;
  Check("list products", [&] { return h::ListProductsRequestFrom(q); });
  Check("import", [&] { return h::ImportDescriptorRequestFrom(q, r.body); });
  Check("export", [&] { return h::ExportDescriptorRequestFrom(r.domain, r.name, q); });
  Check("get product", [&] { return h::GetProductRequestFrom(r.domain, r.name, q); });
  Check("revisions", [&] { return h::ListRevisionsRequestFrom(r.domain, r.name, q); });
  Check("delete product", [&] { return h::DeleteProductRequestFrom(r.domain, r.name, q); });
  Check("search", [&] { return h::SearchRequestFrom(q); });
  Check("suggest", [&] { return h::SuggestRequestFrom(q); });
  Check("resolve", [&] { return h::ResolveAddressRequestFrom(q); });
  Check("lineage", [&] { return h::LineageRequestFrom(q); });
  Check("marquez lineage", [&] { return h::MarquezLineageRequestFrom(q); });
  Check("runs", [&] { return h::ListRunsRequestFrom(q); });
  Check("policies", [&] { return h::ListPoliciesRequestFrom(q); });
  const h::PolicyPath policy{r.domain, r.name};
  Check("get policy", [&] { return h::GetPolicyRequestFrom(policy, q); });
  Check("delete policy", [&] { return h::DeletePolicyRequestFrom(policy, q); });
  Check("scorecard", [&] { return h::GetScorecardRequestFrom(q); });
  Check("apply params", [&] { return h::ApplyParamsFrom(q); });
  Check("lineage body", [&] { return h::LineageEventsFromBody(r.body); });
  for (const char* content_type : {"application/json", "application/yaml"}) {
    absl::StatusOr<std::vector<meshdex::v1::DataProduct>> products =
        h::ProductsFromBody(content_type, r.body);
    Expect(products.status(), "products body");
    if (products.ok()) {
      for (meshdex::v1::DataProduct& product : *products) {
        Expect(h::BindProductToPath(r.domain, r.name, product), "bind to path");
      }
    }
    Expect(h::PoliciesFromBody(content_type, r.body).status(), "policies body");
  }
  return 0;
}
