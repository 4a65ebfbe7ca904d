#include "storage/lineage_adjacency.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/keys.h"

namespace meshdex::storage {
namespace {

LineageNodeKey Dataset(const std::string& name) {
  return {LineageNodeKey::Kind::kDataset, "s3://lake", name};
}
LineageNodeKey Job(const std::string& name) { return {LineageNodeKey::Kind::kJob, "etl", name}; }

// The key the store writes for from -> to.
std::string Edge(const LineageNodeKey& from, const LineageNodeKey& to) {
  return keys::EdgeKey(EdgeDirection::kDownstream, from, to);
}

// Neighbour names (the graph must answer).
std::vector<std::string> Names(const LineageAdjacency& graph, const LineageNodeKey& node,
                               EdgeDirection direction, uint64_t sequence) {
  std::vector<absl::string_view> bytes;
  EXPECT_TRUE(graph.Neighbors(keys::NodeBytes(node), direction, sequence, &bytes));
  std::vector<std::string> names;
  for (absl::string_view neighbor : bytes) names.push_back(keys::NodeFromBytes(neighbor)->name);
  return names;
}

TEST(LineageAdjacencyTest, DeclinesUntilCompleteAndForSnapshotsOlderThanTheLoad) {
  LineageAdjacency graph;
  graph.Add({Edge(Dataset("a"), Job("j"))}, 0);
  std::vector<absl::string_view> out{"untouched"};
  const std::string a = keys::NodeBytes(Dataset("a"));
  EXPECT_FALSE(graph.Neighbors(a, EdgeDirection::kDownstream, 100, &out));
  EXPECT_FALSE(graph.Neighbors(a, EdgeDirection::kDownstream, LineageAdjacency::kLatest, &out));
  EXPECT_EQ(out, std::vector<absl::string_view>{"untouched"});
  EXPECT_FALSE(graph.size().complete);

  graph.MarkComplete(100);
  EXPECT_TRUE(graph.AwaitComplete(absl::InfinitePast()));
  EXPECT_FALSE(graph.Neighbors(a, EdgeDirection::kDownstream, 99, &out));
  EXPECT_EQ(Names(graph, Dataset("a"), EdgeDirection::kDownstream, 100),
            std::vector<std::string>{"j"});
  // A node without edges is answered, not declined.
  EXPECT_TRUE(Names(graph, Dataset("unknown"), EdgeDirection::kUpstream, 100).empty());
}

TEST(LineageAdjacencyTest, IdsAnswerWhatNodeBytesAnswer) {
  LineageAdjacency graph;
  graph.Add({Edge(Dataset("a"), Job("j")), Edge(Job("j"), Dataset("c"))}, 10);
  std::optional<LineageAdjacency::NodeId> id;
  EXPECT_FALSE(graph.Find(keys::NodeBytes(Job("j")), 10, &id));  // Not complete yet.
  graph.MarkComplete(10);
  graph.Add({Edge(Job("j"), Dataset("b"))}, 12);
  ASSERT_TRUE(graph.Find(keys::NodeBytes(Job("j")), 12, &id));
  ASSERT_TRUE(id.has_value());
  std::vector<LineageAdjacency::Neighbor> neighbors;
  ASSERT_TRUE(graph.NeighborsOf(*id, EdgeDirection::kDownstream, 12, &neighbors));
  std::vector<std::string> names;
  for (const LineageAdjacency::Neighbor& neighbor : neighbors) {
    names.push_back(keys::NodeFromBytes(neighbor.bytes)->name);
    // A neighbour's id is the one Find gives for its bytes.
    std::optional<LineageAdjacency::NodeId> found;
    ASSERT_TRUE(graph.Find(neighbor.bytes, 12, &found));
    EXPECT_EQ(found, neighbor.id);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"b", "c"}));
  // As of sequence 10, the edge added at 12 is not there yet.
  ASSERT_TRUE(graph.NeighborsOf(*id, EdgeDirection::kDownstream, 11, &neighbors));
  ASSERT_EQ(neighbors.size(), 1u);
  EXPECT_EQ(keys::NodeFromBytes(neighbors[0].bytes)->name, "c");
  EXPECT_FALSE(graph.NeighborsOf(*id, EdgeDirection::kDownstream, 9, &neighbors));
  // A node no edge has is found to have no id, not declined.
  ASSERT_TRUE(graph.Find(keys::NodeBytes(Dataset("unknown")), 12, &id));
  EXPECT_FALSE(id.has_value());
}

TEST(LineageAdjacencyTest, NeighboursComeInKeyOrderWhateverTheOrderAdded) {
  LineageAdjacency graph;
  graph.MarkComplete(0);
  // "a" is a prefix of "ab"; "b\x80" sorts after "bz" as unsigned bytes, as RocksDB orders keys.
  graph.Add({Edge(Job("j"), Dataset("b\x80")), Edge(Job("j"), Dataset("ab"))}, 5);
  graph.Add({Edge(Job("j"), Dataset("bz")), Edge(Job("j"), Dataset("a"))}, 6);
  graph.Add({Edge(Job("j"), Dataset("c"))}, 7);
  EXPECT_EQ(Names(graph, Job("j"), EdgeDirection::kDownstream, 7),
            (std::vector<std::string>{"a", "ab", "bz", "b\x80", "c"}));
  EXPECT_EQ(Names(graph, Dataset("bz"), EdgeDirection::kUpstream, 7),
            std::vector<std::string>{"j"});
  EXPECT_EQ(graph.size().nodes, 6u);
  EXPECT_EQ(graph.size().edges, 5u);
}

TEST(LineageAdjacencyTest, AReaderSeesTheEdgesItsSnapshotHolds) {
  LineageAdjacency graph;
  graph.Add({Edge(Dataset("a"), Job("loaded"))}, 0);
  graph.MarkComplete(10);
  graph.Add({Edge(Dataset("a"), Job("later"))}, 20);
  graph.Add({Edge(Dataset("a"), Job("latest"))}, 30);

  EXPECT_EQ(Names(graph, Dataset("a"), EdgeDirection::kDownstream, 10),
            std::vector<std::string>{"loaded"});
  EXPECT_EQ(Names(graph, Dataset("a"), EdgeDirection::kDownstream, 29),
            (std::vector<std::string>{"later", "loaded"}));
  EXPECT_EQ(Names(graph, Dataset("a"), EdgeDirection::kDownstream, LineageAdjacency::kLatest),
            (std::vector<std::string>{"later", "latest", "loaded"}));
  EXPECT_EQ(Names(graph, Job("latest"), EdgeDirection::kUpstream, 29), std::vector<std::string>{});

  // Written again later (another event), an edge stays visible from its first write.
  graph.Add({Edge(Dataset("a"), Job("later"))}, 40);
  EXPECT_EQ(Names(graph, Dataset("a"), EdgeDirection::kDownstream, 20),
            (std::vector<std::string>{"later", "loaded"}));
  EXPECT_EQ(graph.size().edges, 3u);
}

TEST(LineageAdjacencyTest, AKeyThatIsNoDownstreamEdgeLeavesEveryReaderToRocksDb) {
  LineageAdjacency graph;
  graph.MarkComplete(0);
  graph.Add({Edge(Dataset("a"), Job("j"))}, 1);
  EXPECT_TRUE(graph.size().complete);
  // An upstream key would add the edge backwards; the other holds no nodes.
  for (const std::string& key : {keys::EdgeKey(EdgeDirection::kUpstream, Job("j"), Dataset("b")),
                                 std::string("Dno-separator")}) {
    LineageAdjacency other;
    other.MarkComplete(0);
    other.Add({key}, 1);
    std::vector<absl::string_view> out;
    EXPECT_FALSE(other.Neighbors(keys::NodeBytes(Job("j")), EdgeDirection::kDownstream,
                                 LineageAdjacency::kLatest, &out))
        << key;
    EXPECT_FALSE(other.size().complete);
  }
}

}  // namespace
// An edge proves both ends' records: HasEdge answers per sequence, for
// either direction, and declines like Neighbors.
TEST(LineageAdjacencyTest, HasEdgeFollowsTheEdgesVisibleAtASequence) {
  LineageAdjacency graph;
  const std::string a = keys::NodeBytes(Dataset("a"));
  const std::string b = keys::NodeBytes(Dataset("b"));
  graph.Add({Edge(Dataset("a"), Job("j"))}, 10);
  bool has = true;
  EXPECT_FALSE(graph.HasEdge(a, 10, &has));  // Not complete yet.
  EXPECT_TRUE(has);
  graph.MarkComplete(10);
  graph.Add({Edge(Job("j"), Dataset("b"))}, 12);
  ASSERT_TRUE(graph.HasEdge(a, 10, &has));
  EXPECT_TRUE(has);
  ASSERT_TRUE(graph.HasEdge(b, 11, &has));
  EXPECT_FALSE(has);  // Its only edge (upstream) is newer than the reader.
  ASSERT_TRUE(graph.HasEdge(b, 12, &has));
  EXPECT_TRUE(has);
  ASSERT_TRUE(graph.HasEdge(keys::NodeBytes(Dataset("none")), 12, &has));
  EXPECT_FALSE(has);
  EXPECT_FALSE(graph.HasEdge(a, 9, &has));  // Older than the load.
}

TEST(LineageAdjacencyTest, AliasedDatasetsAreAnsweredOnceComplete) {
  LineageAdjacency graph;
  const std::string aliased = keys::DatasetKeyBytes({"s3://lake", "a"});
  graph.AddAliasedDatasets({aliased});
  bool may = false;
  EXPECT_FALSE(graph.MayBeAliased(aliased, 5, &may));
  EXPECT_FALSE(may);
  graph.MarkComplete(5);
  ASSERT_TRUE(graph.MayBeAliased(aliased, 5, &may));
  EXPECT_TRUE(may);
  ASSERT_TRUE(graph.MayBeAliased(keys::DatasetKeyBytes({"s3://lake", "b"}), 5, &may));
  EXPECT_FALSE(may);
  EXPECT_FALSE(graph.MayBeAliased(aliased, 4, &may));
}

}  // namespace meshdex::storage
