// The built-in schema-compatibility rule of meshdex governance: a new revision
// of a data product must not break the consumers of its output ports unless it
// bumps the major version.
//
// For each output port of the previous revision, matched by name in the next
// one (position does not matter), these are breaking: the port removed, a
// field removed, a field's type changed (exact text comparison), a field made
// required (false -> true), a new field added as required. Adding optional
// fields or ports and changing descriptions, classifications or field order
// are not. A port whose previous revision declared no schema fields has
// nothing to break: declaring its schema is not a breaking change.
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_GOVERNANCE_COMPATIBILITY_H_
#define MESHDEX_SERVER_GOVERNANCE_COMPATIBILITY_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::governance {

// Violation.policy of the rule's violations.
inline constexpr char kSchemaCompatibilityPolicy[] = "schema-compatibility";

// Whether `next` is a major bump of `previous` (semantic versions
// MAJOR.MINOR.PATCH[-pre][+build]), under Cargo's rule that the first
// non-zero component is the major one: 1.4.0 -> 2.0.0, 0.3.1 -> 0.4.0 and
// 0.0.3 -> 0.0.4 are major bumps; 1.4.0 -> 1.5.0 and 0.3.1 -> 0.3.2 are not.
// Pre-release and build parts are ignored (2.0.0-rc.1 -> 2.0.0 is not a
// bump; 1.4.0 -> 2.0.0-rc.1 is). False if either is not a semantic version.
bool IsMajorVersionBump(absl::string_view previous, absl::string_view next);

// One Violation per breaking change from `previous` to `next`, none when
// next's version is a major bump of previous's. Violations have policy
// kSchemaCompatibilityPolicy, enforcement "enforce", the path in `next`
// ("spec.outputPorts[1].schema.fields[3].type"; for a removed field the
// port's "spec.outputPorts[1].schema.fields"; for a removed port
// "spec.outputPorts") and a message naming port, field, change and versions:
//   port "events" field "customer_email" removed: breaking change needs a
//   major version bump (1.4.0 -> 1.5.0)
// Order: previous ports in order; per port, previous fields in order
// (removed, type changed, made required), then next's new required fields.
std::vector<meshdex::v1::Violation> CheckSchemaCompatibility(
    const meshdex::v1::DataProduct& previous, const meshdex::v1::DataProduct& next);

}  // namespace meshdex::governance

#endif  // MESHDEX_SERVER_GOVERNANCE_COMPATIBILITY_H_
