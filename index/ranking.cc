#include "index/ranking.h"

#include <algorithm>
#include <cmath>

#include "index/layout.h"

namespace meshdex::index {
namespace {

constexpr double kK1 = 1;
constexpr double kK3 = 1;

// BM25's wdf factor with b = 0, on the capped wdf.
double WdfFactor(Xapian::termcount wdf) {
  const double counted = std::min(wdf, layout::kSaturatingWdf);
  return counted / (kK1 + counted);
}

}  // namespace

Ranking::Ranking() {
  need_stat(COLLECTION_SIZE);
  need_stat(TERMFREQ);
  need_stat(WDF);
  need_stat(WDF_MAX);
  need_stat(WQF);
}

// Xapian::BM25Weight::init without relevance sets (meshdex has none): the
// same idf, including its floor for terms in more than a third of the
// documents, so weights equal BM25Weight(1, 0, 1, 0, ...)'s up to the cap.
void Ranking::init(double factor) {
  if (factor == 0) {  // a boolean context: the term only filters
    term_weight_ = 0;
    return;
  }
  const double documents = get_collection_size();
  const double term_frequency = get_termfreq();
  double idf_ratio = (documents - term_frequency + 0.5) / (term_frequency + 0.5);
  if (idf_ratio < 2) idf_ratio = idf_ratio * 0.5 + 1;
  const double wqf = get_wqf();
  term_weight_ = std::log(idf_ratio) * ((kK3 + 1) * wqf / (kK3 + wqf)) * (kK1 + 1) * factor;
}

double Ranking::get_sumpart(Xapian::termcount wdf, Xapian::termcount /*doclen*/,
                            Xapian::termcount /*uniqterms*/) const {
  return term_weight_ * WdfFactor(wdf);
}

double Ranking::get_maxpart() const {
  return term_weight_ * WdfFactor(get_wdf_upper_bound()) * (1 - kBoundSlack);
}

}  // namespace meshdex::index
