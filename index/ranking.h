// Ranking: the relevance weighting of free-text searches, BM25 (k1 = 1,
// k3 = 1) without document-length normalisation (b = 0) over within-document
// frequencies (wdf) capped at layout::kSaturatingWdf.
//
// Why this shape, measured on the bench's 1M-product index (one thread, its
// query mix without facets; BENCHMARKS.md):
//  * b = 0: normalising reads each candidate's length from a separate list,
//    half of Xapian's matching CPU (p50 4.6 -> 1.7 ms). A long description
//    costs a product nothing.
//  * the cap bounds every term's weight by what a word in both a product's
//    name and title earns, which a frequent word's top hits reach. Xapian
//    stops matching once it has examined what the search asks
//    (Searcher::kExactMatches) and no later document can beat the page's
//    lowest weight; with a bound no document reaches it never could.
//    get_maxpart() states the bound a hair (kBoundSlack) under the weight of
//    a capped term: a later document at the bound only ties the page, and
//    ties keep index order, so it could not enter the page either. Pages are
//    those of a full match, weights and order alike (the top 20 of 3,000
//    bench queries compared); the search's total is then an estimate.
// Beyond its cap a word's weight already barely grows under BM25 (wdf 10:
// 1.82 of at most 2.0 term weights), so ranking is what it was: a word in a
// name and title outweighs one in a description 1.8x, rarer words weigh
// more, and the matches of every query word add up.
//
// Thread-safety: a Xapian weighting scheme; Enquire clones it per search.
#ifndef MESHDEX_INDEX_RANKING_H_
#define MESHDEX_INDEX_RANKING_H_

#include <string>

#include <xapian.h>

namespace meshdex::index {

class Ranking : public Xapian::Weight {
 public:
  // How far get_maxpart() sits under the weight of a capped term, relative:
  // far above floating-point rounding of a sum of a few parts, far below
  // any real difference between two documents' weights.
  static constexpr double kBoundSlack = 1e-9;

  Ranking();

  std::string name() const override { return "meshdex.Ranking"; }
  Ranking* clone() const override { return new Ranking(); }
  void init(double factor) override;
  double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen,
                     Xapian::termcount uniqterms) const override;
  double get_maxpart() const override;
  double get_sumextra(Xapian::termcount, Xapian::termcount) const override { return 0; }
  double get_maxextra() const override { return 0; }

 private:
  // The term's weight: BM25's idf and query-frequency factors, times k1 + 1
  // and the query's scale factor.
  double term_weight_ = 0;
};

}  // namespace meshdex::index

#endif  // MESHDEX_INDEX_RANKING_H_
