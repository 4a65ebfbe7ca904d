#include "server/api/catalog_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/api/status.h"
#include "server/auth/applied_write.h"
#include "server/catalog/validation.h"
#include "server/interop/descriptor_requests.h"

namespace meshdex::api {
namespace {
// Change-log records read per step of a Watch stream.
constexpr size_t kWatchBatch = 256;
// How often an idle Watch stream re-checks cancellation and shutdown.
constexpr absl::Duration kWatchPoll = absl::Milliseconds(200);
}  // namespace

grpc::Status CatalogService::ApplyProduct(grpc::ServerContext* context,
                                          const meshdex::v1::ApplyProductRequest* request,
                                          meshdex::v1::ApplyProductResponse* response) {
  const meshdex::v1::ObjectMeta& meta = request->product().metadata();
  const std::string urn = catalog::ProductUrn(meta.domain(), meta.name());
  return gate_.Write<meshdex::v1::ApplyProductResponse>(
      *context,
      {kGrpcTransport,
       request->dry_run() ? "CatalogService.ApplyProduct (dry run)" : "CatalogService.ApplyProduct",
       auth::Action::kWriteProduct, meta.domain(), urn},
      [&] { return catalog_.ApplyProduct(*request); },
      [&](const meshdex::v1::ApplyProductResponse& applied) {
        return auth::AppliedWrite(request->dry_run(), applied);
      },
      response);
}

grpc::Status CatalogService::BatchApplyProducts(
    grpc::ServerContext* context, const meshdex::v1::BatchApplyProductsRequest* request,
    meshdex::v1::BatchApplyProductsResponse* response) {
  const auth::Gatekeeper& gatekeeper = gate_.gatekeeper();
  const std::string authorization = GrpcGate::Authorization(*context);
  // The audit view of each request; the strings outlive every use below.
  std::vector<std::string> urns;
  urns.reserve(request->requests_size());
  std::vector<auth::Gatekeeper::Request> audited;
  audited.reserve(request->requests_size());
  for (const meshdex::v1::ApplyProductRequest& apply : request->requests()) {
    const meshdex::v1::ObjectMeta& meta = apply.product().metadata();
    urns.push_back(catalog::ProductUrn(meta.domain(), meta.name()));
    audited.push_back({kGrpcTransport,
                       apply.dry_run() ? "CatalogService.BatchApplyProducts (dry run)"
                                       : "CatalogService.BatchApplyProducts",
                       auth::Action::kWriteProduct, meta.domain(), urns.back()});
  }
  std::optional<auth::Principal> principal;
  for (const auth::Gatekeeper::Request& one : audited) {
    absl::StatusOr<auth::Principal> admitted = gatekeeper.Admit(authorization, one);
    if (!admitted.ok()) return ToGrpcStatus(admitted.status());
    principal = *std::move(admitted);
  }
  absl::StatusOr<meshdex::v1::BatchApplyProductsResponse> result =
      catalog_.BatchApplyProducts(*request);
  if (principal) {
    for (int i = 0; i < request->requests_size(); ++i) {
      const std::pair<int64_t, uint64_t> wrote =
          result.ok() ? auth::AppliedWrite(request->requests(i).dry_run(), result->responses(i))
                      : std::pair<int64_t, uint64_t>(0, 0);
      gatekeeper.RecordWrite(*principal, audited[i], result.status(), wrote.first, wrote.second);
    }
  }
  return Respond(std::move(result), response);
}

grpc::Status CatalogService::ImportDescriptor(grpc::ServerContext* context,
                                              const meshdex::v1::ImportDescriptorRequest* request,
                                              meshdex::v1::ImportDescriptorResponse* response) {
  constexpr absl::string_view kOperation = "CatalogService.ImportDescriptor";
  if (grpc::Status denied = gate_.Admit(*context, kOperation, auth::Action::kRead); !denied.ok()) {
    return denied;
  }
  absl::StatusOr<meshdex::v1::ImportDescriptorResponse> mapped = interop::MapImport(*request);
  if (!mapped.ok()) return ToGrpcStatus(mapped.status());
  const meshdex::v1::ObjectMeta& meta = mapped->product().metadata();
  return gate_.Write<meshdex::v1::ImportDescriptorResponse>(
      *context,
      {kGrpcTransport,
       request->dry_run() ? "CatalogService.ImportDescriptor (dry run)" : kOperation,
       auth::Action::kWriteProduct, meta.domain(), catalog::ProductUrn(meta.domain(), meta.name())},
      [&]() -> absl::StatusOr<meshdex::v1::ImportDescriptorResponse> {
        absl::StatusOr<meshdex::v1::ApplyProductResponse> applied =
            catalog_.ApplyProduct(interop::ApplyRequestFor(*mapped, request->dry_run()));
        if (!applied.ok()) return applied.status();
        meshdex::v1::ImportDescriptorResponse imported = *mapped;
        interop::AddApplyOutcome(*std::move(applied), &imported);
        return imported;
      },
      [&](const meshdex::v1::ImportDescriptorResponse& imported) {
        return auth::AppliedWrite(request->dry_run(), imported);
      },
      response);
}

grpc::Status CatalogService::ExportDescriptor(grpc::ServerContext* context,
                                              const meshdex::v1::ExportDescriptorRequest* request,
                                              meshdex::v1::ExportDescriptorResponse* response) {
  return gate_.Call<meshdex::v1::ExportDescriptorResponse>(
      *context, "CatalogService.ExportDescriptor", auth::Action::kRead,
      [&] { return interop::ExportDescriptor(catalog_, *request); }, response);
}

grpc::Status CatalogService::GetProduct(grpc::ServerContext* context,
                                        const meshdex::v1::GetProductRequest* request,
                                        meshdex::v1::DataProduct* response) {
  return gate_.Call<meshdex::v1::DataProduct>(
      *context, "CatalogService.GetProduct", auth::Action::kRead,
      [&] { return catalog_.GetProduct(*request); }, response);
}

grpc::Status CatalogService::BatchGetProducts(grpc::ServerContext* context,
                                              const meshdex::v1::BatchGetProductsRequest* request,
                                              meshdex::v1::BatchGetProductsResponse* response) {
  return gate_.Call<meshdex::v1::BatchGetProductsResponse>(
      *context, "CatalogService.BatchGetProducts", auth::Action::kRead,
      [&] { return catalog_.BatchGetProducts(*request); }, response);
}

grpc::Status CatalogService::ListProducts(grpc::ServerContext* context,
                                          const meshdex::v1::ListProductsRequest* request,
                                          meshdex::v1::ListProductsResponse* response) {
  return gate_.Call<meshdex::v1::ListProductsResponse>(
      *context, "CatalogService.ListProducts", auth::Action::kRead,
      [&] { return catalog_.ListProducts(*request); }, response);
}

grpc::Status CatalogService::ListRevisions(grpc::ServerContext* context,
                                           const meshdex::v1::ListRevisionsRequest* request,
                                           meshdex::v1::ListRevisionsResponse* response) {
  return gate_.Call<meshdex::v1::ListRevisionsResponse>(
      *context, "CatalogService.ListRevisions", auth::Action::kRead,
      [&] { return catalog_.ListRevisions(*request); }, response);
}

grpc::Status CatalogService::DeleteProduct(grpc::ServerContext* context,
                                           const meshdex::v1::DeleteProductRequest* request,
                                           meshdex::v1::DeleteProductResponse* response) {
  absl::StatusOr<std::pair<std::string, std::string>> parts =
      catalog::ParseProductUrn(request->urn());
  if (!parts.ok()) {
    return ToGrpcStatus(
        absl::InvalidArgumentError(absl::StrCat("urn: ", parts.status().message())));
  }
  return gate_.Write<meshdex::v1::DeleteProductResponse>(
      *context,
      {kGrpcTransport, "CatalogService.DeleteProduct", auth::Action::kWriteProduct, parts->first,
       request->urn()},
      [&] { return catalog_.DeleteProduct(*request); },
      [](const meshdex::v1::DeleteProductResponse& deleted) {
        return std::pair<int64_t, uint64_t>(0, deleted.sequence());
      },
      response);
}

grpc::Status CatalogService::ResolveAddress(grpc::ServerContext* context,
                                            const meshdex::v1::ResolveAddressRequest* request,
                                            meshdex::v1::ResolveAddressResponse* response) {
  return gate_.Call<meshdex::v1::ResolveAddressResponse>(
      *context, "CatalogService.ResolveAddress", auth::Action::kRead,
      [&] { return catalog_.ResolveAddress(*request); }, response);
}

grpc::Status CatalogService::Watch(grpc::ServerContext* context,
                                   const meshdex::v1::WatchRequest* request,
                                   grpc::ServerWriter<meshdex::v1::ChangeEvent>* writer) {
  if (grpc::Status denied = gate_.Admit(*context, "CatalogService.Watch", auth::Action::kRead);
      !denied.ok()) {
    return denied;
  }
  uint64_t next = std::max<uint64_t>(request->from_sequence(), 1);
  while (!context->IsCancelled() && !shutting_down_.HasBeenNotified()) {
    absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> events =
        change_log_.ReadChanges(next, kWatchBatch);
    if (!events.ok()) return ToGrpcStatus(events.status());
    if (events->empty()) {
      change_log_.WaitForSequence(next, absl::Now() + kWatchPoll);
      continue;
    }
    for (const meshdex::v1::ChangeEvent& event : *events) {
      // A failed write means the client went away.
      if (!writer->Write(event)) return grpc::Status::OK;
      next = event.sequence() + 1;
    }
  }
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
  // Tells the client to resume elsewhere or later from the last sequence it saw.
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
}

}  // namespace meshdex::api
