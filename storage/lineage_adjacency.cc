#include "storage/lineage_adjacency.h"

#include <algorithm>

#include "rocksdb/snapshot.h"
#include "storage/keys.h"

namespace meshdex::storage {

uint64_t LineageAdjacency::ReaderSequence(const rocksdb::Snapshot* pin) {
  return pin != nullptr ? pin->GetSequenceNumber() : kLatest;
}

uint32_t LineageAdjacency::Intern(absl::string_view bytes) {
  auto found = ids_.find(bytes);
  if (found != ids_.end()) return found->second;
  const uint32_t id = static_cast<uint32_t>(nodes_.size());
  names_.emplace_back(bytes);
  ids_.emplace(names_.back(), id);
  nodes_.emplace_back();
  return id;
}

bool LineageAdjacency::Insert(std::vector<Link>& links, Link link) {
  const absl::string_view name = names_[link.node];
  // Loading scans keys in order, so most links go at the end.
  auto at = links.end();
  if (!links.empty() && names_[links.back().node] >= name) {
    at = std::lower_bound(links.begin(), links.end(), name,
                          [&](const Link& l, absl::string_view n) { return names_[l.node] < n; });
  }
  if (at != links.end() && at->node == link.node) {
    at->sequence = std::min(at->sequence, link.sequence);
    return false;
  }
  links.insert(at, link);
  return true;
}

void LineageAdjacency::Add(absl::Span<const std::string> downstream_keys, uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (malformed_) return;
  for (const std::string& key : downstream_keys) {
    std::optional<keys::EdgeNodes> edge = keys::SplitEdgeKey(EdgeDirection::kDownstream, key);
    if (!edge) {
      malformed_ = true;
      return;
    }
    const uint32_t from = Intern(edge->node);
    const uint32_t to = Intern(edge->neighbor);
    Insert(nodes_[to].upstream, {from, sequence});
    if (Insert(nodes_[from].downstream, {to, sequence})) ++edges_;
  }
}

void LineageAdjacency::MarkComplete(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  complete_at_ = sequence;
}

bool LineageAdjacency::AwaitComplete(absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  const auto complete = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return complete_at_.has_value();
  };
  return mu_.AwaitWithDeadline(absl::Condition(&complete), deadline);
}

bool LineageAdjacency::Answers(uint64_t sequence) const {
  return !malformed_ && complete_at_ && sequence >= *complete_at_;
}

const std::vector<LineageAdjacency::Link>& LineageAdjacency::LinksOf(
    NodeId id, EdgeDirection direction) const {
  const Node& node = nodes_[id];
  return direction == EdgeDirection::kDownstream ? node.downstream : node.upstream;
}

bool LineageAdjacency::Neighbors(absl::string_view node, EdgeDirection direction,
                                 uint64_t sequence, std::vector<absl::string_view>* out) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!Answers(sequence)) return false;
  out->clear();
  auto found = ids_.find(node);
  if (found == ids_.end()) return true;
  for (const Link& link : LinksOf(found->second, direction)) {
    if (link.sequence <= sequence) out->push_back(names_[link.node]);
  }
  return true;
}

bool LineageAdjacency::Find(absl::string_view node, uint64_t sequence,
                            std::optional<NodeId>* id) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!Answers(sequence)) return false;
  auto found = ids_.find(node);
  *id = found == ids_.end() ? std::nullopt : std::optional<NodeId>(found->second);
  return true;
}

bool LineageAdjacency::NeighborsOf(NodeId id, EdgeDirection direction, uint64_t sequence,
                                   std::vector<Neighbor>* out) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!Answers(sequence) || id >= nodes_.size()) return false;
  out->clear();
  for (const Link& link : LinksOf(id, direction)) {
    if (link.sequence <= sequence) out->push_back({link.node, names_[link.node]});
  }
  return true;
}

bool LineageAdjacency::HasEdge(absl::string_view node, uint64_t sequence, bool* has) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!Answers(sequence)) return false;
  *has = false;
  auto found = ids_.find(node);
  if (found == ids_.end()) return true;
  const auto visible = [sequence](const Link& link) { return link.sequence <= sequence; };
  for (const EdgeDirection direction : {EdgeDirection::kDownstream, EdgeDirection::kUpstream}) {
    const std::vector<Link>& links = LinksOf(found->second, direction);
    *has = *has || std::any_of(links.begin(), links.end(), visible);
  }
  return true;
}

void LineageAdjacency::AddAliasedDatasets(absl::Span<const std::string> datasets) {
  if (datasets.empty()) return;  // Most writes: no writer lock taken for nothing.
  absl::MutexLock lock(&mu_);
  aliased_.insert(datasets.begin(), datasets.end());
}

bool LineageAdjacency::MayBeAliased(absl::string_view dataset, uint64_t sequence,
                                    bool* aliased) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!Answers(sequence)) return false;
  *aliased = aliased_.contains(dataset);
  return true;
}

InMemoryLineageGraph LineageAdjacency::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return {complete_at_.has_value() && !malformed_, nodes_.size(), edges_};
}

}  // namespace meshdex::storage
