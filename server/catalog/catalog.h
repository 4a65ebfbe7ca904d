// Catalog: the domain core of product registration — apply, read, list,
// history, delete and address resolution — shared by every transport (gRPC,
// HTTP). It speaks proto messages and absl::Status, never gRPC types.
//
// Invariants it maintains in the store, atomically per write:
//  * a product's revisions are 1, 2, 3, ... (a re-created product continues
//    after its tombstone); an identical re-apply writes nothing (UNCHANGED);
//  * every output port's dataset is claimed by exactly that product port, and
//    a dataset has at most one owner (ALREADY_EXISTS otherwise);
//  * nothing is stored for a request that fails validation or a check.
//
// Thread-safety: thread-safe; concurrent writes are serialised by the store.
#ifndef MESHDEX_SERVER_CATALOG_CATALOG_H_
#define MESHDEX_SERVER_CATALOG_CATALOG_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "meshdex/v1/catalog.pb.h"
#include "server/catalog/validation.h"
#include "storage/store.h"

namespace meshdex::catalog {

// Clears the (out) fields the server sets on a resource's metadata (urn,
// revision, create/update/delete times), so submitted input compares equal
// to what is stored.
void ClearServerSetFields(meshdex::v1::ObjectMeta& meta);

// A submitted descriptor as the catalog would store it: server-set fields
// cleared, defaults filled (apiVersion, kind, lifecycle draft), metadata.urn
// set; validated (INVALID_ARGUMENT as for ApplyProduct), with the
// validation's warnings.
struct PreparedProduct {
  meshdex::v1::DataProduct product;
  std::vector<std::string> warnings;
};
absl::StatusOr<PreparedProduct> PrepareProduct(const meshdex::v1::DataProduct& input,
                                               const ValidationLimits& limits);

// OK when `expected` is 0 (no precondition) or equals `actual`, the stored
// revision of `urn` (0 when absent); ABORTED otherwise.
absl::Status CheckExpectedRevision(int64_t expected, int64_t actual, absl::string_view urn);

// Stamps `meta` as the next revision of a versioned resource (product or
// policy): `urn`, revision last_revision + 1, create_time kept from `current`
// (null when there is none) or else `now`, update_time `now`.
void StampNextRevision(meshdex::v1::ObjectMeta& meta, absl::string_view urn, int64_t last_revision,
                       const meshdex::v1::ObjectMeta* current, absl::Time now);

class Catalog {
 public:
  struct Options {
    ValidationLimits limits;
    // Source of creation/update times; tests inject a fixed clock.
    std::function<absl::Time()> clock = [] { return absl::Now(); };
    // Fills the computed (out) status of every product a read returns
    // (GetProduct of the latest revision, BatchGetProducts, ListProducts),
    // e.g. lineage trust, so all transports answer alike. An error fails the
    // read. Unset: status stays empty.
    std::function<absl::Status(meshdex::v1::DataProduct&)> fill_status;
    // Governs every product write (dry runs and unchanged re-applies too),
    // called inside the write so the policies it reads are those in force
    // when it commits: given the stored product (null when there is none)
    // and the one to store, returns the governance status stored with it,
    // or FAILED_PRECONDITION listing every violation that refuses the write.
    // Unset: products carry no governance status.
    std::function<absl::StatusOr<meshdex::v1::GovernanceStatus>(
        const meshdex::v1::DataProduct* previous, const meshdex::v1::DataProduct& next)>
        govern;
  };


  explicit Catalog(storage::Store& store) : Catalog(store, Options()) {}
  Catalog(storage::Store& store, Options options);

  absl::StatusOr<meshdex::v1::ApplyProductResponse> ApplyProduct(
      const meshdex::v1::ApplyProductRequest& request);
  // Applies every request, in order, as ONE atomic write (one WAL sync):
  // each is treated as ApplyProduct would, later ones seeing the earlier
  // ones; when any is refused nothing is stored and the error names it
  // ("requests[i]: ..."). At most kMaxBatchSize requests.
  absl::StatusOr<meshdex::v1::BatchApplyProductsResponse> BatchApplyProducts(
      const meshdex::v1::BatchApplyProductsRequest& request);
  absl::StatusOr<meshdex::v1::DataProduct> GetProduct(
      const meshdex::v1::GetProductRequest& request) const;
  absl::StatusOr<meshdex::v1::BatchGetProductsResponse> BatchGetProducts(
      const meshdex::v1::BatchGetProductsRequest& request) const;
  absl::StatusOr<meshdex::v1::ListProductsResponse> ListProducts(
      const meshdex::v1::ListProductsRequest& request) const;
  absl::StatusOr<meshdex::v1::ListRevisionsResponse> ListRevisions(
      const meshdex::v1::ListRevisionsRequest& request) const;
  absl::StatusOr<meshdex::v1::DeleteProductResponse> DeleteProduct(
      const meshdex::v1::DeleteProductRequest& request);
  absl::StatusOr<meshdex::v1::ResolveAddressResponse> ResolveAddress(
      const meshdex::v1::ResolveAddressRequest& request) const;

  // Page sizes: default and upper bound for List* calls.
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;
  // Upper bound of URNs in one BatchGetProducts, of requests in one
  // BatchApplyProducts.
  static constexpr int kMaxBatchSize = 1000;

 private:
  struct PendingApply;
  // Checks and prepares `request` (outside the writer lock).
  absl::StatusOr<PendingApply> PrepareApply(const meshdex::v1::ApplyProductRequest& request) const;
  // Applies a prepared request inside `txn`, filling `response` (sequence
  // aside). A refusal returns before the transaction is changed.
  absl::Status ApplyInTxn(storage::WriteTxn& txn, PendingApply& pending, absl::Time now,
                          meshdex::v1::ApplyProductResponse& response) const;

  // Adds the stored governance status, then applies options_.fill_status.
  absl::Status FillStatus(meshdex::v1::DataProduct& product) const;

  storage::Store& store_;
  const Options options_;
};

}  // namespace meshdex::catalog

#endif  // MESHDEX_SERVER_CATALOG_CATALOG_H_
