#include "tests/bench/raw_xapian.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "index/layout.h"
#include "index/ranking.h"
#include "index/searcher.h"

namespace meshdex::bench {
namespace {

constexpr Xapian::doccount kFacetValues = index::Searcher::kMaxFacetValues;

}  // namespace

absl::StatusOr<RawXapian> RawXapian::Open(const std::string& path) {
  try {
    return RawXapian(Xapian::Database(path));
  } catch (const Xapian::Error& error) {
    return absl::UnavailableError(absl::StrCat("xapian: ", path, ": ", error.get_msg()));
  }
}

absl::StatusOr<int> RawXapian::Search(const BenchQuery& query) {
  try {
    Xapian::QueryParser parser;
    parser.set_database(db_);
    parser.set_stemmer(index::layout::Stemmer());
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_AND);
    Xapian::Query text = parser.parse_query(
        query.words, Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_PURE_NOT);
    if (!query.filter_field.empty()) {
      const index::layout::FilterField* field = index::layout::FindFilterField(query.filter_field);
      if (field == nullptr) return absl::InvalidArgumentError("unknown filter " + query.filter_field);
      text = Xapian::Query(Xapian::Query::OP_FILTER, text,
                           Xapian::Query(absl::StrCat(field->prefix, query.filter_value)));
    }
    Xapian::Enquire enquire(db_);
    enquire.set_query(text);
    enquire.set_weighting_scheme(index::Ranking());
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (const std::string& facet : query.facets) {
      const index::layout::FilterField* field = index::layout::FindFilterField(facet);
      if (field == nullptr) return absl::InvalidArgumentError("unknown facet " + facet);
      spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(field->slot));
      enquire.add_matchspy(spies.back().get());
    }
    const Xapian::MSet matches =
        enquire.get_mset(0, kPageSize + 1, index::Searcher::MatchesToExamine(db_, kPageSize + 1));
    int hits = 0;
    for (Xapian::MSetIterator match = matches.begin(); match != matches.end() && hits < kPageSize;
         ++match, ++hits) {
      if (match.get_document().get_data().empty()) return absl::DataLossError("hit without data");
    }
    // meshdex returns each facet's most frequent values, so read them too.
    for (const auto& spy : spies) {
      for (Xapian::TermIterator value = spy->top_values_begin(kFacetValues);
           value != spy->top_values_end(kFacetValues); ++value) {
        if ((*value).empty()) return absl::DataLossError("empty facet value");
      }
    }
    return hits;
  } catch (const Xapian::Error& error) {
    return absl::InternalError(absl::StrCat("xapian: ", error.get_msg()));
  }
}

}  // namespace meshdex::bench
