// Every ODCS, ODPS, DPDS and Data Contract Specification example of the shared
// corpus (third-party files in ../shared/corpus, outside the repository)
// imports into a DataProduct that passes meshdex validation, keeps its schema
// fields and owner, and survives import -> ODCS export -> import. A document without a domain must fail with
// the metadata.domain error and then import with a domain given. Skips when
// the corpus is absent.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/document.h"
#include "server/catalog/validation.h"
#include "server/interop/interop.h"
#include "server/interop/refs.h"

#ifndef MESHDEX_CORPUS_DIR
#error "MESHDEX_CORPUS_DIR must name the shared test corpus"
#endif

namespace meshdex::interop {
namespace {

namespace fs = std::filesystem;
// Objects in document order, as the mappers read them.
using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The source document as JSON, to count what the mapping must carry.
Json SourceJson(const std::string& content) {
  auto documents = document::ParseDocuments(content);
  EXPECT_TRUE(documents.ok()) << documents.status();
  return Json::parse((*documents)[0].json);
}

// Properties (nested ones too) of the first 64 ODCS schema objects.
int CountProperties(const Json& properties) {
  if (!properties.is_array()) return 0;
  int count = 0;
  for (const auto& property : properties) {
    count += 1 + (property.contains("properties") ? CountProperties(property["properties"]) : 0);
  }
  return count;
}

int CountOdcsFields(const Json& contract) {
  int count = 0;
  if (!contract.contains("schema") || !contract["schema"].is_array()) return 0;
  for (size_t i = 0; i < contract["schema"].size() && i < 64; ++i) {
    count += CountProperties(contract["schema"][i].value("properties", Json::array()));
  }
  return count;
}

// Fields of a Data Contract Specification `fields` map, nested ones and those
// of array items too.
int CountDataContractFields(const Json& fields) {
  if (!fields.is_object()) return 0;
  int count = 0;
  for (const auto& [name, field] : fields.items()) {
    count += 1 + CountDataContractFields(field.value("fields", Json::object()));
    if (field.contains("items")) {
      count += CountDataContractFields(field["items"].value("fields", Json::object()));
    }
  }
  return count;
}

// "<folder>/<file>": the Data Contract examples are all named datacontract.yaml.
std::string ShortName(const fs::path& file) {
  return (file.parent_path().filename() / file.filename()).string();
}

int CountFields(const meshdex::v1::DataProduct& product) {
  int count = 0;
  for (const auto& port : product.spec().output_ports()) count += port.schema().fields_size();
  return count;
}

class CorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(corpus_)) GTEST_SKIP() << "no corpus at " << corpus_;
  }

  std::vector<fs::path> Files(const std::string& directory, const std::string& suffix) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(corpus_ / directory)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // Imports `content`; a document without a domain must say so, and then
  // import with one given. Validates the product and round-trips it.
  ImportResult ImportAndCheck(Format format, const std::string& content, const fs::path& file) {
    absl::StatusOr<ImportResult> imported = ImportDescriptor(format, content);
    if (!imported.ok()) {
      EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument) << file;
      EXPECT_THAT(std::string(imported.status().message()), HasSubstr("metadata.domain:")) << file;
      std::cout << "  " << ShortName(file) << ": " << imported.status().message()
                << " -> with domain \"corpus\"\n";
      imported = ImportDescriptor(format, content, {.domain = "corpus"});
    }
    EXPECT_TRUE(imported.ok()) << file << ": " << imported.status();
    if (!imported.ok()) return {};
    absl::StatusOr<std::vector<std::string>> valid = catalog::ValidateProduct(imported->product);
    EXPECT_TRUE(valid.ok()) << file << ": " << valid.status() << "\n"
                            << document::ToYaml(imported->product);
    std::cout << "  " << ShortName(file) << ": " << imported->product.metadata().domain()
              << "/" << imported->product.metadata().name() << ", "
              << imported->product.spec().output_ports_size() << " output ports, "
              << CountFields(imported->product) << " fields, " << imported->derived.size()
              << " derived, " << imported->unmapped.size() << " unmapped\n";
    ++imported_;
    // `auto` tells every example's standard, and maps it the same way.
    absl::StatusOr<ImportResult> detected =
        ImportDescriptor(Format::kAuto, content, {.domain = imported->product.metadata().domain()});
    EXPECT_TRUE(detected.ok()) << file << ": " << detected.status();
    if (detected.ok()) {
      EXPECT_EQ(detected->product.metadata().labels().at(kSourceFormatLabel), FormatName(format))
          << file;
    }
    CheckRoundTrip(imported->product, file);
    return *std::move(imported);
  }

  void CheckRoundTrip(const meshdex::v1::DataProduct& product, const fs::path& file) {
    const ExportResult exported = ExportOdcs(product);
    absl::StatusOr<ImportResult> again = ImportDescriptor(Format::kOdcs, exported.content);
    ASSERT_TRUE(again.ok()) << file << ": " << again.status() << "\n" << exported.content;
    meshdex::v1::DataProduct expected = product;
    meshdex::v1::DataProduct actual = again->product;
    // ODCS has no input ports (reported as unmapped by the export), and the
    // second import's source is ODCS.
    expected.mutable_spec()->clear_input_ports();
    for (auto* p : {&expected, &actual}) p->mutable_metadata()->mutable_labels()->erase(kSourceFormatLabel);
    std::string difference;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&difference);
    EXPECT_TRUE(differencer.Compare(expected, actual))
        << file << ": round trip changed\n" << difference << "\n" << exported.content;
  }

  const fs::path corpus_ = fs::path(MESHDEX_CORPUS_DIR) / "products";
  int imported_ = 0;
};

TEST_F(CorpusTest, EveryOdcsExampleImportsWithItsFieldsAndOwner) {
  const std::vector<fs::path> files = Files("odcs/examples", ".odcs.yaml");
  ASSERT_GE(files.size(), 18u);
  for (const fs::path& file : files) {
    const std::string content = ReadFile(file);
    const ImportResult result = ImportAndCheck(Format::kOdcs, content, file);
    const Json source = SourceJson(content);
    EXPECT_EQ(CountFields(result.product), CountOdcsFields(source)) << file;
    if (source.contains("team") && source["team"].is_object() && source["team"].contains("name")) {
      EXPECT_EQ(result.product.spec().owner().team(), source["team"]["name"].get<std::string>())
          << file;
    }
    if (source.contains("id")) {
      EXPECT_EQ(result.product.metadata().labels().at(kSourceIdLabel),
                source["id"].get<std::string>());
    }
  }
  EXPECT_EQ(imported_, static_cast<int>(files.size()));
}

TEST_F(CorpusTest, EveryOdpsExampleImports) {
  const std::vector<fs::path> files = Files("odps/examples", ".odps.yaml");
  ASSERT_EQ(files.size(), 2u);
  for (const fs::path& file : files) {
    const std::string content = ReadFile(file);
    const ImportResult result = ImportAndCheck(Format::kOdps, content, file);
    const Json source = SourceJson(content);
    EXPECT_EQ(result.product.spec().output_ports_size(),
              static_cast<int>(source["outputPorts"].size()))
        << file;
    EXPECT_EQ(result.product.spec().input_ports_size(),
              static_cast<int>(source["inputPorts"].size()))
        << file;
    if (source.contains("team")) {
      EXPECT_EQ(result.product.spec().owner().team(), source["team"]["name"].get<std::string>());
      EXPECT_EQ(result.product.spec().owner().email(), "john.doe@retailcorp.com");
    }
  }
  EXPECT_EQ(imported_, 2);
}

TEST_F(CorpusTest, EveryDataContractExampleImportsWithItsModelsFieldsAndOwner) {
  const std::vector<fs::path> files = Files("datacontract-spec/examples", ".yaml");
  ASSERT_EQ(files.size(), 6u);
  for (const fs::path& file : files) {
    const std::string content = ReadFile(file);
    const ImportResult result = ImportAndCheck(Format::kDataContract, content, file);
    const Json source = SourceJson(content);
    const Json& models = source["models"];
    ASSERT_EQ(result.product.spec().output_ports_size(), static_cast<int>(models.size())) << file;
    int fields = 0;
    int port = 0;
    for (const auto& [name, model] : models.items()) {
      EXPECT_EQ(result.product.spec().output_ports(port++).name(), name) << file;
      fields += CountDataContractFields(model["fields"]);
    }
    EXPECT_EQ(CountFields(result.product), fields) << file;
    EXPECT_EQ(result.product.spec().title(), source["info"]["title"].get<std::string>()) << file;
    if (source["info"].contains("owner")) {
      EXPECT_EQ(result.product.spec().owner().team(), source["info"]["owner"].get<std::string>())
          << file;
    }
    EXPECT_EQ(result.product.metadata().labels().at(kSourceIdLabel),
              source["id"].get<std::string>())
        << file;
  }
  EXPECT_EQ(imported_, 6);
}

// orders-latest, the specification's own full example, field by field.
TEST_F(CorpusTest, DataContractOrdersExampleKeepsServersDefinitionsAndServiceLevels) {
  const fs::path file = corpus_ / "datacontract-spec/examples/orders-latest/datacontract.yaml";
  const absl::StatusOr<ImportResult> result =
      ImportDescriptor(Format::kDataContract, ReadFile(file), {.domain = "checkout"});
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::DataProductSpec& spec = result->product.spec();
  EXPECT_EQ(result->product.metadata().name(), "orders-latest");
  EXPECT_EQ(spec.version(), "2.0.0");
  EXPECT_EQ(spec.owner().team(), "Checkout Team");
  EXPECT_EQ(spec.links().at("contact"), "https://teams.microsoft.com/l/channel/example/checkout");
  EXPECT_THAT(spec.description(), HasSubstr("Usage: Data can be used for reports"));
  EXPECT_THAT(spec.description(), HasSubstr("Limitations: Not suitable for real-time"));
  ASSERT_EQ(spec.output_ports_size(), 2);
  const meshdex::v1::Port& orders = spec.output_ports(0);
  EXPECT_EQ(orders.kind(), "s3");
  EXPECT_EQ(orders.format(), "json");
  EXPECT_EQ(orders.address(), "s3://datacontract-example-orders-latest/v2/orders/*.json");
  EXPECT_EQ(orders.slo().availability_percent(), 99.9);
  EXPECT_EQ(orders.slo().freshness_seconds(), 25 * 3600);
  // order_id comes from #/definitions/order_id: its type, description and
  // classification, with the field's own `required`.
  const meshdex::v1::SchemaField& order_id = orders.schema().fields(0);
  EXPECT_EQ(order_id.name(), "order_id");
  EXPECT_EQ(order_id.type(), "text");
  EXPECT_TRUE(order_id.required());
  EXPECT_EQ(order_id.classification(), "restricted");
  EXPECT_EQ(order_id.description(), "An internal ID that identifies an order in the online shop.");
  EXPECT_EQ(orders.schema().fields(4).name(), "customer_email_address");
  EXPECT_EQ(orders.schema().fields(4).classification(), "sensitive");
  EXPECT_EQ(spec.output_ports(1).schema().fields(2).type(), "text");  // sku, by $ref
  EXPECT_THAT(result->unmapped, ::testing::Contains("models.*.fields.*.quality"));
  EXPECT_THAT(result->unmapped, ::testing::Contains("terms.billing"));
  EXPECT_THAT(result->unmapped, ::testing::Contains("servicelevels.retention"));
  EXPECT_THAT(result->unmapped, ::testing::Contains("servicelevels.latency"));
}

TEST_F(CorpusTest, DpdsDescriptorsImportWithTheirPortFilesInlined) {
  const fs::path minimal = corpus_ / "odm-dpds/examples/minimal.dpd.json";
  const ImportResult small = ImportAndCheck(Format::kDpds, ReadFile(minimal), minimal);
  EXPECT_EQ(small.product.metadata().domain(), "transport-management");
  EXPECT_EQ(small.product.spec().owner().email(), "john.doe@company-xyz.com");
  EXPECT_EQ(small.product.spec().version(), "1.2.3");

  const fs::path multi = corpus_ / "odm-dpds/examples/tripexecution/data-product-descriptor.json";
  absl::StatusOr<std::string> inlined = InlineLocalRefs(multi.string());
  ASSERT_TRUE(inlined.ok()) << inlined.status();
  const ImportResult trip = ImportAndCheck(Format::kDpds, *inlined, multi);
  EXPECT_EQ(trip.product.metadata().name(), "trip-execution");
  ASSERT_EQ(trip.product.spec().output_ports_size(), 2);
  const auto& status_port = trip.product.spec().output_ports(0);
  EXPECT_EQ(status_port.name(), "trip-status");
  EXPECT_EQ(status_port.kind(), "sql");
  EXPECT_EQ(status_port.address(),
            "postgres://ip-10-24-34-0.pgs.internal/tripsdb.tracking.TripStatus");
  EXPECT_EQ(status_port.slo().freshness_seconds(), 300);
  EXPECT_EQ(status_port.slo().availability_percent(), 99.999);
  const auto& events_port = trip.product.spec().output_ports(1);
  EXPECT_EQ(events_port.kind(), "kafka");
  EXPECT_EQ(events_port.address(), "kafka://company-xyz.com/transportmng.tripexecution.devents.status");
  ASSERT_EQ(trip.product.spec().input_ports_size(), 1);
  EXPECT_EQ(trip.product.spec().input_ports(0).name(), "tms-input");
  EXPECT_THAT(trip.unmapped, ::testing::Contains(HasSubstr("observabilityPorts")));
  EXPECT_THAT(trip.unmapped, ::testing::Contains(HasSubstr("internalComponents")));

  // Without inlining, the port references are reported, not guessed.
  const absl::StatusOr<ImportResult> raw = ImportDescriptor(Format::kDpds, ReadFile(multi));
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->product.spec().output_ports_size(), 0);
  EXPECT_THAT(raw->unmapped, ::testing::Contains(HasSubstr("ports/trip-status-oport.json")));
}

}  // namespace
}  // namespace meshdex::interop
