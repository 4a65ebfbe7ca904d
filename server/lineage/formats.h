// The string formats OpenLineage events use: date-time, uuid and uri.
//
// Date-times are ISO 8601 / RFC 3339 in extended form:
//   YYYY-MM-DD('T'|'t'|' ')hh:mm:ss[.f...][Z|z|(+|-)hh:mm|(+|-)hhmm|(+|-)hh]
// with any number of fraction digits (nanoseconds kept, further digits
// dropped), years 0001-9999, real calendar dates, seconds up to 60 (a leap
// second normalises to the next minute). Without an offset the time is taken
// as UTC: the OpenLineage Python client's serde examples and Marquez's test
// events (event_required_no_timezone.json) carry such times, and Marquez
// accepts them the same way.
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_LINEAGE_FORMATS_H_
#define MESHDEX_SERVER_LINEAGE_FORMATS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace meshdex::lineage {

// The instant, or INVALID_ARGUMENT whose message (no path) says what is wrong.
absl::StatusOr<absl::Time> ParseDateTime(absl::string_view text);

// The lower-case form of an RFC 4122 UUID written as 8-4-4-4-12 hex digits
// (any case), nullopt otherwise.
std::optional<std::string> CanonicalUuid(absl::string_view text);

// Whether `text` is an absolute URI: scheme ":" something, without
// whitespace or control characters.
bool IsAbsoluteUri(absl::string_view text);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_FORMATS_H_
