// What the HTTP gateway serves and how: the core objects its handlers call
// (the same ones the gRPC services call, so every operation has one
// implementation and behaves identically on both transports) and its limits.
//
// Lineage is optional: until a lineage core is wired in, `lineage` is empty
// and the lineage routes answer 503 UNAVAILABLE. Wiring one is one line:
//   services.lineage = http::LineageHandlersFor(lineage_core);
#ifndef MESHDEX_SERVER_HTTP_SERVICES_H_
#define MESHDEX_SERVER_HTTP_SERVICES_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/searcher.h"
#include "index/suggester.h"
#include "meshdex/v1/lineage.pb.h"
#include "server/auth/gatekeeper.h"
#include "server/catalog/catalog.h"
#include "server/governance/governance.h"
#include "server/metrics/registry.h"

namespace meshdex::http {

// The lineage operations behind POST/GET /api/v1/lineage, /v1/lineage and
// /v1/runs.
struct LineageHandlers {
  std::function<absl::StatusOr<meshdex::v1::IngestEventResponse>(
      const meshdex::v1::IngestEventRequest&)>
      ingest_event;
  std::function<absl::StatusOr<meshdex::v1::LineageGraph>(const meshdex::v1::GetLineageRequest&)>
      get_lineage;
  std::function<absl::StatusOr<meshdex::v1::ListRunsResponse>(const meshdex::v1::ListRunsRequest&)>
      list_runs;
  // Stored records of graph nodes (what Marquez's node data shows): a
  // dataset or job by namespace and name, a run by id; nullopt when none.
  std::function<absl::StatusOr<std::optional<meshdex::v1::LineageDataset>>(const std::string& ns,
                                                                           const std::string& name)>
      get_dataset;
  std::function<absl::StatusOr<std::optional<meshdex::v1::LineageJob>>(const std::string& ns,
                                                                       const std::string& name)>
      get_job;
  std::function<absl::StatusOr<std::optional<meshdex::v1::RunRecord>>(const std::string& run_id)>
      get_run;

  bool available() const {
    return ingest_event && get_lineage && list_runs && get_dataset && get_job && get_run;
  }
};

// Binds the handlers to a lineage core that offers the LineageService RPCs as
// methods taking the request message and returning absl::StatusOr of the
// response (the way catalog::Catalog offers CatalogService's). `core` must
// outlive the gateway.
template <typename LineageCore>
LineageHandlers LineageHandlersFor(LineageCore& core) {
  LineageHandlers handlers;
  handlers.ingest_event = [&core](const meshdex::v1::IngestEventRequest& request) {
    return core.IngestEvent(request);
  };
  handlers.get_lineage = [&core](const meshdex::v1::GetLineageRequest& request) {
    return core.GetLineage(request);
  };
  handlers.list_runs = [&core](const meshdex::v1::ListRunsRequest& request) {
    return core.ListRuns(request);
  };
  handlers.get_dataset = [&core](const std::string& ns, const std::string& name) {
    return core.GetDataset(ns, name);
  };
  handlers.get_job = [&core](const std::string& ns, const std::string& name) {
    return core.GetJob(ns, name);
  };
  handlers.get_run = [&core](const std::string& run_id) { return core.GetRun(run_id); };
  return handlers;
}

// Not owned; everything must outlive the gateway. All but `lineage` are
// required.
struct GatewayServices {
  catalog::Catalog* catalog = nullptr;
  governance::Governance* governance = nullptr;
  const index::Searcher* searcher = nullptr;
  const index::Suggester* suggester = nullptr;
  LineageHandlers lineage;
  // Answers /readyz.
  std::function<bool()> ready;
  // Required: receives the HTTP request metrics; rendered by /metrics.
  metrics::Registry* metrics = nullptr;
  // Required: admits every API request (and audits denials and writes), by
  // the same rules as the gRPC services.
  const auth::Gatekeeper* gatekeeper = nullptr;
  // Serve /metrics without a token even when auth is on.
  bool metrics_public = false;
  // Optional: told of every answered API request ("GET /v1/products", HTTP
  // status, raw Authorization header, latency), e.g. for the slow-request log.
  std::function<void(const std::string& operation, const std::string& status,
                     const std::string& authorization, absl::Duration latency)>
      observe_request;
};

struct GatewayOptions {
  // Larger request bodies are refused with 413 before they are read.
  size_t max_body_bytes = 8 << 20;
  // Worker threads: the most requests (and keep-alive connections) served at
  // once; further connections wait in the accept queue.
  int threads = 16;
  // Longest stall of one read or write, and idle time of a kept-alive
  // connection, before the connection is dropped: a slow or broken client
  // holds a worker at most this long per stall.
  absl::Duration io_timeout = absl::Seconds(5);
  // Serve the UI from this directory (development); files it lacks, such as
  // the vendor/ libraries, still come from the copy built into the binary.
  // Empty: only the built-in copy.
  std::string ui_dir;
  // HTTPS with this certificate chain and key (PEM files) when both are set;
  // with `tls_client_ca` too, clients must present a certificate it signed.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // host:port of the GraphQL gateway /graphql is forwarded to
  // (graphql_proxy.h); empty: /graphql answers 503.
  std::string graphql_upstream;
};

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_SERVICES_H_
