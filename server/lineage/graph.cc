#include "server/lineage/graph.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "server/catalog/address.h"
#include "server/catalog/validation.h"
#include "server/lineage/node_id.h"
#include "storage/keys.h"
#include "storage/lineage_ids.h"
#include "storage/lineage_snapshot.h"

namespace meshdex::lineage {
namespace {

using meshdex::v1::GetLineageRequest;
using meshdex::v1::LineageGraph;
using meshdex::v1::LineageNode;
using storage::DatasetKey;
using storage::EdgeDirection;
using storage::FieldKey;
using storage::JobKey;
using storage::LineageNodeKey;
using storage::LineageSnapshot;
using storage::Store;

constexpr char kTypeDataset[] = "dataset";
constexpr char kTypeJob[] = "job";
constexpr char kTypeProduct[] = "product";
constexpr char kTypeField[] = "datasetField";

// The answer under construction: nodes in discovery order, edges once each.
// A walk names its nodes by `Id` (the answer's node id, or a cheaper one
// that stands for it, such as an in-memory graph id).
template <typename Id>
class GraphBuilder {
 public:
  explicit GraphBuilder(int max_nodes) : max_nodes_(max_nodes) {}

  bool Has(const Id& id) const { return nodes_.contains(id); }

  // False (and the graph truncated) when the node bound is reached.
  bool AddNode(const Id& id, LineageNode node) {
    if (graph_.nodes_size() >= max_nodes_) {
      graph_.set_truncated(true);
      return false;
    }
    nodes_.emplace(id, graph_.nodes_size());
    *graph_.add_nodes() = std::move(node);
    return true;
  }

  // Both nodes were added.
  void AddEdge(const Id& source, const Id& target) {
    if (!edges_.emplace(source, target).second) return;
    meshdex::v1::LineageEdge* edge = graph_.add_edges();
    edge->set_source(graph_.nodes(nodes_.at(source)).id());
    edge->set_target(graph_.nodes(nodes_.at(target)).id());
  }

  bool truncated() const { return graph_.truncated(); }
  LineageGraph Finish() && { return std::move(graph_); }

 private:
  const int max_nodes_;
  LineageGraph graph_;
  absl::flat_hash_map<Id, int> nodes_;  // Index in graph_.nodes().
  absl::flat_hash_set<std::pair<Id, Id>> edges_;
};

std::vector<EdgeDirection> Directions(GetLineageRequest::Direction direction) {
  switch (direction) {
    case GetLineageRequest::UPSTREAM:
      return {EdgeDirection::kUpstream};
    case GetLineageRequest::DOWNSTREAM:
      return {EdgeDirection::kDownstream};
    default:
      return {EdgeDirection::kDownstream, EdgeDirection::kUpstream};
  }
}

absl::StatusOr<int> Bound(int requested, int default_value, int max_value, absl::string_view field) {
  if (requested < 0) return absl::InvalidArgumentError(absl::StrCat(field, ": must not be negative"));
  if (requested == 0) return default_value;
  return std::min(requested, max_value);
}

// Breadth-first walk from `starts`. `Ops` gives, for its Key type:
//   Id Id(const Key&);  // hashable; one per node of the answer
//   absl::StatusOr<LineageNode> Describe(const Key&);
//   absl::Status Neighbors(const Key&, EdgeDirection, absl::FunctionRef<bool(const Key&)>);
template <typename Key, typename Ops, typename Id>
absl::Status Walk(const std::vector<Key>& starts, const std::vector<EdgeDirection>& directions,
                  int depth, Ops& ops, GraphBuilder<Id>& graph) {
  auto admit = [&](const Key& key, const Id& id) -> absl::StatusOr<bool> {
    if (graph.Has(id)) return true;
    absl::StatusOr<LineageNode> node = ops.Describe(key);
    if (!node.ok()) return node.status();
    return graph.AddNode(id, *std::move(node));
  };
  for (EdgeDirection direction : directions) {
    absl::flat_hash_set<Id> visited;
    std::vector<Key> frontier;
    for (const Key& start : starts) {
      const Id id = ops.Id(start);
      absl::StatusOr<bool> admitted = admit(start, id);
      if (!admitted.ok()) return admitted.status();
      if (!*admitted) return absl::OkStatus();
      if (visited.insert(id).second) frontier.push_back(start);
    }
    for (int level = 0; level < depth && !frontier.empty(); ++level) {
      std::vector<Key> next;
      for (const Key& key : frontier) {
        const Id from = ops.Id(key);
        absl::Status failure;
        absl::Status scanned = ops.Neighbors(key, direction, [&](const Key& neighbor) {
          const Id to = ops.Id(neighbor);
          absl::StatusOr<bool> admitted = admit(neighbor, to);
          if (!admitted.ok()) {
            failure = admitted.status();
            return false;
          }
          if (!*admitted) return false;
          if (direction == EdgeDirection::kDownstream) {
            graph.AddEdge(from, to);
          } else {
            graph.AddEdge(to, from);
          }
          if (visited.insert(to).second) next.push_back(neighbor);
          return true;
        });
        if (!scanned.ok()) return scanned;
        if (!failure.ok()) return failure;
        if (graph.truncated()) return absl::OkStatus();
      }
      frontier = std::move(next);
    }
  }
  return absl::OkStatus();
}

// Owning products of datasets, looked up once per dataset.
class Owners {
 public:
  explicit Owners(LineageSnapshot& snapshot) : snapshot_(snapshot) {}

  // The URN of the product owning `dataset`, "" when none.
  absl::StatusOr<std::string> Of(const DatasetKey& dataset) {
    auto cached = cache_.find(dataset);
    if (cached != cache_.end()) return cached->second;
    absl::StatusOr<std::string> urn = snapshot_.OwnerUrn(dataset);
    if (!urn.ok()) return urn.status();
    cache_.emplace(dataset, *urn);
    return urn;
  }

 private:
  LineageSnapshot& snapshot_;
  absl::flat_hash_map<DatasetKey, std::string> cache_;
};

absl::StatusOr<LineageNode> DescribeDataset(const DatasetKey& dataset, Owners& owners) {
  absl::StatusOr<std::string> owner = owners.Of(dataset);
  if (!owner.ok()) return owner.status();
  LineageNode node;
  node.set_id(storage::DatasetNodeId(dataset));
  node.set_type(kTypeDataset);
  node.set_namespace_(dataset.ns);
  node.set_name(dataset.name);
  node.set_product_urn(*owner);
  return node;
}

LineageNode DescribeJob(const JobKey& job) {
  LineageNode node;
  node.set_id(storage::JobNodeId(job));
  node.set_type(kTypeJob);
  node.set_namespace_(job.ns);
  node.set_name(job.name);
  return node;
}

LineageNode DescribeProduct(const std::string& urn) {
  LineageNode node;
  node.set_id(urn);
  node.set_type(kTypeProduct);
  node.set_product_urn(urn);
  absl::StatusOr<std::pair<std::string, std::string>> parts = catalog::ParseProductUrn(urn);
  if (parts.ok()) {
    node.set_namespace_(parts->first);
    node.set_name(parts->second);
  }
  return node;
}

absl::StatusOr<LineageNode> DescribeNode(const LineageNodeKey& node, Owners& owners) {
  if (node.kind == LineageNodeKey::Kind::kJob) return DescribeJob({node.ns, node.name});
  return DescribeDataset({node.ns, node.name}, owners);
}

// DATASET level: the stored graph as it is.
class DatasetLevel {
 public:
  explicit DatasetLevel(LineageSnapshot& snapshot) : snapshot_(snapshot), owners_(snapshot) {}

  std::string Id(const LineageNodeKey& node) { return storage::NodeId(node); }

  absl::StatusOr<LineageNode> Describe(const LineageNodeKey& node) {
    return DescribeNode(node, owners_);
  }

  absl::Status Neighbors(const LineageNodeKey& node, EdgeDirection direction,
                         absl::FunctionRef<bool(const LineageNodeKey&)> fn) {
    return snapshot_.ForEachNeighbor(node, direction, fn);
  }

 private:
  LineageSnapshot& snapshot_;
  Owners owners_;
};

// DATASET level walked by the in-memory graph's node ids (when it answers at
// the snapshot): the walk's sets hold integers, and a node's bytes are
// decoded only when the node joins the answer. Same answer as DatasetLevel.
class DatasetGraphLevel {
 public:
  struct Key {
    // A graph id, or kNotInGraph + i for the i-th start no edge has.
    uint64_t id;
    absl::string_view bytes;  // keys::NodeBytes of the node.
  };
  static constexpr uint64_t kNotInGraph = uint64_t{1} << 32;

  explicit DatasetGraphLevel(LineageSnapshot& snapshot) : snapshot_(snapshot), owners_(snapshot) {}

  // `starts` by graph id; nullopt when the in-memory graph does not answer.
  std::optional<std::vector<Key>> Starts(const std::vector<LineageNodeKey>& starts) {
    std::vector<Key> keys;
    for (const LineageNodeKey& start : starts) {
      std::optional<storage::LineageAdjacency::NodeId> id;
      if (!snapshot_.GraphId(start, &id)) return std::nullopt;
      start_bytes_.push_back(storage::keys::NodeBytes(start));
      keys.push_back({id ? *id : kNotInGraph + keys.size(), start_bytes_.back()});
    }
    return keys;
  }

  uint64_t Id(const Key& key) { return key.id; }

  absl::StatusOr<LineageNode> Describe(const Key& key) {
    std::optional<LineageNodeKey> node = storage::keys::NodeFromBytes(key.bytes);
    if (!node) return absl::DataLossError("lineage edges hold a malformed key");
    return DescribeNode(*node, owners_);
  }

  absl::Status Neighbors(const Key& key, EdgeDirection direction,
                         absl::FunctionRef<bool(const Key&)> fn) {
    if (key.id >= kNotInGraph) return absl::OkStatus();
    return snapshot_.ForEachGraphNeighbor(
        static_cast<storage::LineageAdjacency::NodeId>(key.id), direction,
        [&](const storage::LineageAdjacency::Neighbor& neighbor) {
          return fn(Key{neighbor.id, neighbor.bytes});
        });
  }

 private:
  LineageSnapshot& snapshot_;
  Owners owners_;
  std::deque<std::string> start_bytes_;  // A deque: Key::bytes point into it.
};

// The lineage datasets a product owns: those claimed by its output ports.
absl::StatusOr<std::vector<DatasetKey>> ProductDatasets(const Store& store, const std::string& urn) {
  std::vector<DatasetKey> datasets;
  absl::StatusOr<meshdex::v1::DataProduct> product = store.GetProduct(urn);
  if (absl::IsNotFound(product.status())) return datasets;
  if (!product.ok()) return product.status();
  for (const meshdex::v1::Port& port : product->spec().output_ports()) {
    absl::StatusOr<meshdex::v1::DatasetRef> identity = catalog::PortDataset(port);
    if (!identity.ok()) continue;  // Stored products were validated; nothing to find.
    absl::StatusOr<std::vector<DatasetKey>> claimed =
        store.DatasetsClaimedAs({identity->namespace_(), identity->name()});
    if (!claimed.ok()) return claimed.status();
    for (DatasetKey& dataset : *claimed) {
      if (std::find(datasets.begin(), datasets.end(), dataset) == datasets.end()) {
        datasets.push_back(std::move(dataset));
      }
    }
  }
  return datasets;
}

// PRODUCT level: datasets collapsed into their owning products.
class ProductLevel {
 public:
  // A product (urn set), an unowned dataset, or a job (only as the root).
  struct Key {
    std::string product_urn;
    std::optional<DatasetKey> dataset;
    std::optional<JobKey> job;
  };

  ProductLevel(const Store& store, LineageSnapshot& snapshot)
      : store_(store), snapshot_(snapshot), owners_(snapshot) {}

  std::string Id(const Key& key) {
    if (!key.product_urn.empty()) return key.product_urn;
    if (key.job) return storage::JobNodeId(*key.job);
    return storage::DatasetNodeId(*key.dataset);
  }

  absl::StatusOr<LineageNode> Describe(const Key& key) {
    if (!key.product_urn.empty()) return DescribeProduct(key.product_urn);
    if (key.job) return DescribeJob(*key.job);
    return DescribeDataset(*key.dataset, owners_);
  }

  absl::StatusOr<Key> Collapse(const DatasetKey& dataset) {
    absl::StatusOr<std::string> owner = owners_.Of(dataset);
    if (!owner.ok()) return owner.status();
    if (!owner->empty()) return Key{*owner, std::nullopt, std::nullopt};
    return Key{"", dataset, std::nullopt};
  }

  absl::Status Neighbors(const Key& key, EdgeDirection direction,
                         absl::FunctionRef<bool(const Key&)> fn) {
    const std::string self = Id(key);
    std::vector<Key> found;
    absl::flat_hash_set<std::string> seen;
    absl::Status failure;
    // Adds the collapsed node of a dataset reached through a job.
    auto reach = [&](const LineageNodeKey& dataset) {
      absl::StatusOr<Key> collapsed = Collapse({dataset.ns, dataset.name});
      if (!collapsed.ok()) {
        failure = collapsed.status();
        return false;
      }
      const std::string id = Id(*collapsed);
      if (id != self && seen.insert(id).second) found.push_back(*std::move(collapsed));
      return true;
    };
    auto through_job = [&](const LineageNodeKey& job) {
      absl::Status scanned = snapshot_.ForEachNeighbor(job, direction, reach);
      if (!scanned.ok()) failure = scanned;
      return failure.ok();
    };
    if (key.job) {
      absl::Status scanned = snapshot_.ForEachNeighbor(
          {LineageNodeKey::Kind::kJob, key.job->ns, key.job->name}, direction, reach);
      if (!scanned.ok()) return scanned;
    } else {
      absl::StatusOr<std::vector<DatasetKey>> members = Members(key);
      if (!members.ok()) return members.status();
      for (const DatasetKey& member : *members) {
        absl::Status scanned = snapshot_.ForEachNeighbor(
            {LineageNodeKey::Kind::kDataset, member.ns, member.name}, direction, through_job);
        if (!scanned.ok()) return scanned;
        if (!failure.ok()) return failure;
      }
    }
    if (!failure.ok()) return failure;
    for (const Key& neighbor : found) {
      if (!fn(neighbor)) break;
    }
    return absl::OkStatus();
  }

 private:
  // The datasets a collapsed node stands for.
  absl::StatusOr<std::vector<DatasetKey>> Members(const Key& key) {
    if (key.product_urn.empty()) return std::vector<DatasetKey>{*key.dataset};
    return ProductDatasets(store_, key.product_urn);
  }

  const Store& store_;
  LineageSnapshot& snapshot_;
  Owners owners_;
};

// Column lineage: dataset fields.
class ColumnLevel {
 public:
  explicit ColumnLevel(LineageSnapshot& snapshot) : snapshot_(snapshot), owners_(snapshot) {}

  std::string Id(const FieldKey& field) { return storage::FieldNodeId(field); }

  absl::StatusOr<LineageNode> Describe(const FieldKey& field) {
    absl::StatusOr<std::string> owner = owners_.Of(field.dataset);
    if (!owner.ok()) return owner.status();
    LineageNode node;
    node.set_id(Id(field));
    node.set_type(kTypeField);
    node.set_namespace_(field.dataset.ns);
    node.set_dataset(field.dataset.name);
    node.set_name(field.field);
    node.set_product_urn(*owner);
    return node;
  }

  absl::Status Neighbors(const FieldKey& field, EdgeDirection direction,
                         absl::FunctionRef<bool(const FieldKey&)> fn) {
    return snapshot_.ForEachColumnNeighbor(field, direction, fn);
  }

 private:
  LineageSnapshot& snapshot_;
  Owners owners_;
};

}  // namespace

absl::StatusOr<LineageGraph> GetLineageGraph(const Store& store, const GetLineageRequest& request) {
  absl::StatusOr<int> depth = Bound(request.depth(), kDefaultDepth, kMaxDepth, "depth");
  if (!depth.ok()) return depth.status();
  absl::StatusOr<int> max_nodes =
      Bound(request.max_nodes(), kDefaultMaxNodes, kMaxMaxNodes, "max_nodes");
  if (!max_nodes.ok()) return max_nodes.status();
  absl::StatusOr<StartNode> start = ResolveNodeId(store, request.node_id(), "node_id");
  if (!start.ok()) return start.status();
  const std::vector<EdgeDirection> directions = Directions(request.direction());
  LineageSnapshot snapshot(store);

  if (request.level() == GetLineageRequest::PRODUCT) {
    GraphBuilder<std::string> graph(*max_nodes);
    ProductLevel level(store, snapshot);
    ProductLevel::Key root;
    switch (start->kind) {
      case StartNode::Kind::kProduct:
        root.product_urn = start->product_urn;
        break;
      case StartNode::Kind::kJob:
        root.job = start->job;
        break;
      default: {
        absl::StatusOr<ProductLevel::Key> collapsed = level.Collapse(start->dataset);
        if (!collapsed.ok()) return collapsed.status();
        root = *std::move(collapsed);
      }
    }
    absl::Status walked =
        Walk(std::vector<ProductLevel::Key>{root}, directions, *depth, level, graph);
    if (!walked.ok()) return walked;
    return std::move(graph).Finish();
  }

  std::vector<LineageNodeKey> starts;
  switch (start->kind) {
    case StartNode::Kind::kProduct: {
      absl::StatusOr<std::vector<DatasetKey>> datasets = ProductDatasets(store, start->product_urn);
      if (!datasets.ok()) return datasets.status();
      for (DatasetKey& dataset : *datasets) {
        starts.push_back({LineageNodeKey::Kind::kDataset, std::move(dataset.ns),
                          std::move(dataset.name)});
      }
      break;
    }
    case StartNode::Kind::kJob:
      starts.push_back({LineageNodeKey::Kind::kJob, start->job.ns, start->job.name});
      break;
    default:
      starts.push_back({LineageNodeKey::Kind::kDataset, start->dataset.ns, start->dataset.name});
  }
  DatasetGraphLevel by_id(snapshot);
  if (std::optional<std::vector<DatasetGraphLevel::Key>> id_starts = by_id.Starts(starts)) {
    GraphBuilder<uint64_t> graph(*max_nodes);
    absl::Status walked = Walk(*id_starts, directions, *depth, by_id, graph);
    if (!walked.ok()) return walked;
    return std::move(graph).Finish();
  }
  GraphBuilder<std::string> graph(*max_nodes);
  DatasetLevel level(snapshot);
  absl::Status walked = Walk(starts, directions, *depth, level, graph);
  if (!walked.ok()) return walked;
  return std::move(graph).Finish();
}

absl::StatusOr<LineageGraph> GetColumnLineageGraph(
    const Store& store, const meshdex::v1::GetColumnLineageRequest& request) {
  absl::StatusOr<int> depth = Bound(request.depth(), kDefaultDepth, kMaxDepth, "depth");
  if (!depth.ok()) return depth.status();
  absl::StatusOr<StartNode> start = ResolveColumnNodeId(store, request.node_id(), "node_id");
  if (!start.ok()) return start.status();
  const std::vector<EdgeDirection> directions = Directions(request.direction());
  std::vector<FieldKey> starts;
  if (start->kind == StartNode::Kind::kField) {
    starts.push_back({start->dataset, start->field});
  } else {
    for (EdgeDirection direction : directions) {
      absl::StatusOr<std::vector<std::string>> fields =
          store.FieldsWithColumnEdges(start->dataset, direction);
      if (!fields.ok()) return fields.status();
      for (std::string& field : *fields) {
        FieldKey key{start->dataset, std::move(field)};
        if (std::find(starts.begin(), starts.end(), key) == starts.end()) starts.push_back(key);
      }
    }
  }
  GraphBuilder<std::string> graph(kDefaultMaxNodes);
  LineageSnapshot snapshot(store);
  ColumnLevel level(snapshot);
  absl::Status walked = Walk(starts, directions, *depth, level, graph);
  if (!walked.ok()) return walked;
  return std::move(graph).Finish();
}

}  // namespace meshdex::lineage
