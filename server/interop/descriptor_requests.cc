#include "server/interop/descriptor_requests.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/interop/interop.h"

namespace meshdex::interop {

absl::StatusOr<meshdex::v1::ImportDescriptorResponse> MapImport(
    const meshdex::v1::ImportDescriptorRequest& request) {
  absl::StatusOr<Format> format = ParseFormat(request.format());
  if (!format.ok()) return format.status();
  if (request.content().empty()) return absl::InvalidArgumentError("content: required");
  absl::StatusOr<ImportResult> mapped =
      ImportDescriptor(*format, request.content(), ImportOptions{request.domain()});
  if (!mapped.ok()) return mapped.status();
  meshdex::v1::ImportDescriptorResponse response;
  *response.mutable_product() = std::move(mapped->product);
  for (std::string& path : mapped->unmapped) response.add_unmapped(std::move(path));
  for (std::string& derivation : mapped->derived) response.add_derived(std::move(derivation));
  return response;
}

meshdex::v1::ApplyProductRequest ApplyRequestFor(const meshdex::v1::ImportDescriptorResponse& mapped,
                                                 bool dry_run) {
  meshdex::v1::ApplyProductRequest apply;
  *apply.mutable_product() = mapped.product();
  apply.set_dry_run(dry_run);
  return apply;
}

void AddApplyOutcome(meshdex::v1::ApplyProductResponse applied,
                     meshdex::v1::ImportDescriptorResponse* response) {
  *response->mutable_product() = std::move(*applied.mutable_product());
  response->set_sequence(applied.sequence());
  response->set_outcome(applied.outcome());
  for (std::string& warning : *applied.mutable_warnings()) response->add_warnings(std::move(warning));
}

absl::StatusOr<meshdex::v1::ExportDescriptorResponse> ExportDescriptor(
    const catalog::Catalog& catalog, const meshdex::v1::ExportDescriptorRequest& request) {
  if (!request.format().empty() && request.format() != "odcs") {
    return absl::InvalidArgumentError(
        absl::StrCat("format: \"", request.format(), "\" cannot be exported; only odcs"));
  }
  meshdex::v1::GetProductRequest get;
  get.set_urn(request.urn());
  get.set_revision(request.revision());
  absl::StatusOr<meshdex::v1::DataProduct> product = catalog.GetProduct(get);
  if (!product.ok()) return product.status();
  ExportResult exported = ExportOdcs(*product);
  meshdex::v1::ExportDescriptorResponse response;
  response.set_content(std::move(exported.content));
  for (std::string& path : exported.unmapped) response.add_unmapped(std::move(path));
  return response;
}

}  // namespace meshdex::interop
