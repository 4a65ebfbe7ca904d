// Problems: what is wrong with an OpenLineage event, collected while it is
// checked and reported as one INVALID_ARGUMENT whose message lists them as
// "<json path>: <reason>" joined by "; " in the order found, at most
// `limit` of them followed by "; and N more problems".
//
// JSON paths are written as in the catalog's errors: members with a dot,
// array elements with [i] (0-based), and members whose name is not an
// identifier quoted, e.g. run.facets["spark.logicalPlan"].plan[2]. A problem
// about the whole document uses the path "event".
//
// Thread-safety: a value type; not thread-safe.
#ifndef MESHDEX_SERVER_LINEAGE_PROBLEMS_H_
#define MESHDEX_SERVER_LINEAGE_PROBLEMS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace meshdex::lineage {

// `path` extended by the member `name` / the element `index`.
std::string MemberPath(absl::string_view path, absl::string_view name);
std::string ElementPath(absl::string_view path, size_t index);

class Problems {
 public:
  explicit Problems(size_t limit) : limit_(limit) {}

  void Add(absl::string_view path, absl::string_view reason);
  bool empty() const { return count_ == 0; }
  // OK when no problem was added.
  absl::Status ToStatus() const;

 private:
  size_t limit_;
  size_t count_ = 0;
  std::vector<std::string> listed_;
};

// Adds a problem at `path` unless `value` can be part of a lineage identity
// (namespace, name, run id, field): non-empty, at most `max_bytes`, no
// control characters (U+0000-U+001F, U+007F-U+009F), which keeps '\0' free
// to separate key parts in the store.
void CheckIdentityPart(absl::string_view path, absl::string_view value, size_t max_bytes,
                       Problems& problems);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_PROBLEMS_H_
