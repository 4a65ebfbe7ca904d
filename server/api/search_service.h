// SearchService: the gRPC adapter over the index's Searcher and Suggester;
// callers need read access (auth::Gate).
//
// Thread-safety: stateless; Searcher and Suggester are thread-safe.
#ifndef MESHDEX_SERVER_API_SEARCH_SERVICE_H_
#define MESHDEX_SERVER_API_SEARCH_SERVICE_H_

#include "index/searcher.h"
#include "index/suggester.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "server/api/grpc_gate.h"

namespace meshdex::api {

class SearchService final : public meshdex::v1::SearchService::Service {
 public:
  SearchService(const GrpcGate& gate, index::Searcher& searcher, index::Suggester& suggester)
      : gate_(gate), searcher_(searcher), suggester_(suggester) {}

  grpc::Status Search(grpc::ServerContext* context, const meshdex::v1::SearchRequest* request,
                      meshdex::v1::SearchResponse* response) override;
  grpc::Status Suggest(grpc::ServerContext* context, const meshdex::v1::SuggestRequest* request,
                       meshdex::v1::SuggestResponse* response) override;

 private:
  const GrpcGate& gate_;
  index::Searcher& searcher_;
  index::Suggester& suggester_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_SEARCH_SERVICE_H_
