// ApiHandlers: the handlers of the JSON API routes (/v1/..., /api/v1/lineage).
// Each maps the HTTP request to the core's request (request_mapping.h), calls
// the same core object the gRPC service calls, and writes the response or the
// error; no operation is implemented here.
//
// Product writes: POST /v1/products applies every document of the body
// (201 when the one document was created, else 200; several documents answer
// {"results":[ApplyProductResponse...]}). A multi-document body is first
// dry-run as a whole, so a document the catalog rejects stores nothing of the
// batch; only a conflicting concurrent write between the dry run and the
// writes can leave a batch half applied, and then the error says how many
// documents were stored. POST /v1/policies applies Policy documents the same
// way.
//
// Thread-safety: thread-safe (const; the core objects are thread-safe).
#ifndef MESHDEX_SERVER_HTTP_API_HANDLERS_H_
#define MESHDEX_SERVER_HTTP_API_HANDLERS_H_

#include <string>

#include "httplib.h"
#include "server/http/request_mapping.h"
#include "server/http/marquez.h"
#include "server/http/services.h"

namespace meshdex::http {

class ApiHandlers {
 public:
  explicit ApiHandlers(const GatewayServices& services) : services_(services) {}

  // Handlers of routes without a body take (request, response); routes with
  // one also take the body, read and bounded by the gateway. Path captures
  // are request.matches[1...].
  void ListProducts(const httplib::Request& request, httplib::Response& response) const;
  void ApplyProducts(const httplib::Request& request, const std::string& body,
                     httplib::Response& response) const;
  void GetProduct(const httplib::Request& request, httplib::Response& response) const;
  void PutProduct(const httplib::Request& request, const std::string& body,
                  httplib::Response& response) const;
  void DeleteProduct(const httplib::Request& request, httplib::Response& response) const;
  // POST /v1/import?from=odcs|dpds|odps|datacontract|auto[&domain=][&dry_run=]: the descriptor
  // in the body is mapped (400 naming the field when it cannot be), then
  // applied as a product write to its domain, answering an
  // ImportDescriptorResponse (201 when created). GET
  // /v1/products/{domain}/{name}/export?to=odcs answers the ODCS YAML, the
  // fields it could not carry listed in the X-Meshdex-Unmapped header.
  void ImportDescriptor(const httplib::Request& request, const std::string& body,
                        httplib::Response& response) const;
  void ExportDescriptor(const httplib::Request& request, httplib::Response& response) const;
  void ListRevisions(const httplib::Request& request, httplib::Response& response) const;
  void Search(const httplib::Request& request, httplib::Response& response) const;
  void Suggest(const httplib::Request& request, httplib::Response& response) const;
  void Resolve(const httplib::Request& request, httplib::Response& response) const;

  // Governance. GET|DELETE /v1/policies/{name} name a global policy,
  // /v1/policies/{domain}/{name} a domain's; both routes share a handler.
  // POST /v1/evaluate takes one DataProduct document and stores nothing.
  void ListPolicies(const httplib::Request& request, httplib::Response& response) const;
  void GetPolicy(const httplib::Request& request, httplib::Response& response) const;
  void ApplyPolicies(const httplib::Request& request, const std::string& body,
                     httplib::Response& response) const;
  void DeletePolicy(const httplib::Request& request, httplib::Response& response) const;
  void Evaluate(const httplib::Request& request, const std::string& body,
                httplib::Response& response) const;
  void GetScorecard(const httplib::Request& request, httplib::Response& response) const;

  // Lineage: 503 UNAVAILABLE while no lineage core is wired in.
  // POST /api/v1/lineage: 201 with {"sequence": ...} (one event) or
  // {"accepted": N, "sequence": ...} (a JSON array of events).
  void IngestLineage(const httplib::Request& request, const std::string& body,
                     httplib::Response& response) const;
  void GetLineage(const httplib::Request& request, httplib::Response& response) const;
  void GetMarquezLineage(const httplib::Request& request, httplib::Response& response) const;
  void ListRuns(const httplib::Request& request, httplib::Response& response) const;

 private:
  // False (after answering 503) when lineage is not available.
  bool LineageAvailable(httplib::Response& response) const;
  // The stored records of the graph's datasets and jobs (and each job's
  // latest run) that Marquez's node data shows.
  absl::StatusOr<MarquezNodeRecords> ReadNodeRecords(const meshdex::v1::LineageGraph& graph) const;
  // Ingests every event of the body and answers; the outcome (the first
  // error, if any), with the count and last sequence in `ingested`.
  absl::Status IngestAll(LineageBody& lineage_body, meshdex::v1::IngestEventsResponse& ingested,
                         httplib::Response& response) const;

  const GatewayServices services_;
};

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_API_HANDLERS_H_
