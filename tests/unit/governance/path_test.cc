// Tests of rule paths (server/governance/path.h): parsing against the
// DataProduct descriptor and expansion over products.

#include "server/governance/path.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"
#include "tests/unit/governance/governance_fixture.h"

namespace meshdex::governance {
namespace {

using meshdex::v1::DataProduct;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Shipments;

RulePath MustParse(absl::string_view text) {
  absl::StatusOr<RulePath> path = RulePath::Parse(text, *DataProduct::descriptor());
  EXPECT_TRUE(path.ok()) << text << ": " << path.status();
  return *std::move(path);
}

std::vector<std::string> Paths(const std::vector<PathValue>& values) {
  std::vector<std::string> paths;
  for (const PathValue& value : values) paths.push_back(value.path);
  return paths;
}

struct ShapeCase {
  const char* path;
  RulePath::Shape shape;
  size_t wildcards;
};

TEST(RulePathTest, ParsesValidPathsWithTheirShape) {
  const ShapeCase cases[] = {
      {"spec.outputPorts[*].slo.freshnessSeconds", RulePath::Shape::kScalar, 1},
      {"spec.outputPorts[*].schema.fields[*].classification", RulePath::Shape::kScalar, 2},
      {"spec.outputPorts[0].schema.fields[*]", RulePath::Shape::kMessage, 1},
      {"spec.outputPorts", RulePath::Shape::kMessageList, 0},
      {"spec.tags", RulePath::Shape::kScalarList, 0},
      {"spec.tags[3]", RulePath::Shape::kScalar, 0},
      {"spec.owner", RulePath::Shape::kMessage, 0},
      {"metadata.labels", RulePath::Shape::kMap, 0},
      {"metadata.labels.tier", RulePath::Shape::kScalar, 0},
      {"spec.links.repository", RulePath::Shape::kScalar, 0},
      {"metadata.name", RulePath::Shape::kScalar, 0},
      {"spec", RulePath::Shape::kMessage, 0},
  };
  for (const ShapeCase& c : cases) {
    SCOPED_TRACE(c.path);
    const RulePath path = MustParse(c.path);
    EXPECT_EQ(path.text(), c.path);
    EXPECT_EQ(path.shape(), c.shape);
    EXPECT_EQ(path.wildcard_count(), c.wildcards);
  }
}

struct BadPathCase {
  std::string path;
  const char* message;
};

TEST(RulePathTest, RejectsBadPathsNamingThePlace) {
  const BadPathCase cases[] = {
      {"", "empty path"},
      {"spec..tags", "empty segment in \"spec..tags\""},
      {".spec", "empty segment in \".spec\""},
      {"spec.", "empty segment in \"spec.\""},
      {"spec.[0]", "empty segment in \"spec.[0]\""},
      {"spex", "unknown field \"spex\" in DataProduct"},
      {"spec.outputPorts[*].slos", "unknown field \"slos\" in spec.outputPorts[*]"},
      {"spec.output_ports[*]",
       "unknown field \"output_ports\" in spec (did you mean \"outputPorts\"?)"},
      {"spec.title[*]", "spec.title is not a list: cannot apply [*]"},
      {"spec.owner[0]", "spec.owner is not a list: cannot apply [0]"},
      {"spec.title.text", "spec.title is a value, not an object: it has no field \"text\""},
      {"spec.outputPorts.name",
       "spec.outputPorts is a list: select elements with [*] or [n] before \"name\""},
      {"spec.outputPorts[*][*]", "spec.outputPorts[*] is not a list: cannot apply [*]"},
      {"spec.outputPorts[x]", "bad index [x] after spec.outputPorts"},
      {"spec.outputPorts[-1]", "bad index [-1] after spec.outputPorts"},
      {"spec.outputPorts[01]", "bad index [01] after spec.outputPorts"},
      {"spec.outputPorts[]", "bad index [] after spec.outputPorts"},
      {"spec.outputPorts[1000000]", "bad index [1000000] after spec.outputPorts"},
      {"spec.outputPorts[*", "unclosed \"[\" after spec.outputPorts"},
      {"spec.outputPorts[*]x", "unexpected \"x\" after spec.outputPorts[*]"},
      {"spec.tags]", "unexpected \"]\" in segment \"tags]\""},
      {"metadata.labels[*]", "metadata.labels is a map, not a list: name a key as the next segment"},
      {"metadata.labels.tier.x", "metadata.labels.tier is a value, not an object"},
      {"metadata.labels.tier[0]", "metadata.labels.tier is not a list: cannot apply [0]"},
      {std::string(1025, 'a'), "path longer than 1024 characters"},
  };
  for (const BadPathCase& c : cases) {
    SCOPED_TRACE(c.path);
    absl::StatusOr<RulePath> path = RulePath::Parse(c.path, *DataProduct::descriptor());
    ASSERT_FALSE(path.ok());
    EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(path.status().message()), HasSubstr(c.message));
  }
}

TEST(RulePathTest, StepsOfSameFieldsCompareEqual) {
  const RulePath a = MustParse("spec.outputPorts[*].kind");
  const RulePath b = MustParse("spec.outputPorts[*].format");
  const RulePath c = MustParse("spec.outputPorts[1].kind");
  EXPECT_EQ(a.steps()[0], b.steps()[0]);
  EXPECT_EQ(a.steps()[1], b.steps()[1]);
  EXPECT_EQ(a.steps()[2], b.steps()[2]);
  EXPECT_NE(a.steps()[3], b.steps()[3]);
  EXPECT_NE(a.steps()[2], c.steps()[2]);  // [*] vs [1]
}

TEST(RulePathTest, NestedWildcardsExpandInDocumentOrderWithTheirIndices) {
  const DataProduct product = Shipments();
  const std::vector<PathValue> values =
      MustParse("spec.outputPorts[*].schema.fields[*].name").Expand(product);
  EXPECT_THAT(Paths(values), ElementsAre("spec.outputPorts[0].schema.fields[0].name",
                                         "spec.outputPorts[0].schema.fields[1].name",
                                         "spec.outputPorts[0].schema.fields[2].name",
                                         "spec.outputPorts[1].schema.fields[0].name"));
  ASSERT_EQ(values.size(), 4u);
  EXPECT_THAT(values[2].wildcard_indices, ElementsAre(0, 2));
  EXPECT_THAT(values[3].wildcard_indices, ElementsAre(1, 0));
  for (const PathValue& value : values) EXPECT_EQ(value.kind, PathValue::Kind::kScalar);
  EXPECT_EQ(values[3].message->GetReflection()->GetString(*values[3].message, values[3].field),
            "day");
}

TEST(RulePathTest, IndexSelectsOneElementAndOutOfRangeIsAbsent) {
  const DataProduct product = Shipments();
  const std::vector<PathValue> present = MustParse("spec.outputPorts[1].format").Expand(product);
  ASSERT_EQ(present.size(), 1u);
  EXPECT_EQ(present[0].path, "spec.outputPorts[1].format");
  EXPECT_EQ(present[0].kind, PathValue::Kind::kScalar);

  const std::vector<PathValue> absent =
      MustParse("spec.outputPorts[7].schema.fields[0].name").Expand(product);
  ASSERT_EQ(absent.size(), 1u);
  EXPECT_EQ(absent[0].path, "spec.outputPorts[7].schema.fields[0].name");
  EXPECT_EQ(absent[0].kind, PathValue::Kind::kAbsent);
}

TEST(RulePathTest, AbsentIntermediateObjectsStillYieldTheFullPath) {
  const DataProduct product = Shipments();  // port 1 has no slo
  const std::vector<PathValue> values =
      MustParse("spec.outputPorts[*].slo.freshnessSeconds").Expand(product);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].kind, PathValue::Kind::kScalar);
  EXPECT_EQ(values[1].kind, PathValue::Kind::kAbsent);
  EXPECT_EQ(values[1].path, "spec.outputPorts[1].slo.freshnessSeconds");
  EXPECT_THAT(values[1].wildcard_indices, ElementsAre(1));
}

TEST(RulePathTest, WildcardOverAnAbsentListYieldsNothing) {
  const DataProduct product = Shipments();  // no input ports
  EXPECT_THAT(MustParse("spec.inputPorts[*].name").Expand(product), IsEmpty());
  EXPECT_THAT(MustParse("spec.owner.team").Expand(DataProduct()), ElementsAre(::testing::_));
}

TEST(RulePathTest, DefaultScalarsAreAbsentAsInTheJsonMapping) {
  const DataProduct product = Shipments();
  const std::vector<PathValue> values =
      MustParse("spec.outputPorts[0].schema.fields[*].required").Expand(product);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values[0].kind, PathValue::Kind::kScalar);  // true
  EXPECT_EQ(values[1].kind, PathValue::Kind::kAbsent);  // false
  EXPECT_EQ(values[1].path, "spec.outputPorts[0].schema.fields[1].required");
}

TEST(RulePathTest, MapKeysAreSegments) {
  const DataProduct product = Shipments();
  const std::vector<PathValue> tier = MustParse("metadata.labels.tier").Expand(product);
  ASSERT_EQ(tier.size(), 1u);
  EXPECT_EQ(tier[0].path, "metadata.labels.tier");
  ASSERT_EQ(tier[0].kind, PathValue::Kind::kScalar);
  EXPECT_EQ(tier[0].message->GetReflection()->GetString(*tier[0].message, tier[0].field), "gold");

  const std::vector<PathValue> missing = MustParse("metadata.labels.owner").Expand(product);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].path, "metadata.labels.owner");
  EXPECT_EQ(missing[0].kind, PathValue::Kind::kAbsent);

  const std::vector<PathValue> map = MustParse("metadata.labels").Expand(product);
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(map[0].kind, PathValue::Kind::kRepeated);
}

TEST(RulePathTest, FixedWildcardsSelectOneElement) {
  const DataProduct product = Shipments();
  const RulePath path = MustParse("spec.outputPorts[*].schema.fields[*].name");
  EXPECT_THAT(Paths(path.Expand(product, {1})),
              ElementsAre("spec.outputPorts[1].schema.fields[0].name"));
  EXPECT_THAT(Paths(path.Expand(product, {0, 1})),
              ElementsAre("spec.outputPorts[0].schema.fields[1].name"));
  // A fixed index beyond the list is an absent location; a later [*] over it
  // expands to nothing.
  const std::vector<PathValue> beyond = MustParse("spec.outputPorts[*].name").Expand(product, {5});
  ASSERT_EQ(beyond.size(), 1u);
  EXPECT_EQ(beyond[0].kind, PathValue::Kind::kAbsent);
  EXPECT_EQ(beyond[0].path, "spec.outputPorts[5].name");
  EXPECT_THAT(path.Expand(product, {5}), IsEmpty());
}

}  // namespace
}  // namespace meshdex::governance
