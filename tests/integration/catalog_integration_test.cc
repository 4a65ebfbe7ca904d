// End-to-end tests of CatalogService against the real meshdexd: registration,
// revisions, optimistic concurrency, address claims, paging, Watch, demo data,
// graceful stop, and durability across kill -9.
#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using meshdex::v1::ApplyProductRequest;
using meshdex::v1::ApplyProductResponse;
using meshdex::v1::CatalogService;
using meshdex::v1::DataProduct;

DataProduct MakeProduct(const std::string& domain, const std::string& name,
                        const std::string& topic, const std::string& version = "1.0.0") {
  DataProduct product;
  product.mutable_metadata()->set_domain(domain);
  product.mutable_metadata()->set_name(name);
  auto* spec = product.mutable_spec();
  spec->set_title("Title of " + name);
  spec->set_description("Events about " + name);
  spec->set_version(version);
  spec->set_lifecycle("production");
  spec->mutable_owner()->set_team(domain + "-team");
  spec->mutable_owner()->set_email(domain + "@example.com");
  auto* port = spec->add_output_ports();
  port->set_name("events");
  port->set_kind("kafka");
  port->set_address("kafka://broker." + domain + ":9092/" + topic);
  auto* field = port->mutable_schema()->add_fields();
  field->set_name("id");
  field->set_type("string");
  port->mutable_slo()->set_freshness_seconds(900);
  return product;
}

class CatalogIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"));
    ASSERT_TRUE(server_->Start());
    stub_ = CatalogService::NewStub(server_->Channel());
  }

  grpc::Status Apply(const DataProduct& product, ApplyProductResponse* response,
                     int64_t expected_revision = 0, bool dry_run = false) {
    ApplyProductRequest request;
    *request.mutable_product() = product;
    request.set_expected_revision(expected_revision);
    request.set_dry_run(dry_run);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->ApplyProduct(&context, request, response);
  }

  grpc::Status Get(const std::string& urn, DataProduct* product, int64_t revision = 0) {
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    request.set_revision(revision);
    grpc::ClientContext context;
    return stub_->GetProduct(&context, request, product);
  }

  grpc::Status Resolve(const std::string& address, meshdex::v1::ResolveAddressResponse* response) {
    meshdex::v1::ResolveAddressRequest request;
    request.set_address(address);
    grpc::ClientContext context;
    return stub_->ResolveAddress(&context, request, response);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<CatalogService::Stub> stub_;
};

TEST_F(CatalogIntegrationTest, HealthIsServing) {
  auto health = grpc::health::v1::Health::NewStub(server_->Channel());
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(CatalogIntegrationTest, ApplyCreatesThenUnchangedThenUpdated) {
  ApplyProductResponse created;
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v1"), &created).ok());
  EXPECT_EQ(created.outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(created.product().metadata().urn(), "urn:dp:logistics:shipments");
  EXPECT_EQ(created.product().metadata().revision(), 1);
  EXPECT_TRUE(created.product().metadata().has_create_time());
  EXPECT_GT(created.sequence(), 0u);

  ApplyProductResponse again;
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v1"), &again).ok());
  EXPECT_EQ(again.outcome(), meshdex::v1::UNCHANGED);
  EXPECT_EQ(again.product().metadata().revision(), 1);
  EXPECT_EQ(again.sequence(), created.sequence());

  ApplyProductResponse updated;
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v1", "1.1.0"), &updated).ok());
  EXPECT_EQ(updated.outcome(), meshdex::v1::UPDATED);
  EXPECT_EQ(updated.product().metadata().revision(), 2);
  EXPECT_EQ(updated.sequence(), created.sequence() + 1);
  EXPECT_EQ(updated.product().metadata().create_time().seconds(),
            created.product().metadata().create_time().seconds());

  DataProduct first;
  ASSERT_TRUE(Get("urn:dp:logistics:shipments", &first, 1).ok());
  EXPECT_EQ(first.spec().version(), "1.0.0");
  DataProduct latest;
  ASSERT_TRUE(Get("urn:dp:logistics:shipments", &latest).ok());
  EXPECT_EQ(latest.spec().version(), "1.1.0");
}

TEST_F(CatalogIntegrationTest, ExpectedRevisionMismatchIsAborted) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("sales", "orders", "orders.v1"), &response).ok());
  grpc::Status stale = Apply(MakeProduct("sales", "orders", "orders.v1", "2.0.0"), &response, 7);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(stale.error_message().find("revision 1"), std::string::npos) << stale.error_message();
  EXPECT_TRUE(Apply(MakeProduct("sales", "orders", "orders.v1", "2.0.0"), &response, 1).ok());
  EXPECT_EQ(response.product().metadata().revision(), 2);
}

TEST_F(CatalogIntegrationTest, DryRunStoresNothing) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("sales", "orders", "orders.v1"), &response, 0, true).ok());
  EXPECT_EQ(response.outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(response.product().metadata().revision(), 1);
  DataProduct product;
  EXPECT_EQ(Get("urn:dp:sales:orders", &product).error_code(), grpc::StatusCode::NOT_FOUND);
  meshdex::v1::ResolveAddressResponse resolved;
  EXPECT_EQ(Resolve("kafka://broker.sales:9092/orders.v1", &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogIntegrationTest, InvalidDescriptorNamesFieldAndStoresNothing) {
  DataProduct bad = MakeProduct("sales", "orders", "orders.v1");
  bad.mutable_spec()->mutable_output_ports(0)->set_address("ftp://files.example.com/x");
  ApplyProductResponse response;
  grpc::Status status = Apply(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("spec.outputPorts[0].address: unsupported scheme \"ftp\""),
            std::string::npos)
      << status.error_message();
  DataProduct product;
  EXPECT_EQ(Get("urn:dp:sales:orders", &product).error_code(), grpc::StatusCode::NOT_FOUND);

  ApplyProductResponse good;
  ASSERT_TRUE(Apply(MakeProduct("sales", "orders", "orders.v1"), &good).ok());
  // The rejected write consumed no sequence number.
  EXPECT_EQ(good.sequence(), 1u);
}

TEST_F(CatalogIntegrationTest, ResolveAddressNormalisesAndConflictsNameTheOwner) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v1"), &response).ok());

  meshdex::v1::ResolveAddressResponse resolved;
  // Upper-case scheme and host, and the default port left out: same dataset.
  ASSERT_TRUE(Resolve("KAFKA://Broker.Logistics/ship.v1", &resolved).ok());
  EXPECT_EQ(resolved.product_urn(), "urn:dp:logistics:shipments");
  EXPECT_EQ(resolved.port_name(), "events");
  EXPECT_EQ(resolved.dataset_namespace(), "kafka://broker.logistics:9092");
  EXPECT_EQ(resolved.dataset_name(), "ship.v1");

  meshdex::v1::ResolveAddressRequest by_dataset;
  by_dataset.mutable_dataset()->set_namespace_("kafka://broker.logistics:9092");
  by_dataset.mutable_dataset()->set_name("ship.v1");
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ResolveAddress(&context, by_dataset, &resolved).ok());
  EXPECT_EQ(resolved.product_urn(), "urn:dp:logistics:shipments");

  DataProduct thief = MakeProduct("sales", "copycat", "unused");
  thief.mutable_spec()->mutable_output_ports(0)->set_address("kafka://broker.logistics:9092/ship.v1");
  grpc::Status conflict = Apply(thief, &response);
  EXPECT_EQ(conflict.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(conflict.error_message().find("urn:dp:logistics:shipments"), std::string::npos)
      << conflict.error_message();

  EXPECT_EQ(Resolve("kafka://broker.logistics:9092/nobody", &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Resolve("ftp://x/y", &resolved).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogIntegrationTest, ChangingAnAddressReleasesTheOldClaim) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v1"), &response).ok());
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v2"), &response).ok());
  meshdex::v1::ResolveAddressResponse resolved;
  EXPECT_EQ(Resolve("kafka://broker.logistics:9092/ship.v1", &resolved).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Resolve("kafka://broker.logistics:9092/ship.v2", &resolved).ok());
}

TEST_F(CatalogIntegrationTest, DeleteKeepsHistoryAndReleasesClaims) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v1"), &response).ok());
  meshdex::v1::DeleteProductRequest del;
  del.set_urn("urn:dp:logistics:shipments");
  meshdex::v1::DeleteProductResponse deleted;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->DeleteProduct(&context, del, &deleted).ok());
  }
  EXPECT_EQ(deleted.sequence(), response.sequence() + 1);
  {
    grpc::ClientContext context;
    EXPECT_EQ(stub_->DeleteProduct(&context, del, &deleted).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  DataProduct product;
  EXPECT_EQ(Get("urn:dp:logistics:shipments", &product).error_code(), grpc::StatusCode::NOT_FOUND);

  meshdex::v1::ListRevisionsRequest history_request;
  history_request.set_urn("urn:dp:logistics:shipments");
  meshdex::v1::ListRevisionsResponse history;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListRevisions(&context, history_request, &history).ok());
  }
  ASSERT_EQ(history.revisions_size(), 2);
  EXPECT_FALSE(history.revisions(0).metadata().has_delete_time());
  EXPECT_TRUE(history.revisions(1).metadata().has_delete_time());

  // The address is free again; re-creating continues the revision numbers.
  ASSERT_TRUE(Apply(MakeProduct("sales", "shipments-copy", "ship.v1"), &response).ok());
  ASSERT_TRUE(Apply(MakeProduct("logistics", "shipments", "ship.v9"), &response).ok());
  EXPECT_EQ(response.outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(response.product().metadata().revision(), 3);
}

TEST_F(CatalogIntegrationTest, ListProductsPagesWithValidatedTokens) {
  ApplyProductResponse response;
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(Apply(MakeProduct("sales", "p" + std::to_string(i), "t" + std::to_string(i)),
                      &response).ok());
  }
  ASSERT_TRUE(Apply(MakeProduct("logistics", "other", "o"), &response).ok());

  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    meshdex::v1::ListProductsRequest request;
    request.set_domain("sales");
    request.set_page_size(3);
    request.set_page_token(token);
    meshdex::v1::ListProductsResponse page;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListProducts(&context, request, &page).ok());
    for (const DataProduct& product : page.products()) {
      EXPECT_EQ(product.metadata().domain(), "sales");
      EXPECT_TRUE(seen.insert(product.metadata().urn()).second);
    }
    token = page.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(pages, 3);

  meshdex::v1::ListProductsRequest bad;
  bad.set_page_token("not-a-token");
  meshdex::v1::ListProductsResponse page;
  grpc::ClientContext context;
  EXPECT_EQ(stub_->ListProducts(&context, bad, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogIntegrationTest, BatchGetReportsMissing) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("sales", "orders", "orders.v1"), &response).ok());
  meshdex::v1::BatchGetProductsRequest request;
  request.add_urns("urn:dp:sales:orders");
  request.add_urns("urn:dp:sales:missing");
  meshdex::v1::BatchGetProductsResponse batch;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->BatchGetProducts(&context, request, &batch).ok());
  ASSERT_EQ(batch.products_size(), 1);
  EXPECT_EQ(batch.products(0).metadata().name(), "orders");
  ASSERT_EQ(batch.not_found_size(), 1);
  EXPECT_EQ(batch.not_found(0), "urn:dp:sales:missing");
}

TEST_F(CatalogIntegrationTest, WatchReplaysThenFollowsLiveWrites) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("sales", "a", "a"), &response).ok());
  ASSERT_TRUE(Apply(MakeProduct("sales", "b", "b"), &response).ok());

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  meshdex::v1::WatchRequest request;
  request.set_from_sequence(2);
  auto reader = stub_->Watch(&context, request);
  meshdex::v1::ChangeEvent event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 2u);
  EXPECT_EQ(event.urn(), "urn:dp:sales:b");

  ASSERT_TRUE(Apply(MakeProduct("sales", "c", "c"), &response).ok());
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.sequence(), 3u);
  EXPECT_EQ(event.urn(), "urn:dp:sales:c");
  EXPECT_EQ(event.type(), meshdex::v1::ChangeEvent::PRODUCT_UPSERTED);
  context.TryCancel();
}

TEST_F(CatalogIntegrationTest, SigtermWithOpenWatchStreamExitsCleanly) {
  grpc::ClientContext context;
  meshdex::v1::WatchRequest request;
  auto reader = stub_->Watch(&context, request);
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("sales", "a", "a"), &response).ok());
  meshdex::v1::ChangeEvent event;
  ASSERT_TRUE(reader->Read(&event));

  int status = server_->Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

// Whether the thread status file /proc/<pid>/task/<tid>/status says the
// thread blocks SIGTERM, SIGINT and SIGHUP; nullopt when the thread is gone.
std::optional<bool> BlocksTerminationSignals(const std::filesystem::path& status_file) {
  std::ifstream in(status_file);
  if (!in) return std::nullopt;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SigBlk:", 0) != 0) continue;
    const uint64_t blocked = std::stoull(line.substr(7), nullptr, 16);
    const uint64_t wanted =
        (1ULL << (SIGTERM - 1)) | (1ULL << (SIGINT - 1)) | (1ULL << (SIGHUP - 1));
    return (blocked & wanted) == wanted;
  }
  return std::nullopt;
}

// A SIGTERM goes to a thread that does not block it: one that is not the
// thread waiting for it dies of it (the default action), ending meshdexd
// without a shutdown. The waiting thread unblocks the signals while it waits
// (sigwait), so at most that one thread may show them unblocked.
TEST_F(CatalogIntegrationTest, OnlyTheWaitingThreadCanTakeTerminationSignals) {
  ApplyProductResponse response;
  ASSERT_TRUE(Apply(MakeProduct("sales", "a", "a"), &response).ok());  // Every layer at work.
  const std::filesystem::path tasks =
      std::filesystem::path("/proc") / std::to_string(server_->pid()) / "task";
  std::vector<std::string> unblocked;
  int threads = 0;
  for (const std::filesystem::directory_entry& task : std::filesystem::directory_iterator(tasks)) {
    const std::optional<bool> blocks = BlocksTerminationSignals(task.path() / "status");
    if (!blocks.has_value()) continue;
    ++threads;
    if (*blocks) continue;
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    unblocked.push_back(task.path().filename().string() + " " + name);
  }
  EXPECT_GT(threads, 10);
  EXPECT_LE(unblocked.size(), 1u) << ::testing::PrintToString(unblocked);
}

TEST_F(CatalogIntegrationTest, AcknowledgedWritesSurviveKill9) {
  constexpr int kWriters = 4;
  constexpr int kWritesPerWriter = 25;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto stub = CatalogService::NewStub(server_->Channel());
      for (int i = 0; i < kWritesPerWriter; ++i) {
        ApplyProductRequest request;
        // Each writer updates its own product repeatedly: revision i + 1.
        *request.mutable_product() = MakeProduct("crash", "w" + std::to_string(w), "t" + std::to_string(w),
                                                 "1." + std::to_string(i) + ".0");
        ApplyProductResponse response;
        grpc::ClientContext context;
        ASSERT_TRUE(stub->ApplyProduct(&context, request, &response).ok());
        ASSERT_EQ(response.product().metadata().revision(), i + 1);
        ++acknowledged;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(acknowledged.load(), kWriters * kWritesPerWriter);

  server_->Kill();
  ASSERT_TRUE(server_->Start());
  stub_ = CatalogService::NewStub(server_->Channel());
  for (int w = 0; w < kWriters; ++w) {
    DataProduct product;
    ASSERT_TRUE(Get("urn:dp:crash:w" + std::to_string(w), &product).ok());
    EXPECT_EQ(product.metadata().revision(), kWritesPerWriter);
    EXPECT_EQ(product.spec().version(), "1." + std::to_string(kWritesPerWriter - 1) + ".0");
  }
  // The change log continues without a gap.
  ApplyProductResponse next;
  ASSERT_TRUE(Apply(MakeProduct("crash", "after", "after"), &next).ok());
  EXPECT_EQ(next.sequence(), static_cast<uint64_t>(kWriters * kWritesPerWriter + 1));
}

TEST(DemoIntegrationTest, DemoMeshLoadsOnceIntoAnEmptyDataDir) {
  testing::TempDir dir;
  std::set<std::string> domains;
  std::vector<int> counts;
  for (int run = 0; run < 2; ++run) {
    testing::ServerProcess server(dir.Sub("data"), {"--demo"});
    ASSERT_TRUE(server.Start());
    auto stub = CatalogService::NewStub(server.Channel());
    meshdex::v1::ListProductsRequest request;
    request.set_page_size(1000);
    meshdex::v1::ListProductsResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->ListProducts(&context, request, &response).ok());
    counts.push_back(response.products_size());
    for (const DataProduct& product : response.products()) {
      domains.insert(product.metadata().domain());
      EXPECT_FALSE(product.spec().output_ports().empty()) << product.metadata().urn();
    }
    EXPECT_EQ(server.Stop(), 0);
  }
  EXPECT_GE(counts[0], 10);
  EXPECT_EQ(counts[0], counts[1]);
  EXPECT_GE(domains.size(), 4u);
  std::ifstream log(dir.Sub("data") + ".log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("demo mesh not loaded"), std::string::npos);
  // The demo comes with a day of lineage runs.
  EXPECT_NE(text.find("lineage events"), std::string::npos);
}

}  // namespace
}  // namespace meshdex
