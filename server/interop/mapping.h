// Building blocks shared by the descriptor mappers (ODCS, DPDS, ODPS): the
// record of what a mapping could not carry over or had to derive, and the
// conversions of foreign values into meshdex's (identifiers, semantic
// versions, lifecycles, classifications, durations, port kinds).
//
// Paths in the records are those of the foreign document, with `[*]` in place
// of list indices when the same key is skipped in every element (so a 68-table
// contract reports `schema[*].properties[*].businessName` once, not per
// column) and with the index when one element has a problem of its own.
//
// Thread-safety: MappingRecord is a plain value, not shared; the free
// functions are pure.
#ifndef MESHDEX_SERVER_INTEROP_MAPPING_H_
#define MESHDEX_SERVER_INTEROP_MAPPING_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace meshdex::interop {

// Objects keep document order ("the first channel" means the first written).
using Json = nlohmann::ordered_json;

// What a mapping left behind (`unmapped`: foreign fields with no meshdex
// counterpart, or values that could not be converted) and what it filled in
// itself (`derived`: values meshdex requires that the document did not give
// directly). Both are kept sorted and free of duplicates.
class MappingRecord {
 public:
  void Unmapped(std::string entry) { unmapped_.insert(std::move(entry)); }
  void Derived(std::string entry) { derived_.insert(std::move(entry)); }

  // Records every key of `object` that is not in `mapped` as unmapped at
  // `path` + "." + key (keys of a non-object are not inspected).
  void OtherKeys(const Json& object, std::string_view path,
                 std::initializer_list<std::string_view> mapped);

  std::vector<std::string> unmapped() const { return {unmapped_.begin(), unmapped_.end()}; }
  std::vector<std::string> derived() const { return {derived_.begin(), derived_.end()}; }

 private:
  std::set<std::string> unmapped_;
  std::set<std::string> derived_;
};

// "a.b" from ("a", "b"); "b" when `path` is empty.
std::string Join(std::string_view path, std::string_view key);

// The value at `key` of an object, or a null value when `object` is not an
// object or lacks the key.
const Json& Field(const Json& object, std::string_view key);

// A scalar as text: strings as they are, numbers as JSON writes them,
// booleans as true/false; "" for null, objects and arrays.
std::string Text(const Json& value);

// Text(value) without leading and trailing ASCII whitespace.
std::string TrimmedText(const Json& value);

// A meshdex identifier (^[a-z][a-z0-9-]{0,62}$, or with `_` also allowed for
// port names) made from free text: lower-cased, camelCase split with '-',
// other characters folded to '-', runs collapsed, ends trimmed, a leading
// digit prefixed with `digit_prefix`, cut at 63 characters. nullopt when the
// text holds no letter or digit.
std::optional<std::string> Slug(std::string_view text, bool allow_underscore = false,
                                std::string_view digit_prefix = "dp-");

// A Semantic Versioning 2.0.0 version from a foreign one: a leading v/V is
// dropped and missing minor/patch parts of a numeric version are filled with
// 0 ("1.2" -> "1.2.0"). nullopt when it does not become one.
std::optional<std::string> SemanticVersion(std::string_view text);

// meshdex lifecycle (draft | experimental | production | deprecated |
// retired) of a foreign status word, case-insensitive: proposed/draft ->
// draft; development/in development/test/testing/experimental/beta ->
// experimental; active/production/released/stable -> production;
// deprecated; retired/archived/decommissioned -> retired.
std::optional<std::string> Lifecycle(std::string_view status);

// meshdex classification (public | internal | confidential | restricted |
// pii | sensitive) of a foreign one, case-insensitive; nullopt otherwise.
std::optional<std::string> Classification(std::string_view text);

// Seconds of a duration given as a number and a unit word (ms, s, sec,
// second(s), m, min, minute(s), h, hr, hour(s), d, day(s), w, week(s), y, yr,
// year(s); case-insensitive; "" = seconds). nullopt for other units or
// negative values; milliseconds round up to whole seconds.
std::optional<int64_t> DurationSeconds(double value, std::string_view unit);

// Seconds of a compact duration such as "5m", "10 min", "1h", "90s", "2d";
// also ISO 8601 "PT5M"/"P1D". nullopt when unreadable.
std::optional<int64_t> CompactDurationSeconds(std::string_view text);

// meshdex port kind (sql | s3 | kafka | api | file) suggested by a foreign
// server/platform type or physical type word ("postgres", "table", "topic",
// "kafka", "s3", "api", "rest", "file", ...), matched as a case-insensitive
// substring. nullopt when nothing fits.
std::optional<std::string> PortKindOf(std::string_view type_word);

// A percentage from an availability given as a fraction (0.999) or already
// as a percentage (99.9): values up to 1 are fractions unless `is_percent`.
// Rounded to 6 decimals, so 0.99999 is 99.999 and not 99.99900000000001.
double AvailabilityPercent(double value, bool is_percent);

// True for text that looks like an email address (one '@', text on both
// sides, no whitespace).
bool LooksLikeEmail(std::string_view text);

// True for a JSON true and for the text "true" (any case): descriptors written
// by hand quote their booleans.
bool IsTrue(const Json& value);

// A number, or a text that reads as one; nullopt otherwise.
std::optional<double> Number(const Json& value);

// A server of a foreign document with the name it goes by (an ODCS server's
// `server`, a Data Contract Specification `servers` key).
struct NamedServer {
  std::string name;
  const Json* server;
};

// The index in `servers` (not empty) of the one serving the schema object or
// model `object_name`: the server named like it, else the production one
// (environment prod or production), else the first.
size_t ChooseServer(const std::vector<NamedServer>& servers, std::string_view object_name);

// A meshdex address for `table` on a foreign server object, when its type has
// a URL form: kafka (host[,more hosts], port, topic), postgres and mysql (host,
// port, database, schema), snowflake (account, database, schema), bigquery
// (project, dataset); else its `location` as written. nullopt otherwise. Not
// normalised: the caller checks it (catalog::NormalizeAddress).
std::optional<std::string> ServerAddress(const Json& server, const std::string& table);

}  // namespace meshdex::interop

#endif  // MESHDEX_SERVER_INTEROP_MAPPING_H_
