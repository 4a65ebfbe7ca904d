// InlineLocalRefs (server/interop/refs.h) on descriptors written to a
// temporary directory.
#include "server/interop/refs.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace meshdex::interop {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class RefsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("meshdex_refs_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ports");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / relative) << text;
  }

  fs::path dir_;
};

TEST_F(RefsTest, InlinesRelativeFilesRecursivelyKeepingSiblings) {
  Write("descriptor.json", R"({"ports": [{"description": "outer", "extra": 1, "$ref": "ports/a.json"}],
                              "remote": {"$ref": "https://example.com/x.json"},
                              "local": {"$ref": "#/components/x"}})");
  Write("ports/a.json", R"({"name": "a", "description": "inner", "api": {"$ref": "a-api.yaml"}})");
  Write("ports/a-api.yaml", "asyncapi: 2.5.0\nchannels: {t: {}}\n");
  absl::StatusOr<std::string> inlined = InlineLocalRefs((dir_ / "descriptor.json").string());
  ASSERT_TRUE(inlined.ok()) << inlined.status();
  const nlohmann::json json = nlohmann::json::parse(*inlined);
  const nlohmann::json& port = json["ports"][0];
  EXPECT_EQ(port["name"], "a");
  EXPECT_EQ(port["description"], "inner");
  EXPECT_EQ(port["extra"], 1);
  EXPECT_FALSE(port.contains("$ref"));
  EXPECT_EQ(port["api"]["asyncapi"], "2.5.0");
  EXPECT_EQ(json["remote"]["$ref"], "https://example.com/x.json");
  EXPECT_EQ(json["local"]["$ref"], "#/components/x");
}

TEST_F(RefsTest, RefusesCyclesEscapesAndMissingFiles) {
  Write("cycle.json", R"({"a": {"$ref": "ports/b.json"}})");
  Write("ports/b.json", R"({"b": {"$ref": "../cycle.json"}})");
  absl::StatusOr<std::string> cycle = InlineLocalRefs((dir_ / "cycle.json").string());
  EXPECT_THAT(std::string(cycle.status().message()), HasSubstr("reference cycle"));

  Write("ports/escape.json", R"({"a": {"$ref": "../cycle.json"}})");
  absl::StatusOr<std::string> escape = InlineLocalRefs((dir_ / "ports/escape.json").string());
  EXPECT_EQ(escape.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(escape.status().message()), HasSubstr("outside the descriptor's directory"));

  Write("missing.json", R"({"a": {"$ref": "ports/none.json"}})");
  absl::StatusOr<std::string> missing = InlineLocalRefs((dir_ / "missing.json").string());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("none.json"));

  Write("broken.json", R"({"a": )");
  absl::StatusOr<std::string> broken = InlineLocalRefs((dir_ / "broken.json").string());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meshdex::interop
