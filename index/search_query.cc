#include "index/search_query.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace meshdex::index {
namespace {

constexpr absl::string_view kTokenVersion = "s1";

// Whitespace-separated tokens; whitespace between double quotes does not
// separate (an unbalanced quote runs to the end).
std::vector<std::string> Tokenize(absl::string_view query) {
  std::vector<std::string> tokens;
  std::string token;
  bool quoted = false;
  for (const char c : query) {
    const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ' ' || control)) {
      if (!token.empty()) tokens.push_back(std::move(token));
      token.clear();
    } else {
      token.push_back(control ? ' ' : c);
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  return tokens;
}

// The filter a token spells, if it spells one.
std::optional<FieldFilter> ParseFilter(const std::string& token) {
  absl::string_view rest = token;
  const bool negated = absl::ConsumePrefix(&rest, "-");
  const size_t colon = rest.find(':');
  if (colon == absl::string_view::npos) return std::nullopt;
  const layout::FilterField* field =
      layout::FindFilterField(absl::AsciiStrToLower(rest.substr(0, colon)));
  if (field == nullptr) return std::nullopt;
  absl::string_view value = rest.substr(colon + 1);
  if (absl::ConsumePrefix(&value, "\"")) absl::ConsumeSuffix(&value, "\"");
  if (absl::StripAsciiWhitespace(value).empty()) return std::nullopt;
  FieldFilter filter;
  filter.field = field;
  filter.value = std::string(value);
  filter.negated = negated;
  filter.token = token;
  return filter;
}

// FNV-1a: stable across processes and releases, unlike absl::Hash.
uint64_t Fingerprint(const meshdex::v1::SearchRequest& request) {
  std::vector<std::string> types(request.types().begin(), request.types().end());
  std::sort(types.begin(), types.end());
  std::string identity = absl::StrCat(request.query(), "\n", absl::StrJoin(types, ","));
  // Appended only when there are filters: tokens of requests without any
  // keep the fingerprint they had before filters existed.
  for (const meshdex::v1::SearchFilter& filter : request.filters()) {
    absl::StrAppend(&identity, "\n", filter.exclude() ? "-" : "", filter.field(), ":",
                    filter.value());
  }
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : identity) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

absl::StatusOr<SearchQuery> ParseSearchQuery(absl::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: longer than ", kMaxQueryBytes, " bytes"));
  }
  SearchQuery parsed;
  std::vector<std::string> text;
  for (std::string& token : Tokenize(query)) {
    std::optional<FieldFilter> filter = ParseFilter(token);
    if (filter.has_value()) {
      parsed.filters.push_back(*std::move(filter));
    } else {
      text.push_back(std::move(token));
    }
  }
  parsed.text = absl::StrJoin(text, " ");
  return parsed;
}

std::string EncodeSearchPageToken(const meshdex::v1::SearchRequest& request, uint64_t offset) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, ":", offset, ":", absl::Hex(Fingerprint(request))));
}

absl::StatusOr<uint64_t> DecodeSearchPageToken(const meshdex::v1::SearchRequest& request) {
  if (request.page_token().empty()) return 0;
  std::string raw;
  const absl::Status malformed = absl::InvalidArgumentError("page_token: malformed token");
  if (!absl::WebSafeBase64Unescape(request.page_token(), &raw)) return malformed;
  const std::vector<absl::string_view> parts = absl::StrSplit(raw, ':');
  uint64_t offset = 0;
  uint64_t fingerprint = 0;
  if (parts.size() != 3 || parts[0] != kTokenVersion || !absl::SimpleAtoi(parts[1], &offset) ||
      !absl::SimpleHexAtoi(parts[2], &fingerprint)) {
    return malformed;
  }
  if (fingerprint != Fingerprint(request)) {
    return absl::InvalidArgumentError("page_token: token belongs to a different query");
  }
  return offset;
}

}  // namespace meshdex::index
