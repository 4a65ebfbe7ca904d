#include "server/http/api_handlers.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/http/marquez.h"
#include "server/http/request_mapping.h"
#include "server/http/response.h"

namespace meshdex::http {
namespace {

using meshdex::v1::ApplyProductRequest;
using meshdex::v1::ApplyProductResponse;
using meshdex::v1::DataProduct;

std::string UrnOf(const DataProduct& product) {
  return ProductUrn(product.metadata().domain(), product.metadata().name());
}

// `status` with its message prefixed by `context`, code kept.
absl::Status WithContext(const absl::Status& status, absl::string_view context) {
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

// Applies `products` for POST and PUT (see the class comment).
void ApplyAll(catalog::Catalog& catalog, const std::vector<DataProduct>& products,
              const ApplyParams& params, httplib::Response& response) {
  auto request_for = [&params](const DataProduct& product, bool dry_run) {
    ApplyProductRequest request;
    *request.mutable_product() = product;
    request.set_expected_revision(params.expected_revision);
    request.set_dry_run(dry_run);
    return request;
  };
  if (products.size() == 1) {
    absl::StatusOr<ApplyProductResponse> result =
        catalog.ApplyProduct(request_for(products.front(), params.dry_run));
    const bool created =
        result.ok() && !params.dry_run && result->outcome() == meshdex::v1::ApplyOutcome::CREATED;
    SendResult(response, result, created ? 201 : 200);
    return;
  }
  if (params.expected_revision != 0) {
    SendError(response,
              absl::InvalidArgumentError("expected_revision: applies to a body of one document"));
    return;
  }
  std::vector<ApplyProductResponse> results;
  results.reserve(products.size());
  for (size_t i = 0; i < products.size(); ++i) {
    absl::StatusOr<ApplyProductResponse> checked =
        catalog.ApplyProduct(request_for(products[i], /*dry_run=*/true));
    if (!checked.ok()) {
      SendError(response, WithContext(checked.status(),
                                      absl::StrCat("document ", i + 1, " (", UrnOf(products[i]),
                                                   "); nothing stored")));
      return;
    }
    results.push_back(*std::move(checked));
  }
  if (!params.dry_run) {
    for (size_t i = 0; i < products.size(); ++i) {
      absl::StatusOr<ApplyProductResponse> applied =
          catalog.ApplyProduct(request_for(products[i], /*dry_run=*/false));
      if (!applied.ok()) {
        SendError(response,
                  WithContext(applied.status(),
                              absl::StrCat("document ", i + 1, " (", UrnOf(products[i]), "); the ",
                                           i, " document(s) before it were stored")));
        return;
      }
      results[i] = *std::move(applied);
    }
  }
  std::string json = "{\"results\":[";
  for (size_t i = 0; i < results.size(); ++i) {
    absl::StatusOr<std::string> item = ToJsonBody(results[i]);
    if (!item.ok()) {
      SendError(response, item.status());
      return;
    }
    absl::StrAppend(&json, i == 0 ? "" : ",", *item);
  }
  json += "]}";
  SendJson(response, json);
}

// What POST /v1/products and PUT /v1/products/{domain}/{name} both read:
// the apply query parameters and the body's documents.
struct ApplyInput {
  ApplyParams params;
  std::vector<DataProduct> products;
};

absl::StatusOr<ApplyInput> ApplyInputFrom(const httplib::Request& request, const std::string& body) {
  absl::StatusOr<ApplyParams> params = ApplyParamsFrom(request.params);
  if (!params.ok()) return params.status();
  absl::StatusOr<std::vector<DataProduct>> products =
      ProductsFromBody(request.get_header_value("Content-Type"), body);
  if (!products.ok()) return products.status();
  return ApplyInput{*params, *std::move(products)};
}

}  // namespace

void ApiHandlers::ListProducts(const httplib::Request& request, httplib::Response& response) const {
  auto core_request = ListProductsRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.catalog->ListProducts(*core_request));
}

void ApiHandlers::ApplyProducts(const httplib::Request& request, const std::string& body,
                                httplib::Response& response) const {
  absl::StatusOr<ApplyInput> input = ApplyInputFrom(request, body);
  if (!input.ok()) return SendError(response, input.status());
  ApplyAll(*services_.catalog, input->products, input->params, response);
}

void ApiHandlers::GetProduct(const httplib::Request& request, httplib::Response& response) const {
  auto core_request =
      GetProductRequestFrom(request.matches[1].str(), request.matches[2].str(), request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.catalog->GetProduct(*core_request));
}

void ApiHandlers::PutProduct(const httplib::Request& request, const std::string& body,
                             httplib::Response& response) const {
  absl::StatusOr<ApplyInput> input = ApplyInputFrom(request, body);
  if (!input.ok()) return SendError(response, input.status());
  std::vector<DataProduct>* products = &input->products;
  if (products->size() != 1) {
    return SendError(response, absl::InvalidArgumentError(absl::StrCat(
                                   "PUT takes one document, the body has ", products->size())));
  }
  if (absl::Status bound =
          BindProductToPath(request.matches[1].str(), request.matches[2].str(), products->front());
      !bound.ok()) {
    return SendError(response, bound);
  }
  ApplyAll(*services_.catalog, *products, input->params, response);
}

void ApiHandlers::DeleteProduct(const httplib::Request& request,
                                httplib::Response& response) const {
  auto core_request =
      DeleteProductRequestFrom(request.matches[1].str(), request.matches[2].str(), request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.catalog->DeleteProduct(*core_request));
}

void ApiHandlers::ListRevisions(const httplib::Request& request,
                                httplib::Response& response) const {
  auto core_request =
      ListRevisionsRequestFrom(request.matches[1].str(), request.matches[2].str(), request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.catalog->ListRevisions(*core_request));
}

void ApiHandlers::Search(const httplib::Request& request, httplib::Response& response) const {
  auto core_request = SearchRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.searcher->Search(*core_request));
}

void ApiHandlers::Suggest(const httplib::Request& request, httplib::Response& response) const {
  auto core_request = SuggestRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.suggester->Suggest(*core_request));
}

void ApiHandlers::Resolve(const httplib::Request& request, httplib::Response& response) const {
  auto core_request = ResolveAddressRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.catalog->ResolveAddress(*core_request));
}

bool ApiHandlers::LineageAvailable(httplib::Response& response) const {
  if (services_.lineage.available()) return true;
  SendError(response, absl::UnavailableError("lineage not available"));
  return false;
}

void ApiHandlers::IngestLineage(const httplib::Request&, const std::string& body,
                                httplib::Response& response) const {
  if (!LineageAvailable(response)) return;
  absl::StatusOr<LineageBody> lineage_body = LineageEventsFromBody(body);
  if (!lineage_body.ok()) return SendError(response, lineage_body.status());
  meshdex::v1::IngestEventsResponse batch_result;
  meshdex::v1::IngestEventRequest event_request;
  for (size_t i = 0; i < lineage_body->events.size(); ++i) {
    event_request.set_event_json(std::move(lineage_body->events[i]));
    absl::StatusOr<meshdex::v1::IngestEventResponse> ingested =
        services_.lineage.ingest_event(event_request);
    if (!lineage_body->batch) return SendResult(response, ingested, 201);
    if (!ingested.ok()) {
      return SendError(response, WithContext(ingested.status(),
                                             absl::StrCat("event ", i + 1, "; the ", i,
                                                          " event(s) before it were stored")));
    }
    batch_result.set_accepted(batch_result.accepted() + 1);
    batch_result.set_sequence(ingested->sequence());
  }
  SendMessage(response, batch_result, 201);
}

void ApiHandlers::GetLineage(const httplib::Request& request, httplib::Response& response) const {
  if (!LineageAvailable(response)) return;
  auto core_request = LineageRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.lineage.get_lineage(*core_request));
}

void ApiHandlers::GetMarquezLineage(const httplib::Request& request,
                                    httplib::Response& response) const {
  if (!LineageAvailable(response)) return;
  auto core_request = MarquezLineageRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  absl::StatusOr<meshdex::v1::LineageGraph> graph = services_.lineage.get_lineage(*core_request);
  if (!graph.ok()) return SendError(response, graph.status());
  SendJson(response, ToMarquezGraph(*graph).dump(-1, ' ', false,
                                                 nlohmann::ordered_json::error_handler_t::replace));
}

void ApiHandlers::ListRuns(const httplib::Request& request, httplib::Response& response) const {
  if (!LineageAvailable(response)) return;
  auto core_request = ListRunsRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.lineage.list_runs(*core_request));
}

}  // namespace meshdex::http
