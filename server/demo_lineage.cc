#include "server/demo_lineage.h"

#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "server/catalog/address.h"

namespace meshdex::server {
namespace {

using meshdex::v1::DataProduct;
using nlohmann::json;

constexpr char kProducer[] = "https://github.com/meshdex/meshdex/demo";
constexpr char kRunEventSchema[] = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
constexpr char kSchemaFacetUrl[] =
    "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet";
constexpr char kColumnLineageFacetUrl[] =
    "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet";
constexpr int kRunsPerDay = 12;
constexpr absl::Duration kRunEvery = absl::Hours(2);
constexpr absl::Duration kRunTakes = absl::Minutes(4);

// A UUID (version 4 layout) derived from `seed`, so the demo is reproducible.
std::string DemoUuid(const std::string& seed) {
  const size_t a = std::hash<std::string>{}(seed);
  const size_t b = std::hash<std::string>{}(seed + "#");
  return absl::StrFormat("%08x-%04x-4%03x-%04x-%012x", static_cast<uint32_t>(a >> 32),
                         static_cast<uint32_t>(a >> 16) & 0xffff, static_cast<uint32_t>(a) & 0xfff,
                         0x8000 | (static_cast<uint32_t>(b >> 48) & 0x3fff),
                         static_cast<uint64_t>(b) & 0xffffffffffffull);
}

std::string IsoTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

struct PortDataset {
  std::string ns;
  std::string name;
  const meshdex::v1::Port* port;
};

std::vector<PortDataset> Datasets(const google::protobuf::RepeatedPtrField<meshdex::v1::Port>& ports) {
  std::vector<PortDataset> datasets;
  for (const meshdex::v1::Port& port : ports) {
    absl::StatusOr<meshdex::v1::DatasetRef> dataset = catalog::PortDataset(port);
    if (dataset.ok()) datasets.push_back({dataset->namespace_(), dataset->name(), &port});
  }
  return datasets;
}

json OutputFacets(const PortDataset& output, const std::vector<PortDataset>& inputs) {
  json fields = json::array();
  json column_lineage = json::object();
  for (const meshdex::v1::SchemaField& field : output.port->schema().fields()) {
    fields.push_back({{"name", field.name()}, {"type", field.type()}});
    json sources = json::array();
    for (const PortDataset& input : inputs) {
      for (const meshdex::v1::SchemaField& in_field : input.port->schema().fields()) {
        if (in_field.name() == field.name()) {
          sources.push_back({{"namespace", input.ns}, {"name", input.name}, {"field", field.name()}});
        }
      }
    }
    if (!sources.empty()) column_lineage[field.name()] = {{"inputFields", sources}};
  }
  json facets = {{"schema", {{"_producer", kProducer}, {"_schemaURL", kSchemaFacetUrl}, {"fields", fields}}}};
  if (!column_lineage.empty()) {
    facets["columnLineage"] = {
        {"_producer", kProducer}, {"_schemaURL", kColumnLineageFacetUrl}, {"fields", column_lineage}};
  }
  return facets;
}

json RunEvent(const std::string& type, absl::Time time, const std::string& run_id,
              const DataProduct& product, const json& inputs, const json& outputs) {
  return {{"eventType", type},
          {"eventTime", IsoTime(time)},
          {"run", {{"runId", run_id}}},
          {"job", {{"namespace", product.metadata().domain()},
                   {"name", absl::StrCat(product.metadata().name(), ".build")}}},
          {"inputs", inputs},
          {"outputs", outputs},
          {"producer", kProducer},
          {"schemaURL", kRunEventSchema}};
}

}  // namespace

std::vector<std::string> DemoLineageEvents(const std::vector<DataProduct>& products, absl::Time now) {
  std::vector<std::pair<absl::Time, std::string>> events;
  for (const DataProduct& product : products) {
    const std::string& lifecycle = product.spec().lifecycle();
    if (lifecycle == "draft" || product.spec().output_ports().empty()) continue;
    const std::vector<PortDataset> inputs = Datasets(product.spec().input_ports());
    const std::vector<PortDataset> outputs = Datasets(product.spec().output_ports());
    json input_json = json::array();
    for (const PortDataset& input : inputs) {
      input_json.push_back({{"namespace", input.ns}, {"name", input.name}});
    }
    json output_json = json::array();
    for (const PortDataset& output : outputs) {
      output_json.push_back(
          {{"namespace", output.ns}, {"name", output.name}, {"facets", OutputFacets(output, inputs)}});
    }
    const absl::Time last_end =
        now - (lifecycle == "deprecated" ? absl::Hours(30) : absl::Minutes(1));
    for (int i = kRunsPerDay - 1; i >= 0; --i) {
      const absl::Time end = last_end - i * kRunEvery;
      const std::string run_id = DemoUuid(absl::StrCat(product.metadata().urn(), "/", i));
      // One failed run (not the latest) for experimental products.
      const bool failed = lifecycle == "experimental" && i == 3;
      events.emplace_back(end - kRunTakes,
                          RunEvent("START", end - kRunTakes, run_id, product, input_json, output_json)
                              .dump());
      events.emplace_back(
          end, RunEvent(failed ? "FAIL" : "COMPLETE", end, run_id, product, input_json, output_json)
                   .dump());
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> ordered;
  ordered.reserve(events.size());
  for (auto& [time, event] : events) ordered.push_back(std::move(event));
  return ordered;
}

}  // namespace meshdex::server
