// The text form of a structured search filter, `field:value` or
// `-field:value` (exclude), as the HTTP gateway's `filter=` parameter and
// meshdexctl's `--filter` take it: split at the first ':', the value kept
// verbatim (spaces, quotes, commas and further colons included). Whether the
// field exists is the searcher's to say (SearchRequest.filters).
//
// Thread-safety: a pure function.
#ifndef MESHDEX_PROTO_SEARCH_FILTER_H_
#define MESHDEX_PROTO_SEARCH_FILTER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "meshdex/v1/search.pb.h"

namespace meshdex {

// INVALID_ARGUMENT ("\"text\" is not field:value", text C-escaped) without a
// ':' or with an empty field.
absl::StatusOr<meshdex::v1::SearchFilter> ParseSearchFilter(absl::string_view text);

}  // namespace meshdex

#endif  // MESHDEX_PROTO_SEARCH_FILTER_H_
