// What an apply (of a product, an imported descriptor or a policy) wrote, as
// Gatekeeper::RecordWrite audits it: the same rule for gRPC and HTTP.
//
//  * A dry run is audited under "<operation> (dry run)" (DryRunOperation).
//  * (revision, sequence) are the resource's new revision and the change-log
//    sequence, or (0, 0) when nothing was written: a dry run, or an UNCHANGED
//    outcome.
//
// Thread-safety: stateless functions; safe everywhere.
#ifndef MESHDEX_SERVER_AUTH_APPLIED_WRITE_H_
#define MESHDEX_SERVER_AUTH_APPLIED_WRITE_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "meshdex/v1/catalog.pb.h"
#include "meshdex/v1/governance.pb.h"

namespace meshdex::auth {

inline std::string DryRunOperation(absl::string_view operation) {
  return absl::StrCat(operation, " (dry run)");
}

inline int64_t RevisionOf(const meshdex::v1::ApplyProductResponse& applied) {
  return applied.product().metadata().revision();
}
inline int64_t RevisionOf(const meshdex::v1::ImportDescriptorResponse& applied) {
  return applied.product().metadata().revision();
}
inline int64_t RevisionOf(const meshdex::v1::ApplyPolicyResponse& applied) {
  return applied.policy().metadata().revision();
}

template <typename Applied>
std::pair<int64_t, uint64_t> AppliedWrite(bool dry_run, const Applied& applied) {
  if (dry_run || applied.outcome() == meshdex::v1::UNCHANGED) return {0, 0};
  return {RevisionOf(applied), applied.sequence()};
}
// A failed apply wrote nothing.
template <typename Applied>
std::pair<int64_t, uint64_t> AppliedWrite(bool dry_run, const absl::StatusOr<Applied>& applied) {
  if (!applied.ok()) return {0, 0};
  return AppliedWrite(dry_run, *applied);
}

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_APPLIED_WRITE_H_
