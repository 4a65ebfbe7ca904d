#include "server/lineage/formats.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace meshdex::lineage {
namespace {

// Reads exactly `digits` decimal digits from the front of `text`.
std::optional<int> TakeNumber(absl::string_view& text, size_t digits) {
  if (text.size() < digits) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    if (!absl::ascii_isdigit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(digits);
  return value;
}

bool TakeChar(absl::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, "; expected an ISO 8601 date-time such as 2024-05-01T12:30:00.5Z"));
}

}  // namespace

absl::StatusOr<absl::Time> ParseDateTime(absl::string_view text) {
  absl::string_view rest = text;
  const std::optional<int> year = TakeNumber(rest, 4);
  if (!year || !TakeChar(rest, '-')) return Malformed("malformed date");
  const std::optional<int> month = TakeNumber(rest, 2);
  if (!month || !TakeChar(rest, '-')) return Malformed("malformed date");
  const std::optional<int> day = TakeNumber(rest, 2);
  if (!day) return Malformed("malformed date");
  if (rest.empty()) return Malformed("date without a time");
  if (!TakeChar(rest, 'T') && !TakeChar(rest, 't') && !TakeChar(rest, ' ')) {
    return Malformed("malformed date");
  }
  const std::optional<int> hour = TakeNumber(rest, 2);
  if (!hour || !TakeChar(rest, ':')) return Malformed("malformed time");
  const std::optional<int> minute = TakeNumber(rest, 2);
  if (!minute || !TakeChar(rest, ':')) return Malformed("malformed time (seconds are required)");
  const std::optional<int> second = TakeNumber(rest, 2);
  if (!second) return Malformed("malformed time (seconds are required)");
  int64_t nanos = 0;
  if (TakeChar(rest, '.') || TakeChar(rest, ',')) {
    size_t digits = 0;
    while (!rest.empty() && absl::ascii_isdigit(rest.front())) {
      if (digits < 9) nanos = nanos * 10 + (rest.front() - '0');
      ++digits;
      rest.remove_prefix(1);
    }
    if (digits == 0) return Malformed("malformed fraction of a second");
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
  }
  int offset_minutes = 0;
  const bool utc_designator = TakeChar(rest, 'Z') || TakeChar(rest, 'z');
  if (!utc_designator && !rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    const int sign = rest.front() == '-' ? -1 : 1;
    rest.remove_prefix(1);
    const std::optional<int> offset_hours = TakeNumber(rest, 2);
    if (!offset_hours) return Malformed("malformed offset");
    std::optional<int> offset_mins = 0;
    if (TakeChar(rest, ':')) {
      offset_mins = TakeNumber(rest, 2);
    } else if (!rest.empty()) {
      offset_mins = TakeNumber(rest, 2);
    }
    if (!offset_mins || *offset_hours > 23 || *offset_mins > 59) {
      return Malformed("malformed offset");
    }
    offset_minutes = sign * (*offset_hours * 60 + *offset_mins);
  }
  if (!rest.empty()) return Malformed("unexpected characters after the time");

  if (*year < 1) return absl::InvalidArgumentError("year must be between 0001 and 9999");
  const absl::CivilDay civil_day(*year, *month, *day);
  if (*month < 1 || *month > 12 || civil_day.month() != *month || civil_day.day() != *day) {
    return absl::InvalidArgumentError(absl::StrCat("no such date ", text.substr(0, 10)));
  }
  if (*hour > 23 || *minute > 59 || *second > 60) {
    return absl::InvalidArgumentError(absl::StrCat("no such time ", text.substr(11, 8)));
  }
  const absl::CivilSecond civil(*year, *month, *day, *hour, *minute, *second);
  return absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Minutes(offset_minutes) +
         absl::Nanoseconds(nanos);
}

std::optional<std::string> CanonicalUuid(absl::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::string canonical(text);
  for (size_t i = 0; i < canonical.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (canonical[i] == '-')) return std::nullopt;
    if (!dash && !absl::ascii_isxdigit(canonical[i])) return std::nullopt;
    canonical[i] = absl::ascii_tolower(canonical[i]);
  }
  return canonical;
}

bool IsAbsoluteUri(absl::string_view text) {
  const size_t colon = text.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
  if (!absl::ascii_isalpha(text.front())) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = text[i];
    if (!(absl::ascii_isalnum(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) return false;
  }
  return true;
}

}  // namespace meshdex::lineage
