// Security of the real meshdexd with --auth_file: the access matrix
// (anonymous, unknown token, reader, ingest, owner:logistics, admin) x
// (get, search, apply in own / other domain, delete, ingest, global policy,
// domain policy, backup, audit), each cell asserted over gRPC and over HTTP;
// the audit log of writes and denials; reload on SIGHUP; no token in logs.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "server/auth/sha256.h"
#include "tests/testing/health_probe.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using grpc::StatusCode;

// Distinctive tokens, so a leak into a log is unmistakable.
const std::map<std::string, std::string>& Tokens() {
  static const auto* const kTokens = new std::map<std::string, std::string>{
      {"reader", "tok-READER-7f3a9c1e"},   {"ingest", "tok-INGEST-2b8d4f60"},
      {"owner", "tok-OWNER-LOG-91c7e2aa"}, {"admin", "tok-ADMIN-5e0b3d77"},
      {"unknown", "tok-UNKNOWN-0d1f2e3c"},
  };
  return *kTokens;
}

std::string AuthFile() {
  std::string yaml = "tokens:\n";
  const std::vector<std::pair<std::string, std::string>> roles = {
      {"reader", "reader"}, {"ingest", "ingest"}, {"owner", "owner:logistics"}, {"admin", "admin"}};
  for (const auto& [who, role] : roles) {
    yaml += "  - {principal: " + who + "-principal, sha256: " +
            auth::Sha256Hex(Tokens().at(who)) + ", roles: [" + role + "]}\n";
  }
  return yaml;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Callers of the matrix: "" = no token.
const std::vector<std::string>& Callers() {
  static const auto* const kCallers =
      new std::vector<std::string>{"anonymous", "unknown", "reader", "ingest", "owner", "admin"};
  return *kCallers;
}

std::string TokenOf(const std::string& caller) {
  return caller == "anonymous" ? "" : Tokens().at(caller);
}

// The expected outcome of each operation for each caller: OK, or the code.
struct Expectation {
  std::string operation;
  std::map<std::string, StatusCode> codes;  // absent caller = OK
};

StatusCode Unauthenticated() { return StatusCode::UNAUTHENTICATED; }

std::vector<Expectation> Matrix() {
  const StatusCode denied = StatusCode::PERMISSION_DENIED;
  auto only = [&](std::vector<std::string> allowed) {
    std::map<std::string, StatusCode> codes = {{"anonymous", Unauthenticated()},
                                               {"unknown", Unauthenticated()}};
    for (const char* caller : {"reader", "ingest", "owner", "admin"}) {
      if (std::find(allowed.begin(), allowed.end(), caller) == allowed.end()) {
        codes[caller] = denied;
      }
    }
    return codes;
  };
  return {
      {"get", only({"reader", "ingest", "owner", "admin"})},
      {"search", only({"reader", "ingest", "owner", "admin"})},
      {"apply in own domain", only({"owner", "admin"})},
      {"apply in other domain", only({"admin"})},
      {"delete", only({"owner", "admin"})},
      {"ingest", only({"ingest", "admin"})},
      {"global policy", only({"admin"})},
      {"domain policy", only({"owner", "admin"})},
      {"backup", only({"admin"})},
      {"audit", only({"admin"})},
  };
}

const char kEvent[] = R"({"eventType":"COMPLETE","eventTime":"2026-11-25T10:00:00Z",
"producer":"https://example.com/test","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
"run":{"runId":"3f2a9c8e-1d4b-4e6f-9a7c-5b8d2e1f0a3c"},"job":{"namespace":"test","name":"job"},
"inputs":[],"outputs":[]})";

class AuthIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth_file_ = dir_.Sub("auth.yaml");
    WriteFile(auth_file_, AuthFile());
    server_ = std::make_unique<testing::ServerProcess>(
        dir_.Sub("data"), std::vector<std::string>{"--demo", "--auth_file=" + auth_file_});
    ASSERT_TRUE(server_->Start());
    channel_ = server_->Channel();
  }

  template <typename Stub>
  std::unique_ptr<typename Stub::Stub> NewStub() {
    return Stub::NewStub(channel_);
  }

  static void Authorize(grpc::ClientContext& context, const std::string& caller) {
    if (caller == "anonymous") return;
    context.AddMetadata("authorization", "Bearer " + TokenOf(caller));
  }

  meshdex::v1::DataProduct Product(const std::string& domain, const std::string& name) {
    meshdex::v1::DataProduct product;
    product.mutable_metadata()->set_domain(domain);
    product.mutable_metadata()->set_name(name);
    product.mutable_spec()->set_title(name);
    product.mutable_spec()->set_version("1.0.0");
    product.mutable_spec()->add_tags("test");
    return product;
  }

  // Runs `operation` over gRPC as `caller`.
  grpc::Status CallGrpc(const std::string& operation, const std::string& caller) {
    grpc::ClientContext context;
    Authorize(context, caller);
    if (operation == "get") {
      meshdex::v1::GetProductRequest request;
      request.set_urn("urn:dp:logistics:shipments");
      meshdex::v1::DataProduct response;
      return NewStub<meshdex::v1::CatalogService>()->GetProduct(&context, request, &response);
    }
    if (operation == "search") {
      meshdex::v1::SearchRequest request;
      request.set_query("shipments");
      meshdex::v1::SearchResponse response;
      return NewStub<meshdex::v1::SearchService>()->Search(&context, request, &response);
    }
    if (operation == "apply in own domain" || operation == "apply in other domain") {
      meshdex::v1::ApplyProductRequest request;
      *request.mutable_product() =
          Product(operation == "apply in own domain" ? "logistics" : "sales", "matrix-" + caller);
      request.set_dry_run(true);
      meshdex::v1::ApplyProductResponse response;
      return NewStub<meshdex::v1::CatalogService>()->ApplyProduct(&context, request, &response);
    }
    if (operation == "delete") {
      // Each caller deletes a product of its own, made by the admin first.
      CreateAsAdmin(Product("logistics", "grpc-delete-" + caller));
      meshdex::v1::DeleteProductRequest request;
      request.set_urn("urn:dp:logistics:grpc-delete-" + caller);
      meshdex::v1::DeleteProductResponse response;
      return NewStub<meshdex::v1::CatalogService>()->DeleteProduct(&context, request, &response);
    }
    if (operation == "ingest") {
      meshdex::v1::IngestEventRequest request;
      request.set_event_json(kEvent);
      meshdex::v1::IngestEventResponse response;
      return NewStub<meshdex::v1::LineageService>()->IngestEvent(&context, request, &response);
    }
    if (operation == "global policy" || operation == "domain policy") {
      meshdex::v1::ApplyPolicyRequest request;
      meshdex::v1::Policy* policy = request.mutable_policy();
      policy->mutable_metadata()->set_name("matrix");
      if (operation == "domain policy") policy->mutable_metadata()->set_domain("logistics");
      policy->mutable_spec()->set_enforcement("warn");
      auto* rule = policy->mutable_spec()->add_rules();
      rule->set_path("spec.tags");
      rule->set_min_items(1);
      request.set_dry_run(true);
      meshdex::v1::ApplyPolicyResponse response;
      return NewStub<meshdex::v1::GovernanceService>()->ApplyPolicy(&context, request, &response);
    }
    if (operation == "backup") {
      meshdex::v1::BackupRequest request;
      request.set_path(dir_.Sub("backup-grpc-" + caller));
      meshdex::v1::BackupResponse response;
      return NewStub<meshdex::v1::AdminService>()->Backup(&context, request, &response);
    }
    meshdex::v1::ListAuditRequest request;
    meshdex::v1::ListAuditResponse response;
    return NewStub<meshdex::v1::AdminService>()->ListAudit(&context, request, &response);
  }

  void CreateAsAdmin(const meshdex::v1::DataProduct& product) {
    grpc::ClientContext context;
    Authorize(context, "admin");
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    meshdex::v1::ApplyProductResponse response;
    grpc::Status status =
        NewStub<meshdex::v1::CatalogService>()->ApplyProduct(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  httplib::Client Http() {
    httplib::Client client("http://" + server_->http_address());
    client.set_default_headers({{"Accept-Encoding", "identity"}});
    return client;
  }

  // Runs `operation` over HTTP as `caller`; the HTTP status.
  int CallHttp(const std::string& operation, const std::string& caller) {
    httplib::Client client = Http();
    httplib::Headers headers;
    if (caller != "anonymous") headers.emplace("Authorization", "Bearer " + TokenOf(caller));
    auto status_of = [](const httplib::Result& result) { return result ? result->status : -1; };
    if (operation == "get") return status_of(client.Get("/v1/products/logistics/shipments", headers));
    if (operation == "search") return status_of(client.Get("/v1/search?q=shipments", headers));
    if (operation == "apply in own domain" || operation == "apply in other domain") {
      const std::string domain = operation == "apply in own domain" ? "logistics" : "sales";
      return status_of(client.Post(
          "/v1/products?dry_run=true", headers,
          "{\"metadata\":{\"domain\":\"" + domain + "\",\"name\":\"http-" + caller +
              "\"},\"spec\":{\"version\":\"1.0.0\",\"tags\":[\"t\"]}}",
          "application/json"));
    }
    if (operation == "delete") {
      CreateAsAdmin(Product("logistics", "http-delete-" + caller));
      return status_of(client.Delete("/v1/products/logistics/http-delete-" + caller, headers));
    }
    if (operation == "ingest") {
      return status_of(client.Post("/api/v1/lineage", headers, kEvent, "application/json"));
    }
    if (operation == "global policy" || operation == "domain policy") {
      const std::string domain = operation == "domain policy" ? ", domain: logistics" : "";
      return status_of(client.Post("/v1/policies?dry_run=true", headers,
                                   "kind: Policy\nmetadata: {name: matrix" + domain +
                                       "}\nspec: {enforcement: warn, rules: [{path: spec.tags, "
                                       "minItems: 1}]}\n",
                                   "application/yaml"));
    }
    // No HTTP route for backup or the audit log: /metrics is the admin route.
    return status_of(client.Get("/metrics", headers));
  }

  testing::TempDir dir_;
  std::string auth_file_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::UNAUTHENTICATED: return 401;
    case StatusCode::PERMISSION_DENIED: return 403;
    default: return 200;
  }
}

TEST_F(AuthIntegrationTest, AccessMatrixOverGrpc) {
  for (const Expectation& row : Matrix()) {
    for (const std::string& caller : Callers()) {
      auto expected = row.codes.find(caller);
      grpc::Status status = CallGrpc(row.operation, caller);
      if (expected == row.codes.end()) {
        EXPECT_TRUE(status.ok()) << row.operation << " as " << caller << ": "
                                 << status.error_code() << " " << status.error_message();
      } else {
        EXPECT_EQ(status.error_code(), expected->second)
            << row.operation << " as " << caller << ": " << status.error_message();
      }
    }
  }
}

TEST_F(AuthIntegrationTest, AccessMatrixOverHttp) {
  for (const Expectation& row : Matrix()) {
    if (row.operation == "backup") continue;  // gRPC only
    for (const std::string& caller : Callers()) {
      auto expected = row.codes.find(caller);
      const int status = CallHttp(row.operation, caller);
      if (expected == row.codes.end()) {
        EXPECT_GE(status, 200) << row.operation << " as " << caller;
        EXPECT_LT(status, 300) << row.operation << " as " << caller;
      } else {
        EXPECT_EQ(status, HttpStatusOf(expected->second)) << row.operation << " as " << caller;
      }
    }
  }
  // Health and readiness need no token. Ready once the index has caught up
  // with the store as it was at start, when the search service's gRPC health
  // turns SERVING.
  EXPECT_EQ(Http().Get("/healthz")->status, 200);
  EXPECT_EQ(meshdex::testing::ProbeUntilServing(channel_, "meshdex.v1.SearchService"),
            grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(Http().Get("/readyz")->status, 200);
  httplib::Result refused = Http().Get("/v1/products");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->get_header_value("WWW-Authenticate"), "Bearer realm=\"meshdex\"");
  EXPECT_NE(refused->body.find("\"UNAUTHENTICATED\""), std::string::npos) << refused->body;
}

TEST_F(AuthIntegrationTest, AnOwnerCannotWriteAnotherDomainOrClaimItsAddresses) {
  grpc::ClientContext context;
  Authorize(context, "owner");
  meshdex::v1::DeleteProductRequest remove;
  remove.set_urn("urn:dp:sales:orders");
  meshdex::v1::DeleteProductResponse removed;
  grpc::Status status =
      NewStub<meshdex::v1::CatalogService>()->DeleteProduct(&context, remove, &removed);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("owner-principal"), std::string::npos)
      << status.error_message();
  EXPECT_NE(status.error_message().find("sales"), std::string::npos) << status.error_message();

  // A logistics product claiming the sales orders topic.
  meshdex::v1::ApplyProductRequest request;
  *request.mutable_product() = Product("logistics", "orders-copy");
  auto* port = request.mutable_product()->mutable_spec()->add_output_ports();
  port->set_name("events");
  port->set_kind("kafka");
  port->set_address("kafka://broker.sales:9092/sales.orders.v1");
  meshdex::v1::ApplyProductResponse response;
  grpc::ClientContext claim;
  Authorize(claim, "owner");
  status = NewStub<meshdex::v1::CatalogService>()->ApplyProduct(&claim, request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_NE(status.error_message().find("urn:dp:sales:orders"), std::string::npos);
}

TEST_F(AuthIntegrationTest, BatchApplyIsAuthorizedPerProductAndAuditedPerProduct) {
  auto batch_of = [&](const std::vector<std::pair<std::string, std::string>>& products) {
    meshdex::v1::BatchApplyProductsRequest request;
    for (const auto& [domain, name] : products) {
      *request.add_requests()->mutable_product() = Product(domain, name);
    }
    return request;
  };
  auto call = [&](const std::string& caller, const meshdex::v1::BatchApplyProductsRequest& request,
                  meshdex::v1::BatchApplyProductsResponse* response) {
    grpc::ClientContext context;
    Authorize(context, caller);
    return NewStub<meshdex::v1::CatalogService>()->BatchApplyProducts(&context, request, response);
  };
  auto exists = [&](const std::string& urn) {
    grpc::ClientContext context;
    Authorize(context, "admin");
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    meshdex::v1::DataProduct product;
    return NewStub<meshdex::v1::CatalogService>()->GetProduct(&context, request, &product).ok();
  };

  // One product of a domain the owner may not write: the whole batch is
  // denied, nothing stored.
  meshdex::v1::BatchApplyProductsResponse response;
  grpc::Status status = call("owner",
                             batch_of({{"logistics", "batch-a"}, {"sales", "batch-intruder"}}),
                             &response);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_FALSE(exists("urn:dp:logistics:batch-a"));
  EXPECT_EQ(call("anonymous", batch_of({{"logistics", "batch-a"}}), &response).error_code(),
            Unauthenticated());

  status = call("owner", batch_of({{"logistics", "batch-a"}, {"logistics", "batch-b"}}), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.responses_size(), 2);
  EXPECT_EQ(response.responses(1).outcome(), meshdex::v1::CREATED);
  EXPECT_TRUE(exists("urn:dp:logistics:batch-a") && exists("urn:dp:logistics:batch-b"));

  grpc::ClientContext context;
  Authorize(context, "admin");
  meshdex::v1::ListAuditRequest audit;
  audit.set_page_size(1000);
  meshdex::v1::ListAuditResponse entries;
  ASSERT_TRUE(NewStub<meshdex::v1::AdminService>()->ListAudit(&context, audit, &entries).ok());
  int written = 0;
  bool intruder_denied = false;
  for (const meshdex::v1::AuditEntry& entry : entries.entries()) {
    if (entry.operation() != "CatalogService.BatchApplyProducts") continue;
    written += entry.code() == "OK" && entry.principal() == "owner-principal" &&
               entry.revision() == 1 && entry.sequence() == response.sequence();
    intruder_denied = intruder_denied || (entry.target() == "urn:dp:sales:batch-intruder" &&
                                          entry.code() == "PERMISSION_DENIED");
  }
  EXPECT_EQ(written, 2) << entries.DebugString();
  EXPECT_TRUE(intruder_denied) << entries.DebugString();
}

TEST_F(AuthIntegrationTest, WritesAndDenialsAreAuditedWithoutTokens) {
  CallGrpc("apply in other domain", "owner");  // denied
  CreateAsAdmin(Product("logistics", "audited"));
  EXPECT_EQ(CallHttp("get", "unknown"), 401);

  grpc::ClientContext context;
  Authorize(context, "admin");
  meshdex::v1::ListAuditRequest request;
  request.set_page_size(1000);
  meshdex::v1::ListAuditResponse response;
  ASSERT_TRUE(
      NewStub<meshdex::v1::AdminService>()->ListAudit(&context, request, &response).ok());
  bool write = false, denial = false, unauthenticated = false;
  for (const meshdex::v1::AuditEntry& entry : response.entries()) {
    write = write || (entry.principal() == "admin-principal" &&
                      entry.operation() == "CatalogService.ApplyProduct" &&
                      entry.target() == "urn:dp:logistics:audited" && entry.code() == "OK" &&
                      entry.revision() == 1 && entry.sequence() > 0);
    denial = denial || (entry.principal() == "owner-principal" &&
                        entry.code() == "PERMISSION_DENIED" && entry.transport() == "grpc");
    unauthenticated = unauthenticated || (entry.principal() == "anonymous" &&
                                          entry.code() == "UNAUTHENTICATED" &&
                                          entry.transport() == "http");
    for (const auto& [who, token] : Tokens()) {
      EXPECT_EQ(entry.DebugString().find(token), std::string::npos) << who;
    }
  }
  EXPECT_TRUE(write && denial && unauthenticated) << response.DebugString();
}

TEST_F(AuthIntegrationTest, DryRunsAreAuditedAlikeOverGrpcAndHttpAndWriteNothing) {
  ASSERT_TRUE(CallGrpc("apply in own domain", "owner").ok());  // a dry run
  ASSERT_EQ(CallHttp("apply in own domain", "owner"), 200);   // a dry run
  ASSERT_EQ(CallHttp("domain policy", "owner"), 200);         // a dry run

  grpc::ClientContext context;
  Authorize(context, "admin");
  meshdex::v1::ListAuditRequest request;
  request.set_page_size(1000);
  meshdex::v1::ListAuditResponse response;
  const grpc::Status listed =
      NewStub<meshdex::v1::AdminService>()->ListAudit(&context, request, &response);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  std::set<std::string> dry_runs;
  for (const meshdex::v1::AuditEntry& entry : response.entries()) {
    if (entry.principal() != "owner-principal") continue;
    EXPECT_EQ(entry.code(), "OK") << entry.DebugString();
    EXPECT_EQ(entry.revision(), 0) << entry.DebugString();
    EXPECT_EQ(entry.sequence(), 0u) << entry.DebugString();
    dry_runs.insert(entry.transport() + " " + entry.operation());
  }
  EXPECT_EQ(dry_runs, (std::set<std::string>{"grpc CatalogService.ApplyProduct (dry run)",
                                             "http CatalogService.ApplyProduct (dry run)",
                                             "http GovernanceService.ApplyPolicy (dry run)"}));
  httplib::Client client = Http();
  for (const char* name : {"matrix-owner", "http-owner"}) {
    const httplib::Result product = client.Get(absl::StrCat("/v1/products/logistics/", name),
                                               {{"Authorization", "Bearer " + TokenOf("owner")}});
    ASSERT_TRUE(product) << name;
    EXPECT_EQ(product->status, 404) << name;
  }
}

TEST_F(AuthIntegrationTest, SighupReloadsTheAuthFileWithoutDroppingConnections) {
  const std::string late_token = "tok-LATE-4c2e8a1b";
  EXPECT_EQ(CallHttp("get", "reader"), 200);
  grpc::ClientContext first;
  first.AddMetadata("authorization", "Bearer " + late_token);
  meshdex::v1::GetProductRequest get;
  get.set_urn("urn:dp:logistics:shipments");
  meshdex::v1::DataProduct product;
  EXPECT_EQ(NewStub<meshdex::v1::CatalogService>()->GetProduct(&first, get, &product).error_code(),
            StatusCode::UNAUTHENTICATED);

  WriteFile(auth_file_, AuthFile() + "  - {principal: late, sha256: " +
                            auth::Sha256Hex(late_token) + ", roles: [reader]}\n");
  server_->Signal(SIGHUP);
  // The reload is asynchronous: poll (bounded) on the same channel until the
  // new token is accepted.
  grpc::Status status;
  for (int attempt = 0; attempt < 200; ++attempt) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + late_token);
    context.set_wait_for_ready(true);
    status = NewStub<meshdex::v1::CatalogService>()->GetProduct(&context, get, &product);
    if (status.ok()) break;
    ASSERT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << status.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();

  // A broken file keeps the tokens in force.
  WriteFile(auth_file_, "tokens: [oops");
  server_->Signal(SIGHUP);
  EXPECT_EQ(CallHttp("get", "reader"), 200);
}

TEST_F(AuthIntegrationTest, TokensNeverReachTheLog) {
  for (const std::string& caller : Callers()) CallGrpc("apply in other domain", caller);
  for (const std::string& caller : Callers()) CallHttp("get", caller);
  ASSERT_EQ(server_->Stop(), 0);
  const std::string log = server_->ReadLog();
  ASSERT_FALSE(log.empty());
  for (const auto& [who, token] : Tokens()) {
    EXPECT_EQ(log.find(token), std::string::npos) << who << " token in the log";
    EXPECT_EQ(log.find(auth::Sha256Hex(token)), std::string::npos) << who << " hash in the log";
  }
}

TEST(AuthStartupTest, NonLoopbackWithoutAuthFileIsRefusedNamingTheFlag) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"), {"--grpc_listen=0.0.0.0:0"});
  EXPECT_FALSE(server.Start());
  EXPECT_NE(server.ReadLog().find("--auth_file"), std::string::npos)
      << server.ReadLog();
}

TEST(AuthStartupTest, AnInvalidAuthFileStopsTheStartNamingTheProblem) {
  testing::TempDir dir;
  WriteFile(dir.Sub("auth.yaml"), "tokens:\n  - {principal: x, sha256: 1234, roles: [reader]}\n");
  testing::ServerProcess server(dir.Sub("data"), {"--auth_file=" + dir.Sub("auth.yaml")});
  EXPECT_FALSE(server.Start());
  EXPECT_NE(server.ReadLog().find("tokens[0].sha256"), std::string::npos)
      << server.ReadLog();
}

}  // namespace
}  // namespace meshdex
