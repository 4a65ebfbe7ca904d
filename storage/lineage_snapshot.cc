#include "storage/lineage_snapshot.h"

#include <cstdint>
#include <utility>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/snapshot.h"
#include "storage/keys.h"
#include "storage/lineage_adjacency.h"
#include "storage/owner_cache.h"

namespace meshdex::storage {
namespace {

using google::protobuf::internal::WireFormatLite;

// Message field `number` of an encoded LineageDataset, nullopt when it has
// none, read without decoding the rest of the record (facets, schema fields).
template <typename Field>
absl::StatusOr<std::optional<Field>> FieldOfRecord(absl::string_view record, int number) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(record.data()),
                                            static_cast<int>(record.size()));
  std::optional<Field> field;
  while (const uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) != number ||
        WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) break;
      continue;
    }
    // A field repeated on the wire merges, as a full decode would.
    if (!field) field.emplace();
    if (!WireFormatLite::ReadMessage(&in, &*field)) break;
  }
  if (!in.ConsumedEntireMessage()) return absl::DataLossError("undecodable record in datasets");
  return field;
}

}  // namespace

LineageSnapshot::LineageSnapshot(const Store& store)
    : store_(store),
      view_(store.ReadState()),
      sequence_(LineageAdjacency::ReaderSequence(view_.pin.get())) {}

LineageSnapshot::~LineageSnapshot() = default;

absl::Status LineageSnapshot::ScanEdges(absl::string_view prefix,
                                        absl::FunctionRef<bool(absl::string_view)> fn) {
  // `fn` may scan again (PRODUCT level walks dataset -> job -> dataset inside
  // one callback): such a nested scan takes another iterator.
  std::unique_ptr<rocksdb::Iterator> it;
  if (idle_edges_.empty()) {
    it.reset(store_.db_->NewIterator(view_.options, store_.lineage_edges_));
  } else {
    it = std::move(idle_edges_.back());
    idle_edges_.pop_back();
  }
  absl::Status status = internal::ScanKeys(*it, prefix, fn);
  idle_edges_.push_back(std::move(it));
  return status;
}

bool LineageSnapshot::GraphId(const LineageNodeKey& node,
                              std::optional<LineageAdjacency::NodeId>* id) const {
  return store_.adjacency_ != nullptr &&
         store_.adjacency_->Find(keys::NodeBytes(node), sequence_, id);
}

absl::Status LineageSnapshot::ForEachGraphNeighbor(
    LineageAdjacency::NodeId id, EdgeDirection direction,
    absl::FunctionRef<bool(const LineageAdjacency::Neighbor&)> fn) {
  // Its own list, not a member: `fn` may walk further from a neighbour.
  std::vector<LineageAdjacency::Neighbor> neighbors;
  if (store_.adjacency_ == nullptr ||
      !store_.adjacency_->NeighborsOf(id, direction, sequence_, &neighbors)) {
    return absl::DataLossError("lineage edges hold a malformed key");
  }
  for (const LineageAdjacency::Neighbor& neighbor : neighbors) {
    if (!fn(neighbor)) break;
  }
  return absl::OkStatus();
}

absl::Status LineageSnapshot::ForEachNeighbor(const LineageNodeKey& node, EdgeDirection direction,
                                              absl::FunctionRef<bool(const LineageNodeKey&)> fn) {
  // Its own list, not a member: `fn` may walk further from a neighbour.
  std::vector<absl::string_view> neighbors;
  if (store_.adjacency_ != nullptr &&
      store_.adjacency_->Neighbors(keys::NodeBytes(node), direction, sequence_, &neighbors)) {
    for (absl::string_view bytes : neighbors) {
      std::optional<LineageNodeKey> neighbor = keys::NodeFromBytes(bytes);
      if (!neighbor) return absl::DataLossError("lineage edges hold a malformed key");
      if (!fn(*neighbor)) break;
    }
    return absl::OkStatus();
  }
  return ScanNeighbors<LineageNodeKey>(keys::EdgePrefix(direction, node), &keys::EdgeNeighbor, fn,
                                       "lineage edges");
}

absl::Status LineageSnapshot::ForEachColumnNeighbor(const FieldKey& field, EdgeDirection direction,
                                                    absl::FunctionRef<bool(const FieldKey&)> fn) {
  return ScanNeighbors<FieldKey>(keys::ColumnEdgePrefix(direction, field), &keys::ColumnEdgeNeighbor,
                                 fn, "column edges");
}

template <typename Key>
absl::Status LineageSnapshot::ScanNeighbors(
    const std::string& prefix, std::optional<Key> (*decode)(absl::string_view, absl::string_view),
    absl::FunctionRef<bool(const Key&)> fn, absl::string_view what) {
  absl::Status malformed;
  absl::Status scanned = ScanEdges(prefix, [&](absl::string_view key) {
    std::optional<Key> neighbor = decode(key, prefix);
    if (!neighbor) {
      malformed = absl::DataLossError(absl::StrCat(what, " hold a malformed key"));
      return false;
    }
    return fn(*neighbor);
  });
  return scanned.ok() ? malformed : scanned;
}

absl::StatusOr<bool> LineageSnapshot::Read(rocksdb::ColumnFamilyHandle* cf, absl::string_view key) {
  return internal::Get(*store_.db_, view_.options, cf, key, value_);
}

absl::StatusOr<std::optional<AddressClaim>> LineageSnapshot::GetClaim(const DatasetKey& dataset) {
  const absl::StatusOr<bool> found = Read(store_.claims_, keys::ClaimKey(dataset));
  return internal::ClaimRecord(found, value_);
}

absl::StatusOr<std::optional<AddressClaim>> LineageSnapshot::FindOwner(const DatasetKey& dataset) {
  absl::StatusOr<std::optional<AddressClaim>> claim = GetClaim(dataset);
  if (!claim.ok() || claim->has_value()) return claim;
  const std::string key = keys::DatasetKeyBytes(dataset);
  // Few records name a claim_dataset; the in-memory graph knows which may.
  bool aliased = true;
  if (store_.adjacency_ != nullptr) store_.adjacency_->MayBeAliased(key, sequence_, &aliased);
  if (!aliased) return std::nullopt;
  absl::StatusOr<bool> found = Read(store_.datasets_, key);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  absl::StatusOr<std::optional<meshdex::v1::DatasetRef>> claim_dataset =
      FieldOfRecord<meshdex::v1::DatasetRef>(
          value_, meshdex::v1::LineageDataset::kClaimDatasetFieldNumber);
  if (!claim_dataset.ok()) return claim_dataset.status();
  if (!claim_dataset->has_value()) return std::nullopt;
  return GetClaim({(*claim_dataset)->namespace_(), (*claim_dataset)->name()});
}

absl::StatusOr<std::string> LineageSnapshot::OwnerUrn(const DatasetKey& dataset) {
  const std::string key = keys::DatasetKeyBytes(dataset);
  if (store_.owners_ != nullptr) {
    if (std::optional<std::string> cached = store_.owners_->Find(key, sequence_)) return *cached;
  }
  absl::StatusOr<std::optional<AddressClaim>> claim = FindOwner(dataset);
  if (!claim.ok()) return claim.status();
  std::string urn = claim->has_value() ? (*claim)->product_urn : std::string();
  if (store_.owners_ != nullptr) store_.owners_->Remember(key, sequence_, urn);
  return urn;
}

absl::StatusOr<std::vector<DatasetKey>> LineageSnapshot::DatasetsClaimedAs(
    const DatasetKey& identity) {
  if (index_ == nullptr) index_.reset(store_.db_->NewIterator(view_.options, store_.lineage_index_));
  return internal::ScanClaimedAs(*index_, identity);
}

absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> LineageSnapshot::GetDataset(
    const DatasetKey& dataset) {
  absl::StatusOr<bool> found = Read(store_.datasets_, keys::DatasetKeyBytes(dataset));
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  absl::StatusOr<meshdex::v1::LineageDataset> record =
      internal::Parse<meshdex::v1::LineageDataset>(value_, "datasets");
  if (!record.ok()) return record.status();
  return std::optional<meshdex::v1::LineageDataset>(*std::move(record));
}

absl::StatusOr<std::optional<google::protobuf::Timestamp>> LineageSnapshot::LastCompleteTime(
    const DatasetKey& dataset) {
  absl::StatusOr<bool> found = Read(store_.datasets_, keys::DatasetKeyBytes(dataset));
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  return FieldOfRecord<google::protobuf::Timestamp>(
      value_, meshdex::v1::LineageDataset::kLastCompleteTimeFieldNumber);
}

}  // namespace meshdex::storage
