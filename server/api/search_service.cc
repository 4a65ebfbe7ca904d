#include "server/api/search_service.h"

#include "server/api/status.h"

namespace meshdex::api {

grpc::Status SearchService::Search(grpc::ServerContext*, const meshdex::v1::SearchRequest* request,
                                   meshdex::v1::SearchResponse* response) {
  return Respond(searcher_.Search(*request), response);
}

grpc::Status SearchService::Suggest(grpc::ServerContext*,
                                    const meshdex::v1::SuggestRequest* request,
                                    meshdex::v1::SuggestResponse* response) {
  return Respond(suggester_.Suggest(*request), response);
}

}  // namespace meshdex::api
