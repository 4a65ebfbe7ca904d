// LineageService: the gRPC adapter over lineage::Lineage (request -> core ->
// response). IngestEvents feeds the stream into the core's IngestStream,
// which checks each event as it arrives and writes them in batches.
//
// Thread-safety: gRPC calls methods concurrently; the class holds no mutable
// state of its own.
#ifndef MESHDEX_SERVER_API_LINEAGE_SERVICE_H_
#define MESHDEX_SERVER_API_LINEAGE_SERVICE_H_

#include "meshdex/v1/lineage.grpc.pb.h"
#include "server/api/grpc_gate.h"
#include "server/lineage/lineage.h"

namespace meshdex::api {

class LineageService final : public meshdex::v1::LineageService::Service {
 public:
  LineageService(const GrpcGate& gate, lineage::Lineage& lineage)
      : gate_(gate), lineage_(lineage) {}

  grpc::Status IngestEvent(grpc::ServerContext* context,
                           const meshdex::v1::IngestEventRequest* request,
                           meshdex::v1::IngestEventResponse* response) override;
  grpc::Status IngestEvents(grpc::ServerContext* context,
                            grpc::ServerReader<meshdex::v1::IngestEventRequest>* reader,
                            meshdex::v1::IngestEventsResponse* response) override;
  grpc::Status GetLineage(grpc::ServerContext* context,
                          const meshdex::v1::GetLineageRequest* request,
                          meshdex::v1::LineageGraph* response) override;
  grpc::Status GetColumnLineage(grpc::ServerContext* context,
                                const meshdex::v1::GetColumnLineageRequest* request,
                                meshdex::v1::LineageGraph* response) override;
  grpc::Status ListRuns(grpc::ServerContext* context, const meshdex::v1::ListRunsRequest* request,
                        meshdex::v1::ListRunsResponse* response) override;

 private:
  const GrpcGate& gate_;
  lineage::Lineage& lineage_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_LINEAGE_SERVICE_H_
