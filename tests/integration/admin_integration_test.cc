// AdminService against the real meshdexd: an online backup restores into a
// server serving the same catalog (index rebuilt), Reindex keeps serving,
// GetStats reports what the catalog holds; and the CLI's backup and stats.
#include <filesystem>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

class AdminIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"));
    ASSERT_TRUE(server_->Start());
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
    admin_ = meshdex::v1::AdminService::NewStub(server_->Channel());
  }

  uint64_t Apply(const std::string& name) {
    meshdex::v1::ApplyProductRequest request;
    auto* product = request.mutable_product();
    product->mutable_metadata()->set_domain("finance");
    product->mutable_metadata()->set_name(name);
    product->mutable_spec()->set_title("Ledger " + name);
    product->mutable_spec()->set_version("1.0.0");
    auto* port = product->mutable_spec()->add_output_ports();
    port->set_name("table");
    port->set_kind("sql");
    port->set_address("postgres://db.finance:5432/ledger.public." + name);
    meshdex::v1::ApplyProductResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(catalog_->ApplyProduct(&context, request, &response).ok());
    return response.sequence();
  }

  static std::vector<std::string> SearchUrns(const std::shared_ptr<grpc::Channel>& channel,
                                             const std::string& query, uint64_t min_sequence) {
    auto search = meshdex::v1::SearchService::NewStub(channel);
    meshdex::v1::SearchRequest request;
    request.set_query(query);
    request.set_min_sequence(min_sequence);
    meshdex::v1::SearchResponse response;
    grpc::ClientContext context;
    grpc::Status status = search->Search(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> urns;
    for (const auto& hit : response.hits()) urns.push_back(hit.urn());
    std::sort(urns.begin(), urns.end());
    return urns;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  std::unique_ptr<meshdex::v1::AdminService::Stub> admin_;
};

TEST_F(AdminIntegrationTest, BackupRestoresTheCatalogAsOfTheBackup) {
  Apply("payables");
  const uint64_t before = Apply("receivables");

  meshdex::v1::BackupRequest request;
  request.set_path(dir_.Sub("backup"));
  meshdex::v1::BackupResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(admin_->Backup(&context, request, &response).ok());
  }
  EXPECT_GE(response.sequence(), before);
  EXPECT_GT(response.bytes(), 0);
  Apply("after-backup");
  {
    grpc::ClientContext context;
    EXPECT_EQ(admin_->Backup(&context, request, &response).error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  {
    request.set_path("relative/dir");
    grpc::ClientContext context;
    EXPECT_EQ(admin_->Backup(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  testing::ServerProcess restored(dir_.Sub("backup"));
  ASSERT_TRUE(restored.Start());
  auto restored_catalog = meshdex::v1::CatalogService::NewStub(restored.Channel());
  meshdex::v1::ListProductsRequest list;
  meshdex::v1::ListProductsResponse products;
  grpc::ClientContext context;
  ASSERT_TRUE(restored_catalog->ListProducts(&context, list, &products).ok());
  ASSERT_EQ(products.products_size(), 2);
  EXPECT_EQ(products.products(0).metadata().urn(), "urn:dp:finance:payables");
  EXPECT_EQ(products.products(1).metadata().urn(), "urn:dp:finance:receivables");
  // The search index was rebuilt from the restored store.
  EXPECT_EQ(SearchUrns(restored.Channel(), "ledger", before),
            (std::vector<std::string>{"urn:dp:finance:payables", "urn:dp:finance:receivables"}));
}

TEST_F(AdminIntegrationTest, ReindexWhileServingKeepsAnswersAndStatsAddUp) {
  Apply("payables");
  const uint64_t last = Apply("receivables");
  const std::vector<std::string> before = SearchUrns(server_->Channel(), "ledger", last);
  ASSERT_EQ(before.size(), 2u);

  meshdex::v1::ReindexResponse reindexed;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(admin_->Reindex(&context, meshdex::v1::ReindexRequest(), &reindexed).ok());
  }
  EXPECT_EQ(reindexed.sequence(), last);
  EXPECT_EQ(SearchUrns(server_->Channel(), "ledger", last), before);

  meshdex::v1::Stats stats;
  grpc::ClientContext context;
  ASSERT_TRUE(admin_->GetStats(&context, meshdex::v1::GetStatsRequest(), &stats).ok());
  EXPECT_EQ(stats.products(), 2);
  EXPECT_EQ(stats.last_sequence(), last);
  EXPECT_EQ(stats.index_applied_sequence(), last);
  EXPECT_GT(stats.store_bytes(), 0);
  EXPECT_GT(stats.index_bytes(), 0);
  EXPECT_FALSE(stats.version().empty());
}

TEST_F(AdminIntegrationTest, CliBackupAndStats) {
  Apply("payables");
  const std::string ctl = testing::BinaryPath("meshdexctl");
  testing::CommandResult backup =
      testing::RunCommand({ctl, "--server", server_->grpc_address(), "backup", dir_.Sub("cli-backup")});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("meshdexd --data_dir="), std::string::npos) << backup.out;
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("cli-backup") + "/store"));
  testing::CommandResult stats =
      testing::RunCommand({ctl, "--server", server_->grpc_address(), "-o", "json", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"products\": \"1\""), std::string::npos) << stats.out;
}

}  // namespace
}  // namespace meshdex
