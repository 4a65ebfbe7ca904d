// SearchQuery: the query syntax of SearchService.Search.
//
// A query is split into field filters, which meshdex evaluates itself, and
// the free text handed to Xapian's QueryParser (terms ANDed, "phrases",
// prefix*, -term, AND/OR/NOT). A filter is a whitespace-separated token
// `field:value` or `field:"quoted value"` for a field of layout::FilterFields
// (domain, owner, tag, lifecycle, kind, classification, type, governance),
// negated by a leading '-'. Filters are taken out of the text because the
// QueryParser ignores the '-' of a boolean filter. Tokens inside quotes are text; so is
// `unknown:value`.
//
// Page tokens are opaque (web-safe base64), carry the offset of the next page
// and a fingerprint of the query, types and filters they belong to, and are refused
// (INVALID_ARGUMENT) when malformed or presented with another query.
//
// Thread-safety: stateless functions; safe everywhere.
#ifndef MESHDEX_INDEX_SEARCH_QUERY_H_
#define MESHDEX_INDEX_SEARCH_QUERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "index/layout.h"
#include "meshdex/v1/search.pb.h"

namespace meshdex::index {

inline constexpr size_t kMaxQueryBytes = 2048;

struct FieldFilter {
  const layout::FilterField* field = nullptr;
  std::string value;
  bool negated = false;
  // The token as written, to rebuild a corrected query around it.
  std::string token;
};

struct SearchQuery {
  // Free text for the QueryParser; empty when the query has none.
  std::string text;
  std::vector<FieldFilter> filters;
};

// Splits `query`; control characters count as spaces. INVALID_ARGUMENT
// ("query: ...") when longer than kMaxQueryBytes.
absl::StatusOr<SearchQuery> ParseSearchQuery(absl::string_view query);

// The token of the page starting at `offset` of `request`'s results.
std::string EncodeSearchPageToken(const meshdex::v1::SearchRequest& request, uint64_t offset);
// The offset `request.page_token()` names (0 without a token).
absl::StatusOr<uint64_t> DecodeSearchPageToken(const meshdex::v1::SearchRequest& request);

}  // namespace meshdex::index

#endif  // MESHDEX_INDEX_SEARCH_QUERY_H_
