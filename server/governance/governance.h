// Governance: the domain core of federated computational governance, shared
// by every transport — policy registration (versioned like products),
// evaluation of product writes, scorecards, and the background re-evaluation
// of stored products when policies change. Proto messages and absl::Status
// in, no gRPC types.
//
// Invariants:
//  * The policies in force are held compiled in memory (a PolicySet). A
//    policy write publishes the new set from inside its store write, after
//    the batch is durable and still under the writer lock, so a product write
//    (Catalog's govern hook, GovernWrite, runs inside the write) is governed
//    by exactly the committed policies.
//  * Every policy write moves the store's policy-change marker in the same
//    batch. A background thread re-evaluates every stored product against the
//    policies in force (batches of products per write, each status compared
//    and written only when it changed, with a GOVERNANCE_UPDATED change
//    record the search index follows) and then records the marker it caught
//    up with. A crash in between leaves the marker behind and the work is
//    redone on the next start. Policy writes never wait for it.
//  * Score = rules met / rules applicable (policy_engine.h); the built-in
//    schema-compatibility rule refuses writes but is not part of the score.
//
// Thread-safety: thread-safe. Start()/Stop() are not reentrant.
#ifndef MESHDEX_SERVER_GOVERNANCE_GOVERNANCE_H_
#define MESHDEX_SERVER_GOVERNANCE_GOVERNANCE_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "meshdex/v1/governance.pb.h"
#include "server/catalog/validation.h"
#include "server/governance/policy_engine.h"
#include "storage/store.h"

namespace meshdex::governance {

// urn:policy:<domain>:<name> (urn:policy::<name> for a global policy).
std::string PolicyUrn(absl::string_view domain, absl::string_view name);

class Governance {
 public:
  struct Options {
    catalog::ValidationLimits limits;
    // Source of creation/update times; tests inject a fixed clock.
    std::function<absl::Time()> clock = [] { return absl::Now(); };
    // Products re-evaluated per store write (bounds how long one write holds
    // the writer lock).
    size_t reevaluation_batch = 128;
    // Wait before retrying a re-evaluation that failed.
    absl::Duration retry_backoff = absl::Seconds(1);
  };

  // Loads and compiles the stored policies.
  static absl::StatusOr<std::unique_ptr<Governance>> Open(storage::Store& store, Options options);
  static absl::StatusOr<std::unique_ptr<Governance>> Open(storage::Store& store) {
    return Open(store, Options());
  }
  ~Governance();

  absl::StatusOr<meshdex::v1::ApplyPolicyResponse> ApplyPolicy(
      const meshdex::v1::ApplyPolicyRequest& request);
  absl::StatusOr<meshdex::v1::Policy> GetPolicy(const meshdex::v1::GetPolicyRequest& request) const;
  absl::StatusOr<meshdex::v1::ListPoliciesResponse> ListPolicies(
      const meshdex::v1::ListPoliciesRequest& request) const;
  absl::StatusOr<meshdex::v1::DeletePolicyResponse> DeletePolicy(
      const meshdex::v1::DeletePolicyRequest& request);
  // INVALID_ARGUMENT for a descriptor that fails validation, as ApplyProduct.
  absl::StatusOr<meshdex::v1::EvaluateResponse> Evaluate(
      const meshdex::v1::EvaluateRequest& request) const;
  absl::StatusOr<meshdex::v1::Scorecard> GetScorecard(
      const meshdex::v1::GetScorecardRequest& request) const;

  // Catalog::Options::govern: the status to store with `next`, or
  // FAILED_PRECONDITION listing every enforced violation and every breaking
  // schema change (against `previous`).
  absl::StatusOr<meshdex::v1::GovernanceStatus> GovernWrite(
      const meshdex::v1::DataProduct* previous, const meshdex::v1::DataProduct& next) const;

  // Starts / stops the background re-evaluation thread.
  void Start();
  void Stop();
  // Brings every stored status up to the policies in force when the store's
  // markers say a policy changed since the last re-evaluation; otherwise does
  // nothing. The thread calls it; so may tests and tools.
  absl::Status ReevaluateIfDue();
  // Blocks until stored statuses reflect every policy write up to `sequence`
  // (a policy write's response sequence), or `deadline`. True when they do.
  bool WaitForReevaluation(uint64_t sequence, absl::Time deadline) const;

 private:
  Governance(storage::Store& store, Options options, std::shared_ptr<const PolicySet> policies);
  std::shared_ptr<const PolicySet> policies() const;
  // The policy set with `policy` replacing (or removing, when `removed`) the
  // one of the same domain and name.
  absl::StatusOr<std::shared_ptr<const PolicySet>> WithPolicy(const meshdex::v1::Policy& policy,
                                                              bool removed) const;
  struct ReevaluationCounts {
    int64_t evaluated = 0;
    int64_t changed = 0;
  };
  // Re-evaluates the products after `after` (URN order) in one write, adding
  // to `counts`; the URN of the last one, or "" when there are no more (then
  // the write also records that statuses reflect the policy change `target`).
  absl::StatusOr<std::string> ReevaluateBatch(const std::string& after, uint64_t target,
                                              ReevaluationCounts& counts);
  void Run();
  void Wake();

  storage::Store& store_;
  const Options options_;

  mutable absl::Mutex policies_mu_;
  std::shared_ptr<const PolicySet> policies_ ABSL_GUARDED_BY(policies_mu_);

  mutable absl::Mutex mu_;
  mutable absl::CondVar changed_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // Policy writes not yet looked at by the thread.
  bool due_ ABSL_GUARDED_BY(mu_) = true;
  // Highest policy-change sequence the stored statuses reflect.
  uint64_t evaluated_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace meshdex::governance

#endif  // MESHDEX_SERVER_GOVERNANCE_GOVERNANCE_H_
