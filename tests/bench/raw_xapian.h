// RawXapian: the bench's search floor — the same queries meshdex-bench sends
// to SearchService.Search, run in-process with plain Xapian
// (Database/QueryParser/Enquire) on the server's own index directory, opened
// read-only. It parses the words the way index/searcher does (English
// stemmer, STEM_SOME, AND, the same parser flags), ranks with the same
// weighting (index/ranking.h), applies the filter as an OP_FILTER on the
// filter term, examines as many matches (Searcher::MatchesToExamine),
// counts facets with a match spy over the same value slot, and reads the
// stored data of each hit; prefixes and slots come from index/layout (the
// only place that knows them). What it leaves out is meshdex's own work: request validation,
// the reader pool, did-you-mean, hit decoding and gRPC.
//
// Thread-safety: one RawXapian per thread (Xapian::Database is not
// thread-safe).
#ifndef MESHDEX_TESTS_BENCH_RAW_XAPIAN_H_
#define MESHDEX_TESTS_BENCH_RAW_XAPIAN_H_

#include <string>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "tests/bench/generator.h"

namespace meshdex::bench {

class RawXapian {
 public:
  static constexpr int kPageSize = 20;

  // `path`: a Xapian database or stub file (meshdexd's <data_dir>/index/CURRENT).
  // Fails when it is not readable.
  static absl::StatusOr<RawXapian> Open(const std::string& path);

  // Runs `query`; returns the number of hits read (at most kPageSize).
  absl::StatusOr<int> Search(const BenchQuery& query);

 private:
  explicit RawXapian(Xapian::Database db) : db_(std::move(db)) {}
  Xapian::Database db_;
};

}  // namespace meshdex::bench

#endif  // MESHDEX_TESTS_BENCH_RAW_XAPIAN_H_
