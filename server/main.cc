// meshdexd: the meshdex catalog server. Wires the store, the catalog core and
// the transports together and owns the process lifecycle: start, ready file,
// graceful stop on SIGTERM/SIGINT.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "nlohmann/json.hpp"
#include "index/follower.h"
#include "index/searcher.h"
#include "index/suggester.h"
#include "server/allocator.h"
#include "server/api/admin_service.h"
#include "server/api/catalog_service.h"
#include "server/api/governance_service.h"
#include "server/api/lineage_service.h"
#include "server/api/search_service.h"
#include "server/api/grpc_gate.h"
#include "server/auth/audit_log.h"
#include "server/auth/gate.h"
#include "server/auth/gatekeeper.h"
#include "server/catalog/catalog.h"
#include "server/demo.h"
#include "server/http/gateway.h"
#include "server/http/graphql_proxy.h"
#include "server/lineage/lineage.h"
#include "server/metrics/grpc_interceptor.h"
#include "server/metrics/registry.h"
#include "server/metrics/server_gauges.h"
#include "server/listen_address.h"
#include "server/logging.h"
#include "server/malformed_requests.h"
#include "server/request_log.h"
#include "server/version.h"
#include "spdlog/spdlog.h"
#include "storage/store.h"

ABSL_FLAG(std::string, data_dir, "./meshdex-data", "Directory holding the store and the index.");
ABSL_FLAG(std::string, grpc_listen, "127.0.0.1:50051", "gRPC listen address (port 0 = pick a free one).");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080", "HTTP listen address (port 0 = pick a free one).");
ABSL_FLAG(std::string, ready_file, "",
          "Once serving, write {\"grpc\":\"host:port\",\"http\":\"host:port\"} to this file.");
ABSL_FLAG(bool, demo, false, "Load the demo mesh into an empty data dir.");
ABSL_FLAG(std::string, log_format, "text", "Log format: text or json.");
ABSL_FLAG(bool, sync_writes, true, "fsync the write-ahead log before acknowledging a write.");
ABSL_FLAG(bool, insecure, false,
          "Allow listening on non-loopback addresses without authentication.");
ABSL_FLAG(std::string, auth_file, "",
          "YAML file of bearer tokens (SHA-256 hashes) with their principals and roles; "
          "re-read on SIGHUP. Without it: loopback only, every caller is admin.");
ABSL_FLAG(int, grpc_max_message_bytes, 8 << 20,
          "Largest gRPC request message; larger ones fail with RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, grpc_max_concurrent_streams, 100,
          "Most gRPC calls one client connection may have open at once; more wait.");
ABSL_FLAG(bool, metrics_public, false, "Serve /metrics without a token when auth is on.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve gRPC and HTTP over TLS.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates: require clients to present a certificate they signed (mTLS).");
ABSL_FLAG(bool, reindex, false, "Rebuild the search index from the store before serving.");
ABSL_FLAG(int, index_batch_records, 1000,
          "Most change-log records the search index applies in one commit (a follower that is "
          "behind commits this many at once).");
ABSL_FLAG(int, index_commit_interval_ms, 50,
          "While writes trickle in, least milliseconds between two search index commits (a write "
          "after a quiet spell is committed at once; 0 commits every batch at once).");
ABSL_FLAG(bool, lineage_graph_in_memory, true,
          "Keep the lineage graph's edges in memory for walks (loaded in the background at start).");
ABSL_FLAG(int, block_cache_mb, 512,
          "RocksDB block cache in MiB (decompressed blocks, indexes and filters of the store).");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "On SIGTERM, how long in-flight calls may take before they are cancelled.");
ABSL_FLAG(int, slow_request_ms, 0,
          "Log gRPC and HTTP requests taking at least this many milliseconds at warn, with rpc, "
          "code, latency_ms and principal (0 = off).");
ABSL_FLAG(std::string, ui_dir, "",
          "Serve the web UI from this directory (development) instead of the built-in copy.");
ABSL_FLAG(uint64_t, http_max_body_bytes, 8 << 20, "Largest HTTP request body; larger ones get 413.");
ABSL_FLAG(int, http_threads, 16, "HTTP worker threads (requests served at once).");
ABSL_FLAG(int, grpc_idle_threads, 16,
          "gRPC worker threads kept waiting for calls between bursts (more are started on demand).");
ABSL_FLAG(std::string, graphql_upstream, "",
          "host:port of the GraphQL gateway (clients/graphql) that /graphql is forwarded to.");
ABSL_FLAG(int, http_io_timeout_ms, 5000,
          "Longest HTTP read or write stall, and keep-alive idle time, before a connection is dropped.");

namespace meshdex::server {
namespace {

// The gRPC health service name that is SERVING once the search index has
// caught up with the store as it was at start (readiness).
constexpr char kIndexHealthService[] = "meshdex.v1.SearchService";

// Writes the ready file atomically (temp file + rename) so a reader never sees
// a partial document.
absl::Status WriteReadyFile(const std::string& path, const ListenAddress& grpc,
                            const ListenAddress& http) {
  nlohmann::json ready = {{"grpc", grpc.ToString()}, {"http", http.ToString()}};
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << ready.dump() << "\n";
    if (!out.good()) return absl::UnavailableError(absl::StrCat("--ready_file: cannot write ", temp));
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) return absl::UnavailableError(absl::StrCat("--ready_file: ", error.message()));
  return absl::OkStatus();
}

// Blocks SIGTERM/SIGINT/SIGHUP in the calling thread and so in every thread
// started after it, so that WaitForTerminationSignal can take them
// synchronously. Called first: a thread started before (gRPC starts its own
// when the first credentials are made) would leave them unblocked, and the
// kernel may hand a SIGTERM to such a thread, whose default action ends the
// process at once instead of shutting it down.
sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Waits for SIGTERM or SIGINT; each SIGHUP meanwhile re-reads the auth file
// (connections and calls in flight are not touched).
int WaitForTerminationSignal(const sigset_t& signals, auth::Gate& gate) {
  while (true) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal != SIGHUP) return signal;
    if (!gate.enabled()) {
      spdlog::info("SIGHUP: no --auth_file to reload");
    } else if (absl::Status status = gate.Reload(); !status.ok()) {
      spdlog::error("SIGHUP: auth file not reloaded, the previous tokens stay: {}",
                    status.ToString());
    }
  }
}

// The authentication of the API: the tokens of --auth_file, or none.
absl::StatusOr<std::unique_ptr<auth::Gate>> OpenGate() {
  const std::string auth_file = absl::GetFlag(FLAGS_auth_file);
  if (auth_file.empty()) return auth::Gate::Disabled();
  absl::StatusOr<std::unique_ptr<auth::Gate>> gate = auth::Gate::FromFile(auth_file);
  if (!gate.ok()) {
    return absl::Status(gate.status().code(),
                        absl::StrCat("--auth_file: ", gate.status().message()));
  }
  return gate;
}

// Reads a whole (PEM) file named by `flag`.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  if (text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is not a PEM file"));
  }
  return text.str();
}

// gRPC server credentials from the TLS flags: TLS when --tls_cert and
// --tls_key are given (mTLS with --tls_client_ca), plaintext otherwise.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcCredentials() {
  const std::string cert_path = absl::GetFlag(FLAGS_tls_cert);
  const std::string key_path = absl::GetFlag(FLAGS_tls_key);
  const std::string client_ca_path = absl::GetFlag(FLAGS_tls_client_ca);
  if (cert_path.empty() != key_path.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key: give both or neither");
  }
  if (cert_path.empty()) {
    if (!client_ca_path.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca: needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<std::string> cert = ReadPemFile(cert_path, "--tls_cert");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFile(key_path, "--tls_key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(
      client_ca_path.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                             : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  if (!client_ca_path.empty()) {
    absl::StatusOr<std::string> client_ca = ReadPemFile(client_ca_path, "--tls_client_ca");
    if (!client_ca.ok()) return client_ca.status();
    options.pem_root_certs = *std::move(client_ca);
  }
  options.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  return grpc::SslServerCredentials(options);
}

absl::Status CheckLimitFlags() {
  if (absl::GetFlag(FLAGS_grpc_max_message_bytes) < 4096) {
    return absl::InvalidArgumentError("--grpc_max_message_bytes: must be at least 4096");
  }
  if (absl::GetFlag(FLAGS_grpc_max_concurrent_streams) < 1) {
    return absl::InvalidArgumentError("--grpc_max_concurrent_streams: must be at least 1");
  }
  if (absl::GetFlag(FLAGS_slow_request_ms) < 0) {
    return absl::InvalidArgumentError("--slow_request_ms: must be 0 (off) or more");
  }
  if (absl::GetFlag(FLAGS_http_threads) < 1) {
    return absl::InvalidArgumentError("--http_threads: must be at least 1");
  }
  if (absl::GetFlag(FLAGS_grpc_idle_threads) < 2) {
    return absl::InvalidArgumentError("--grpc_idle_threads: must be at least 2");
  }
  if (absl::GetFlag(FLAGS_index_batch_records) < 1) {
    return absl::InvalidArgumentError("--index_batch_records: must be at least 1");
  }
  if (absl::GetFlag(FLAGS_index_commit_interval_ms) < 0) {
    return absl::InvalidArgumentError("--index_commit_interval_ms: must be 0 (no pacing) or more");
  }
  if (absl::GetFlag(FLAGS_block_cache_mb) < 8) {
    return absl::InvalidArgumentError("--block_cache_mb: must be at least 8");
  }
  return http::GraphqlProxy::CheckUpstream(absl::GetFlag(FLAGS_graphql_upstream));
}

absl::Status CheckListenPolicy(const ListenAddress& grpc, const ListenAddress& http) {
  if (!absl::GetFlag(FLAGS_auth_file).empty()) return absl::OkStatus();
  if (absl::GetFlag(FLAGS_insecure)) {
    spdlog::warn("--insecure: serving without authentication; every caller is admin");
    return absl::OkStatus();
  }
  for (const ListenAddress* address : {&grpc, &http}) {
    if (!address->IsLoopback()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to listen on non-loopback ", address->ToString(),
          " without authentication: give --auth_file, or pass --insecure to do it "
          "deliberately"));
    }
  }
  spdlog::warn("no authentication configured: serving loopback only, every caller is admin");
  return absl::OkStatus();
}

absl::Status Run() {
  const sigset_t signals = BlockTerminationSignals();
  if (absl::Status status = ConfigureLogging(absl::GetFlag(FLAGS_log_format)); !status.ok()) {
    return status;
  }
  InstallProtobufLogHandler();
  spdlog::info("meshdexd {} starting ({})", BuildVersion(), AllocatorName());
  absl::StatusOr<ListenAddress> grpc_address =
      ParseListenAddress(absl::GetFlag(FLAGS_grpc_listen), "--grpc_listen");
  if (!grpc_address.ok()) return grpc_address.status();
  absl::StatusOr<ListenAddress> http_address =
      ParseListenAddress(absl::GetFlag(FLAGS_http_listen), "--http_listen");
  if (!http_address.ok()) return http_address.status();
  if (absl::Status status = CheckLimitFlags(); !status.ok()) return status;
  if (absl::Status status = CheckListenPolicy(*grpc_address, *http_address); !status.ok()) {
    return status;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = GrpcCredentials();
  if (!credentials.ok()) return credentials.status();
  absl::StatusOr<std::unique_ptr<auth::Gate>> gate = OpenGate();
  if (!gate.ok()) return gate.status();

  const std::filesystem::path data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("--data_dir: cannot create ", data_dir.string(), ": ", error.message()));
  }
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(
      {.path = (data_dir / "store").string(),
       .sync_writes = absl::GetFlag(FLAGS_sync_writes),
       .lineage_graph_in_memory = absl::GetFlag(FLAGS_lineage_graph_in_memory),
       .block_cache_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_block_cache_mb)) << 20});
  if (!store.ok()) return store.status();
  spdlog::info("store open at {} (last sequence {})", (*store)->path(), (*store)->LastSequence());
  auth::AuditLog audit_log(**store);
  const auth::Gatekeeper gatekeeper(**gate, audit_log);
  const api::GrpcGate grpc_gate(gatekeeper);

  index::IndexFollowerOptions index_options;
  index_options.max_batch_records = static_cast<size_t>(absl::GetFlag(FLAGS_index_batch_records));
  index_options.min_commit_interval =
      absl::Milliseconds(absl::GetFlag(FLAGS_index_commit_interval_ms));
  index::IndexFollower follower(**store, (data_dir / "index").string(), index_options);
  if (absl::GetFlag(FLAGS_reindex)) {
    spdlog::info("--reindex: rebuilding the search index from the store");
    if (absl::Status status = follower.Rebuild(); !status.ok()) return status;
  }
  if (absl::Status status = follower.Start(); !status.ok()) return status;
  index::Searcher searcher(follower);
  index::Suggester suggester(follower);

  absl::StatusOr<std::unique_ptr<governance::Governance>> governance =
      governance::Governance::Open(**store);
  if (!governance.ok()) return governance.status();
  // Brings stored products up to policy changes of an earlier run, then
  // follows policy writes.
  (*governance)->Start();

  lineage::Lineage lineage(**store);
  catalog::Catalog::Options catalog_options;
  // Every product write is governed by the policies in force.
  catalog_options.govern = [&governance = **governance](const meshdex::v1::DataProduct* previous,
                                                        const meshdex::v1::DataProduct& next) {
    return governance.GovernWrite(previous, next);
  };
  // Products are read with their lineage trust, on every transport.
  catalog_options.fill_status = [&lineage](meshdex::v1::DataProduct& product) {
    return lineage.FillTrust(product);
  };
  catalog::Catalog catalog(**store, std::move(catalog_options));
  if (absl::GetFlag(FLAGS_demo)) {
    if ((*store)->LastSequence() == 0) {
      absl::StatusOr<DemoLoad> loaded = LoadDemoMesh(catalog, **governance);
      if (!loaded.ok()) return loaded.status();
      absl::StatusOr<int> events = LoadDemoLineage(catalog, lineage, absl::Now());
      if (!events.ok()) return events.status();
      spdlog::info("demo mesh loaded: {} policies, {} products, {} lineage events",
                   loaded->policies, loaded->products, *events);
    } else {
      spdlog::info("--demo: data dir is not empty, demo mesh not loaded");
    }
  }

  absl::Notification shutting_down;
  api::CatalogService catalog_service(grpc_gate, catalog, **store, shutting_down);
  api::SearchService search_service(grpc_gate, searcher, suggester);
  api::LineageService lineage_service(grpc_gate, lineage);
  api::AdminService admin_service(grpc_gate, **store, follower, (data_dir / "index").string(),
                                  audit_log);
  api::GovernanceService governance_service(grpc_gate, **governance);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  metrics::Registry metrics;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // First, so the metrics and the slow-request log see the status it sets.
  interceptors.push_back(std::make_unique<MalformedRequestInterceptorFactory>());
  interceptors.push_back(std::make_unique<metrics::GrpcMetricsInterceptorFactory>(metrics));
  const SlowRequestLog slow_requests(**gate,
                                     absl::Milliseconds(absl::GetFlag(FLAGS_slow_request_ms)));
  if (slow_requests.enabled()) {
    interceptors.push_back(std::make_unique<SlowGrpcRequestLog>(slow_requests));
  }
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_grpc_max_message_bytes));
  // gRPC's sync pool keeps at most 2 idle threads by default: with a few
  // concurrent callers each burst ended workers and the next started new
  // ones, so many calls paid for creating a thread. Idle ones are kept now.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              absl::GetFlag(FLAGS_grpc_idle_threads));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             absl::GetFlag(FLAGS_grpc_max_concurrent_streams));
  int grpc_port = 0;
  builder.AddListeningPort(grpc_address->ToString(), *credentials, &grpc_port);
  builder.RegisterService(&catalog_service);
  builder.RegisterService(&search_service);
  builder.RegisterService(&lineage_service);
  builder.RegisterService(&admin_service);
  builder.RegisterService(&governance_service);
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  if (grpc_server == nullptr || grpc_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("--grpc_listen: cannot listen on ", grpc_address->ToString(), " (in use?)"));
  }
  grpc_address->port = grpc_port;
  grpc_server->GetHealthCheckService()->SetServingStatus(true);
  // The health of "meshdex.v1.SearchService" is what /readyz says (below):
  // NOT_SERVING until the index has caught up; Kubernetes' readiness probe
  // asks for it, liveness for the server ("").
  grpc_server->GetHealthCheckService()->SetServingStatus(kIndexHealthService, false);

  // Ready once the index has caught up with the store as it was at start, so
  // a load balancer sends no searches to an instance that is still rebuilding.
  const uint64_t start_sequence = (*store)->LastSequence();
  metrics::ServerGauges gauges(metrics, **store, follower, (data_dir / "store").string(),
                               (data_dir / "index").string(), metrics::ServerGauges::Options());
  http::GatewayServices http_services;
  http_services.catalog = &catalog;
  http_services.governance = governance->get();
  http_services.searcher = &searcher;
  http_services.suggester = &suggester;
  http_services.lineage = http::LineageHandlersFor(lineage);
  http_services.ready = [&] {
    return !shutting_down.HasBeenNotified() && follower.AppliedSequence() >= start_sequence;
  };
  http_services.metrics = &metrics;
  http_services.gatekeeper = &gatekeeper;
  http_services.metrics_public = absl::GetFlag(FLAGS_metrics_public);
  if (slow_requests.enabled()) {
    http_services.observe_request = [&slow_requests](const std::string& operation,
                                                     const std::string& status,
                                                     const std::string& authorization,
                                                     absl::Duration latency) {
      slow_requests.Observe("http", operation, status, authorization, latency);
    };
  }
  http::HttpGateway gateway(
      std::move(http_services),
      {.max_body_bytes = absl::GetFlag(FLAGS_http_max_body_bytes),
       .threads = absl::GetFlag(FLAGS_http_threads),
       .io_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_http_io_timeout_ms)),
       .ui_dir = absl::GetFlag(FLAGS_ui_dir),
       .tls_cert = absl::GetFlag(FLAGS_tls_cert),
       .tls_key = absl::GetFlag(FLAGS_tls_key),
       .tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca),
       .graphql_upstream = absl::GetFlag(FLAGS_graphql_upstream)});
  absl::StatusOr<ListenAddress> http_bound = gateway.Start(*http_address);
  if (!http_bound.ok()) {
    grpc_server->Shutdown();
    return http_bound.status();
  }

  if (const std::string ready_file = absl::GetFlag(FLAGS_ready_file); !ready_file.empty()) {
    if (absl::Status status = WriteReadyFile(ready_file, *grpc_address, *http_bound); !status.ok()) {
      grpc_server->Shutdown();
      gateway.Stop();
      return status;
    }
  }
  spdlog::info("meshdexd serving: gRPC on {}, HTTP on http://{}/", grpc_address->ToString(),
               http_bound->ToString());
  absl::Notification stop_index_health;
  std::thread index_health([&] {
    while (!stop_index_health.HasBeenNotified()) {
      if (follower.WaitForSequence(start_sequence, absl::Now() + absl::Milliseconds(200))) {
        grpc_server->GetHealthCheckService()->SetServingStatus(kIndexHealthService, true);
        return;
      }
    }
  });

  int signal = WaitForTerminationSignal(signals, **gate);
  spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  const absl::Time stop_start = absl::Now();
  stop_index_health.Notify();
  index_health.join();
  grpc_server->GetHealthCheckService()->SetServingStatus(false);
  shutting_down.Notify();
  gateway.Stop();
  grpc_server->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  const absl::Duration drain = absl::Now() - stop_start;
  grpc_server.reset();
  follower.Stop();
  (*governance)->Stop();
  const absl::Time flush_start = absl::Now();
  if (absl::Status flushed = (*store)->FlushForRestart(); flushed.ok()) {
    spdlog::info("store flushed in {} ms: nothing to replay at the next start",
                 absl::ToInt64Milliseconds(absl::Now() - flush_start));
  } else {
    // Nothing is lost: the WAL still holds it, and the next start replays it.
    spdlog::warn("flushing the store before exit failed: {}", flushed.ToString());
  }
  store->reset();
  spdlog::info("meshdexd stopped in {} ms (gRPC drain {} ms)",
               absl::ToInt64Milliseconds(absl::Now() - stop_start), absl::ToInt64Milliseconds(drain));
  return absl::OkStatus();
}

}  // namespace
}  // namespace meshdex::server

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "meshdex catalog server.\nUsage: meshdexd [--data_dir=DIR] [--grpc_listen=HOST:PORT] "
      "[--http_listen=HOST:PORT] [--demo] [--ready_file=PATH]");
  absl::FlagsUsageConfig usage_config;
  usage_config.version_string = [] {
    return absl::StrCat("meshdexd ", meshdex::server::BuildVersion(), "\n");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);
#ifdef NDEBUG
  // Debian's libabsl is built without NDEBUG, so every absl::Mutex acquisition
  // would feed the deadlock detector's global lock-order graph (a process-wide
  // lock of its own). Release builds of meshdexd do without; debug builds and
  // the sanitizer build (whose test suite thus still checks lock order) keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  absl::Status status = meshdex::server::Run();
  if (!status.ok()) {
    spdlog::error("meshdexd: {}", status.ToString());
    return 1;
  }
  return 0;
}
