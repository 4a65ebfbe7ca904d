// Every ODCS, ODPS and DPDS example of the shared corpus (third-party files in
// ../shared/corpus, outside the repository) imports into a DataProduct that
// passes meshdex validation, keeps its schema fields and owner, and survives
// import -> ODCS export -> import. A document without a domain must fail with
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
using ::testing::HasSubstr;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The source document as JSON, to count what the mapping must carry.
nlohmann::json SourceJson(const std::string& content) {
  auto documents = document::ParseDocuments(content);
  EXPECT_TRUE(documents.ok()) << documents.status();
  return nlohmann::json::parse((*documents)[0].json);
}

// Properties (nested ones too) of the first 64 ODCS schema objects.
int CountProperties(const nlohmann::json& properties) {
  if (!properties.is_array()) return 0;
  int count = 0;
  for (const auto& property : properties) {
    count += 1 + (property.contains("properties") ? CountProperties(property["properties"]) : 0);
  }
  return count;
}

int CountOdcsFields(const nlohmann::json& contract) {
  int count = 0;
  if (!contract.contains("schema") || !contract["schema"].is_array()) return 0;
  for (size_t i = 0; i < contract["schema"].size() && i < 64; ++i) {
    count += CountProperties(contract["schema"][i].value("properties", nlohmann::json::array()));
  }
  return count;
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
      std::cout << "  " << file.filename().string() << ": " << imported.status().message()
                << " -> with domain \"corpus\"\n";
      imported = ImportDescriptor(format, content, {.domain = "corpus"});
    }
    EXPECT_TRUE(imported.ok()) << file << ": " << imported.status();
    if (!imported.ok()) return {};
    absl::StatusOr<std::vector<std::string>> valid = catalog::ValidateProduct(imported->product);
    EXPECT_TRUE(valid.ok()) << file << ": " << valid.status() << "\n"
                            << document::ToYaml(imported->product);
    std::cout << "  " << file.filename().string() << ": " << imported->product.metadata().domain()
              << "/" << imported->product.metadata().name() << ", "
              << imported->product.spec().output_ports_size() << " output ports, "
              << CountFields(imported->product) << " fields, " << imported->derived.size()
              << " derived, " << imported->unmapped.size() << " unmapped\n";
    ++imported_;
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
    const nlohmann::json source = SourceJson(content);
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
    const nlohmann::json source = SourceJson(content);
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
