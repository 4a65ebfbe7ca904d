// Searcher: SearchService.Search over the follower's index.
//
// Query syntax: see search_query.h. Free text is ANDed and ranked by BM25
// without length normalisation, title and name boosted (ranking.h), English
// stemming; equal scores keep index order, so pages are stable while the
// index does not change. An empty query matches everything, a query of only
// filters their matches, ordered by name.
//
//  * total_estimate and facets: every match is examined up to kExactMatches
//    (like Elasticsearch's exact hit count), so below it the total is exact.
//    Beyond it the matcher stops once no later match can enter the page
//    (ranking.h), and a total Xapian cannot know (several words) is its
//    estimate, flagged `approximate`.
//  * facets: per facet the kMaxFacetValues most frequent values (count
//    descending, then value), counted over the whole match set, not the page:
//    exact for the empty query (term frequencies) and for match sets of up to
//    kExactMatches documents. Beyond that the first kExactMatches matches are
//    counted, the counts scaled to the estimated total (`approximate`).
//    Matches are counted from in-memory facet columns (facet_columns.h).
//  * paging: page_size default 20, at most 100; page tokens (search_query.h)
//    hold an offset into the ranking, at most kMaxResultWindow deep. The
//    empty query is served from the term dictionary in name order, so browsing
//    costs the page, not the index size.
//  * min_sequence: waits for the follower to apply it, at most
//    Options::min_sequence_timeout, then UNAVAILABLE.
//  * highlight: `snippet` is a fragment of the description (else the title),
//    HTML-escaped, with the query's matches wrapped in <mark>...</mark>.
//  * did_you_mean: when the query matches fewer than kFewMatches documents,
//    its words are checked against the spelling dictionary (words of indexed
//    text, weighted by how many documents hold them); a corrected query that
//    matches more documents is offered, filters kept.
//  * Odd input (unbalanced quotes, lone operators, huge tokens, control
//    characters) yields a result or INVALID_ARGUMENT, never INTERNAL.
//
// Thread-safety: thread-safe (readers come from a ReaderPool).
#ifndef MESHDEX_INDEX_SEARCHER_H_
#define MESHDEX_INDEX_SEARCHER_H_

#include <cstdint>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/follower.h"
#include "index/reader_pool.h"
#include "meshdex/v1/search.pb.h"

namespace meshdex::index {

class Searcher {
 public:
  struct Options {
    // Longest wait for SearchRequest.min_sequence.
    absl::Duration min_sequence_timeout = absl::Seconds(2);
  };

  static constexpr int kDefaultPageSize = 20;
  static constexpr int kMaxPageSize = 100;
  static constexpr uint64_t kMaxResultWindow = 10000;
  static constexpr int kMaxFacetValues = 100;
  // Bounds of SearchRequest.filters.
  static constexpr int kMaxFilters = 64;
  static constexpr size_t kMaxFilterValueBytes = 256;
  // Searches examine every match up to this many (then estimate). Like
  // Elasticsearch's exact hit count, 10,000: examining a match for facets
  // reads its value slots, and at 100,000 (the first bound) facet queries on
  // frequent words were the search p99 at 100k products (190 ms) and 1M
  // (365 ms).
  static constexpr Xapian::doccount kExactMatches = 10000;
  static constexpr int64_t kFewMatches = 3;

  // Xapian's check_at_least for a search of `db` whose page (with the probe
  // for a next page) ends at `page_end`: every match up to kExactMatches.
  static Xapian::doccount MatchesToExamine(const Xapian::Database& db, Xapian::doccount page_end);

  explicit Searcher(const IndexFollower& follower) : Searcher(follower, Options()) {}
  Searcher(const IndexFollower& follower, Options options);

  absl::StatusOr<meshdex::v1::SearchResponse> Search(
      const meshdex::v1::SearchRequest& request) const;

 private:
  const IndexFollower& follower_;
  const Options options_;
  mutable ReaderPool readers_;
};

}  // namespace meshdex::index

#endif  // MESHDEX_INDEX_SEARCHER_H_
