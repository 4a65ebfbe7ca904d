// MeshGenerator: the synthetic but realistic mesh meshdex-bench loads, made
// deterministically from a seed.
//
//  * products: domains with Zipf-sized product counts; titles and
//    descriptions drawn from DescriptionWords() with Zipf word frequencies;
//    0-4 tags; 1-6 output ports of mixed kinds (kafka, s3, sql, api), each
//    with a schema of 3-60 fields, some classified pii.
//  * lineage events (OpenLineage COMPLETE run events), in two graphs:
//    - "lake": a layered DAG (kLakeLayers layers) where each job reads 1-3
//      datasets written by jobs of the layer before (fan-in) and writes 1-2
//      (so a dataset feeds one or two jobs: low fan-out); a fifth of the
//      events carry a columnLineage facet;
//    - "hub": a few hub datasets each read by hundreds of jobs (kHubReaders on
//      average); each hub job also reads, half of the time, the output of an
//      earlier hub job, and writes one dataset.
//    The first events of each graph run distinct jobs; the rest (a share of
//    kRerunShare) re-run jobs already seen, as schedulers do.
//  * queries: 1-3 words sampled by frequency, some with a filter and facets;
//    suggest prefixes; start nodes of lineage walks.
//
// Item i of a kind is made by its own random stream (seed, kind, i), so any
// item can be made alone, in any order, on any thread, and the same seed
// always gives the same mesh.
//
// Thread-safety: const methods are safe to call concurrently.
#ifndef MESHDEX_TESTS_BENCH_GENERATOR_H_
#define MESHDEX_TESTS_BENCH_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "meshdex/v1/resources.pb.h"

namespace meshdex::bench {

// One search of the query mix, in meshdex syntax and in parts (for the raw
// Xapian and PostgreSQL equivalents).
struct BenchQuery {
  std::string words;          // 1-3 space-separated vocabulary words
  std::string filter_field;   // "" or a meshdex filter field (domain, kind, classification)
  std::string filter_value;   // its value when filter_field is set
  std::vector<std::string> facets;  // facet fields asked for (domain, kind)
  // The meshdex query string: words, then field:value when filtered.
  std::string MeshdexQuery() const;
};

// A dataset edge of a lineage event: inputs -> job -> outputs.
struct LineageRun {
  std::string job_namespace;
  std::string job_name;
  std::vector<std::string> inputs;   // dataset names, in namespace job_namespace
  std::vector<std::string> outputs;
};

class MeshGenerator {
 public:
  static constexpr int kLakeLayers = 8;
  static constexpr int kHubReaders = 300;
  static constexpr double kHubShare = 0.25;   // of the events
  static constexpr double kRerunShare = 0.2;  // of each graph's events

  MeshGenerator(uint64_t seed, int64_t products, int64_t events);

  int64_t products() const { return products_; }
  int64_t events() const { return events_; }
  int domain_count() const { return static_cast<int>(domains_.size()); }
  const std::vector<std::string>& domains() const { return domains_; }

  // Product `index` in [0, products()).
  meshdex::v1::DataProduct Product(int64_t index) const;
  // "urn:dp:<domain>:<name>" of product `index`, without building it.
  std::string ProductUrn(int64_t index) const;
  // Event `index` in [0, events()): its run, and as OpenLineage JSON.
  LineageRun Run(int64_t index) const;
  std::string EventJson(int64_t index) const;

  // Query mix number `index` (any index; deterministic).
  BenchQuery Query(int64_t index) const;
  // A suggest prefix: the first 2-4 letters of a frequency-sampled word.
  std::string SuggestPrefix(int64_t index) const;
  // Lineage node ids ("dataset:<ns>:<name>") to start depth-5 downstream walks
  // from: lake datasets of the first half of the layers, and hub datasets.
  std::string LakeWalkStart(int64_t index) const;
  std::string HubWalkStart(int64_t index) const;
  int64_t hub_count() const { return hubs_; }

 private:
  enum class Stream : uint64_t { kProduct = 1, kEvent, kQuery, kSuggest, kLakeWalk, kHubWalk };
  std::mt19937_64 Random(Stream stream, int64_t index) const;
  // Index drawn with weight 1/(rank+1)^s from a cumulative table.
  static size_t Zipf(const std::vector<double>& cumulative, std::mt19937_64& random);
  std::string Words(std::mt19937_64& random, int count) const;

  // Lake graph: job j's layer and its outputs.
  int LakeLayer(int64_t job) const;
  int64_t LakeLayerStart(int layer) const;
  static std::string LakeDataset(int64_t job, int output);
  LineageRun LakeRun(int64_t job, std::mt19937_64& random) const;
  LineageRun HubRun(int64_t job, std::mt19937_64& random) const;

  uint64_t seed_;
  int64_t products_;
  int64_t events_;
  int64_t hub_events_;
  int64_t lake_jobs_;
  int64_t hub_jobs_;
  int64_t hubs_;
  std::vector<std::string> domains_;
  std::vector<double> domain_weights_;  // cumulative Zipf over domains_
  std::vector<double> word_weights_;    // cumulative Zipf over DescriptionWords()
  std::vector<double> tag_weights_;     // cumulative Zipf over TagWords()
};

// FNV-1a 64 of `text` continuing from `hash`: the digest the determinism
// check compares.
uint64_t Fnv1a(const std::string& text, uint64_t hash = 14695981039346656037ULL);

}  // namespace meshdex::bench

#endif  // MESHDEX_TESTS_BENCH_GENERATOR_H_
