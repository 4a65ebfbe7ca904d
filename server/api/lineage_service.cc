#include "server/api/lineage_service.h"

#include <utility>

#include "server/api/status.h"

namespace meshdex::api {

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

grpc::Status LineageService::IngestEvents(
    grpc::ServerContext* context, grpc::ServerReader<meshdex::v1::IngestEventRequest>* reader,
    meshdex::v1::IngestEventsResponse* response) {
  return gate_.Write<meshdex::v1::IngestEventsResponse>(
      *context, {kGrpcTransport, "LineageService.IngestEvents", auth::Action::kIngest, "", "lineage"},
      [&] {
        lineage::Lineage::IngestStream stream = lineage_.StartIngest();
        meshdex::v1::IngestEventRequest request;
        while (reader->Read(&request)) {
          if (!stream.Add(std::move(*request.mutable_event_json()))) break;
        }
        return stream.Finish();
      },
      [](const meshdex::v1::IngestEventsResponse& ingested) {
        return std::pair<int64_t, uint64_t>(0, ingested.sequence());
      },
      response);
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
