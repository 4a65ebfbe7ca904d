#include "server/api/search_service.h"

#include "server/api/status.h"

namespace meshdex::api {

grpc::Status SearchService::Search(grpc::ServerContext* context,
                                   const meshdex::v1::SearchRequest* request,
                                   meshdex::v1::SearchResponse* response) {
  return gate_.Call<meshdex::v1::SearchResponse>(
      *context, "SearchService.Search", auth::Action::kRead,
      [&] { return searcher_.Search(*request); }, response);
}

grpc::Status SearchService::Suggest(grpc::ServerContext* context,
                                    const meshdex::v1::SuggestRequest* request,
                                    meshdex::v1::SuggestResponse* response) {
  return gate_.Call<meshdex::v1::SuggestResponse>(
      *context, "SearchService.Suggest", auth::Action::kRead,
      [&] { return suggester_.Suggest(*request); }, response);
}

}  // namespace meshdex::api
