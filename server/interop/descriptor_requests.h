// The request-level side of descriptor import/export, shared by the gRPC
// CatalogService and the HTTP gateway so both behave alike: mapping an
// ImportDescriptorRequest, the ApplyProductRequest that stores its product
// through the catalog's one apply path, and exports of stored products.
// Authorization and audit stay with the transports (they admit the mapped
// product's domain as a product write).
//
// Thread-safety: pure functions, except ExportDescriptor, which reads the
// (thread-safe) catalog.
#ifndef MESHDEX_SERVER_INTEROP_DESCRIPTOR_REQUESTS_H_
#define MESHDEX_SERVER_INTEROP_DESCRIPTOR_REQUESTS_H_

#include "absl/status/statusor.h"
#include "meshdex/v1/catalog.pb.h"
#include "server/catalog/catalog.h"

namespace meshdex::interop {

// The mapped product with its unmapped/derived lists (no apply outcome yet).
// INVALID_ARGUMENT naming the field: format, domain, content (syntax, with
// line/column) or the descriptor path that made mapping impossible.
absl::StatusOr<meshdex::v1::ImportDescriptorResponse> MapImport(
    const meshdex::v1::ImportDescriptorRequest& request);

// The apply of a mapped import.
meshdex::v1::ApplyProductRequest ApplyRequestFor(const meshdex::v1::ImportDescriptorResponse& mapped,
                                                 bool dry_run);

// Adds the apply's product (as stored), sequence, outcome and warnings.
void AddApplyOutcome(meshdex::v1::ApplyProductResponse applied,
                     meshdex::v1::ImportDescriptorResponse* response);

// Reads the product and writes it in the requested format (odcs; "" = odcs).
absl::StatusOr<meshdex::v1::ExportDescriptorResponse> ExportDescriptor(
    const catalog::Catalog& catalog, const meshdex::v1::ExportDescriptorRequest& request);

}  // namespace meshdex::interop

#endif  // MESHDEX_SERVER_INTEROP_DESCRIPTOR_REQUESTS_H_
