#include "proto/search_filter.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace meshdex {

absl::StatusOr<meshdex::v1::SearchFilter> ParseSearchFilter(absl::string_view text) {
  absl::string_view rest = text;
  const bool exclude = absl::ConsumePrefix(&rest, "-");
  const size_t colon = rest.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", absl::CHexEscape(text), "\" is not field:value"));
  }
  meshdex::v1::SearchFilter filter;
  filter.set_field(std::string(rest.substr(0, colon)));
  filter.set_value(std::string(rest.substr(colon + 1)));
  filter.set_exclude(exclude);
  return filter;
}

}  // namespace meshdex
