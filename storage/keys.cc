#include "storage/keys.h"

#include "absl/strings/str_cat.h"

namespace meshdex::storage::keys {
namespace {

constexpr char kSeparator = '\0';

void AppendBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::optional<uint64_t> ReadBigEndian64(absl::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (unsigned char byte : bytes) value = (value << 8) | byte;
  return value;
}

}  // namespace

std::string ProductKey(absl::string_view urn) { return std::string(urn); }

std::string RevisionPrefix(absl::string_view urn) {
  std::string key(urn);
  key.push_back(kSeparator);
  return key;
}

std::string RevisionKey(absl::string_view urn, int64_t revision) {
  std::string key = RevisionPrefix(urn);
  AppendBigEndian64(static_cast<uint64_t>(revision), &key);
  return key;
}

std::optional<int64_t> RevisionFromKey(absl::string_view key, absl::string_view urn) {
  std::string prefix = RevisionPrefix(urn);
  if (key.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::optional<uint64_t> value = ReadBigEndian64(key.substr(prefix.size()));
  if (!value) return std::nullopt;
  return static_cast<int64_t>(*value);
}

std::string ClaimKey(const DatasetKey& dataset) {
  return absl::StrCat(dataset.ns, absl::string_view(&kSeparator, 1), dataset.name);
}

std::string EncodeClaim(const AddressClaim& claim) {
  return absl::StrCat(claim.product_urn, absl::string_view(&kSeparator, 1), claim.port_name);
}

std::optional<AddressClaim> DecodeClaim(absl::string_view value) {
  size_t split = value.find(kSeparator);
  if (split == absl::string_view::npos) return std::nullopt;
  return AddressClaim{std::string(value.substr(0, split)), std::string(value.substr(split + 1))};
}

std::string SequenceKey(uint64_t sequence) {
  std::string key;
  AppendBigEndian64(sequence, &key);
  return key;
}

std::optional<uint64_t> SequenceFromKey(absl::string_view key) { return ReadBigEndian64(key); }

}  // namespace meshdex::storage::keys
