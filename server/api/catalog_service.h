// CatalogService: the gRPC adapter over catalog::Catalog (request -> gate ->
// core -> response) plus Watch, which streams the store's change log. Reads
// need a reader; writes need to own the product's domain (auth::Gate).
//
// Thread-safety: gRPC calls methods concurrently; the class holds no mutable
// state of its own.
#ifndef MESHDEX_SERVER_API_CATALOG_SERVICE_H_
#define MESHDEX_SERVER_API_CATALOG_SERVICE_H_

#include "absl/synchronization/notification.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "server/api/grpc_gate.h"
#include "server/catalog/catalog.h"
#include "storage/change_log.h"

namespace meshdex::api {

class CatalogService final : public meshdex::v1::CatalogService::Service {
 public:
  // `shutting_down` is notified when the server stops, so Watch streams end.
  CatalogService(const GrpcGate& gate, catalog::Catalog& catalog,
                 const storage::ChangeLog& change_log, const absl::Notification& shutting_down)
      : gate_(gate), catalog_(catalog), change_log_(change_log), shutting_down_(shutting_down) {}

  grpc::Status ApplyProduct(grpc::ServerContext* context,
                            const meshdex::v1::ApplyProductRequest* request,
                            meshdex::v1::ApplyProductResponse* response) override;
  // Every request is authorized as its own ApplyProduct (all must pass before
  // anything runs) and audited as one entry per product.
  grpc::Status BatchApplyProducts(grpc::ServerContext* context,
                                  const meshdex::v1::BatchApplyProductsRequest* request,
                                  meshdex::v1::BatchApplyProductsResponse* response) override;
  grpc::Status GetProduct(grpc::ServerContext* context,
                          const meshdex::v1::GetProductRequest* request,
                          meshdex::v1::DataProduct* response) override;
  grpc::Status BatchGetProducts(grpc::ServerContext* context,
                                const meshdex::v1::BatchGetProductsRequest* request,
                                meshdex::v1::BatchGetProductsResponse* response) override;
  grpc::Status ListProducts(grpc::ServerContext* context,
                            const meshdex::v1::ListProductsRequest* request,
                            meshdex::v1::ListProductsResponse* response) override;
  grpc::Status ListRevisions(grpc::ServerContext* context,
                             const meshdex::v1::ListRevisionsRequest* request,
                             meshdex::v1::ListRevisionsResponse* response) override;
  grpc::Status DeleteProduct(grpc::ServerContext* context,
                             const meshdex::v1::DeleteProductRequest* request,
                             meshdex::v1::DeleteProductResponse* response) override;
  grpc::Status ResolveAddress(grpc::ServerContext* context,
                              const meshdex::v1::ResolveAddressRequest* request,
                              meshdex::v1::ResolveAddressResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context, const meshdex::v1::WatchRequest* request,
                     grpc::ServerWriter<meshdex::v1::ChangeEvent>* writer) override;
  // Maps the descriptor (a reader may ask), then applies the product as a
  // write to its domain, like ApplyProduct (server/interop).
  grpc::Status ImportDescriptor(grpc::ServerContext* context,
                                const meshdex::v1::ImportDescriptorRequest* request,
                                meshdex::v1::ImportDescriptorResponse* response) override;
  grpc::Status ExportDescriptor(grpc::ServerContext* context,
                                const meshdex::v1::ExportDescriptorRequest* request,
                                meshdex::v1::ExportDescriptorResponse* response) override;

 private:
  const GrpcGate& gate_;
  catalog::Catalog& catalog_;
  const storage::ChangeLog& change_log_;
  const absl::Notification& shutting_down_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_CATALOG_SERVICE_H_
