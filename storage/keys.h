// Key and value encodings of the RocksDB column families: the only place that
// knows them. Fixed-width integers are big-endian so byte order is numeric
// order; '\0' separates variable parts (URNs and dataset ids never contain it,
// validation guarantees no control characters).
#ifndef MESHDEX_STORAGE_KEYS_H_
#define MESHDEX_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "storage/store.h"

namespace meshdex::storage::keys {

inline constexpr char kProductsFamily[] = "products";
inline constexpr char kRevisionsFamily[] = "revisions";
inline constexpr char kClaimsFamily[] = "claims";
inline constexpr char kChangeLogFamily[] = "changelog";

// products: <urn>
std::string ProductKey(absl::string_view urn);

// revisions: <urn> '\0' <revision:be64>
std::string RevisionKey(absl::string_view urn, int64_t revision);
std::string RevisionPrefix(absl::string_view urn);
// Revision encoded in a key that starts with RevisionPrefix(urn).
std::optional<int64_t> RevisionFromKey(absl::string_view key, absl::string_view urn);

// claims: <dataset namespace> '\0' <dataset name> -> <urn> '\0' <port>
std::string ClaimKey(const DatasetKey& dataset);
std::string EncodeClaim(const AddressClaim& claim);
std::optional<AddressClaim> DecodeClaim(absl::string_view value);

// changelog: <sequence:be64> -> serialized ChangeEvent
std::string SequenceKey(uint64_t sequence);
std::optional<uint64_t> SequenceFromKey(absl::string_view key);

}  // namespace meshdex::storage::keys

#endif  // MESHDEX_STORAGE_KEYS_H_
