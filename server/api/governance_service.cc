#include "server/api/governance_service.h"

#include <string>
#include <utility>

#include "server/auth/applied_write.h"

namespace meshdex::api {
grpc::Status GovernanceService::ApplyPolicy(grpc::ServerContext* context,
                                            const meshdex::v1::ApplyPolicyRequest* request,
                                            meshdex::v1::ApplyPolicyResponse* response) {
  const meshdex::v1::ObjectMeta& meta = request->policy().metadata();
  const std::string target = governance::PolicyUrn(meta.domain(), meta.name());
  return gate_.Write<meshdex::v1::ApplyPolicyResponse>(
      *context,
      {kGrpcTransport,
       request->dry_run() ? "GovernanceService.ApplyPolicy (dry run)"
                          : "GovernanceService.ApplyPolicy",
       auth::Action::kWritePolicy, meta.domain(), target},
      [&] { return governance_.ApplyPolicy(*request); },
      [&](const meshdex::v1::ApplyPolicyResponse& applied) {
        return auth::AppliedWrite(request->dry_run(), applied);
      },
      response);
}

grpc::Status GovernanceService::GetPolicy(grpc::ServerContext* context,
                                          const meshdex::v1::GetPolicyRequest* request,
                                          meshdex::v1::Policy* response) {
  return gate_.Call<meshdex::v1::Policy>(*context, "GovernanceService.GetPolicy",
                                         auth::Action::kRead,
                                         [&] { return governance_.GetPolicy(*request); }, response);
}

grpc::Status GovernanceService::ListPolicies(grpc::ServerContext* context,
                                             const meshdex::v1::ListPoliciesRequest* request,
                                             meshdex::v1::ListPoliciesResponse* response) {
  return gate_.Call<meshdex::v1::ListPoliciesResponse>(
      *context, "GovernanceService.ListPolicies", auth::Action::kRead,
      [&] { return governance_.ListPolicies(*request); }, response);
}

grpc::Status GovernanceService::DeletePolicy(grpc::ServerContext* context,
                                             const meshdex::v1::DeletePolicyRequest* request,
                                             meshdex::v1::DeletePolicyResponse* response) {
  const std::string target = governance::PolicyUrn(request->domain(), request->name());
  return gate_.Write<meshdex::v1::DeletePolicyResponse>(
      *context,
      {kGrpcTransport, "GovernanceService.DeletePolicy", auth::Action::kWritePolicy,
       request->domain(), target},
      [&] { return governance_.DeletePolicy(*request); },
      [](const meshdex::v1::DeletePolicyResponse& deleted) {
        return std::pair<int64_t, uint64_t>(0, deleted.sequence());
      },
      response);
}

grpc::Status GovernanceService::Evaluate(grpc::ServerContext* context,
                                         const meshdex::v1::EvaluateRequest* request,
                                         meshdex::v1::EvaluateResponse* response) {
  return gate_.Call<meshdex::v1::EvaluateResponse>(
      *context, "GovernanceService.Evaluate", auth::Action::kRead,
      [&] { return governance_.Evaluate(*request); }, response);
}

grpc::Status GovernanceService::GetScorecard(grpc::ServerContext* context,
                                             const meshdex::v1::GetScorecardRequest* request,
                                             meshdex::v1::Scorecard* response) {
  return gate_.Call<meshdex::v1::Scorecard>(
      *context, "GovernanceService.GetScorecard", auth::Action::kRead,
      [&] { return governance_.GetScorecard(*request); }, response);
}

}  // namespace meshdex::api
