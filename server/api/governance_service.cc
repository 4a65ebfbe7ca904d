#include "server/api/governance_service.h"

#include "server/api/status.h"

namespace meshdex::api {

grpc::Status GovernanceService::ApplyPolicy(grpc::ServerContext*,
                                            const meshdex::v1::ApplyPolicyRequest* request,
                                            meshdex::v1::ApplyPolicyResponse* response) {
  return Respond(governance_.ApplyPolicy(*request), response);
}

grpc::Status GovernanceService::GetPolicy(grpc::ServerContext*,
                                          const meshdex::v1::GetPolicyRequest* request,
                                          meshdex::v1::Policy* response) {
  return Respond(governance_.GetPolicy(*request), response);
}

grpc::Status GovernanceService::ListPolicies(grpc::ServerContext*,
                                             const meshdex::v1::ListPoliciesRequest* request,
                                             meshdex::v1::ListPoliciesResponse* response) {
  return Respond(governance_.ListPolicies(*request), response);
}

grpc::Status GovernanceService::DeletePolicy(grpc::ServerContext*,
                                             const meshdex::v1::DeletePolicyRequest* request,
                                             meshdex::v1::DeletePolicyResponse* response) {
  return Respond(governance_.DeletePolicy(*request), response);
}

grpc::Status GovernanceService::Evaluate(grpc::ServerContext*,
                                         const meshdex::v1::EvaluateRequest* request,
                                         meshdex::v1::EvaluateResponse* response) {
  return Respond(governance_.Evaluate(*request), response);
}

grpc::Status GovernanceService::GetScorecard(grpc::ServerContext*,
                                             const meshdex::v1::GetScorecardRequest* request,
                                             meshdex::v1::Scorecard* response) {
  return Respond(governance_.GetScorecard(*request), response);
}

}  // namespace meshdex::api
