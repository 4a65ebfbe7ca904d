#include "server/api/lineage_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/support/method_handler.h"
#include "server/api/status.h"
#include "server/malformed_requests.h"

namespace meshdex::api {

LineageService::LineageService(const GrpcGate& gate, lineage::Lineage& lineage)
    : gate_(gate), lineage_(lineage) {
  const int ingest_events = meshdex::v1::IngestEventRequest::descriptor()
                                ->file()
                                ->FindServiceByName("LineageService")
                                ->FindMethodByName("IngestEvents")
                                ->index();
  // The generated service adds its methods in the .proto's order, so the
  // descriptor's index is the handler's. MarkMethodStreamed also marks the
  // method bidirectional: gRPC's server starts both kinds of stream alike
  // (no message read before the handler), and the client still gets one
  // message and the status.
  MarkMethodStreamed(
      ingest_events,
      new grpc::internal::ClientStreamingHandler<LineageService, grpc::ByteBuffer,
                                                 grpc::ByteBuffer>(
          [](LineageService* service, grpc::ServerContext* context,
             grpc::ServerReader<grpc::ByteBuffer>* reader, grpc::ByteBuffer* response) {
            return service->IngestEventMessages(*context, *reader, *response);
          },
          this));
}

grpc::Status LineageService::IngestEvent(grpc::ServerContext* context,
                                         const meshdex::v1::IngestEventRequest* request,
                                         meshdex::v1::IngestEventResponse* response) {
  return gate_.Write<meshdex::v1::IngestEventResponse>(
      *context, {kGrpcTransport, "LineageService.IngestEvent", auth::Action::kIngest, "", "lineage"},
      [&] { return lineage_.IngestEvent(*request); },
      [](const meshdex::v1::IngestEventResponse& ingested) {
        return std::pair<int64_t, uint64_t>(0, ingested.sequence());
      },
      response);
}

grpc::Status LineageService::IngestEventMessages(const grpc::ServerContext& context,
                                                 grpc::ServerReader<grpc::ByteBuffer>& reader,
                                                 grpc::ByteBuffer& response) {
  meshdex::v1::IngestEventsResponse ingested;
  const grpc::Status status = gate_.Write<meshdex::v1::IngestEventsResponse>(
      context,
      {kGrpcTransport, "LineageService.IngestEvents", auth::Action::kIngest, "", "lineage"},
      [&] {
        lineage::Lineage::IngestStream stream = lineage_.StartIngest();
        grpc::ByteBuffer message;
        meshdex::v1::IngestEventRequest request;
        while (reader.Read(&message)) {
          server::ForgetProtobufLog();
          if (!grpc::SerializationTraits<meshdex::v1::IngestEventRequest>::Deserialize(&message,
                                                                                       &request)
                   .ok()) {
            stream.Reject(absl::StrCat("not a valid meshdex.v1.IngestEventRequest message: ",
                                       server::ParseFailureReason()));
            break;
          }
          if (!stream.Add(std::move(*request.mutable_event_json()))) break;
        }
        return stream.Finish();
      },
      [](const meshdex::v1::IngestEventsResponse& written) {
        return std::pair<int64_t, uint64_t>(0, written.sequence());
      },
      &ingested);
  if (!status.ok()) return status;
  bool own_buffer = false;
  return grpc::SerializationTraits<meshdex::v1::IngestEventsResponse>::Serialize(
      ingested, &response, &own_buffer);
}

grpc::Status LineageService::GetLineage(grpc::ServerContext* context,
                                        const meshdex::v1::GetLineageRequest* request,
                                        meshdex::v1::LineageGraph* response) {
  return gate_.Call<meshdex::v1::LineageGraph>(
      *context, "LineageService.GetLineage", auth::Action::kRead,
      [&] { return lineage_.GetLineage(*request); }, response);
}

grpc::Status LineageService::GetColumnLineage(grpc::ServerContext* context,
                                              const meshdex::v1::GetColumnLineageRequest* request,
                                              meshdex::v1::LineageGraph* response) {
  return gate_.Call<meshdex::v1::LineageGraph>(
      *context, "LineageService.GetColumnLineage", auth::Action::kRead,
      [&] { return lineage_.GetColumnLineage(*request); }, response);
}

grpc::Status LineageService::ListRuns(grpc::ServerContext* context,
                                      const meshdex::v1::ListRunsRequest* request,
                                      meshdex::v1::ListRunsResponse* response) {
  return gate_.Call<meshdex::v1::ListRunsResponse>(
      *context, "LineageService.ListRuns", auth::Action::kRead,
      [&] { return lineage_.ListRuns(*request); }, response);
}

}  // namespace meshdex::api
