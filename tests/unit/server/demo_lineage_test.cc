#include "server/demo_lineage.h"

#include <map>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "re2/re2.h"

namespace meshdex::server {
namespace {

using meshdex::v1::DataProduct;

DataProduct Product(const std::string& name, const std::string& lifecycle,
                    const std::string& output, const std::string& input = "") {
  DataProduct product;
  product.mutable_metadata()->set_domain("sales");
  product.mutable_metadata()->set_name(name);
  product.mutable_metadata()->set_urn("urn:dp:sales:" + name);
  product.mutable_spec()->set_lifecycle(lifecycle);
  auto* out = product.mutable_spec()->add_output_ports();
  out->set_name("out");
  out->set_address(output);
  auto* field = out->mutable_schema()->add_fields();
  field->set_name("order_id");
  field->set_type("string");
  if (!input.empty()) {
    auto* in = product.mutable_spec()->add_input_ports();
    in->set_name("in");
    in->set_address(input);
    *in->mutable_schema()->add_fields() = *field;
  }
  return product;
}

const absl::Time kNow = absl::FromUnixSeconds(1800000000);

absl::Time ParseTime(const std::string& text) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", text, &time, &error)) << text << error;
  return time;
}

TEST(DemoLineageTest, EventsAreWellFormedRunEventsInTimeOrder) {
  std::vector<std::string> events = DemoLineageEvents(
      {Product("orders", "production", "kafka://b:9092/orders"),
       Product("report", "production", "s3://lake/report", "kafka://b:9092/orders")},
      kNow);
  ASSERT_EQ(events.size(), 2u * 2 * 12);  // 2 jobs x 12 runs x (START, COMPLETE)
  absl::Time previous = absl::InfinitePast();
  for (const std::string& text : events) {
    nlohmann::json event = nlohmann::json::parse(text);
    EXPECT_TRUE(RE2::FullMatch(event["run"]["runId"].get<std::string>(),
                               "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    for (const char* key : {"eventType", "eventTime", "producer", "schemaURL"}) {
      EXPECT_TRUE(event.contains(key)) << key;
    }
    absl::Time time = ParseTime(event["eventTime"]);
    EXPECT_GE(time, previous);
    EXPECT_LT(time, kNow);
    previous = time;
  }
}

TEST(DemoLineageTest, OutputsCarrySchemaAndColumnLineageFromInputs) {
  std::vector<std::string> events = DemoLineageEvents(
      {Product("report", "production", "s3://lake/report", "kafka://B:9092/orders")}, kNow);
  nlohmann::json event = nlohmann::json::parse(events.back());
  EXPECT_EQ(event["eventType"], "COMPLETE");
  EXPECT_EQ(event["job"]["namespace"], "sales");
  EXPECT_EQ(event["job"]["name"], "report.build");
  // Addresses are normalised to OpenLineage datasets, like the catalog's claims.
  EXPECT_EQ(event["inputs"][0]["namespace"], "kafka://b:9092");
  EXPECT_EQ(event["outputs"][0]["namespace"], "s3://lake");
  EXPECT_EQ(event["outputs"][0]["name"], "report");
  const nlohmann::json& facets = event["outputs"][0]["facets"];
  EXPECT_EQ(facets["schema"]["fields"][0]["name"], "order_id");
  EXPECT_EQ(facets["columnLineage"]["fields"]["order_id"]["inputFields"][0]["name"], "orders");
}

TEST(DemoLineageTest, LifecyclesShapeTheRuns) {
  std::vector<std::string> events = DemoLineageEvents(
      {Product("draft", "draft", "s3://lake/a"), Product("old", "deprecated", "s3://lake/b"),
       Product("lab", "experimental", "s3://lake/c")},
      kNow);
  std::map<std::string, absl::Time> last_complete;
  int failed = 0;
  for (const std::string& text : events) {
    nlohmann::json event = nlohmann::json::parse(text);
    std::string job = event["job"]["name"];
    EXPECT_NE(job, "draft.build");  // drafts never ran
    if (event["eventType"] == "COMPLETE") last_complete[job] = ParseTime(event["eventTime"]);
    if (event["eventType"] == "FAIL") ++failed;
  }
  EXPECT_GE(kNow - last_complete["old.build"], absl::Hours(30));
  EXPECT_LE(kNow - last_complete["lab.build"], absl::Minutes(5));
  EXPECT_EQ(failed, 1);
}

TEST(DemoLineageTest, DeterministicForTheSameInput) {
  std::vector<DataProduct> products = {Product("orders", "production", "kafka://b:9092/orders")};
  EXPECT_EQ(DemoLineageEvents(products, kNow), DemoLineageEvents(products, kNow));
}

}  // namespace
}  // namespace meshdex::server
