// LineageService: the gRPC adapter over lineage::Lineage (request -> core ->
// response). IngestEvents feeds the stream into the core's IngestStream,
// which checks each event as it arrives and writes them in batches.
// IngestEvents reads its stream's messages as bytes and parses them itself:
// with the generated handler gRPC parses them, and a message it cannot parse
// (event_json not UTF-8, say) ends the read loop exactly as the client's end
// of stream does, so the events after it were dropped under an OK status. A
// malformed message is rejected like an invalid event instead (its index and
// reason in the response; the events before it are stored).
//
// Thread-safety: gRPC calls methods concurrently; the class holds no mutable
// state of its own.
#ifndef MESHDEX_SERVER_API_LINEAGE_SERVICE_H_
#define MESHDEX_SERVER_API_LINEAGE_SERVICE_H_

#include "grpcpp/support/byte_buffer.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "server/api/grpc_gate.h"
#include "server/lineage/lineage.h"

namespace meshdex::api {

class LineageService final : public meshdex::v1::LineageService::Service {
 public:
  LineageService(const GrpcGate& gate, lineage::Lineage& lineage);

  grpc::Status IngestEvent(grpc::ServerContext* context,
                           const meshdex::v1::IngestEventRequest* request,
                           meshdex::v1::IngestEventResponse* response) override;
  grpc::Status GetLineage(grpc::ServerContext* context,
                          const meshdex::v1::GetLineageRequest* request,
                          meshdex::v1::LineageGraph* response) override;
  grpc::Status GetColumnLineage(grpc::ServerContext* context,
                                const meshdex::v1::GetColumnLineageRequest* request,
                                meshdex::v1::LineageGraph* response) override;
  grpc::Status ListRuns(grpc::ServerContext* context, const meshdex::v1::ListRunsRequest* request,
                        meshdex::v1::ListRunsResponse* response) override;

 private:
  // LineageService.IngestEvents: IngestEventRequest messages in, one
  // IngestEventsResponse out, as bytes.
  grpc::Status IngestEventMessages(const grpc::ServerContext& context,
                                   grpc::ServerReader<grpc::ByteBuffer>& reader,
                                   grpc::ByteBuffer& response);

  const GrpcGate& gate_;
  lineage::Lineage& lineage_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_LINEAGE_SERVICE_H_
