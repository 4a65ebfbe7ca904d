#include "server/catalog/catalog.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/timestamps.h"
#include "server/catalog/address.h"
#include "server/catalog/page_token.h"

namespace meshdex::catalog {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::DatasetRef;
using storage::AddressClaim;
using storage::DatasetKey;
using storage::WriteTxn;

constexpr absl::string_view kApiVersion = "meshdex.io/v1";
constexpr absl::string_view kKind = "DataProduct";
constexpr absl::string_view kDefaultLifecycle = "draft";

// The descriptor as the catalog stores it: server-set fields cleared, defaults
// filled, so that equal input always yields equal stored form.
DataProduct Canonical(const DataProduct& input) {
  DataProduct product = input;
  product.clear_status();
  ClearServerSetFields(*product.mutable_metadata());
  if (product.api_version().empty()) product.set_api_version(std::string(kApiVersion));
  if (product.kind().empty()) product.set_kind(std::string(kKind));
  if (product.spec().lifecycle().empty()) {
    product.mutable_spec()->set_lifecycle(std::string(kDefaultLifecycle));
  }
  return product;
}

// True when `stored` and `candidate` (server-set fields aside) describe the
// same product.
bool SameDescriptor(const DataProduct& stored, const DataProduct& candidate) {
  return google::protobuf::util::MessageDifferencer::Equals(Canonical(stored),
                                                            Canonical(candidate));
}

struct OwnedDataset {
  DatasetKey key;
  std::string port_name;
  int port_index;
};

absl::StatusOr<std::vector<OwnedDataset>> OutputDatasets(const DataProduct& product) {
  std::vector<OwnedDataset> datasets;
  const auto& ports = product.spec().output_ports();
  for (int i = 0; i < ports.size(); ++i) {
    absl::StatusOr<DatasetRef> dataset = PortDataset(ports[i]);
    if (!dataset.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.outputPorts[", i, "].", dataset.status().message()));
    }
    datasets.push_back({{dataset->namespace_(), dataset->name()}, ports[i].name(), i});
  }
  return datasets;
}

std::string DescribeDataset(const DatasetKey& key) {
  return absl::StrCat("dataset (", key.ns, ", ", key.name, ")");
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return Catalog::kDefaultPageSize;
  return std::min(requested, Catalog::kMaxPageSize);
}

// Parses a product URN, naming `field` in the error.
absl::StatusOr<std::string> CheckedUrn(absl::string_view urn, absl::string_view field) {
  absl::StatusOr<std::pair<std::string, std::string>> parts = ParseProductUrn(urn);
  if (!parts.ok()) return absl::InvalidArgumentError(absl::StrCat(field, ": ", parts.status().message()));
  return ProductUrn(parts->first, parts->second);
}

}  // namespace

void ClearServerSetFields(meshdex::v1::ObjectMeta& meta) {
  meta.clear_urn();
  meta.clear_revision();
  meta.clear_create_time();
  meta.clear_update_time();
  meta.clear_delete_time();
}

absl::Status CheckExpectedRevision(int64_t expected, int64_t actual, absl::string_view urn) {
  if (expected > 0 && expected != actual) {
    return absl::AbortedError(absl::StrCat("expected_revision: ", urn, " is at revision ", actual,
                                           ", not ", expected));
  }
  return absl::OkStatus();
}

void StampNextRevision(meshdex::v1::ObjectMeta& meta, absl::string_view urn, int64_t last_revision,
                       const meshdex::v1::ObjectMeta* current, absl::Time now) {
  meta.set_urn(std::string(urn));
  meta.set_revision(last_revision + 1);
  *meta.mutable_create_time() = current != nullptr ? current->create_time() : ToTimestamp(now);
  *meta.mutable_update_time() = ToTimestamp(now);
}

Catalog::Catalog(storage::Store& store, Options options)
    : store_(store), options_(std::move(options)) {}

// An ApplyProductRequest checked and prepared outside the writer lock.
struct Catalog::PendingApply {
  const meshdex::v1::ApplyProductRequest* request = nullptr;
  PreparedProduct prepared;
  std::vector<OwnedDataset> datasets;
};

absl::StatusOr<Catalog::PendingApply> Catalog::PrepareApply(
    const meshdex::v1::ApplyProductRequest& request) const {
  if (!request.has_product()) return absl::InvalidArgumentError("product: required");
  if (request.expected_revision() < 0) {
    return absl::InvalidArgumentError("expected_revision: must not be negative");
  }
  absl::StatusOr<PreparedProduct> prepared = PrepareProduct(request.product(), options_.limits);
  if (!prepared.ok()) return prepared.status();
  absl::StatusOr<std::vector<OwnedDataset>> datasets = OutputDatasets(prepared->product);
  if (!datasets.ok()) return datasets.status();
  return PendingApply{&request, *std::move(prepared), *std::move(datasets)};
}

absl::Status Catalog::ApplyInTxn(WriteTxn& txn, PendingApply& pending, absl::Time now,
                                 meshdex::v1::ApplyProductResponse& response) const {
  const DataProduct& candidate = pending.prepared.product;
  // A copy: the candidate is stamped (and its URN set again) below.
  const std::string urn = candidate.metadata().urn();
  for (const std::string& warning : pending.prepared.warnings) response.add_warnings(warning);
  absl::StatusOr<std::optional<DataProduct>> current = txn.GetProduct(urn);
  if (!current.ok()) return current.status();
  const int64_t current_revision = current->has_value() ? (*current)->metadata().revision() : 0;
  if (absl::Status status =
          CheckExpectedRevision(pending.request->expected_revision(), current_revision, urn);
      !status.ok()) {
    return status;
  }
  std::optional<meshdex::v1::GovernanceStatus> governance;
  if (options_.govern) {
    absl::StatusOr<meshdex::v1::GovernanceStatus> status =
        options_.govern(current->has_value() ? &**current : nullptr, candidate);
    if (!status.ok()) return status.status();
    for (const meshdex::v1::Violation& violation : status->violations()) {
      response.add_warnings(absl::StrCat("policy ", violation.policy(), ": ", violation.path(),
                                         ": ", violation.message()));
    }
    governance = *std::move(status);
  }
  if (current->has_value() && SameDescriptor(**current, candidate)) {
    *response.mutable_product() = *std::move(*current);
    if (governance) *response.mutable_product()->mutable_status()->mutable_governance() = *governance;
    response.set_outcome(meshdex::v1::UNCHANGED);
    return absl::OkStatus();
  }

  for (const OwnedDataset& dataset : pending.datasets) {
    absl::StatusOr<std::optional<AddressClaim>> claim = txn.GetClaim(dataset.key);
    if (!claim.ok()) return claim.status();
    if (claim->has_value() && (*claim)->product_urn != urn) {
      return absl::AlreadyExistsError(absl::StrCat(
          "spec.outputPorts[", dataset.port_index, "]: ", DescribeDataset(dataset.key),
          " is already owned by ", (*claim)->product_urn, " port ", (*claim)->port_name));
    }
  }

  absl::StatusOr<int64_t> last_revision = txn.LastRevision(urn);
  if (!last_revision.ok()) return last_revision.status();
  absl::StatusOr<std::vector<OwnedDataset>> previous =
      current->has_value() ? OutputDatasets(**current) : std::vector<OwnedDataset>();
  if (!previous.ok()) return previous.status();
  // Every check is above this line: a refused request has changed nothing in
  // the transaction (BatchApplyProducts relies on it).

  // The candidate is stamped, stored and answered in place (the pending
  // apply is this call's own): this runs under the store's writer lock, where
  // two copies of every product held up every other writer.
  DataProduct& stored = pending.prepared.product;
  StampNextRevision(*stored.mutable_metadata(), urn, *last_revision,
                    current->has_value() ? &(*current)->metadata() : nullptr, now);
  response.set_outcome(current->has_value() ? meshdex::v1::UPDATED : meshdex::v1::CREATED);
  if (!pending.request->dry_run()) {
    for (const OwnedDataset& old : *previous) {
      bool kept = false;
      for (const OwnedDataset& now_owned : pending.datasets) {
        kept = kept || (now_owned.key.ns == old.key.ns && now_owned.key.name == old.key.name);
      }
      if (!kept) txn.ReleaseClaim(old.key);
    }
    for (const OwnedDataset& dataset : pending.datasets) {
      txn.PutClaim(dataset.key, AddressClaim{urn, dataset.port_name});
    }
    txn.PutProduct(stored);
    if (governance) txn.PutGovernance(urn, stored.metadata().revision(), *governance);
  }
  *response.mutable_product() = std::move(stored);
  if (governance) *response.mutable_product()->mutable_status()->mutable_governance() = *governance;
  return absl::OkStatus();
}

absl::StatusOr<meshdex::v1::ApplyProductResponse> Catalog::ApplyProduct(
    const meshdex::v1::ApplyProductRequest& request) {
  absl::StatusOr<PendingApply> pending = PrepareApply(request);
  if (!pending.ok()) return pending.status();
  const absl::Time now = options_.clock();
  meshdex::v1::ApplyProductResponse response;
  absl::StatusOr<uint64_t> sequence =
      store_.Write([&](WriteTxn& txn) { return ApplyInTxn(txn, *pending, now, response); });
  if (!sequence.ok()) return sequence.status();
  response.set_sequence(*sequence);
  return response;
}

absl::StatusOr<meshdex::v1::BatchApplyProductsResponse> Catalog::BatchApplyProducts(
    const meshdex::v1::BatchApplyProductsRequest& request) {
  if (request.requests_size() == 0) return absl::InvalidArgumentError("requests: required");
  if (request.requests_size() > kMaxBatchSize) {
    return absl::InvalidArgumentError(absl::StrCat("requests: at most ", kMaxBatchSize,
                                                   " per request, got ", request.requests_size()));
  }
  const auto at = [](int index, const absl::Status& status) {
    return absl::Status(status.code(), absl::StrCat("requests[", index, "]: ", status.message()));
  };
  std::vector<PendingApply> pending;
  pending.reserve(request.requests_size());
  for (int i = 0; i < request.requests_size(); ++i) {
    absl::StatusOr<PendingApply> prepared = PrepareApply(request.requests(i));
    if (!prepared.ok()) return at(i, prepared.status());
    pending.push_back(*std::move(prepared));
  }
  const absl::Time now = options_.clock();
  meshdex::v1::BatchApplyProductsResponse response;
  absl::StatusOr<uint64_t> sequence = store_.Write([&](WriteTxn& txn) -> absl::Status {
    for (size_t i = 0; i < pending.size(); ++i) {
      // Later requests see the earlier ones' writes (the transaction's own).
      if (absl::Status status = ApplyInTxn(txn, pending[i], now, *response.add_responses());
          !status.ok()) {
        return at(static_cast<int>(i), status);
      }
    }
    return absl::OkStatus();
  });
  if (!sequence.ok()) return sequence.status();
  response.set_sequence(*sequence);
  for (meshdex::v1::ApplyProductResponse& applied : *response.mutable_responses()) {
    applied.set_sequence(*sequence);
  }
  return response;
}

absl::StatusOr<DataProduct> Catalog::GetProduct(
    const meshdex::v1::GetProductRequest& request) const {
  absl::StatusOr<std::string> urn = CheckedUrn(request.urn(), "urn");
  if (!urn.ok()) return urn.status();
  if (request.revision() < 0) return absl::InvalidArgumentError("revision: must not be negative");
  if (request.revision() > 0) return store_.GetRevision(*urn, request.revision());
  absl::StatusOr<DataProduct> product = store_.GetProduct(*urn);
  if (!product.ok()) return product.status();
  if (absl::Status status = FillStatus(*product); !status.ok()) return status;
  return product;
}

absl::StatusOr<meshdex::v1::BatchGetProductsResponse> Catalog::BatchGetProducts(
    const meshdex::v1::BatchGetProductsRequest& request) const {
  if (request.urns_size() > kMaxBatchSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("urns: at most ", kMaxBatchSize, " per request, got ", request.urns_size()));
  }
  meshdex::v1::BatchGetProductsResponse response;
  for (int i = 0; i < request.urns_size(); ++i) {
    absl::StatusOr<std::string> urn = CheckedUrn(request.urns(i), absl::StrCat("urns[", i, "]"));
    if (!urn.ok()) return urn.status();
    absl::StatusOr<DataProduct> product = store_.GetProduct(*urn);
    if (product.ok()) {
      if (absl::Status status = FillStatus(*product); !status.ok()) return status;
      *response.add_products() = *std::move(product);
    } else if (absl::IsNotFound(product.status())) {
      response.add_not_found(*urn);
    } else {
      return product.status();
    }
  }
  return response;
}

absl::StatusOr<meshdex::v1::ListProductsResponse> Catalog::ListProducts(
    const meshdex::v1::ListProductsRequest& request) const {
  std::string prefix = "urn:dp:";
  if (!request.domain().empty()) {
    if (absl::Status status = ValidateDomain(request.domain()); !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("domain: ", status.message()));
    }
    absl::StrAppend(&prefix, request.domain(), ":");
  }
  absl::StatusOr<int> page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  std::string start_after;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> position =
        DecodePageToken(request.page_token(), "products", request.domain());
    if (!position.ok()) return position.status();
    start_after = *std::move(position);
  }
  absl::StatusOr<storage::Page<DataProduct>> page =
      store_.ListProducts(prefix, start_after, static_cast<size_t>(*page_size));
  if (!page.ok()) return page.status();
  meshdex::v1::ListProductsResponse response;
  for (DataProduct& product : page->items) {
    if (absl::Status status = FillStatus(product); !status.ok()) return status;
    *response.add_products() = std::move(product);
  }
  if (page->more) {
    response.set_next_page_token(EncodePageToken(
        "products", request.domain(), response.products().rbegin()->metadata().urn()));
  }
  return response;
}

absl::StatusOr<meshdex::v1::ListRevisionsResponse> Catalog::ListRevisions(
    const meshdex::v1::ListRevisionsRequest& request) const {
  absl::StatusOr<std::string> urn = CheckedUrn(request.urn(), "urn");
  if (!urn.ok()) return urn.status();
  absl::StatusOr<int> page_size = PageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  int64_t after = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> position = DecodePageToken(request.page_token(), "revisions", *urn);
    if (!position.ok()) return position.status();
    if (!absl::SimpleAtoi(*position, &after) || after < 0) {
      return absl::InvalidArgumentError("page_token: malformed token");
    }
  }
  absl::StatusOr<storage::Page<DataProduct>> page =
      store_.ListRevisions(*urn, after, static_cast<size_t>(*page_size));
  if (!page.ok()) return page.status();
  if (page->items.empty() && after == 0) {
    return absl::NotFoundError(absl::StrCat("product ", *urn, " has no history"));
  }
  meshdex::v1::ListRevisionsResponse response;
  for (DataProduct& revision : page->items) *response.add_revisions() = std::move(revision);
  if (page->more) {
    response.set_next_page_token(EncodePageToken(
        "revisions", *urn, absl::StrCat(response.revisions().rbegin()->metadata().revision())));
  }
  return response;
}

absl::StatusOr<meshdex::v1::DeleteProductResponse> Catalog::DeleteProduct(
    const meshdex::v1::DeleteProductRequest& request) {
  absl::StatusOr<std::string> urn = CheckedUrn(request.urn(), "urn");
  if (!urn.ok()) return urn.status();
  if (request.expected_revision() < 0) {
    return absl::InvalidArgumentError("expected_revision: must not be negative");
  }
  const absl::Time now = options_.clock();
  absl::StatusOr<uint64_t> sequence = store_.Write([&](WriteTxn& txn) -> absl::Status {
    absl::StatusOr<std::optional<DataProduct>> current = txn.GetProduct(*urn);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return absl::NotFoundError(absl::StrCat("product ", *urn, " not found"));
    if (absl::Status status = CheckExpectedRevision(request.expected_revision(),
                                                    (*current)->metadata().revision(), *urn);
        !status.ok()) {
      return status;
    }
    absl::StatusOr<std::vector<OwnedDataset>> datasets = OutputDatasets(**current);
    if (!datasets.ok()) return datasets.status();
    for (const OwnedDataset& dataset : *datasets) txn.ReleaseClaim(dataset.key);

    DataProduct tombstone = **current;
    tombstone.mutable_metadata()->set_revision((*current)->metadata().revision() + 1);
    *tombstone.mutable_metadata()->mutable_update_time() = ToTimestamp(now);
    *tombstone.mutable_metadata()->mutable_delete_time() = ToTimestamp(now);
    txn.DeleteProduct(tombstone);
    return absl::OkStatus();
  });
  if (!sequence.ok()) return sequence.status();
  meshdex::v1::DeleteProductResponse response;
  response.set_sequence(*sequence);
  return response;
}

absl::StatusOr<PreparedProduct> PrepareProduct(const DataProduct& input,
                                               const ValidationLimits& limits) {
  PreparedProduct prepared{Canonical(input), {}};
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(prepared.product, limits);
  if (!warnings.ok()) return warnings.status();
  prepared.warnings = *std::move(warnings);
  meshdex::v1::ObjectMeta* meta = prepared.product.mutable_metadata();
  meta->set_urn(ProductUrn(meta->domain(), meta->name()));
  return prepared;
}

absl::Status Catalog::FillStatus(DataProduct& product) const {
  absl::StatusOr<std::optional<meshdex::v1::GovernanceStatus>> governance =
      store_.GetGovernance(product.metadata().urn());
  if (!governance.ok()) return governance.status();
  if (governance->has_value()) {
    *product.mutable_status()->mutable_governance() = **std::move(governance);
  }
  if (!options_.fill_status) return absl::OkStatus();
  return options_.fill_status(product);
}

absl::StatusOr<meshdex::v1::ResolveAddressResponse> Catalog::ResolveAddress(
    const meshdex::v1::ResolveAddressRequest& request) const {
  DatasetRef dataset;
  if (!request.address().empty()) {
    absl::StatusOr<DatasetRef> normalized = NormalizeAddress(request.address());
    if (!normalized.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("address: ", normalized.status().message()));
    }
    dataset = *std::move(normalized);
  } else if (request.has_dataset()) {
    meshdex::v1::Port port;
    *port.mutable_dataset() = request.dataset();
    absl::StatusOr<DatasetRef> checked = PortDataset(port);
    if (!checked.ok()) return checked.status();
    dataset = *std::move(checked);
  } else {
    return absl::InvalidArgumentError("address: required (or dataset)");
  }
  DatasetKey key{dataset.namespace_(), dataset.name()};
  absl::StatusOr<std::optional<AddressClaim>> claim = store_.GetClaim(key);
  if (!claim.ok()) return claim.status();
  if (!claim->has_value()) {
    return absl::NotFoundError(absl::StrCat("no product owns ", DescribeDataset(key)));
  }
  meshdex::v1::ResolveAddressResponse response;
  response.set_product_urn((*claim)->product_urn);
  response.set_port_name((*claim)->port_name);
  response.set_dataset_namespace(key.ns);
  response.set_dataset_name(key.name);
  return response;
}

}  // namespace meshdex::catalog
