// Write errors on a full disk, provoked without root: meshdexd runs with a
// file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored, so a write() past it
// fails with EFBIG like one on a full disk) and products are written until
// one fails (the index's files fill first, so its follower meets write errors
// too). The failed write must be UNAVAILABLE or INTERNAL naming the cause;
// later writes and lineage events keep failing cleanly; the server stays up,
// keeps serving reads (GetProduct, ListProducts, Search, /healthz) of
// everything acknowledged before and stops normally (exit 0); restarted
// without the limit it holds every acknowledged write, accepts new ones and
// its index catches up.
#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using grpc::StatusCode;
using meshdex::v1::DataProduct;

// Large enough for the store and index to be created, small enough to fill
// in a few dozen writes.
constexpr uint64_t kFileSizeLimit = 512 << 10;
// Bounds the fill loop: the limit is reached long before.
constexpr int kMaxFillWrites = 2000;
constexpr int kProductsBefore = 5;
// Searches wait at most ~2 s for min_sequence; a restart may need longer.
constexpr int kSearchAttempts = 5;

DataProduct Product(const std::string& name, const std::string& description) {
  DataProduct product;
  product.mutable_metadata()->set_domain("disk");
  product.mutable_metadata()->set_name(name);
  product.mutable_spec()->set_title("Disk " + name);
  product.mutable_spec()->set_description(description);
  product.mutable_spec()->set_version("1.0.0");
  return product;
}

// ~8 KiB of words drawn at random, so neither the store's compression nor
// the index's term dictionary makes the descriptions small. (Every new word
// costs the index more bytes than the store: the index hits the limit first,
// and its follower meets write errors too.)
std::string Description(std::mt19937& random) {
  std::string text;
  while (text.size() < 8000) {
    absl::StrAppend(&text, "w", absl::StrFormat("%x", random() % 100000), " ");
  }
  return text;
}

class DiskErrorsTest : public ::testing::Test {
 protected:
  grpc::Status Apply(testing::ServerProcess& server, const DataProduct& product,
                     meshdex::v1::ApplyProductResponse* response) {
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return catalog->ApplyProduct(&context, request, response);
  }

  // Applies `product`, which must succeed, and remembers it.
  void ApplyAcknowledged(testing::ServerProcess& server, const DataProduct& product) {
    meshdex::v1::ApplyProductResponse response;
    grpc::Status status = Apply(server, product, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    acknowledged_.insert(response.product().metadata().urn());
    last_sequence_ = response.sequence();
  }

  // Writes products with large descriptions until one fails; returns that
  // failure.
  grpc::Status FillUntilAWriteFails(testing::ServerProcess& server) {
    std::mt19937 random(9);
    for (int i = 0; i < kMaxFillWrites; ++i) {
      meshdex::v1::ApplyProductResponse response;
      grpc::Status status =
          Apply(server, Product(absl::StrCat("fill-", i), Description(random)), &response);
      if (!status.ok()) return status;
      acknowledged_.insert(response.product().metadata().urn());
      last_sequence_ = response.sequence();
    }
    return grpc::Status::OK;
  }

  // A refused write: the codes of a storage failure, a message, no crash.
  static void ExpectStorageFailure(const grpc::Status& status, const std::string& what) {
    EXPECT_TRUE(status.error_code() == StatusCode::UNAVAILABLE ||
                status.error_code() == StatusCode::INTERNAL)
        << what << ": " << status.error_code() << " " << status.error_message();
    EXPECT_FALSE(status.error_message().empty()) << what;
  }

  // Every product the store lists.
  std::set<std::string> ListedUrns(testing::ServerProcess& server) {
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    std::set<std::string> urns;
    meshdex::v1::ListProductsRequest request;
    request.set_page_size(1000);
    do {
      meshdex::v1::ListProductsResponse page;
      grpc::ClientContext context;
      grpc::Status status = catalog->ListProducts(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const DataProduct& product : page.products()) urns.insert(product.metadata().urn());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return urns;
  }

  // Every hit of `type:product`, paged, or the error. With `retry`, an index
  // still catching up gets a few bounded waits.
  grpc::Status SearchProducts(testing::ServerProcess& server, uint64_t min_sequence, bool retry,
                              std::set<std::string>* urns) {
    auto search = meshdex::v1::SearchService::NewStub(server.Channel());
    meshdex::v1::SearchRequest request;
    request.set_query("type:product");
    request.set_page_size(100);
    request.set_min_sequence(min_sequence);
    do {
      meshdex::v1::SearchResponse page;
      grpc::Status status;
      for (int attempt = 0; attempt < (retry ? kSearchAttempts : 1); ++attempt) {
        grpc::ClientContext context;
        status = search->Search(&context, request, &page);
        if (status.error_code() != StatusCode::UNAVAILABLE) break;
      }
      if (!status.ok()) return status;
      for (const meshdex::v1::SearchHit& hit : page.hits()) urns->insert(hit.urn());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return grpc::Status::OK;
  }

  // GetProduct, ListProducts, Search and /healthz on what was acknowledged.
  void ExpectReadsServed(testing::ServerProcess& server) {
    auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
    for (const std::string& urn : acknowledged_) {
      meshdex::v1::GetProductRequest request;
      request.set_urn(urn);
      DataProduct product;
      grpc::ClientContext context;
      grpc::Status status = catalog->GetProduct(&context, request, &product);
      ASSERT_TRUE(status.ok()) << urn << ": " << status.error_message();
      EXPECT_EQ(product.metadata().revision(), 1) << urn;
    }
    EXPECT_EQ(ListedUrns(server), acknowledged_);
    // The products indexed before the disk filled are still found.
    std::set<std::string> found;
    grpc::Status searched = SearchProducts(server, 0, /*retry=*/false, &found);
    ASSERT_TRUE(searched.ok()) << searched.error_message();
    for (const std::string& urn : indexed_before_) EXPECT_EQ(found.count(urn), 1u) << urn;
    // Waiting for a write the index could not take is bounded and says so.
    found.clear();
    searched = SearchProducts(server, last_sequence_, /*retry=*/false, &found);
    EXPECT_TRUE(searched.ok() || searched.error_code() == StatusCode::UNAVAILABLE)
        << searched.error_code() << " " << searched.error_message();
    std::printf("disk errors: search with min_sequence %llu after the failure: %s\n",
                static_cast<unsigned long long>(last_sequence_),
                searched.ok() ? "OK" : searched.error_message().c_str());

    httplib::Client http("http://" + server.http_address());
    httplib::Result health = http.Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
  }

  testing::TempDir dir_;
  std::set<std::string> acknowledged_;
  std::set<std::string> indexed_before_;
  uint64_t last_sequence_ = 0;
};

TEST_F(DiskErrorsTest, FailedWritesAreReportedAndTheServerKeepsServingReads) {
  {
    testing::ServerProcess server(dir_.Sub("data"));
    server.set_file_size_limit(kFileSizeLimit);
    ASSERT_TRUE(server.Start());

    // A few products written and indexed while there is room.
    for (int i = 0; i < kProductsBefore; ++i) {
      ASSERT_NO_FATAL_FAILURE(
          ApplyAcknowledged(server, Product(absl::StrCat("before-", i), "Written first.")));
    }
    ASSERT_TRUE(SearchProducts(server, last_sequence_, /*retry=*/true, &indexed_before_).ok());
    ASSERT_EQ(indexed_before_, acknowledged_);

    const grpc::Status failure = FillUntilAWriteFails(server);
    ASSERT_FALSE(failure.ok()) << "no write failed within " << kMaxFillWrites << " writes";
    ExpectStorageFailure(failure, "the first failed write");
    EXPECT_NE(failure.error_message().find("File too large"), std::string::npos)
        << failure.error_message();
    std::printf("disk errors: %zu writes acknowledged under a %llu-byte file limit, then %d: %s\n",
                acknowledged_.size(), static_cast<unsigned long long>(kFileSizeLimit),
                static_cast<int>(failure.error_code()), failure.error_message().c_str());

    // Later writes, small ones and lineage events too, fail the same way.
    meshdex::v1::ApplyProductResponse response;
    ExpectStorageFailure(Apply(server, Product("after", "Small."), &response), "a later write");
    {
      auto lineage = meshdex::v1::LineageService::NewStub(server.Channel());
      meshdex::v1::IngestEventRequest request;
      request.set_event_json(
          R"({"eventType":"COMPLETE","eventTime":"2026-01-01T00:00:00Z",)"
          R"("producer":"https://meshdex.test/disk",)"
          R"("schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",)"
          R"("run":{"runId":"00000000-0000-4000-8000-000000000001"},)"
          R"("job":{"namespace":"disk","name":"job"},"inputs":[],"outputs":[]})");
      meshdex::v1::IngestEventResponse ingested;
      grpc::ClientContext context;
      ExpectStorageFailure(lineage->IngestEvent(&context, request, &ingested), "a lineage event");
    }

    ASSERT_NO_FATAL_FAILURE(ExpectReadsServed(server));
    // It was up all along: it now stops normally.
    EXPECT_EQ(server.Stop(), 0);
  }

  // Room again: nothing acknowledged is lost, writes work, the index catches up.
  testing::ServerProcess server(dir_.Sub("data"));
  ASSERT_TRUE(server.Start());
  EXPECT_EQ(ListedUrns(server), acknowledged_);
  ASSERT_NO_FATAL_FAILURE(ApplyAcknowledged(server, Product("after", "Room again.")));
  std::set<std::string> indexed;
  grpc::Status searched = SearchProducts(server, last_sequence_, /*retry=*/true, &indexed);
  // Failed once in an ASan CI run (the index stayed at the sequence it had
  // before the disk filled, through 5 bounded waits); the log says why.
  ASSERT_TRUE(searched.ok()) << searched.error_message() << "\nmeshdexd log:\n" << server.ReadLog();
  EXPECT_EQ(indexed, acknowledged_);
}

}  // namespace
}  // namespace meshdex
