#include "storage/lineage_snapshot.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/lineage_ids.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::storage {
namespace {

using meshdex::v1::LineageDataset;

constexpr char kNs[] = "kafka://broker:9092";

LineageNodeKey Dataset(const std::string& name) {
  return {LineageNodeKey::Kind::kDataset, kNs, name};
}
LineageNodeKey Job(const std::string& name) { return {LineageNodeKey::Kind::kJob, "etl", name}; }

// A record whose claim_dataset sits between large fields, as ingest stores
// them: the snapshot must skip the rest to find it.
LineageDataset Record(const std::string& name, const std::string& claim_name = "") {
  LineageDataset dataset;
  dataset.set_namespace_(kNs);
  dataset.set_name(name);
  if (!claim_name.empty()) {
    dataset.mutable_claim_dataset()->set_namespace_(kNs);
    dataset.mutable_claim_dataset()->set_name(claim_name);
  }
  dataset.set_facets_json(R"({"schema":{"fields":[)" + std::string(4000, ' ') + "]}}");
  for (int i = 0; i < 50; ++i) dataset.add_fields()->set_name("field_" + std::to_string(i));
  dataset.set_description("orders as they were placed");
  dataset.mutable_last_seen()->set_seconds(1700000000);
  return dataset;
}

// Neighbour names read through `reader`: a LineageSnapshot, or the Store
// itself (which reads RocksDB only).
template <typename Reader>
std::vector<std::string> Neighbors(Reader& reader, const LineageNodeKey& node,
                                   EdgeDirection direction) {
  std::vector<std::string> names;
  absl::Status status = reader.ForEachNeighbor(node, direction, [&](const LineageNodeKey& next) {
    names.push_back(next.name);
    return true;
  });
  EXPECT_TRUE(status.ok()) << status;
  return names;
}

std::string OwnerUrn(LineageSnapshot& snapshot, const std::string& name) {
  absl::StatusOr<std::optional<AddressClaim>> claim = snapshot.FindOwner({kNs, name});
  EXPECT_TRUE(claim.ok()) << claim.status();
  return claim.ok() && claim->has_value() ? (*claim)->product_urn : "";
}

// Every test runs twice: neighbours read from RocksDB, and from the store's
// in-memory graph (loaded before the test starts, then kept up by writes).
class LineageSnapshotTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Open(); }

  // Opens the store; `wait`: until its in-memory graph is loaded.
  void Open(bool wait = true) {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(
        {.path = dir_.Sub("db"), .sync_writes = false, .lineage_graph_in_memory = GetParam()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    if (GetParam() && wait) {
      ASSERT_TRUE(store_->AwaitLineageGraphInMemory(absl::Now() + absl::Seconds(30)));
    }
  }

  // The in-memory graph's size; zeros when it is off.
  InMemoryLineageGraph GraphInMemory() const {
    return store_->LineageGraphInMemory().value_or(InMemoryLineageGraph{});
  }

  // Edges alone append no change (ingest writes them with the records they
  // join), and a write without changes publishes nothing: each test write
  // puts a record beside its edges.
  void Write(absl::FunctionRef<void(WriteTxn&)> fn) {
    absl::StatusOr<uint64_t> written = store_->Write([&](WriteTxn& txn) {
      fn(txn);
      return absl::OkStatus();
    });
    ASSERT_TRUE(written.ok()) << written.status();
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(LineageSnapshotTest, FindOwnerAnswersWhatTheStoresLookupAnswers) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("claimed"));
    txn.PutClaim({kNs, "claimed"}, {"urn:dp:sales:orders", "events"});
    txn.PutDataset(Record("alias", "topic"));  // Owned through its claim identity.
    txn.PutClaim({kNs, "topic"}, {"urn:dp:sales:topic", "out"});
    txn.PutDataset(Record("alias-unclaimed", "nobody"));
    txn.PutDataset(Record("plain"));
    txn.PutClaim({kNs, "no-record"}, {"urn:dp:ops:bare", "out"});
  });
  LineageSnapshot snapshot(*store_);
  EXPECT_EQ(OwnerUrn(snapshot, "claimed"), "urn:dp:sales:orders");
  EXPECT_EQ(OwnerUrn(snapshot, "alias"), "urn:dp:sales:topic");
  EXPECT_EQ(OwnerUrn(snapshot, "alias-unclaimed"), "");
  EXPECT_EQ(OwnerUrn(snapshot, "plain"), "");
  EXPECT_EQ(OwnerUrn(snapshot, "no-record"), "urn:dp:ops:bare");
  EXPECT_EQ(OwnerUrn(snapshot, "absent"), "");

  // The same answers as storage::FindOwner on the decoded records.
  for (const std::string name : {"claimed", "alias", "alias-unclaimed", "plain"}) {
    absl::StatusOr<std::optional<LineageDataset>> record = store_->GetDataset({kNs, name});
    ASSERT_TRUE(record.ok() && record->has_value()) << name;
    absl::StatusOr<std::optional<AddressClaim>> expected = FindOwner(*store_, **record);
    ASSERT_TRUE(expected.ok()) << expected.status();
    EXPECT_EQ(OwnerUrn(snapshot, name), expected->has_value() ? (*expected)->product_urn : "")
        << name;
  }
}

std::vector<std::string> Names(const absl::StatusOr<std::vector<DatasetKey>>& datasets) {
  EXPECT_TRUE(datasets.ok()) << datasets.status();
  std::vector<std::string> names;
  if (datasets.ok()) {
    for (const DatasetKey& key : *datasets) names.push_back(key.name);
  }
  return names;
}

TEST_P(LineageSnapshotTest, ClaimAliasesAndRecordsAnswerWhatTheStoreAnswers) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("v2", "topic"));
    txn.PutDataset(Record("v1", "topic"));
    txn.PutDataset(Record("copy", "elsewhere"));
    txn.PutDataset(Record("plain"));
  });
  LineageSnapshot snapshot(*store_);
  // One iterator, asked in any order and again.
  for (const std::string identity : {"topic", "elsewhere", "nobody", "topic"}) {
    const std::vector<std::string> names = Names(snapshot.DatasetsClaimedAs({kNs, identity}));
    EXPECT_EQ(names, Names(store_->DatasetsClaimedAs({kNs, identity}))) << identity;
    if (identity == "topic") {
      EXPECT_EQ(names, (std::vector<std::string>{"v1", "v2"}));
    }
  }
  absl::StatusOr<std::optional<LineageDataset>> read = snapshot.GetDataset({kNs, "v1"});
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status();
  absl::StatusOr<std::optional<LineageDataset>> stored = store_->GetDataset({kNs, "v1"});
  ASSERT_TRUE(stored.ok() && stored->has_value()) << stored.status();
  EXPECT_EQ((*read)->SerializeAsString(), (*stored)->SerializeAsString());
  EXPECT_EQ((*read)->claim_dataset().name(), "topic");
  absl::StatusOr<std::optional<LineageDataset>> absent = snapshot.GetDataset({kNs, "absent"});
  ASSERT_TRUE(absent.ok()) << absent.status();
  EXPECT_FALSE(absent->has_value());
}

TEST_P(LineageSnapshotTest, LastCompleteTimeIsReadAloneFromTheRecord) {
  Write([](WriteTxn& txn) {
    LineageDataset completed = Record("completed", "topic");
    completed.mutable_last_complete_time()->set_seconds(1700000123);
    completed.mutable_last_complete_time()->set_nanos(5);
    txn.PutDataset(completed);
    txn.PutDataset(Record("never"));
  });
  LineageSnapshot snapshot(*store_);
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> time =
      snapshot.LastCompleteTime({kNs, "completed"});
  ASSERT_TRUE(time.ok() && time->has_value()) << time.status();
  EXPECT_EQ((*time)->seconds(), 1700000123);
  EXPECT_EQ((*time)->nanos(), 5);
  for (const std::string name : {"never", "absent"}) {
    time = snapshot.LastCompleteTime({kNs, name});
    ASSERT_TRUE(time.ok()) << time.status();
    EXPECT_FALSE(time->has_value()) << name;
  }
}

TEST_P(LineageSnapshotTest, OneIteratorServesEverySeekInAnyOrder) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("a"));
    txn.PutEdge(Dataset("a"), Job("j1"));
    txn.PutEdge(Dataset("a"), Job("j2"));
    txn.PutEdge(Dataset("ab"), Job("j3"));  // "a" is a prefix of "ab": not a neighbour of "a".
    txn.PutEdge(Job("j1"), Dataset("b"));
    txn.PutEdge(Job("j2"), Dataset("b"));
  });
  LineageSnapshot snapshot(*store_);
  EXPECT_EQ(Neighbors(snapshot, Dataset("ab"), EdgeDirection::kDownstream),
            std::vector<std::string>{"j3"});
  EXPECT_EQ(Neighbors(snapshot, Dataset("a"), EdgeDirection::kDownstream),
            (std::vector<std::string>{"j1", "j2"}));
  EXPECT_EQ(Neighbors(snapshot, Dataset("b"), EdgeDirection::kUpstream),
            (std::vector<std::string>{"j1", "j2"}));
  EXPECT_TRUE(Neighbors(snapshot, Dataset("b"), EdgeDirection::kDownstream).empty());
  EXPECT_EQ(Neighbors(snapshot, Dataset("a"), EdgeDirection::kDownstream),
            (std::vector<std::string>{"j1", "j2"}));

  // Stopping early stops the scan.
  int calls = 0;
  ASSERT_TRUE(snapshot
                  .ForEachNeighbor(Dataset("a"), EdgeDirection::kDownstream,
                                   [&](const LineageNodeKey&) { return ++calls < 1; })
                  .ok());
  EXPECT_EQ(calls, 1);
}

TEST_P(LineageSnapshotTest, AScanInsideAnotherScansCallbackLeavesTheOuterScanIntact) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("a"));
    txn.PutEdge(Dataset("a"), Job("j1"));
    txn.PutEdge(Dataset("a"), Job("j2"));
    txn.PutEdge(Job("j1"), Dataset("b"));
    txn.PutEdge(Job("j2"), Dataset("c"));
  });
  LineageSnapshot snapshot(*store_);
  std::vector<std::string> reached;
  for (int round = 0; round < 2; ++round) {  // The second round reuses both iterators.
    reached.clear();
    ASSERT_TRUE(snapshot
                    .ForEachNeighbor(Dataset("a"), EdgeDirection::kDownstream,
                                     [&](const LineageNodeKey& job) {
                                       for (const std::string& name : Neighbors(
                                                snapshot, job, EdgeDirection::kDownstream)) {
                                         reached.push_back(job.name + ">" + name);
                                       }
                                       return true;
                                     })
                    .ok());
    EXPECT_EQ(reached, (std::vector<std::string>{"j1>b", "j2>c"}));
  }
}

TEST_P(LineageSnapshotTest, ColumnNeighborsShareTheIterator) {
  const FieldKey total{{kNs, "orders"}, "total"};
  Write([&](WriteTxn& txn) {
    txn.PutDataset(Record("orders"));
    txn.PutEdge(Dataset("orders"), Job("j1"));
    txn.PutColumnEdge(total, {{kNs, "revenue"}, "amount"});
  });
  LineageSnapshot snapshot(*store_);
  EXPECT_EQ(Neighbors(snapshot, Dataset("orders"), EdgeDirection::kDownstream),
            std::vector<std::string>{"j1"});
  std::vector<std::string> fields;
  ASSERT_TRUE(snapshot
                  .ForEachColumnNeighbor(total, EdgeDirection::kDownstream,
                                         [&](const FieldKey& next) {
                                           fields.push_back(next.dataset.name + "." + next.field);
                                           return true;
                                         })
                  .ok());
  EXPECT_EQ(fields, std::vector<std::string>{"revenue.amount"});
}

TEST_P(LineageSnapshotTest, ReadsTheStateAsOfItsConstruction) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("a"));
    txn.PutEdge(Dataset("a"), Job("j1"));
  });
  LineageSnapshot before(*store_);
  EXPECT_EQ(Neighbors(before, Dataset("a"), EdgeDirection::kDownstream),
            std::vector<std::string>{"j1"});  // The iterator exists now.

  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("b"));
    txn.PutEdge(Dataset("a"), Job("j2"));
    txn.PutClaim({kNs, "a"}, {"urn:dp:sales:orders", "events"});
  });
  EXPECT_EQ(Neighbors(before, Dataset("a"), EdgeDirection::kDownstream),
            std::vector<std::string>{"j1"});
  EXPECT_EQ(OwnerUrn(before, "a"), "");

  LineageSnapshot after(*store_);
  EXPECT_EQ(Neighbors(after, Dataset("a"), EdgeDirection::kDownstream),
            (std::vector<std::string>{"j1", "j2"}));
  EXPECT_EQ(OwnerUrn(after, "a"), "urn:dp:sales:orders");
}

// OwnerUrn, which the store's owner cache answers once a walk has read an owner.
std::string RememberedOwner(LineageSnapshot& snapshot, const std::string& name) {
  absl::StatusOr<std::string> urn = snapshot.OwnerUrn({kNs, name});
  EXPECT_TRUE(urn.ok()) << urn.status();
  return urn.value_or("<error>");
}

TEST_P(LineageSnapshotTest, RememberedOwnersFollowEveryOwnershipChange) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("orders"));
    txn.PutClaim({kNs, "orders"}, {"urn:dp:sales:orders", "out"});
    txn.PutDataset(Record("alias", "topic"));
    txn.PutClaim({kNs, "topic"}, {"urn:dp:sales:topic", "out"});
    txn.PutClaim({kNs, "no-record"}, {"urn:dp:ops:bare", "out"});
    txn.PutDataset(Record("plain"));
  });
  const std::vector<std::string> names = {"orders", "alias", "no-record", "plain"};
  auto owners = [&](LineageSnapshot& snapshot) {
    std::vector<std::string> urns;
    for (const std::string& name : names) urns.push_back(RememberedOwner(snapshot, name));
    return urns;
  };
  const std::vector<std::string> first = {"urn:dp:sales:orders", "urn:dp:sales:topic",
                                          "urn:dp:ops:bare", ""};
  auto before = std::make_unique<LineageSnapshot>(*store_);
  EXPECT_EQ(owners(*before), first);
  {
    LineageSnapshot again(*store_);  // Answered from the cache when it is on.
    EXPECT_EQ(owners(again), first);
  }

  Write([](WriteTxn& txn) {
    txn.PutClaim({kNs, "orders"}, {"urn:dp:finance:orders", "out"});  // Its own claim moves.
    txn.PutClaim({kNs, "topic"}, {"urn:dp:finance:topic", "out"});    // The claim it follows moves.
    txn.ReleaseClaim({kNs, "no-record"});
  });
  {
    LineageSnapshot after(*store_);
    EXPECT_EQ(owners(after), (std::vector<std::string>{"urn:dp:finance:orders",
                                                       "urn:dp:finance:topic", "", ""}));
  }
  EXPECT_EQ(owners(*before), first);  // An older snapshot keeps its owners.
  before.reset();

  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("alias"));           // No claim_dataset any more.
    txn.PutDataset(Record("plain", "topic"));  // Now follows the claim on "topic".
  });
  LineageSnapshot last(*store_);
  EXPECT_EQ(owners(last), (std::vector<std::string>{"urn:dp:finance:orders", "",
                                                    "", "urn:dp:finance:topic"}));
}

TEST_P(LineageSnapshotTest, AReopenedStoreAnswersFromTheEdgesItLoaded) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("a"));
    txn.PutEdge(Dataset("a"), Job("j1"));
    txn.PutEdge(Job("j1"), Dataset("b"));
    txn.PutEdge(Job("j1"), Dataset("b"));
    txn.PutColumnEdge({{kNs, "a"}, "x"}, {{kNs, "b"}, "y"});  // Column edges stay in RocksDB.
  });
  EXPECT_EQ(GraphInMemory().edges, GetParam() ? 2u : 0u);
  store_.reset();
  Open();
  EXPECT_EQ(GraphInMemory().nodes, GetParam() ? 3u : 0u);
  EXPECT_EQ(GraphInMemory().edges, GetParam() ? 2u : 0u);
  LineageSnapshot snapshot(*store_);
  EXPECT_EQ(Neighbors(snapshot, Job("j1"), EdgeDirection::kDownstream),
            std::vector<std::string>{"b"});
  EXPECT_EQ(Neighbors(snapshot, Dataset("b"), EdgeDirection::kUpstream),
            std::vector<std::string>{"j1"});
  EXPECT_EQ(Neighbors(snapshot, Job("j1"), EdgeDirection::kUpstream),
            std::vector<std::string>{"a"});
}

// The datasets naming a claim_dataset are loaded with the edges: owners
// through a claim identity survive a reopen (the in-memory graph would
// otherwise answer that no record names one, and skip reading it).
TEST_P(LineageSnapshotTest, AReopenedStoreFindsOwnersThroughClaimDatasets) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("alias", "topic"));
    txn.PutClaim({kNs, "topic"}, {"urn:dp:sales:topic", "out"});
    txn.PutDataset(Record("plain"));
    txn.PutEdge(Dataset("alias"), Job("j1"));
  });
  store_.reset();
  Open();
  LineageSnapshot snapshot(*store_);
  EXPECT_EQ(OwnerUrn(snapshot, "alias"), "urn:dp:sales:topic");
  EXPECT_EQ(OwnerUrn(snapshot, "plain"), "");
  EXPECT_EQ(snapshot.OwnerUrn({kNs, "alias"}).value_or("error"), "urn:dp:sales:topic");
}

// A dataset exists when it has a record: with edges (answered by the
// in-memory graph when it is on) or without.
TEST_P(LineageSnapshotTest, HasDatasetAnswersForDatasetsWithAndWithoutEdges) {
  Write([](WriteTxn& txn) {
    txn.PutDataset(Record("linked"));
    txn.PutDataset(Record("lonely"));
    txn.PutEdge(Dataset("linked"), Job("j1"));
  });
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [name, expected] :
         std::vector<std::pair<std::string, bool>>{{"linked", true}, {"lonely", true}, {"absent", false}}) {
      absl::StatusOr<bool> has = store_->HasDataset({kNs, name});
      ASSERT_TRUE(has.ok()) << has.status();
      EXPECT_EQ(*has, expected) << name << " pass " << pass;
    }
    store_.reset();
    Open();  // And as loaded.
  }
}

TEST_P(LineageSnapshotTest, WritesWhileTheGraphLoadsEndUpInIt) {
  // Enough edges that the load is likely still running when the writes below start.
  constexpr int kBatches = 10;
  constexpr int kFanOut = 1000;
  for (int batch = 0; batch < kBatches; ++batch) {
    Write([&](WriteTxn& txn) {
      txn.PutDataset(Record("in" + std::to_string(batch)));
      for (int i = 0; i < kFanOut; ++i) {
        txn.PutEdge(Dataset("in" + std::to_string(batch)), Job("j" + std::to_string(i)));
      }
    });
  }
  store_.reset();
  Open(/*wait=*/false);
  for (int i = 0; i < 20; ++i) {
    Write([&](WriteTxn& txn) {
      txn.PutDataset(Record("late" + std::to_string(i)));
      txn.PutEdge(Dataset("in0"), Job("late" + std::to_string(i)));
      txn.PutEdge(Job("j" + std::to_string(i)), Dataset("late" + std::to_string(i)));
    });
  }
  if (GetParam()) {
    ASSERT_TRUE(store_->AwaitLineageGraphInMemory(absl::Now() + absl::Seconds(30)));
    EXPECT_EQ(GraphInMemory().edges, kBatches * kFanOut + 40u);
  }
  LineageSnapshot snapshot(*store_);
  std::vector<LineageNodeKey> nodes = {Dataset("in0"), Dataset("in9"), Job("j0"), Job("j19"),
                                       Job("j999"), Dataset("late0"), Dataset("late19"),
                                       Job("late7")};
  for (const LineageNodeKey& node : nodes) {
    for (EdgeDirection direction : {EdgeDirection::kDownstream, EdgeDirection::kUpstream}) {
      EXPECT_EQ(Neighbors(snapshot, node, direction), Neighbors(*store_, node, direction))
          << node.name;
    }
  }
  EXPECT_EQ(Neighbors(snapshot, Dataset("in0"), EdgeDirection::kDownstream).size(), kFanOut + 20u);
}

INSTANTIATE_TEST_SUITE_P(Neighbours, LineageSnapshotTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "InMemory" : "RocksDb";
                         });

}  // namespace
}  // namespace meshdex::storage
