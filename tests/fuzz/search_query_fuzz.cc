// Fuzz target: a search query, end to end through the Searcher over a small
// real index (RocksDB store + Xapian follower in a temp dir, built once).
// Any query must yield a result or INVALID_ARGUMENT; never INTERNAL or a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "index/follower.h"
#include "index/searcher.h"
#include "index/suggester.h"
#include "storage/store.h"
#include "tests/testing/temp_dir.h"

namespace {

// Destroyed at exit in reverse order: the follower (its thread stopped)
// before the store, the directory last.
struct Fixture {
  meshdex::testing::TempDir dir;
  std::unique_ptr<meshdex::storage::Store> store;
  std::unique_ptr<meshdex::index::IndexFollower> follower;
  std::unique_ptr<meshdex::index::Searcher> searcher;
  std::unique_ptr<meshdex::index::Suggester> suggester;
};

Fixture* fixture = nullptr;

void AddProduct(meshdex::storage::Store& store, const std::string& domain, const std::string& name,
                const std::string& description) {
  meshdex::v1::DataProduct product;
  product.mutable_metadata()->set_domain(domain);
  product.mutable_metadata()->set_name(name);
  product.mutable_metadata()->set_urn("urn:dp:" + domain + ":" + name);
  product.mutable_metadata()->set_revision(1);
  product.mutable_spec()->set_title(name);
  product.mutable_spec()->set_description(description);
  product.mutable_spec()->set_lifecycle("production");
  product.mutable_spec()->add_tags("events");
  auto* port = product.mutable_spec()->add_output_ports();
  port->set_name("out");
  port->set_kind("kafka");
  auto* field = port->mutable_schema()->add_fields();
  field->set_name("customer_email");
  field->set_classification("pii");
  if (!store.Write([&](meshdex::storage::WriteTxn& txn) {
        txn.PutProduct(product);
        return absl::OkStatus();
      }).ok()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture;
  auto store =
      meshdex::storage::Store::Open({.path = fixture->dir.Sub("store"), .sync_writes = false});
  if (!store.ok()) std::abort();
  fixture->store = *std::move(store);
  AddProduct(*fixture->store, "logistics", "shipments", "Every parcel movement, as events.");
  AddProduct(*fixture->store, "sales", "orders", "Customer orders with loyalty_tier.");
  AddProduct(*fixture->store, "production", "telemetry", "Machine sensor readings.");
  meshdex::index::IndexFollowerOptions options;
  options.sync_commits = false;
  fixture->follower = std::make_unique<meshdex::index::IndexFollower>(
      *fixture->store, fixture->dir.Sub("index"), options);
  if (!fixture->follower->Start().ok()) std::abort();
  if (!fixture->follower->WaitForSequence(3, absl::Now() + absl::Seconds(30))) std::abort();
  fixture->searcher = std::make_unique<meshdex::index::Searcher>(*fixture->follower);
  fixture->suggester = std::make_unique<meshdex::index::Suggester>(*fixture->follower);
  std::atexit([] { delete fixture; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  meshdex::v1::SearchRequest request;
  request.set_query(input);
  request.set_highlight(true);
  request.add_facets("domain");
  request.add_facets("tag");
  absl::StatusOr<meshdex::v1::SearchResponse> response = fixture->searcher->Search(request);
  if (!response.ok() && response.status().code() != absl::StatusCode::kInvalidArgument) {
    std::fprintf(stderr, "query %s: %s\n", input.c_str(), response.status().ToString().c_str());
    std::abort();
  }
  meshdex::v1::SuggestRequest suggest;
  suggest.set_prefix(input);
  absl::StatusOr<meshdex::v1::SuggestResponse> suggestions = fixture->suggester->Suggest(suggest);
  if (!suggestions.ok() && suggestions.status().code() != absl::StatusCode::kInvalidArgument) {
    std::fprintf(stderr, "prefix %s: %s\n", input.c_str(), suggestions.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
