// Opaque, validated page tokens. A token binds a position to the listing it
// came from (its kind and scope, e.g. "products" + domain), so a token from one
// listing is refused by another instead of silently returning wrong pages.
#ifndef MESHDEX_SERVER_CATALOG_PAGE_TOKEN_H_
#define MESHDEX_SERVER_CATALOG_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meshdex::catalog {

std::string EncodePageToken(absl::string_view kind, absl::string_view scope,
                            absl::string_view position);

// The position inside a token made by EncodePageToken with the same kind and
// scope; INVALID_ARGUMENT ("page_token: ...") for anything else.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view kind,
                                            absl::string_view scope);

}  // namespace meshdex::catalog

#endif  // MESHDEX_SERVER_CATALOG_PAGE_TOKEN_H_
