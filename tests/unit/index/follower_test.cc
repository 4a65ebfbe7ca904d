#include "index/follower.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "index/layout.h"
#include "index/searcher.h"
#include "tests/unit/index/index_fixture.h"

namespace meshdex::index {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class FollowerTest : public IndexFixture {
 protected:
  // URNs matching `query`, in rank order.
  std::vector<std::string> Find(const std::string& query) {
    meshdex::v1::SearchRequest request;
    request.set_query(query);
    request.set_page_size(100);
    request.set_min_sequence(store_->LastSequence());
    absl::StatusOr<meshdex::v1::SearchResponse> response = Searcher(*follower_).Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> urns;
    if (response.ok()) {
      for (const auto& hit : response->hits()) urns.push_back(hit.urn());
    }
    return urns;
  }

  // How many documents the spelling dictionary counts for `word`.
  Xapian::doccount SpellingFrequency(const std::string& word) {
    Xapian::Database index = OpenIndex();
    Xapian::TermIterator it = index.spellings_begin();
    it.skip_to(word);
    return it != index.spellings_end() && *it == word ? it.get_termfreq() : 0;
  }

  // Opens the live database directly, as a reader.
  Xapian::Database OpenIndex() { return Xapian::Database(follower_->GetReaderState().path); }

  // Stops the follower and adds a document no product explains to its
  // index, so a rebuild is observable.
  void PlantMarker(const std::string& format_version) {
    follower_->Stop();
    Xapian::WritableDatabase db(follower_->GetReaderState().path, Xapian::DB_OPEN);
    Xapian::Document marker;
    marker.add_term("zzmarker");
    db.add_document(marker);
    db.set_metadata(layout::kFormatVersionKey, format_version);
    db.commit();
  }

  void WriteShipmentsAndOrders() {
    Put(Product("logistics", "shipments", [](auto& p) {
      p.mutable_spec()->set_title("Shipments");
      p.mutable_spec()->set_description("Every parcel movement");
    }));
    Put(Product("sales", "orders", [](auto& p) {
      p.mutable_spec()->set_title("Orders");
      p.mutable_spec()->set_description("Customer orders with parcel references");
    }));
  }
};

TEST_F(FollowerTest, WrittenProductBecomesSearchable) {
  StartFollower();
  const uint64_t sequence = Put(Product("logistics", "shipments", [](auto& p) {
    p.mutable_spec()->set_description("Every parcel movement");
  }));
  ASSERT_TRUE(follower_->WaitForSequence(sequence, absl::Now() + absl::Seconds(10)));
  EXPECT_GE(follower_->AppliedSequence(), sequence);
  EXPECT_THAT(Find("parcel"), ElementsAre("urn:dp:logistics:shipments"));
}

TEST_F(FollowerTest, UpdateReplacesTheDocumentInPlace) {
  StartFollower();
  Put(Product("logistics", "shipments", [](auto& p) {
    p.mutable_spec()->set_description("parcel movement");
  }));
  CatchUp();
  Put(Product("logistics", "shipments", [](auto& p) {
    p.mutable_spec()->set_description("container movement");
  }));
  CatchUp();
  EXPECT_THAT(Find("parcel"), IsEmpty());
  EXPECT_THAT(Find("container"), ElementsAre("urn:dp:logistics:shipments"));
  EXPECT_EQ(OpenIndex().get_doccount(), 1u);
}

TEST_F(FollowerTest, DeleteRemovesTheDocumentAndItsSpellings) {
  StartFollower();
  Put(Product("logistics", "shipments", [](auto& p) {
    p.mutable_spec()->set_description("refrigerated parcel");
  }));
  Put(Product("sales", "orders", [](auto& p) { p.mutable_spec()->set_description("parcel"); }));
  CatchUp();
  ASSERT_EQ(SpellingFrequency("parcel"), 2u);
  Delete(Urn("logistics", "shipments"));
  CatchUp();
  EXPECT_THAT(Find("parcel"), ElementsAre("urn:dp:sales:orders"));
  EXPECT_THAT(Find("refrigerated"), IsEmpty());
  EXPECT_EQ(OpenIndex().get_doccount(), 1u);
  EXPECT_EQ(SpellingFrequency("parcel"), 1u);
  EXPECT_EQ(SpellingFrequency("refrigerated"), 0u);
}

TEST_F(FollowerTest, ManyWritesInOneBatchKeepTheLastState) {
  IndexFollowerOptions options = FastOptions();
  options.max_batch_records = 7;
  StartFollower(options);
  for (int i = 0; i < 30; ++i) {
    Put(Product("d", absl::StrCat("p", i % 5), [i](auto& p) {
      p.mutable_spec()->set_description(absl::StrCat("revision", i));
    }));
  }
  CatchUp();
  EXPECT_EQ(OpenIndex().get_doccount(), 5u);
  EXPECT_THAT(Find("revision29"), ElementsAre("urn:dp:d:p4"));
  EXPECT_THAT(Find("revision24"), IsEmpty());
}

TEST_F(FollowerTest, CommitsArePacedWhileWritesTrickleInButNotAFullBatch) {
  IndexFollowerOptions options = FastOptions();
  options.max_batch_records = 3;
  options.min_commit_interval = absl::Hours(1);
  StartFollower(options);
  CatchUp();  // The first build is not a commit of the follower's: it does not pace.
  auto put = [this](const std::string& name) {
    return Put(Product("d", name, [](auto& p) { p.mutable_spec()->set_description("parcel"); }));
  };
  const auto soon = [] { return absl::Now() + absl::Seconds(10); };
  // The first write after a quiet spell is committed at once...
  ASSERT_TRUE(follower_->WaitForSequence(put("first"), soon()));
  // ...the next waits for the interval...
  const uint64_t second = put("second");
  EXPECT_FALSE(follower_->WaitForSequence(second, absl::Now() + absl::Milliseconds(300)));
  // ...unless a full batch waits.
  put("third");
  ASSERT_TRUE(follower_->WaitForSequence(put("fourth"), soon()));
  EXPECT_THAT(Find("parcel"), UnorderedElementsAre(Urn("d", "first"), Urn("d", "second"),
                                                   Urn("d", "third"), Urn("d", "fourth")));
  // A paced write does not hold up a rebuild, which indexes it, nor Stop().
  const uint64_t fifth = put("fifth");
  ASSERT_TRUE(follower_->Rebuild().ok());
  EXPECT_GE(follower_->AppliedSequence(), fifth);
  put("sixth");
  follower_->Stop();
}

TEST_F(FollowerTest, ABacklogIsFollowedWithBatchesPreparedAheadAndEndsInTheLastState) {
  StartFollower();
  CatchUp();
  follower_->Stop();
  // A backlog of many full batches: revisions of a few products, some
  // deleted and written again, so later batches change what earlier ones
  // wrote (a batch prepared ahead must not undo the one before it).
  for (int i = 0; i < 60; ++i) {
    const std::string name = absl::StrCat("p", i % 6);
    if (i % 13 == 12) {
      Delete(Urn("d", name));
      continue;
    }
    Put(Product("d", name, [i](auto& p) {
      p.mutable_spec()->set_description(absl::StrCat("revision", i));
    }));
  }
  IndexFollowerOptions options = FastOptions();
  options.max_batch_records = 4;
  StartFollower(options);
  CatchUp();
  EXPECT_GT(follower_->BatchesPreparedAhead(), 0u);
  // p0..p5 last written at revisions 54..59 (none of those is a deletion).
  for (int i = 54; i < 60; ++i) {
    EXPECT_THAT(Find(absl::StrCat("revision", i)),
                ElementsAre(absl::StrCat("urn:dp:d:p", i % 6)));
  }
  EXPECT_THAT(Find("revision53"), IsEmpty());
  EXPECT_EQ(OpenIndex().get_doccount(), 6u);
}

TEST_F(FollowerTest, DocumentIsRewrittenOnlyWhenItsIndexedContentChanges) {
  StartFollower();
  // The first build is done: the writes below reach the index as changes.
  CatchUp();
  meshdex::v1::LineageDataset dataset;
  dataset.set_namespace_("warehouse");
  dataset.set_name("orders_raw");
  dataset.set_description("Unvalidated orders");
  const auto put = [&] {
    absl::StatusOr<uint64_t> sequence = store_->Write([&](storage::WriteTxn& txn) {
      txn.PutDataset(dataset);
      return absl::OkStatus();
    });
    ASSERT_TRUE(sequence.ok()) << sequence.status();
    CatchUp();
  };
  const std::string id = "dataset:warehouse:orders_raw";
  put();
  EXPECT_EQ(follower_->DocumentsWritten(), 1u);
  EXPECT_EQ(follower_->DocumentsUnchanged(), 0u);
  EXPECT_THAT(Find("unvalidated"), ElementsAre(id));

  // A run touching the dataset changes its record, not its document.
  dataset.mutable_last_seen()->set_seconds(1700000000);
  put();
  EXPECT_EQ(follower_->DocumentsWritten(), 1u);
  EXPECT_EQ(follower_->DocumentsUnchanged(), 1u);
  EXPECT_THAT(Find("unvalidated"), ElementsAre(id));

  dataset.set_description("Validated orders");
  put();
  EXPECT_EQ(follower_->DocumentsWritten(), 2u);
  EXPECT_EQ(follower_->DocumentsUnchanged(), 1u);
  EXPECT_THAT(Find("unvalidated"), IsEmpty());
  EXPECT_THAT(Find("validated"), ElementsAre(id));
  EXPECT_EQ(OpenIndex().get_doccount(), 1u);
}

TEST_F(FollowerTest, WatermarkIsStoredInTheIndexAndResumedAfterReopen) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  EXPECT_EQ(OpenIndex().get_metadata(layout::kAppliedSequenceKey),
            absl::StrCat(store_->LastSequence()));
  PlantMarker(absl::StrCat(layout::kFormatVersion));

  // Written while no follower runs: replayed from the watermark on start.
  Put(Product("sales", "invoices", [](auto& p) { p.mutable_spec()->set_description("parcel"); }));
  StartFollower();
  CatchUp();
  EXPECT_THAT(Find("parcel"), UnorderedElementsAre("urn:dp:logistics:shipments",
                                                   "urn:dp:sales:orders", "urn:dp:sales:invoices"));
  // Resumed, not rebuilt: the marker survived.
  EXPECT_EQ(OpenIndex().get_termfreq("zzmarker"), 1u);
}

TEST_F(FollowerTest, DeletedIndexDirectoryIsRebuiltWithTheSameAnswers) {
  StartFollower();
  WriteShipmentsAndOrders();
  Delete(Urn("sales", "orders"));
  CatchUp();
  const std::vector<std::string> before = Find("parcel");
  follower_.reset();

  std::filesystem::remove_all(IndexPath());
  StartFollower();
  CatchUp();
  EXPECT_EQ(Find("parcel"), before);
  EXPECT_THAT(before, ElementsAre("urn:dp:logistics:shipments"));
  EXPECT_EQ(OpenIndex().get_metadata(layout::kAppliedSequenceKey),
            absl::StrCat(store_->LastSequence()));
}

// A glass table file grows in whole blocks, and its first blocks are
// written whole: 32K is the follower's choice (follower.cc), Xapian's
// default 8K. (Xapian::Database::check would name the size, but trips
// AddressSanitizer inside libxapian.)
TEST_F(FollowerTest, TheIndexIsBuiltWith32KiBBlocks) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  const std::string database = follower_->GetReaderState().path;
  for (const char* table : {"postlist", "termlist", "docdata"}) {
    const uintmax_t size = std::filesystem::file_size(absl::StrCat(database, "/", table, ".glass"));
    EXPECT_GT(size, 0u) << table;
    EXPECT_EQ(size % (32 * 1024), 0u) << table << ": " << size << " bytes";
  }
}

TEST_F(FollowerTest, OlderFormatVersionIsRebuilt) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  PlantMarker(absl::StrCat(layout::kFormatVersion - 1));
  follower_.reset();

  StartFollower();
  CatchUp();
  EXPECT_EQ(OpenIndex().get_termfreq("zzmarker"), 0u);
  EXPECT_EQ(OpenIndex().get_metadata(layout::kFormatVersionKey),
            absl::StrCat(layout::kFormatVersion));
  EXPECT_THAT(Find("parcel"), UnorderedElementsAre("urn:dp:logistics:shipments",
                                                   "urn:dp:sales:orders"));
}

TEST_F(FollowerTest, UnreadableIndexIsRebuilt) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  const std::string live = follower_->GetReaderState().path;
  follower_.reset();
  for (const auto& entry : std::filesystem::directory_iterator(live)) {
    std::filesystem::resize_file(entry.path(), 0);
  }

  StartFollower();
  CatchUp();
  EXPECT_THAT(Find("parcel"), UnorderedElementsAre("urn:dp:logistics:shipments",
                                                   "urn:dp:sales:orders"));
}

TEST_F(FollowerTest, IndexAheadOfTheStoreIsRebuilt) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  PlantMarker(absl::StrCat(layout::kFormatVersion));
  follower_.reset();
  // A fresh, empty store under the same index: the index claims sequences
  // the store never wrote.
  store_.reset();
  std::filesystem::remove_all(dir_.Sub("store"));
  OpenStore();

  StartFollower();
  CatchUp();
  EXPECT_EQ(OpenIndex().get_doccount(), 0u);
}

TEST_F(FollowerTest, RebuildWhileRunningSwapsInAFreshIndex) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  PlantMarker(absl::StrCat(layout::kFormatVersion));
  StartFollower();
  CatchUp();
  ASSERT_EQ(OpenIndex().get_termfreq("zzmarker"), 1u);
  const IndexFollower::ReaderState before = follower_->GetReaderState();

  ASSERT_TRUE(follower_->Rebuild().ok());
  const IndexFollower::ReaderState after = follower_->GetReaderState();
  EXPECT_NE(after.epoch, before.epoch);
  EXPECT_NE(after.path, before.path);
  EXPECT_FALSE(std::filesystem::exists(before.path));
  EXPECT_EQ(OpenIndex().get_termfreq("zzmarker"), 0u);

  // Still following after the swap.
  Put(Product("sales", "invoices", [](auto& p) { p.mutable_spec()->set_description("parcel"); }));
  CatchUp();
  EXPECT_EQ(Find("parcel").size(), 3u);
}

TEST_F(FollowerTest, RebuildBeforeStartPreparesTheIndex) {
  WriteShipmentsAndOrders();
  follower_ = std::make_unique<IndexFollower>(*store_, IndexPath(), FastOptions());
  ASSERT_TRUE(follower_->Rebuild().ok());
  EXPECT_EQ(follower_->AppliedSequence(), store_->LastSequence());
  ASSERT_TRUE(follower_->Start().ok());
  CatchUp();
  EXPECT_EQ(Find("parcel").size(), 2u);
}

TEST_F(FollowerTest, SearchBeforeTheFirstBuildIsUnavailable) {
  WriteShipmentsAndOrders();
  follower_ = std::make_unique<IndexFollower>(*store_, IndexPath(), FastOptions());
  absl::StatusOr<meshdex::v1::SearchResponse> response =
      Searcher(*follower_).Search(meshdex::v1::SearchRequest());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(follower_->WaitForSequence(0, absl::Now()));

  ASSERT_TRUE(follower_->Start().ok());
  CatchUp();
  EXPECT_EQ(Find("parcel").size(), 2u);
}

TEST_F(FollowerTest, SecondStartIsRefused) {
  StartFollower();
  EXPECT_EQ(follower_->Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(FollowerTest, IndexLockedByAnotherWriterFailsStart) {
  StartFollower();
  CatchUp();
  IndexFollower second(*store_, IndexPath(), FastOptions());
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
}

TEST_F(FollowerTest, WaitForSequenceTimesOutOnUnwrittenSequence) {
  StartFollower();
  CatchUp();
  EXPECT_FALSE(follower_->WaitForSequence(store_->LastSequence() + 1,
                                          absl::Now() + absl::Milliseconds(20)));
}

TEST_F(FollowerTest, CommitWaitsUntilTheReadInProgressEnds) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  uint64_t written = 0;
  absl::Status read = follower_->ReadCommitted([&](const IndexFollower::ReaderState& state) {
    const Xapian::rev revision = Xapian::Database(state.path).get_revision();
    written = Put(Product("sales", "invoices", [](auto& p) {
      p.mutable_spec()->set_description("parcel invoices");
    }));
    // The follower sees the write but may not commit it under this read.
    EXPECT_FALSE(follower_->WaitForSequence(written, absl::Now() + absl::Milliseconds(200)));
    EXPECT_EQ(Xapian::Database(state.path).get_revision(), revision);
    return absl::OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read;
  ASSERT_TRUE(follower_->WaitForSequence(written, absl::Now() + absl::Seconds(10)));
  EXPECT_THAT(Find("invoices"), ElementsAre("urn:dp:sales:invoices"));
}

TEST_F(FollowerTest, SearchesDuringManyCommitsAllSucceed) {
  StartFollower();
  WriteShipmentsAndOrders();
  CatchUp();
  constexpr int kSearchers = 4;
  constexpr int kSearchesEach = 200;
  constexpr int kWrites = 300;
  std::atomic<int> failures{0};
  std::vector<std::thread> searchers;
  for (int t = 0; t < kSearchers; ++t) {
    searchers.emplace_back([&] {
      Searcher searcher(*follower_);
      meshdex::v1::SearchRequest request;
      request.set_query("parcel");
      request.add_facets("domain");
      for (int i = 0; i < kSearchesEach; ++i) {
        if (!searcher.Search(request).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < kWrites; ++i) {
    Put(Product("bulk", absl::StrCat("p", i % 50), [i](auto& p) {
      p.mutable_spec()->set_description(absl::StrCat("parcel batch ", i));
    }));
  }
  for (std::thread& searcher : searchers) searcher.join();
  EXPECT_EQ(failures.load(), 0);
  CatchUp();
  EXPECT_EQ(Find("parcel").size(), 52u);
}

}  // namespace
}  // namespace meshdex::index
