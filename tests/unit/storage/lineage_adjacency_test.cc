#include "storage/lineage_adjacency.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/keys.h"

namespace meshdex::storage {
namespace {

std::string DatasetBytes(const std::string& name) {
  return keys::NodeBytes({LineageNodeKey::Kind::kDataset, "s3://lake", name});
}
std::string JobBytes(const std::string& name) {
  return keys::NodeBytes({LineageNodeKey::Kind::kJob, "etl", name});
}

// Neighbour names (the graph must answer).
std::vector<std::string> Names(const LineageAdjacency& graph, const std::string& node,
                               EdgeDirection direction, uint64_t sequence) {
  std::vector<absl::string_view> bytes;
  EXPECT_TRUE(graph.Neighbors(node, direction, sequence, &bytes));
  std::vector<std::string> names;
  for (absl::string_view neighbor : bytes) names.push_back(keys::NodeFromBytes(neighbor)->name);
  return names;
}

TEST(LineageAdjacencyTest, DeclinesUntilCompleteAndForSnapshotsOlderThanTheLoad) {
  LineageAdjacency graph;
  graph.Add({{DatasetBytes("a"), JobBytes("j")}}, 0);
  std::vector<absl::string_view> out{"untouched"};
  EXPECT_FALSE(graph.Neighbors(DatasetBytes("a"), EdgeDirection::kDownstream, 100, &out));
  EXPECT_FALSE(graph.Neighbors(DatasetBytes("a"), EdgeDirection::kDownstream,
                               LineageAdjacency::kLatest, &out));
  EXPECT_EQ(out, std::vector<absl::string_view>{"untouched"});
  EXPECT_FALSE(graph.size().complete);

  graph.MarkComplete(100);
  EXPECT_TRUE(graph.AwaitComplete(absl::InfinitePast()));
  EXPECT_FALSE(graph.Neighbors(DatasetBytes("a"), EdgeDirection::kDownstream, 99, &out));
  EXPECT_EQ(Names(graph, DatasetBytes("a"), EdgeDirection::kDownstream, 100),
            std::vector<std::string>{"j"});
  // A node without edges is answered, not declined.
  EXPECT_TRUE(Names(graph, DatasetBytes("unknown"), EdgeDirection::kUpstream, 100).empty());
}

TEST(LineageAdjacencyTest, NeighboursComeInKeyOrderWhateverTheOrderAdded) {
  LineageAdjacency graph;
  graph.MarkComplete(0);
  // "a" is a prefix of "ab"; "b\x80" sorts after "bz" as unsigned bytes, as RocksDB orders keys.
  graph.Add({{JobBytes("j"), DatasetBytes("b\x80")}, {JobBytes("j"), DatasetBytes("ab")}}, 5);
  graph.Add({{JobBytes("j"), DatasetBytes("bz")}, {JobBytes("j"), DatasetBytes("a")}}, 6);
  graph.Add({{JobBytes("j"), DatasetBytes("c")}}, 7);
  EXPECT_EQ(Names(graph, JobBytes("j"), EdgeDirection::kDownstream, 7),
            (std::vector<std::string>{"a", "ab", "bz", "b\x80", "c"}));
  EXPECT_EQ(Names(graph, DatasetBytes("bz"), EdgeDirection::kUpstream, 7),
            std::vector<std::string>{"j"});
  EXPECT_EQ(graph.size().nodes, 6u);
  EXPECT_EQ(graph.size().edges, 5u);
}

TEST(LineageAdjacencyTest, AReaderSeesTheEdgesItsSnapshotHolds) {
  LineageAdjacency graph;
  graph.Add({{DatasetBytes("a"), JobBytes("loaded")}}, 0);
  graph.MarkComplete(10);
  graph.Add({{DatasetBytes("a"), JobBytes("later")}}, 20);
  graph.Add({{DatasetBytes("a"), JobBytes("latest")}}, 30);

  EXPECT_EQ(Names(graph, DatasetBytes("a"), EdgeDirection::kDownstream, 10),
            std::vector<std::string>{"loaded"});
  EXPECT_EQ(Names(graph, DatasetBytes("a"), EdgeDirection::kDownstream, 29),
            (std::vector<std::string>{"later", "loaded"}));
  EXPECT_EQ(Names(graph, DatasetBytes("a"), EdgeDirection::kDownstream, LineageAdjacency::kLatest),
            (std::vector<std::string>{"later", "latest", "loaded"}));
  EXPECT_EQ(Names(graph, JobBytes("latest"), EdgeDirection::kUpstream, 29),
            std::vector<std::string>{});

  // Written again later (another event), an edge stays visible from its first write.
  graph.Add({{DatasetBytes("a"), JobBytes("later")}}, 40);
  EXPECT_EQ(Names(graph, DatasetBytes("a"), EdgeDirection::kDownstream, 20),
            (std::vector<std::string>{"later", "loaded"}));
  EXPECT_EQ(graph.size().edges, 3u);
}

}  // namespace
}  // namespace meshdex::storage
