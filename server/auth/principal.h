// Principal and Action: who a caller is (as established by auth::Gate from a
// bearer token) and what kind of operation it asks for; auth::Gate::Authorize
// decides whether one may do the other.
//
// Roles: `admin` may do everything; `reader` may read everything; `ingest` may
// ingest lineage and read; `owner:<domain>` may write the products and the
// domain policies of <domain> and read. Global policies and admin operations
// need `admin`.
//
// Invariants: a Principal never holds a token or a token hash, so it can be
// logged, audited and put in error messages; owned_domains are distinct.
//
// Thread-safety: plain values; ActionName and Describe are pure.
#ifndef MESHDEX_SERVER_AUTH_PRINCIPAL_H_
#define MESHDEX_SERVER_AUTH_PRINCIPAL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace meshdex::auth {

struct Principal {
  std::string name;  // from the auth file; "local" when auth is off
  bool admin = false;
  bool reader = false;
  bool ingest = false;
  std::vector<std::string> owned_domains;  // from the owner:<domain> roles

  // The name and the roles in alphabetical order, e.g.
  // `alice (owner:logistics, reader)`; `alice (no roles)` without any.
  // Defined in gate.cc.
  std::string Describe() const;
};

enum class Action {
  kRead,          // any read: products, search, lineage, policies, evaluate, scorecard
  kWriteProduct,  // apply/delete a product of the given domain
  kWritePolicy,   // apply/delete a policy of the given domain ("" = global: admin only)
  kIngest,        // lineage ingest: ingest or admin
  kAdmin,         // AdminService, /metrics when not public: admin only
};

// The action in words for messages and the audit log: "read", "write products",
// "write policies", "ingest lineage", "use admin operations". Defined in gate.cc.
absl::string_view ActionName(Action action);

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_PRINCIPAL_H_
