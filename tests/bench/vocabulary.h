// Word lists the synthetic mesh is written with (tests/bench/generator).
//
// The description vocabulary is ordered from most to least frequent: the
// generator draws from it with a Zipf law (rank r has weight 1/r), which is
// how word frequencies fall in natural text, so some query words match a
// large share of the catalog and others only a handful of products.
//
// Thread-safety: immutable data; safe everywhere.
#ifndef MESHDEX_TESTS_BENCH_VOCABULARY_H_
#define MESHDEX_TESTS_BENCH_VOCABULARY_H_

#include <string>
#include <vector>

namespace meshdex::bench {

// Lower-case words [a-z]+, most frequent first: real catalog words followed by
// a long tail of pronounceable made-up words (rare terms).
const std::vector<std::string>& DescriptionWords();
// Business areas the domains are named after (more are made as "<area>-<n>").
const std::vector<std::string>& DomainAreas();
// Tags, most frequent first.
const std::vector<std::string>& TagWords();
// snake_case schema field names and whether each usually holds personal data.
struct FieldWord {
  const char* name;
  bool personal;
};
const std::vector<FieldWord>& FieldWords();

}  // namespace meshdex::bench

#endif  // MESHDEX_TESTS_BENCH_VOCABULARY_H_
