// GovernanceService: the gRPC adapter of the governance core (policies,
// evaluation, scorecards). Thin: request -> gate -> Governance -> response.
// Reads need a reader; a domain policy needs its domain's owner, a global
// one admin (auth::Gate).
//
// Thread-safety: thread-safe (Governance is).
#ifndef MESHDEX_SERVER_API_GOVERNANCE_SERVICE_H_
#define MESHDEX_SERVER_API_GOVERNANCE_SERVICE_H_

#include "meshdex/v1/governance.grpc.pb.h"
#include "server/api/grpc_gate.h"
#include "server/governance/governance.h"

namespace meshdex::api {

class GovernanceService final : public meshdex::v1::GovernanceService::Service {
 public:
  GovernanceService(const GrpcGate& gate, governance::Governance& governance)
      : gate_(gate), governance_(governance) {}

  grpc::Status ApplyPolicy(grpc::ServerContext* context,
                           const meshdex::v1::ApplyPolicyRequest* request,
                           meshdex::v1::ApplyPolicyResponse* response) override;
  grpc::Status GetPolicy(grpc::ServerContext* context, const meshdex::v1::GetPolicyRequest* request,
                         meshdex::v1::Policy* response) override;
  grpc::Status ListPolicies(grpc::ServerContext* context,
                            const meshdex::v1::ListPoliciesRequest* request,
                            meshdex::v1::ListPoliciesResponse* response) override;
  grpc::Status DeletePolicy(grpc::ServerContext* context,
                            const meshdex::v1::DeletePolicyRequest* request,
                            meshdex::v1::DeletePolicyResponse* response) override;
  grpc::Status Evaluate(grpc::ServerContext* context, const meshdex::v1::EvaluateRequest* request,
                        meshdex::v1::EvaluateResponse* response) override;
  grpc::Status GetScorecard(grpc::ServerContext* context,
                            const meshdex::v1::GetScorecardRequest* request,
                            meshdex::v1::Scorecard* response) override;

 private:
  const GrpcGate& gate_;
  governance::Governance& governance_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_GOVERNANCE_SERVICE_H_
