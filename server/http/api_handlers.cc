#include "server/http/api_handlers.h"

#include <functional>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/auth/applied_write.h"
#include "server/interop/descriptor_requests.h"
#include "server/http/request_mapping.h"
#include "server/http/response.h"

namespace meshdex::http {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::Policy;

// Answers with `core`'s `method` called with `core_request` (mapped from the
// HTTP request), or with the mapping's error.
template <typename Core, typename Method, typename CoreRequest>
void Respond(Core& core, Method method, const absl::StatusOr<CoreRequest>& core_request,
             httplib::Response& response) {
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, std::invoke(method, core, *core_request));
}

constexpr absl::string_view kHttpTransport = "http";

// The request's `authorization` header ("" when absent).
std::string AuthorizationOf(const httplib::Request& request) {
  return request.get_header_value("Authorization");
}

// How error messages name a resource of a body.
std::string NameOf(const DataProduct& product) {
  return ProductUrn(product.metadata().domain(), product.metadata().name());
}
std::string NameOf(const Policy& policy) {
  return governance::PolicyUrn(policy.metadata().domain(), policy.metadata().name());
}

void SetResource(const DataProduct& product, meshdex::v1::ApplyProductRequest& request) {
  *request.mutable_product() = product;
}
void SetResource(const Policy& policy, meshdex::v1::ApplyPolicyRequest& request) {
  *request.mutable_policy() = policy;
}

// `status` with its message prefixed by `context`, code kept.
absl::Status WithContext(const absl::Status& status, absl::string_view context) {
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

// INVALID_ARGUMENT unless a body holds exactly one document.
absl::Status RequireOneDocument(absl::string_view route, size_t documents) {
  if (documents == 1) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(route, " takes one document, the body has ", documents));
}

// Who writes through an apply route, and how the write is admitted and
// audited (auth::Gatekeeper, the same rules as gRPC).
struct Writer {
  const auth::Gatekeeper& gatekeeper;
  std::string authorization;
  // The RPC the route stands for, e.g. "CatalogService.ApplyProduct".
  absl::string_view operation;
  auth::Action action;

  auth::Gatekeeper::Request RequestFor(absl::string_view domain, absl::string_view target) const {
    return {kHttpTransport, operation, action, domain, target};
  }
};

// Admits a write of every resource (each may name another domain): the
// principal, or the first refusal.
template <typename Resource>
absl::StatusOr<auth::Principal> AdmitAll(const Writer& writer,
                                         const std::vector<Resource>& resources) {
  absl::StatusOr<auth::Principal> principal =
      absl::InvalidArgumentError("the body holds no document");
  for (const Resource& resource : resources) {
    principal = writer.gatekeeper.Admit(
        writer.authorization, writer.RequestFor(resource.metadata().domain(), NameOf(resource)));
    if (!principal.ok()) break;
  }
  return principal;
}

// Applies `resources` (products or policies) with `core`'s `apply` method,
// for POST and PUT (see the class comment), once `writer` may write them all;
// every stored write is audited.
template <typename Core, typename ApplyRequest, typename ApplyResponse, typename Resource>
void ApplyAll(Core& core, absl::StatusOr<ApplyResponse> (Core::*apply)(const ApplyRequest&),
              const std::vector<Resource>& resources, const ApplyParams& params,
              const Writer& writer, httplib::Response& response) {
  absl::StatusOr<auth::Principal> principal = AdmitAll(writer, resources);
  if (!principal.ok()) return SendError(response, principal.status());
  auto request_for = [&params](const Resource& resource, bool dry_run) {
    ApplyRequest request;
    SetResource(resource, request);
    request.set_expected_revision(params.expected_revision);
    request.set_dry_run(dry_run);
    return request;
  };
  using Result = absl::StatusOr<ApplyResponse>;
  const std::string dry_run_operation = auth::DryRunOperation(writer.operation);
  // A write, or a dry run the caller asked for (not the checks before a
  // multi-document write), is audited as gRPC audits it.
  auto audit = [&](const Resource& resource, bool dry_run, const Result& result) {
    const std::string name = NameOf(resource);  // outlives the request's view of it
    auth::Gatekeeper::Request audited = writer.RequestFor(resource.metadata().domain(), name);
    if (dry_run) audited.operation = dry_run_operation;
    const std::pair<int64_t, uint64_t> wrote = auth::AppliedWrite(dry_run, result);
    writer.gatekeeper.RecordWrite(*principal, audited, result.status(), wrote.first, wrote.second);
  };
  auto apply_and_audit = [&](const Resource& resource, bool dry_run) {
    Result result = (core.*apply)(request_for(resource, dry_run));
    audit(resource, dry_run, result);
    return result;
  };
  if (resources.size() == 1) {
    Result result = apply_and_audit(resources.front(), params.dry_run);
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
  std::vector<ApplyResponse> results;
  results.reserve(resources.size());
  for (size_t i = 0; i < resources.size(); ++i) {
    Result checked = (core.*apply)(request_for(resources[i], /*dry_run=*/true));
    if (params.dry_run) audit(resources[i], /*dry_run=*/true, checked);
    if (!checked.ok()) {
      SendError(response, WithContext(checked.status(),
                                      absl::StrCat("document ", i + 1, " (", NameOf(resources[i]),
                                                   "); nothing stored")));
      return;
    }
    results.push_back(*std::move(checked));
  }
  if (!params.dry_run) {
    for (size_t i = 0; i < resources.size(); ++i) {
      Result applied = apply_and_audit(resources[i], /*dry_run=*/false);
      if (!applied.ok()) {
        SendError(response, WithContext(applied.status(),
                                        absl::StrCat("document ", i + 1, " (",
                                                     NameOf(resources[i]), "); the ", i,
                                                     " document(s) before it were stored")));
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

// Admits a delete of `target` in `domain`, runs `remove` and audits it.
template <typename DeleteResponse>
void DeleteAndAudit(const auth::Gatekeeper& gatekeeper, const httplib::Request& request,
                    httplib::Response& response, absl::string_view operation, auth::Action action,
                    absl::string_view domain, absl::string_view target,
                    absl::FunctionRef<absl::StatusOr<DeleteResponse>()> remove) {
  const auth::Gatekeeper::Request write = {kHttpTransport, operation, action, domain, target};
  absl::StatusOr<auth::Principal> principal = gatekeeper.Admit(AuthorizationOf(request), write);
  if (!principal.ok()) return SendError(response, principal.status());
  absl::StatusOr<DeleteResponse> result = remove();
  gatekeeper.RecordWrite(*principal, write, result.status(), 0,
                         result.ok() ? result->sequence() : 0);
  SendResult(response, result);
}

Writer ProductWriter(const auth::Gatekeeper& gatekeeper, const httplib::Request& request) {
  return Writer{gatekeeper, AuthorizationOf(request), "CatalogService.ApplyProduct",
                auth::Action::kWriteProduct};
}

// What the apply routes (POST /v1/products, PUT /v1/products/{domain}/{name},
// POST /v1/policies) read: the apply query parameters and the body's
// documents, parsed by `parse` (ProductsFromBody or PoliciesFromBody).
template <typename Resource>
struct ApplyInput {
  ApplyParams params;
  std::vector<Resource> resources;
};

template <typename Resource>
absl::StatusOr<ApplyInput<Resource>> ApplyInputFrom(
    const httplib::Request& request, const std::string& body,
    absl::StatusOr<std::vector<Resource>> (*parse)(absl::string_view, absl::string_view)) {
  absl::StatusOr<ApplyParams> params = ApplyParamsFrom(request.params);
  if (!params.ok()) return params.status();
  absl::StatusOr<std::vector<Resource>> resources =
      parse(request.get_header_value("Content-Type"), body);
  if (!resources.ok()) return resources.status();
  return ApplyInput<Resource>{*params, *std::move(resources)};
}

// The policy a /v1/policies/{name} (global) or /v1/policies/{domain}/{name}
// route names.
PolicyPath PolicyPathOf(const httplib::Request& request) {
  if (request.matches.size() == 3) return {request.matches[1].str(), request.matches[2].str()};
  return {"", request.matches[1].str()};
}

}  // namespace

void ApiHandlers::ListProducts(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.catalog, &catalog::Catalog::ListProducts,
          ListProductsRequestFrom(request.params), response);
}

void ApiHandlers::ApplyProducts(const httplib::Request& request, const std::string& body,
                                httplib::Response& response) const {
  absl::StatusOr<ApplyInput<DataProduct>> input = ApplyInputFrom(request, body, ProductsFromBody);
  if (!input.ok()) return SendError(response, input.status());
  ApplyAll(*services_.catalog, &catalog::Catalog::ApplyProduct, input->resources, input->params,
           ProductWriter(*services_.gatekeeper, request), response);
}

void ApiHandlers::GetProduct(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.catalog, &catalog::Catalog::GetProduct,
          GetProductRequestFrom(request.matches[1].str(), request.matches[2].str(),
                                request.params),
          response);
}

void ApiHandlers::PutProduct(const httplib::Request& request, const std::string& body,
                             httplib::Response& response) const {
  absl::StatusOr<ApplyInput<DataProduct>> input = ApplyInputFrom(request, body, ProductsFromBody);
  if (!input.ok()) return SendError(response, input.status());
  std::vector<DataProduct>* products = &input->resources;
  if (absl::Status one = RequireOneDocument("PUT", products->size()); !one.ok()) {
    return SendError(response, one);
  }
  if (absl::Status bound =
          BindProductToPath(request.matches[1].str(), request.matches[2].str(), products->front());
      !bound.ok()) {
    return SendError(response, bound);
  }
  ApplyAll(*services_.catalog, &catalog::Catalog::ApplyProduct, *products, input->params,
           ProductWriter(*services_.gatekeeper, request), response);
}

void ApiHandlers::DeleteProduct(const httplib::Request& request,
                                httplib::Response& response) const {
  auto core_request =
      DeleteProductRequestFrom(request.matches[1].str(), request.matches[2].str(), request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  DeleteAndAudit<meshdex::v1::DeleteProductResponse>(
      *services_.gatekeeper, request, response, "CatalogService.DeleteProduct",
      auth::Action::kWriteProduct, request.matches[1].str(), core_request->urn(),
      [&] { return services_.catalog->DeleteProduct(*core_request); });
}

void ApiHandlers::ListRevisions(const httplib::Request& request,
                                httplib::Response& response) const {
  Respond(*services_.catalog, &catalog::Catalog::ListRevisions,
          ListRevisionsRequestFrom(request.matches[1].str(), request.matches[2].str(),
                                   request.params),
          response);
}

void ApiHandlers::Search(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.searcher, &index::Searcher::Search,
          SearchRequestFrom(request.params), response);
}

void ApiHandlers::Suggest(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.suggester, &index::Suggester::Suggest,
          SuggestRequestFrom(request.params), response);
}

void ApiHandlers::Resolve(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.catalog, &catalog::Catalog::ResolveAddress,
          ResolveAddressRequestFrom(request.params), response);
}

void ApiHandlers::ListPolicies(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.governance, &governance::Governance::ListPolicies,
          ListPoliciesRequestFrom(request.params), response);
}

void ApiHandlers::GetPolicy(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.governance, &governance::Governance::GetPolicy,
          GetPolicyRequestFrom(PolicyPathOf(request), request.params), response);
}

void ApiHandlers::ApplyPolicies(const httplib::Request& request, const std::string& body,
                                httplib::Response& response) const {
  absl::StatusOr<ApplyInput<Policy>> input = ApplyInputFrom(request, body, PoliciesFromBody);
  if (!input.ok()) return SendError(response, input.status());
  ApplyAll(*services_.governance, &governance::Governance::ApplyPolicy, input->resources,
           input->params,
           Writer{*services_.gatekeeper, AuthorizationOf(request), "GovernanceService.ApplyPolicy",
                  auth::Action::kWritePolicy},
           response);
}

void ApiHandlers::DeletePolicy(const httplib::Request& request, httplib::Response& response) const {
  auto core_request = DeletePolicyRequestFrom(PolicyPathOf(request), request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  DeleteAndAudit<meshdex::v1::DeletePolicyResponse>(
      *services_.gatekeeper, request, response, "GovernanceService.DeletePolicy",
      auth::Action::kWritePolicy, core_request->domain(),
      governance::PolicyUrn(core_request->domain(), core_request->name()),
      [&] { return services_.governance->DeletePolicy(*core_request); });
}

void ApiHandlers::Evaluate(const httplib::Request& request, const std::string& body,
                           httplib::Response& response) const {
  absl::StatusOr<std::vector<DataProduct>> products =
      ProductsFromBody(request.get_header_value("Content-Type"), body);
  if (!products.ok()) return SendError(response, products.status());
  if (absl::Status one = RequireOneDocument("POST /v1/evaluate", products->size()); !one.ok()) {
    return SendError(response, one);
  }
  meshdex::v1::EvaluateRequest core_request;
  *core_request.mutable_product() = std::move(products->front());
  SendResult(response, services_.governance->Evaluate(core_request));
}

void ApiHandlers::ImportDescriptor(const httplib::Request& request, const std::string& body,
                                   httplib::Response& response) const {
  constexpr absl::string_view kOperation = "CatalogService.ImportDescriptor";
  const auth::Gatekeeper& gatekeeper = *services_.gatekeeper;
  const std::string authorization = AuthorizationOf(request);
  absl::StatusOr<auth::Principal> reader =
      gatekeeper.Admit(authorization, {kHttpTransport, kOperation, auth::Action::kRead, "", ""});
  if (!reader.ok()) return SendError(response, reader.status());
  absl::StatusOr<meshdex::v1::ImportDescriptorRequest> import =
      ImportDescriptorRequestFrom(request.params, body);
  if (!import.ok()) return SendError(response, import.status());
  absl::StatusOr<meshdex::v1::ImportDescriptorResponse> mapped = interop::MapImport(*import);
  if (!mapped.ok()) return SendError(response, mapped.status());
  const meshdex::v1::ObjectMeta& meta = mapped->product().metadata();
  // The request holds views: the name must outlive it.
  const std::string name = NameOf(mapped->product());
  const auth::Gatekeeper::Request write = {kHttpTransport, kOperation, auth::Action::kWriteProduct,
                                           meta.domain(), name};
  absl::StatusOr<auth::Principal> principal = gatekeeper.Admit(authorization, write);
  if (!principal.ok()) return SendError(response, principal.status());
  absl::StatusOr<meshdex::v1::ApplyProductResponse> applied =
      services_.catalog->ApplyProduct(interop::ApplyRequestFor(*mapped, import->dry_run()));
  const std::string dry_run_operation = auth::DryRunOperation(kOperation);
  auth::Gatekeeper::Request audited = write;
  if (import->dry_run()) audited.operation = dry_run_operation;
  const std::pair<int64_t, uint64_t> wrote = auth::AppliedWrite(import->dry_run(), applied);
  gatekeeper.RecordWrite(*principal, audited, applied.status(), wrote.first, wrote.second);
  if (!applied.ok()) return SendError(response, applied.status());
  const bool created =
      !import->dry_run() && applied->outcome() == meshdex::v1::ApplyOutcome::CREATED;
  interop::AddApplyOutcome(*std::move(applied), &*mapped);
  SendResult(response, mapped, created ? 201 : 200);
}

void ApiHandlers::ExportDescriptor(const httplib::Request& request,
                                   httplib::Response& response) const {
  absl::StatusOr<meshdex::v1::ExportDescriptorRequest> export_request =
      ExportDescriptorRequestFrom(request.matches[1].str(), request.matches[2].str(),
                                  request.params);
  if (!export_request.ok()) return SendError(response, export_request.status());
  absl::StatusOr<meshdex::v1::ExportDescriptorResponse> exported =
      interop::ExportDescriptor(*services_.catalog, *export_request);
  if (!exported.ok()) return SendError(response, exported.status());
  if (!exported->unmapped().empty()) {
    response.set_header("X-Meshdex-Unmapped", absl::StrJoin(exported->unmapped(), ", "));
  }
  response.set_content(exported->content(), "application/yaml");
}

void ApiHandlers::GetScorecard(const httplib::Request& request, httplib::Response& response) const {
  Respond(*services_.governance, &governance::Governance::GetScorecard,
          GetScorecardRequestFrom(request.params), response);
}

bool ApiHandlers::LineageAvailable(httplib::Response& response) const {
  if (services_.lineage.available()) return true;
  SendError(response, absl::UnavailableError("lineage not available"));
  return false;
}

void ApiHandlers::IngestLineage(const httplib::Request& request, const std::string& body,
                                httplib::Response& response) const {
  if (!LineageAvailable(response)) return;
  const auth::Gatekeeper::Request ingest = {kHttpTransport, "LineageService.IngestEvents",
                                            auth::Action::kIngest, "", "lineage"};
  absl::StatusOr<auth::Principal> principal =
      services_.gatekeeper->Admit(AuthorizationOf(request), ingest);
  if (!principal.ok()) return SendError(response, principal.status());
  absl::StatusOr<LineageBody> lineage_body = LineageEventsFromBody(body);
  if (!lineage_body.ok()) return SendError(response, lineage_body.status());
  meshdex::v1::IngestEventsResponse ingested;
  const absl::Status outcome = IngestAll(*lineage_body, ingested, response);
  // Audited once per request, with the last sequence it wrote.
  services_.gatekeeper->RecordWrite(*principal, ingest, outcome, 0, ingested.sequence());
}

absl::Status ApiHandlers::IngestAll(LineageBody& lineage_body,
                                    meshdex::v1::IngestEventsResponse& ingested,
                                    httplib::Response& response) const {
  meshdex::v1::IngestEventRequest event_request;
  for (size_t i = 0; i < lineage_body.events.size(); ++i) {
    event_request.set_event_json(std::move(lineage_body.events[i]));
    absl::StatusOr<meshdex::v1::IngestEventResponse> event =
        services_.lineage.ingest_event(event_request);
    if (event.ok()) {
      ingested.set_accepted(ingested.accepted() + 1);
      ingested.set_sequence(event->sequence());
    }
    if (!lineage_body.batch) {
      SendResult(response, event, 201);
      return event.status();
    }
    if (!event.ok()) {
      SendError(response, WithContext(event.status(),
                                      absl::StrCat("event ", i + 1, "; the ", i,
                                                   " event(s) before it were stored")));
      return event.status();
    }
  }
  SendMessage(response, ingested, 201);
  return absl::OkStatus();
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
  absl::StatusOr<MarquezNodeRecords> records = ReadNodeRecords(*graph);
  if (!records.ok()) return SendError(response, records.status());
  SendJson(response, ToMarquezGraph(*graph, *records)
                         .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

absl::StatusOr<MarquezNodeRecords> ApiHandlers::ReadNodeRecords(
    const meshdex::v1::LineageGraph& graph) const {
  MarquezNodeRecords records;
  for (const meshdex::v1::LineageNode& node : graph.nodes()) {
    if (node.type() == "dataset") {
      auto dataset = services_.lineage.get_dataset(node.namespace_(), node.name());
      if (!dataset.ok()) return dataset.status();
      if (dataset->has_value()) records.datasets.emplace(node.id(), **std::move(dataset));
    } else if (node.type() == "job") {
      auto job = services_.lineage.get_job(node.namespace_(), node.name());
      if (!job.ok()) return job.status();
      if (!job->has_value()) continue;
      if (!(*job)->latest_run_id().empty()) {
        auto run = services_.lineage.get_run((*job)->latest_run_id());
        if (!run.ok()) return run.status();
        if (run->has_value()) records.latest_runs.emplace(node.id(), **std::move(run));
      }
      records.jobs.emplace(node.id(), **std::move(job));
    }
  }
  return records;
}

void ApiHandlers::ListRuns(const httplib::Request& request, httplib::Response& response) const {
  if (!LineageAvailable(response)) return;
  auto core_request = ListRunsRequestFrom(request.params);
  if (!core_request.ok()) return SendError(response, core_request.status());
  SendResult(response, services_.lineage.list_runs(*core_request));
}

}  // namespace meshdex::http
