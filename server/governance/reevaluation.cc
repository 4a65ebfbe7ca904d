// The background half of Governance (declared in governance.h): bringing the
// stored governance status of every product up to the policies in force.
#include <string>
#include <utility>

#include "google/protobuf/util/message_differencer.h"
#include "server/governance/governance.h"
#include "spdlog/spdlog.h"

namespace meshdex::governance {

using meshdex::v1::DataProduct;
using meshdex::v1::GovernanceStatus;

void Governance::Start() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
    due_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

void Governance::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

void Governance::Wake() {
  absl::MutexLock lock(&mu_);
  due_ = true;
  changed_.SignalAll();
}

void Governance::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Governance* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stop_ || self->due_;
          },
          this));
      if (stop_) return;
      due_ = false;
    }
    if (absl::Status status = ReevaluateIfDue(); !status.ok()) {
      spdlog::error("governance: re-evaluating products failed: {}; retrying", status.ToString());
      absl::MutexLock lock(&mu_);
      due_ = true;
      const absl::Time until = absl::Now() + options_.retry_backoff;
      while (!stop_ && !changed_.WaitWithDeadline(&mu_, until)) {
      }
    }
  }
}

absl::Status Governance::ReevaluateIfDue() {
  while (true) {
    absl::StatusOr<storage::Store::GovernanceMarkers> markers = store_.GetGovernanceMarkers();
    if (!markers.ok()) return markers.status();
    if (markers->policy_sequence <= markers->evaluated_sequence) {
      absl::MutexLock lock(&mu_);
      evaluated_ = std::max(evaluated_, markers->evaluated_sequence);
      changed_.SignalAll();
      return absl::OkStatus();
    }
    const uint64_t target = markers->policy_sequence;
    const absl::Time start = absl::Now();
    ReevaluationCounts counts;
    std::string after;
    do {
      {
        absl::MutexLock lock(&mu_);
        if (stop_) return absl::CancelledError("governance re-evaluation interrupted by shutdown");
      }
      absl::StatusOr<std::string> last = ReevaluateBatch(after, target, counts);
      if (!last.ok()) return last.status();
      after = *std::move(last);
    } while (!after.empty());
    if (counts.evaluated > 0) {
      spdlog::info(
          "governance: re-evaluated {} products ({} changed) for the policy change at sequence "
          "{} in {} ms",
          counts.evaluated, counts.changed, target, absl::ToInt64Milliseconds(absl::Now() - start));
    }
    // Policies may have changed again meanwhile: look at the markers again.
  }
}

absl::StatusOr<std::string> Governance::ReevaluateBatch(const std::string& after,
                                                        uint64_t target,
                                                        ReevaluationCounts& counts) {
  absl::StatusOr<storage::Page<DataProduct>> page =
      store_.ListProducts("urn:dp:", after, options_.reevaluation_batch);
  if (!page.ok()) return page.status();
  const std::string last = page->more ? page->items.back().metadata().urn() : "";
  absl::StatusOr<uint64_t> written = store_.Write([&](storage::WriteTxn& txn) -> absl::Status {
    // Policies and products as committed now (the writer lock is held).
    const std::shared_ptr<const PolicySet> policies = this->policies();
    for (const DataProduct& listed : page->items) {
      absl::StatusOr<std::optional<DataProduct>> product = txn.GetProduct(listed.metadata().urn());
      if (!product.ok()) return product.status();
      if (!product->has_value()) continue;  // deleted since it was listed
      const GovernanceStatus status = policies->Evaluate(**product).ToStatus();
      ++counts.evaluated;
      absl::StatusOr<std::optional<GovernanceStatus>> stored =
          store_.GetGovernance((*product)->metadata().urn());
      if (!stored.ok()) return stored.status();
      if (stored->has_value() &&
          google::protobuf::util::MessageDifferencer::Equals(**stored, status)) {
        continue;
      }
      txn.PutGovernance((*product)->metadata().urn(), (*product)->metadata().revision(), status);
      ++counts.changed;
    }
    if (last.empty()) txn.MarkPoliciesEvaluated(target);
    return absl::OkStatus();
  });
  if (!written.ok()) return written.status();
  if (last.empty()) {
    absl::MutexLock lock(&mu_);
    evaluated_ = std::max(evaluated_, target);
    changed_.SignalAll();
  }
  return last;
}

bool Governance::WaitForReevaluation(uint64_t sequence, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  while (evaluated_ < sequence) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) return evaluated_ >= sequence;
  }
  return true;
}

}  // namespace meshdex::governance
