#include "server/api/lineage_service.h"

#include <utility>

#include "server/api/status.h"

namespace meshdex::api {

grpc::Status LineageService::IngestEvent(grpc::ServerContext*,
                                         const meshdex::v1::IngestEventRequest* request,
                                         meshdex::v1::IngestEventResponse* response) {
  return Respond(lineage_.IngestEvent(*request), response);
}

grpc::Status LineageService::IngestEvents(
    grpc::ServerContext*, grpc::ServerReader<meshdex::v1::IngestEventRequest>* reader,
    meshdex::v1::IngestEventsResponse* response) {
  lineage::Lineage::IngestStream stream = lineage_.StartIngest();
  meshdex::v1::IngestEventRequest request;
  while (reader->Read(&request)) {
    if (!stream.Add(std::move(*request.mutable_event_json()))) break;
  }
  return Respond(stream.Finish(), response);
}

grpc::Status LineageService::GetLineage(grpc::ServerContext*,
                                        const meshdex::v1::GetLineageRequest* request,
                                        meshdex::v1::LineageGraph* response) {
  return Respond(lineage_.GetLineage(*request), response);
}

grpc::Status LineageService::GetColumnLineage(grpc::ServerContext*,
                                              const meshdex::v1::GetColumnLineageRequest* request,
                                              meshdex::v1::LineageGraph* response) {
  return Respond(lineage_.GetColumnLineage(*request), response);
}

grpc::Status LineageService::ListRuns(grpc::ServerContext*,
                                      const meshdex::v1::ListRunsRequest* request,
                                      meshdex::v1::ListRunsResponse* response) {
  return Respond(lineage_.ListRuns(*request), response);
}

}  // namespace meshdex::api
