#include "tests/bench/generator.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/bench/vocabulary.h"

namespace meshdex::bench {
namespace {

constexpr char kProducer[] = "https://github.com/meshdex/meshdex/tests/bench";
constexpr char kRunEventSchema[] =
    "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
constexpr char kLakeNamespace[] = "lake";
constexpr char kHubNamespace[] = "hub";
constexpr const char* kPortKinds[] = {"kafka", "s3", "sql", "api"};
constexpr const char* kFieldTypes[] = {"string", "int64", "double", "timestamp", "boolean",
                                       "date", "decimal(18,2)"};
// Lifecycles with their share in percent.
constexpr std::pair<const char*, int> kLifecycles[] = {
    {"production", 55}, {"experimental", 25}, {"draft", 10}, {"deprecated", 10}};
// Products per domain, on average.
constexpr int64_t kProductsPerDomain = 2000;
constexpr int kMinDomains = 5;
constexpr int kMaxDomains = 300;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::vector<double> ZipfTable(size_t n, double exponent) {
  std::vector<double> cumulative(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    total += 1.0 / std::pow(static_cast<double>(i + 1), exponent);
    cumulative[i] = total;
  }
  for (double& value : cumulative) value /= total;
  return cumulative;
}

// Uniform in [0, n).
int64_t Below(std::mt19937_64& random, int64_t n) {
  return n <= 1 ? 0 : static_cast<int64_t>(random() % static_cast<uint64_t>(n));
}
// Uniform in [low, high].
int64_t Between(std::mt19937_64& random, int64_t low, int64_t high) {
  return low + Below(random, high - low + 1);
}

std::string Capitalized(std::string word) {
  if (!word.empty()) word[0] = absl::ascii_toupper(word[0]);
  return word;
}

// A run id in UUID form from the event's random stream.
std::string RunId(std::mt19937_64& random) {
  const uint64_t high = random(), low = random();
  return absl::StrFormat("%08x-%04x-4%03x-8%03x-%012x", high >> 32, (high >> 16) & 0xffff,
                         high & 0xfff, (low >> 48) & 0xfff, low & 0xffffffffffffULL);
}

std::string LineageNodeId(const std::string& name_space, const std::string& name) {
  return absl::StrCat("dataset:", name_space, ":", name);
}

}  // namespace

uint64_t Fnv1a(const std::string& text, uint64_t hash) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string BenchQuery::MeshdexQuery() const {
  return filter_field.empty() ? words : absl::StrCat(words, " ", filter_field, ":", filter_value);
}

MeshGenerator::MeshGenerator(uint64_t seed, int64_t products, int64_t events)
    : seed_(seed), products_(products), events_(events) {
  hub_events_ = static_cast<int64_t>(std::llround(events * kHubShare));
  const int64_t lake_events = events - hub_events_;
  lake_jobs_ = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(lake_events * (1 - kRerunShare))));
  hub_jobs_ = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(hub_events_ * (1 - kRerunShare))));
  hubs_ = std::max<int64_t>(1, hub_jobs_ / kHubReaders);

  const int domain_count = static_cast<int>(
      std::clamp<int64_t>(products / kProductsPerDomain, kMinDomains, kMaxDomains));
  const std::vector<std::string>& areas = DomainAreas();
  for (int i = 0; i < domain_count; ++i) {
    const std::string& area = areas[i % areas.size()];
    domains_.push_back(i < static_cast<int>(areas.size())
                           ? area
                           : absl::StrCat(area, "-", i / areas.size() + 1));
  }
  domain_weights_ = ZipfTable(domains_.size(), 1.0);
  word_weights_ = ZipfTable(DescriptionWords().size(), 1.0);
  tag_weights_ = ZipfTable(TagWords().size(), 1.0);
}

std::mt19937_64 MeshGenerator::Random(Stream stream, int64_t index) const {
  return std::mt19937_64(
      SplitMix(seed_ ^ SplitMix(static_cast<uint64_t>(stream) << 56 ^ static_cast<uint64_t>(index))));
}

size_t MeshGenerator::Zipf(const std::vector<double>& cumulative, std::mt19937_64& random) {
  const double u = std::generate_canonical<double, 53>(random);
  return std::min<size_t>(cumulative.size() - 1,
                          std::upper_bound(cumulative.begin(), cumulative.end(), u) -
                              cumulative.begin());
}

std::string MeshGenerator::Words(std::mt19937_64& random, int count) const {
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (i > 0) text += ' ';
    text += DescriptionWords()[Zipf(word_weights_, random)];
  }
  return text;
}

std::string MeshGenerator::ProductUrn(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kProduct, index);
  const std::string& domain = domains_[Zipf(domain_weights_, random)];
  const std::vector<std::string>& words = DescriptionWords();
  // The same draws as Product() makes for the name.
  const std::string& first = words[Zipf(word_weights_, random)];
  const std::string& second = words[Zipf(word_weights_, random)];
  return absl::StrCat("urn:dp:", domain, ":", first, "-", second, "-", index);
}

meshdex::v1::DataProduct MeshGenerator::Product(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kProduct, index);
  const std::string& domain = domains_[Zipf(domain_weights_, random)];
  const std::vector<std::string>& words = DescriptionWords();
  const std::string& first = words[Zipf(word_weights_, random)];
  const std::string& second = words[Zipf(word_weights_, random)];
  const std::string name = absl::StrCat(first, "-", second, "-", index);

  meshdex::v1::DataProduct product;
  product.set_api_version("meshdex.io/v1");
  product.set_kind("DataProduct");
  product.mutable_metadata()->set_domain(domain);
  product.mutable_metadata()->set_name(name);
  meshdex::v1::DataProductSpec& spec = *product.mutable_spec();
  spec.set_title(absl::StrCat(Capitalized(first), " ", Capitalized(second), " ",
                              Capitalized(Words(random, 1))));
  spec.set_description(absl::StrCat(Capitalized(Words(random, static_cast<int>(Between(random, 8, 40)))), "."));
  spec.mutable_owner()->set_team(domain + "-team");
  spec.mutable_owner()->set_email(absl::StrCat(domain, "-team@example.com"));
  spec.set_version(absl::StrFormat("%d.%d.0", Between(random, 1, 4), Between(random, 0, 12)));
  int lifecycle_dice = static_cast<int>(Below(random, 100));
  for (const auto& [lifecycle, share] : kLifecycles) {
    if (lifecycle_dice < share) {
      spec.set_lifecycle(lifecycle);
      break;
    }
    lifecycle_dice -= share;
  }
  const int tags = static_cast<int>(Below(random, 5));
  for (int i = 0; i < tags; ++i) {
    const std::string& tag = TagWords()[Zipf(tag_weights_, random)];
    if (std::find(spec.tags().begin(), spec.tags().end(), tag) == spec.tags().end()) {
      spec.add_tags(tag);
    }
  }

  const std::string table_base = absl::StrReplaceAll(name, {{"-", "_"}});
  const std::string domain_id = absl::StrReplaceAll(domain, {{"-", "_"}});
  const int ports = static_cast<int>(Between(random, 1, 6));
  const std::vector<FieldWord>& field_words = FieldWords();
  for (int p = 0; p < ports; ++p) {
    const std::string kind = kPortKinds[Below(random, 4)];
    meshdex::v1::Port& port = *spec.add_output_ports();
    port.set_name(absl::StrCat(kind, "-", p));
    port.set_kind(kind);
    if (kind == "kafka") {
      port.set_address(absl::StrCat("kafka://broker.", domain, ":9092/", domain, ".", name, ".", p));
    } else if (kind == "s3") {
      port.set_address(absl::StrCat("s3://", domain, "-lake/", name, "/", p));
    } else if (kind == "sql") {
      port.set_address(absl::StrCat("postgres://db.", domain, ":5432/", domain_id, ".public.",
                                    table_base, "_", p));
    } else {
      port.set_address(absl::StrCat("https://api.", domain, ".example.com/v1/", name, "/", p));
    }
    port.mutable_slo()->set_freshness_seconds(3600 * Between(random, 1, 48));
    // 3-60 fields, most schemas small: the square of a uniform draw.
    const double u = std::generate_canonical<double, 53>(random);
    const int field_count = 3 + static_cast<int>(57 * u * u);
    // Consecutive field words from a random start; a name comes back with
    // a number once the words are used up, so names stay unique.
    const size_t first_field = static_cast<size_t>(Below(random, static_cast<int64_t>(field_words.size())));
    for (int f = 0; f < field_count; ++f) {
      const FieldWord& word = field_words[(first_field + f) % field_words.size()];
      const size_t round = f / field_words.size();
      meshdex::v1::SchemaField& field = *port.mutable_schema()->add_fields();
      field.set_name(round == 0 ? std::string(word.name) : absl::StrCat(word.name, "_", round));
      field.set_type(kFieldTypes[Below(random, 7)]);
      field.set_required(Below(random, 3) == 0);
      if (word.personal) {
        field.set_classification("pii");
      } else if (Below(random, 10) == 0) {
        field.set_classification(Below(random, 2) == 0 ? "internal" : "confidential");
      }
    }
  }
  return product;
}

int MeshGenerator::LakeLayer(int64_t job) const {
  return static_cast<int>(job * kLakeLayers / lake_jobs_);
}

int64_t MeshGenerator::LakeLayerStart(int layer) const {
  // Smallest job whose layer is `layer`.
  return (static_cast<int64_t>(layer) * lake_jobs_ + kLakeLayers - 1) / kLakeLayers;
}

std::string MeshGenerator::LakeDataset(int64_t job, int output) {
  return absl::StrCat("t", job, "_", output);
}

LineageRun MeshGenerator::LakeRun(int64_t job, std::mt19937_64& random) const {
  LineageRun run;
  run.job_namespace = kLakeNamespace;
  run.job_name = absl::StrCat("job-", job);
  const int layer = LakeLayer(job);
  const int inputs = static_cast<int>(Between(random, 1, 3));
  for (int i = 0; i < inputs; ++i) {
    std::string input;
    if (layer == 0) {
      input = absl::StrCat("source", Below(random, std::max<int64_t>(1, lake_jobs_ / 16)));
    } else {
      const int64_t start = LakeLayerStart(layer - 1), end = LakeLayerStart(layer);
      input = LakeDataset(start + Below(random, std::max<int64_t>(1, end - start)), 0);
    }
    if (std::find(run.inputs.begin(), run.inputs.end(), input) == run.inputs.end()) {
      run.inputs.push_back(std::move(input));
    }
  }
  const int outputs = static_cast<int>(Between(random, 1, 2));
  for (int o = 0; o < outputs; ++o) run.outputs.push_back(LakeDataset(job, o));
  return run;
}

LineageRun MeshGenerator::HubRun(int64_t job, std::mt19937_64& random) const {
  LineageRun run;
  run.job_namespace = kHubNamespace;
  run.job_name = absl::StrCat("job-", job);
  run.inputs.push_back(absl::StrCat("hub", Below(random, hubs_)));
  if (job > 0 && Below(random, 2) == 0) run.inputs.push_back(absl::StrCat("h", Below(random, job)));
  run.outputs.push_back(absl::StrCat("h", job));
  return run;
}

LineageRun MeshGenerator::Run(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kEvent, index);
  const bool hub = index >= events_ - hub_events_;
  const int64_t position = hub ? index - (events_ - hub_events_) : index;
  const int64_t jobs = hub ? hub_jobs_ : lake_jobs_;
  // Re-runs pick an earlier job; the job's own stream fixes its edges.
  const int64_t job = position < jobs ? position : Below(random, jobs);
  std::mt19937_64 job_random = Random(Stream::kEvent, (hub ? -1 : -2) - 2 * job);
  return hub ? HubRun(job, job_random) : LakeRun(job, job_random);
}

std::string MeshGenerator::EventJson(int64_t index) const {
  const LineageRun run = Run(index);
  std::mt19937_64 random = Random(Stream::kEvent, index);
  const std::vector<FieldWord>& field_words = FieldWords();
  nlohmann::json inputs = nlohmann::json::array();
  for (const std::string& input : run.inputs) {
    inputs.push_back({{"namespace", run.job_namespace}, {"name", input}});
  }
  nlohmann::json outputs = nlohmann::json::array();
  const bool column_lineage = Below(random, 5) == 0;
  for (const std::string& output : run.outputs) {
    nlohmann::json fields = nlohmann::json::array();
    nlohmann::json column_fields = nlohmann::json::object();
    const int field_count = static_cast<int>(Between(random, 3, 8));
    for (int f = 0; f < field_count; ++f) {
      const std::string field = field_words[f % field_words.size()].name;
      fields.push_back({{"name", field}, {"type", kFieldTypes[Below(random, 7)]}});
      if (column_lineage) {
        const std::string& input = run.inputs[Below(random, static_cast<int64_t>(run.inputs.size()))];
        column_fields[field] = {
            {"inputFields",
             {{{"namespace", run.job_namespace}, {"name", input}, {"field", field}}}}};
      }
    }
    nlohmann::json facets = {
        {"schema", {{"_producer", kProducer}, {"_schemaURL", "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json"}, {"fields", fields}}}};
    if (column_lineage) {
      facets["columnLineage"] = {
          {"_producer", kProducer},
          {"_schemaURL", "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json"},
          {"fields", column_fields}};
    }
    outputs.push_back({{"namespace", run.job_namespace}, {"name", output}, {"facets", facets}});
  }
  const int64_t seconds = 1764000000 + index;  // 2025-11-24 onwards, one event a second
  const std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds),
                                            absl::UTCTimeZone());
  nlohmann::json event = {{"eventType", "COMPLETE"},
                          {"eventTime", time},
                          {"producer", kProducer},
                          {"schemaURL", kRunEventSchema},
                          {"run", {{"runId", RunId(random)}}},
                          {"job", {{"namespace", run.job_namespace}, {"name", run.job_name}}},
                          {"inputs", inputs},
                          {"outputs", outputs}};
  return event.dump();
}

BenchQuery MeshGenerator::Query(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kQuery, index);
  BenchQuery query;
  query.words = Words(random, static_cast<int>(Between(random, 1, 3)));
  const int dice = static_cast<int>(Below(random, 100));
  // 20% filtered (domain, port kind or pii), 30% ask for facets.
  if (dice < 10) {
    query.filter_field = "domain";
    query.filter_value = domains_[Zipf(domain_weights_, random)];
  } else if (dice < 15) {
    query.filter_field = "kind";
    query.filter_value = kPortKinds[Below(random, 4)];
  } else if (dice < 20) {
    query.filter_field = "classification";
    query.filter_value = "pii";
  }
  if (Below(random, 10) < 3) query.facets = {"domain", "kind"};
  return query;
}

std::string MeshGenerator::SuggestPrefix(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kSuggest, index);
  const std::string word = Words(random, 1);
  return word.substr(0, std::min<size_t>(word.size(), static_cast<size_t>(Between(random, 2, 4))));
}

std::string MeshGenerator::LakeWalkStart(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kLakeWalk, index);
  const int64_t half = std::max<int64_t>(1, LakeLayerStart(kLakeLayers / 2));
  return LineageNodeId(kLakeNamespace, LakeDataset(Below(random, std::min(half, lake_jobs_)), 0));
}

std::string MeshGenerator::HubWalkStart(int64_t index) const {
  std::mt19937_64 random = Random(Stream::kHubWalk, index);
  return LineageNodeId(kHubNamespace, absl::StrCat("hub", Below(random, hubs_)));
}

}  // namespace meshdex::bench
