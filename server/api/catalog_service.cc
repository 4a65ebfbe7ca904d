#include "server/api/catalog_service.h"

#include <algorithm>

#include "server/api/status.h"

namespace meshdex::api {
namespace {
// Change-log records read per step of a Watch stream.
constexpr size_t kWatchBatch = 256;
// How often an idle Watch stream re-checks cancellation and shutdown.
constexpr absl::Duration kWatchPoll = absl::Milliseconds(200);
}  // namespace

grpc::Status CatalogService::ApplyProduct(grpc::ServerContext*,
                                          const meshdex::v1::ApplyProductRequest* request,
                                          meshdex::v1::ApplyProductResponse* response) {
  return Respond(catalog_.ApplyProduct(*request), response);
}

grpc::Status CatalogService::GetProduct(grpc::ServerContext*,
                                        const meshdex::v1::GetProductRequest* request,
                                        meshdex::v1::DataProduct* response) {
  return Respond(catalog_.GetProduct(*request), response);
}

grpc::Status CatalogService::BatchGetProducts(grpc::ServerContext*,
                                              const meshdex::v1::BatchGetProductsRequest* request,
                                              meshdex::v1::BatchGetProductsResponse* response) {
  return Respond(catalog_.BatchGetProducts(*request), response);
}

grpc::Status CatalogService::ListProducts(grpc::ServerContext*,
                                          const meshdex::v1::ListProductsRequest* request,
                                          meshdex::v1::ListProductsResponse* response) {
  return Respond(catalog_.ListProducts(*request), response);
}

grpc::Status CatalogService::ListRevisions(grpc::ServerContext*,
                                           const meshdex::v1::ListRevisionsRequest* request,
                                           meshdex::v1::ListRevisionsResponse* response) {
  return Respond(catalog_.ListRevisions(*request), response);
}

grpc::Status CatalogService::DeleteProduct(grpc::ServerContext*,
                                           const meshdex::v1::DeleteProductRequest* request,
                                           meshdex::v1::DeleteProductResponse* response) {
  return Respond(catalog_.DeleteProduct(*request), response);
}

grpc::Status CatalogService::ResolveAddress(grpc::ServerContext*,
                                            const meshdex::v1::ResolveAddressRequest* request,
                                            meshdex::v1::ResolveAddressResponse* response) {
  return Respond(catalog_.ResolveAddress(*request), response);
}

grpc::Status CatalogService::Watch(grpc::ServerContext* context,
                                   const meshdex::v1::WatchRequest* request,
                                   grpc::ServerWriter<meshdex::v1::ChangeEvent>* writer) {
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
