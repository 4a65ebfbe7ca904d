#include "index/ranking.h"

#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "index/layout.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::index {
namespace {

using Ranked = std::vector<std::pair<Xapian::docid, double>>;

// Ranking that counts the documents it weighs, i.e. the matcher examines.
class CountingRanking : public Ranking {
 public:
  explicit CountingRanking(int* weighed) : weighed_(weighed) {}
  CountingRanking* clone() const override { return new CountingRanking(weighed_); }
  double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen,
                     Xapian::termcount uniqterms) const override {
    ++*weighed_;
    return Ranking::get_sumpart(wdf, doclen, uniqterms);
  }

 private:
  int* weighed_;
};

class RankingTest : public ::testing::Test {
 protected:
  // Adds a document holding "word" and "also" `wdf` times each beside
  // `filler` other terms.
  void Add(Xapian::termcount wdf, int filler = 3) {
    Xapian::Document document;
    if (wdf > 0) {
      document.add_term("word", wdf);
      document.add_term("also", wdf);
    }
    for (int i = 0; i < filler; ++i) document.add_term(absl::StrCat("filler", i));
    writer_.add_document(document);
  }

  // The first `size` matches of `query` under `weight`, examining at least
  // `check_at_least` matches.
  Ranked Search(const Xapian::Weight& weight, Xapian::doccount size,
                Xapian::doccount check_at_least,
                const Xapian::Query& query = Xapian::Query("word")) {
    writer_.commit();
    Xapian::Database reader(dir_.path());
    Xapian::Enquire enquire(reader);
    enquire.set_query(query);
    enquire.set_weighting_scheme(weight);
    const Xapian::MSet matches = enquire.get_mset(0, size, check_at_least);
    Ranked ranked;
    for (auto match = matches.begin(); match != matches.end(); ++match) {
      ranked.emplace_back(*match, match.get_weight());
    }
    return ranked;
  }

  testing::TempDir dir_;
  Xapian::WritableDatabase writer_{dir_.path(), Xapian::DB_CREATE};
};

TEST_F(RankingTest, WeighsLikeBm25WithoutLengthNormalisationUpToTheCap) {
  // Frequencies up to the cap, documents of different lengths, and enough
  // documents without the word for its idf to be positive.
  for (Xapian::termcount wdf = 1; wdf <= layout::kSaturatingWdf; ++wdf) Add(wdf, wdf * 7 % 40);
  for (int i = 0; i < 100; ++i) Add(0);
  const Ranked bm25 = Search(Xapian::BM25Weight(1, 0, 1, 0, 0.5), 100, 100);
  const Ranked ranking = Search(Ranking(), 100, 100);
  ASSERT_EQ(ranking.size(), layout::kSaturatingWdf);
  ASSERT_EQ(bm25.size(), ranking.size());
  for (size_t i = 0; i < ranking.size(); ++i) {
    EXPECT_EQ(ranking[i].first, bm25[i].first) << i;
    EXPECT_DOUBLE_EQ(ranking[i].second, bm25[i].second) << i;
  }
}

TEST_F(RankingTest, AFrequencyBeyondTheCapWeighsAsTheCap) {
  Add(layout::kSaturatingWdf);
  Add(layout::kSaturatingWdf + 3);
  Add(layout::kSaturatingWdf - 1);
  for (int i = 0; i < 10; ++i) Add(0);
  const Ranked ranked = Search(Ranking(), 10, 10);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0], (std::pair<Xapian::docid, double>{1, ranked[1].second}));
  EXPECT_EQ(ranked[1].first, 2u);
  EXPECT_LT(ranked[2].second, ranked[1].second);
}

// The page fills with capped documents early; the matcher may stop there
// and must answer what a full match answers, for one word and for two
// (whose bounds add up; Xapian's bound of each is its cap here).
TEST_F(RankingTest, AFullPageAtTheBoundEndsTheMatchWithTheSameResults) {
  for (int i = 0; i < 3000; ++i) {
    Add(i % 50 == 7 ? layout::kSaturatingWdf + i % 3 : 1 + i % (layout::kSaturatingWdf - 1));
  }
  for (const Xapian::Query& query :
       {Xapian::Query("word"),
        Xapian::Query(Xapian::Query::OP_AND, Xapian::Query("word"), Xapian::Query("also"))}) {
    SCOPED_TRACE(query.get_description());
    int early_weighed = 0;
    const Ranked early = Search(CountingRanking(&early_weighed), 21, 21, query);
    int full_weighed = 0;
    const Ranked full = Search(CountingRanking(&full_weighed), 21, 3000, query);
    EXPECT_GE(full_weighed, 3000);
    EXPECT_LT(early_weighed, full_weighed / 2) << "the matcher did not stop early";
    EXPECT_EQ(early, full);
    ASSERT_EQ(early.size(), 21u);
    EXPECT_EQ(early.front().first, 8u);  // documents 8, 58, 108, ... in index order
    EXPECT_EQ(early.back().first, 1008u);
  }
}

}  // namespace
}  // namespace meshdex::index
