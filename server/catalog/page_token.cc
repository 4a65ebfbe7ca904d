#include "server/catalog/page_token.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace meshdex::catalog {
namespace {
// Fields are '\n'-separated; none of kind, scope or position contains '\n'
// (validated names and URNs have no control characters).
constexpr absl::string_view kVersion = "v1";
}  // namespace

std::string EncodePageToken(absl::string_view kind, absl::string_view scope,
                            absl::string_view position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, "\n", kind, "\n", scope, "\n", position));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view kind,
                                            absl::string_view scope) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token: malformed token");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('\n', 3));
  if (parts.size() != 4 || parts[0] != kVersion || parts[1] != kind) {
    return absl::InvalidArgumentError("page_token: malformed token");
  }
  if (parts[2] != scope) {
    return absl::InvalidArgumentError("page_token: token belongs to a different listing");
  }
  return parts[3];
}

}  // namespace meshdex::catalog
