#include "server/auth/audit_log.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "proto/timestamps.h"
#include "proto/utf8.h"
#include "spdlog/spdlog.h"

namespace meshdex::auth {
namespace {

using meshdex::v1::AuditEntry;
using meshdex::v1::ListAuditRequest;
using meshdex::v1::ListAuditResponse;

constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 1000;

// A page token is the web-safe base64 of "audit1\n<principal>\n<urn>\n<position>",
// each part C-escaped (so none holds a '\n'): the filter it was made for and
// the store position to continue from.
constexpr absl::string_view kTokenVersion = "audit1";

std::string EncodeToken(const ListAuditRequest& request, absl::string_view position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenVersion, "\n", absl::CEscape(request.principal()),
                                                "\n", absl::CEscape(request.urn()), "\n",
                                                absl::CEscape(position)));
}

absl::StatusOr<std::string> DecodeToken(const ListAuditRequest& request) {
  const absl::Status malformed = absl::InvalidArgumentError("page_token: malformed token");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(request.page_token(), &raw)) return malformed;
  std::vector<absl::string_view> parts = absl::StrSplit(raw, '\n');
  std::string position;
  if (parts.size() != 4 || parts[0] != kTokenVersion || !absl::CUnescape(parts[3], &position) ||
      position.empty()) {
    return malformed;
  }
  if (parts[1] != absl::CEscape(request.principal()) || parts[2] != absl::CEscape(request.urn())) {
    return absl::InvalidArgumentError(
        "page_token: token belongs to a listing with a different principal or urn filter");
  }
  return position;
}

}  // namespace

void AuditLog::Record(AuditEntry entry) {
  if (!entry.has_time()) {
    *entry.mutable_time() = ToTimestamp(absl::Now());
  }
  // Protobuf refuses to parse a string field that is not UTF-8, and one such
  // entry would make the whole log unreadable; targets come from request
  // paths, which may hold any bytes.
  for (std::string* text : {entry.mutable_principal(), entry.mutable_operation(),
                            entry.mutable_target(), entry.mutable_code(),
                            entry.mutable_transport()}) {
    *text = utf8::ReplaceInvalid(*text);
  }
  if (absl::Status status = store_.AppendAudit(entry); !status.ok()) {
    spdlog::error("audit: cannot record {} by {} on {} ({}): {}", entry.operation(),
                  entry.principal(), entry.target(), entry.code(), status.ToString());
  }
}

absl::StatusOr<ListAuditResponse> AuditLog::List(const ListAuditRequest& request) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must not be negative (got ", request.page_size(), ")"));
  }
  const int32_t page_size = request.page_size() == 0 ? kDefaultPageSize
                                                     : std::min(request.page_size(), kMaxPageSize);
  std::string position;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> decoded = DecodeToken(request);
    if (!decoded.ok()) return decoded.status();
    position = *std::move(decoded);
  }
  auto accept = [&request](const AuditEntry& entry) {
    return (request.principal().empty() || entry.principal() == request.principal()) &&
           (request.urn().empty() || entry.target() == request.urn());
  };
  absl::StatusOr<storage::Store::AuditPage> page = store_.ListAudit(
      position, static_cast<size_t>(page_size), max_examined_per_page_, accept);
  if (!page.ok()) {
    // A position that decodes but that no page returned is a forged token.
    if (absl::IsInvalidArgument(page.status())) {
      return absl::InvalidArgumentError("page_token: malformed token");
    }
    return page.status();
  }
  ListAuditResponse response;
  for (AuditEntry& entry : page->entries) *response.add_entries() = std::move(entry);
  if (page->more) response.set_next_page_token(EncodeToken(request, page->position));
  return response;
}

}  // namespace meshdex::auth
