#include "storage/keys.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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

namespace {

constexpr absl::string_view kSep(&kSeparator, 1);

// Order-preserving map of a signed time to unsigned (flips the sign bit).
uint64_t OrderedTime(int64_t unix_nanos) {
  return static_cast<uint64_t>(unix_nanos) ^ (uint64_t{1} << 63);
}

char EdgeTag(EdgeDirection direction) { return direction == EdgeDirection::kDownstream ? 'D' : 'U'; }
char ColumnTag(EdgeDirection direction) {
  return direction == EdgeDirection::kDownstream ? 'C' : 'c';
}

void AppendNode(const LineageNodeKey& node, std::string* out) {
  out->push_back(node.kind == LineageNodeKey::Kind::kDataset ? 'd' : 'j');
  absl::StrAppend(out, node.ns, kSep, node.name);
}

void AppendField(const FieldKey& field, std::string* out) {
  absl::StrAppend(out, field.dataset.ns, kSep, field.dataset.name, kSep, field.field);
}

// Splits `bytes` at '\0' into exactly `count` parts.
std::optional<std::vector<absl::string_view>> SplitParts(absl::string_view bytes, size_t count) {
  std::vector<absl::string_view> parts;
  while (parts.size() + 1 < count) {
    const size_t split = bytes.find(kSeparator);
    if (split == absl::string_view::npos) return std::nullopt;
    parts.push_back(bytes.substr(0, split));
    bytes.remove_prefix(split + 1);
  }
  if (bytes.find(kSeparator) != absl::string_view::npos) return std::nullopt;
  parts.push_back(bytes);
  return parts;
}

// A node's bytes (AppendNode): a kind, then exactly one separator.
bool IsNodeBytes(absl::string_view bytes) {
  return !bytes.empty() && (bytes.front() == 'd' || bytes.front() == 'j') &&
         std::count(bytes.begin(), bytes.end(), kSeparator) == 1;
}

absl::string_view AfterPrefix(absl::string_view key, absl::string_view prefix) {
  if (key.substr(0, prefix.size()) != prefix) return absl::string_view();
  return key.substr(prefix.size());
}

}  // namespace

std::string DatasetKeyBytes(const DatasetKey& dataset) {
  return absl::StrCat(dataset.ns, kSep, dataset.name);
}

std::optional<DatasetKey> DatasetKeyFromBytes(absl::string_view key) {
  std::optional<std::vector<absl::string_view>> parts = SplitParts(key, 2);
  if (!parts) return std::nullopt;
  return DatasetKey{std::string((*parts)[0]), std::string((*parts)[1])};
}

std::string JobKeyBytes(const JobKey& job) { return absl::StrCat(job.ns, kSep, job.name); }

std::optional<JobKey> JobKeyFromBytes(absl::string_view key) {
  std::optional<std::vector<absl::string_view>> parts = SplitParts(key, 2);
  if (!parts) return std::nullopt;
  return JobKey{std::string((*parts)[0]), std::string((*parts)[1])};
}

std::string EdgesPrefix(EdgeDirection direction) { return std::string(1, EdgeTag(direction)); }

std::string EdgePrefix(EdgeDirection direction, const LineageNodeKey& node) {
  std::string key = EdgesPrefix(direction);
  AppendNode(node, &key);
  key.push_back(kSeparator);
  return key;
}

std::string EdgeKey(EdgeDirection direction, const LineageNodeKey& from, const LineageNodeKey& to) {
  std::string key = EdgePrefix(direction, from);
  AppendNode(to, &key);
  return key;
}

std::string NodeBytes(const LineageNodeKey& node) {
  std::string bytes;
  AppendNode(node, &bytes);
  return bytes;
}

std::optional<LineageNodeKey> NodeFromBytes(absl::string_view bytes) {
  if (!IsNodeBytes(bytes)) return std::nullopt;
  const size_t split = bytes.find(kSeparator);
  return LineageNodeKey{bytes.front() == 'd' ? LineageNodeKey::Kind::kDataset
                                             : LineageNodeKey::Kind::kJob,
                        std::string(bytes.substr(1, split - 1)), std::string(bytes.substr(split + 1))};
}

std::optional<LineageNodeKey> EdgeNeighbor(absl::string_view key, absl::string_view prefix) {
  return NodeFromBytes(AfterPrefix(key, prefix));
}

std::optional<EdgeNodes> SplitEdgeKey(EdgeDirection direction, absl::string_view key) {
  if (key.empty() || key.front() != EdgeTag(direction)) return std::nullopt;
  key.remove_prefix(1);
  // The first node holds one separator (namespace, name); the next ends it.
  const size_t inner = key.find(kSeparator);
  if (inner == absl::string_view::npos) return std::nullopt;
  const size_t end = key.find(kSeparator, inner + 1);
  if (end == absl::string_view::npos) return std::nullopt;
  EdgeNodes nodes{key.substr(0, end), key.substr(end + 1)};
  if (!IsNodeBytes(nodes.node) || !IsNodeBytes(nodes.neighbor)) return std::nullopt;
  return nodes;
}

std::string ColumnDatasetPrefix(EdgeDirection direction, const DatasetKey& dataset) {
  std::string key(1, ColumnTag(direction));
  absl::StrAppend(&key, dataset.ns, kSep, dataset.name, kSep);
  return key;
}

std::string ColumnEdgePrefix(EdgeDirection direction, const FieldKey& field) {
  std::string key(1, ColumnTag(direction));
  AppendField(field, &key);
  key.push_back(kSeparator);
  return key;
}

std::string ColumnEdgeKey(EdgeDirection direction, const FieldKey& from, const FieldKey& to) {
  std::string key = ColumnEdgePrefix(direction, from);
  AppendField(to, &key);
  return key;
}

std::optional<FieldKey> ColumnEdgeNeighbor(absl::string_view key, absl::string_view prefix) {
  absl::string_view rest = AfterPrefix(key, prefix);
  if (rest.empty()) return std::nullopt;
  std::optional<std::vector<absl::string_view>> parts = SplitParts(rest, 3);
  if (!parts) return std::nullopt;
  return FieldKey{{std::string((*parts)[0]), std::string((*parts)[1])}, std::string((*parts)[2])};
}

std::optional<std::string> ColumnEdgeField(absl::string_view key, absl::string_view prefix) {
  absl::string_view rest = AfterPrefix(key, prefix);
  const size_t split = rest.find(kSeparator);
  if (rest.empty() || split == absl::string_view::npos) return std::nullopt;
  return std::string(rest.substr(0, split));
}

std::string RunEventKey(absl::string_view run_id, absl::string_view event_type, int64_t unix_nanos) {
  std::string key = absl::StrCat("r", run_id, kSep, event_type, kSep);
  AppendBigEndian64(OrderedTime(unix_nanos), &key);
  return key;
}

std::string JobEventKey(const JobKey& job, int64_t unix_nanos) {
  std::string key = absl::StrCat("j", job.ns, kSep, job.name, kSep);
  AppendBigEndian64(OrderedTime(unix_nanos), &key);
  return key;
}

std::string DatasetEventKey(const DatasetKey& dataset, int64_t unix_nanos) {
  std::string key = absl::StrCat("d", dataset.ns, kSep, dataset.name, kSep);
  AppendBigEndian64(OrderedTime(unix_nanos), &key);
  return key;
}

std::string JobRunPrefix(const JobKey& job) { return absl::StrCat("R", job.ns, kSep, job.name, kSep); }

std::string JobRunKey(const JobKey& job, int64_t sort_unix_nanos, absl::string_view run_id) {
  std::string key = JobRunPrefix(job);
  AppendBigEndian64(~OrderedTime(sort_unix_nanos), &key);
  absl::StrAppend(&key, run_id);
  return key;
}

std::optional<std::string> JobRunIdFromKey(absl::string_view key, absl::string_view prefix) {
  absl::string_view rest = AfterPrefix(key, prefix);
  if (rest.size() <= 8) return std::nullopt;
  return std::string(rest.substr(8));
}

std::string ClaimAliasPrefix(const DatasetKey& identity) {
  return absl::StrCat(kClaimAliasesPrefix, identity.ns, kSep, identity.name, kSep);
}

std::string ClaimAliasKey(const DatasetKey& identity, const DatasetKey& dataset) {
  return absl::StrCat(ClaimAliasPrefix(identity), dataset.ns, kSep, dataset.name);
}

std::optional<DatasetKey> ClaimAliasDataset(absl::string_view key, absl::string_view prefix) {
  absl::string_view rest = AfterPrefix(key, prefix);
  if (rest.empty()) return std::nullopt;
  return DatasetKeyFromBytes(rest);
}

std::optional<std::string> AliasedDatasetOf(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, kClaimAliasesPrefix)) return std::nullopt;
  std::optional<std::vector<absl::string_view>> parts = SplitParts(key, 4);
  if (!parts) return std::nullopt;
  if ((*parts)[0] == (*parts)[2] && (*parts)[1] == (*parts)[3]) return std::string();
  return absl::StrCat((*parts)[2], kSep, (*parts)[3]);
}

std::string PolicyKey(absl::string_view domain, absl::string_view name) {
  return absl::StrCat(domain, absl::string_view(&kSeparator, 1), name);
}

std::string GovernanceStatusKey(absl::string_view urn) { return absl::StrCat("s", urn); }

std::string EncodeCounts(const EntityCounts& counts) {
  std::string value;
  AppendBigEndian64(counts.products, &value);
  AppendBigEndian64(counts.datasets, &value);
  return value;
}

std::optional<EntityCounts> DecodeCounts(absl::string_view value) {
  if (value.size() != 16) return std::nullopt;
  std::optional<uint64_t> products = ReadBigEndian64(value.substr(0, 8));
  std::optional<uint64_t> datasets = ReadBigEndian64(value.substr(8));
  if (!products || !datasets) return std::nullopt;
  return EntityCounts{*products, *datasets};
}

std::string EncodeMarker(uint64_t sequence) {
  std::string value;
  AppendBigEndian64(sequence, &value);
  return value;
}

std::optional<uint64_t> DecodeMarker(absl::string_view value) { return ReadBigEndian64(value); }

std::string AuditKey(int64_t unix_nanos, uint64_t counter) {
  std::string key;
  AppendBigEndian64(OrderedTime(unix_nanos), &key);
  AppendBigEndian64(counter, &key);
  return key;
}

std::optional<uint64_t> AuditCounterFromKey(absl::string_view key) {
  if (key.size() != 16) return std::nullopt;
  return ReadBigEndian64(key.substr(8));
}

}  // namespace meshdex::storage::keys
