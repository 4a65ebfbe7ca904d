// AuditLog: the durable record of every write and every denied request, kept
// in the store's own `audit` column family, outside the change log (auditing
// is not a catalog change: it bumps no sequence and feeds no index).
//
// Recording never fails the request it records: a failed append is logged
// and dropped. Listing is newest first, in pages bound to their filter, and
// each page examines a bounded number of entries, so a filter that matches
// nothing costs a bounded amount of work per call.
//
// Thread-safety: thread-safe; Record may be called from any number of threads.
#ifndef MESHDEX_SERVER_AUTH_AUDIT_LOG_H_
#define MESHDEX_SERVER_AUTH_AUDIT_LOG_H_

#include <algorithm>
#include <cstddef>

#include "absl/status/statusor.h"
#include "meshdex/v1/admin.pb.h"
#include "storage/store.h"

namespace meshdex::auth {

class AuditLog {
 public:
  // Entries one List call examines at most (at least 1) before it returns
  // what it found with a token to continue.
  static constexpr size_t kDefaultMaxExaminedPerPage = 100000;

  explicit AuditLog(storage::Store& store,
                    size_t max_examined_per_page = kDefaultMaxExaminedPerPage)
      : store_(store), max_examined_per_page_(std::max<size_t>(1, max_examined_per_page)) {}

  // Appends `entry`, its time set to now when unset. A failure is logged and
  // swallowed.
  void Record(meshdex::v1::AuditEntry entry);

  // Newest first. page_size: default 100, at most 1000 (larger is clamped),
  // negative is INVALID_ARGUMENT "page_size: ...". principal and urn (the
  // entry's target) filter by exact match when set. A page may hold fewer
  // entries than asked, even none, and still carry a next_page_token; the
  // listing ends when next_page_token is empty. A token only continues the
  // listing with the same filter; anything else is INVALID_ARGUMENT
  // "page_token: ...".
  absl::StatusOr<meshdex::v1::ListAuditResponse> List(
      const meshdex::v1::ListAuditRequest& request) const;

 private:
  storage::Store& store_;
  const size_t max_examined_per_page_;
};

}  // namespace meshdex::auth

#endif  // MESHDEX_SERVER_AUTH_AUDIT_LOG_H_
