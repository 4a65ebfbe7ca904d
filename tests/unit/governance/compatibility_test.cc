// Tests of the built-in schema-compatibility rule
// (server/governance/compatibility.h): a table of schema evolutions and the
// version rule deciding whether breaking changes are allowed.

#include "server/governance/compatibility.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"
#include "tests/unit/governance/governance_fixture.h"

namespace meshdex::governance {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::Port;
using meshdex::v1::SchemaField;
using ::testing::ElementsAreArray;
using testing::PathsAndMessages;
using testing::Shipments;

// Shipments() has ports events (shipment_id: string required, customer_email:
// string pii, status: string) and daily (day: date), version 1.4.0.
Port* Events(DataProduct* product) { return product->mutable_spec()->mutable_output_ports(0); }
Port* Daily(DataProduct* product) { return product->mutable_spec()->mutable_output_ports(1); }
SchemaField* EventsField(DataProduct* product, int index) {
  return Events(product)->mutable_schema()->mutable_fields(index);
}
void RemoveEventsField(DataProduct* product, int index) {
  auto* fields = Events(product)->mutable_schema()->mutable_fields();
  fields->erase(fields->begin() + index);
}
SchemaField* AddEventsField(DataProduct* product, const std::string& name, bool required) {
  SchemaField* field = Events(product)->mutable_schema()->add_fields();
  field->set_name(name);
  field->set_type("string");
  field->set_required(required);
  return field;
}

constexpr char kNeedsMajor[] = ": breaking change needs a major version bump";

struct Evolution {
  const char* name;
  const char* previous_version;
  const char* next_version;
  std::function<void(DataProduct*)> change;
  std::vector<std::pair<std::string, std::string>> violations;
};

std::vector<Evolution> Evolutions() {
  const std::string minor = std::string(kNeedsMajor) + " (1.4.0 -> 1.5.0)";
  return {
      {"nothing changed", "1.4.0", "1.4.0", [](DataProduct*) {}, {}},
      {"field removed", "1.4.0", "1.5.0", [](DataProduct* p) { RemoveEventsField(p, 1); },
       {{"spec.outputPorts[0].schema.fields", "port \"events\" field \"customer_email\" removed" + minor}}},
      {"field type changed", "1.4.0", "1.5.0",
       [](DataProduct* p) { EventsField(p, 2)->set_type("int"); },
       {{"spec.outputPorts[0].schema.fields[2].type",
         "port \"events\" field \"status\" type changed from \"string\" to \"int\"" + minor}}},
      {"optional field made required", "1.4.0", "1.5.0",
       [](DataProduct* p) { EventsField(p, 1)->set_required(true); },
       {{"spec.outputPorts[0].schema.fields[1].required",
         "port \"events\" field \"customer_email\" made required" + minor}}},
      {"required field made optional", "1.4.0", "1.5.0",
       [](DataProduct* p) { EventsField(p, 0)->set_required(false); }, {}},
      {"new required field", "1.4.0", "1.5.0",
       [](DataProduct* p) { AddEventsField(p, "carrier", true); },
       {{"spec.outputPorts[0].schema.fields[3]",
         "port \"events\" field \"carrier\" added as required" + minor}}},
      {"new optional field in a minor", "1.4.0", "1.5.0",
       [](DataProduct* p) { AddEventsField(p, "carrier", false); }, {}},
      {"port removed", "1.4.0", "1.5.0",
       [](DataProduct* p) { p->mutable_spec()->mutable_output_ports()->RemoveLast(); },
       {{"spec.outputPorts", "port \"daily\" removed" + minor}}},
      {"port renamed is removed", "1.4.0", "1.5.0",
       [](DataProduct* p) { Daily(p)->set_name("days"); },
       {{"spec.outputPorts", "port \"daily\" removed" + minor}}},
      {"port added with required fields", "1.4.0", "1.5.0",
       [](DataProduct* p) {
         Port* port = p->mutable_spec()->add_output_ports();
         port->set_name("api");
         SchemaField* field = port->mutable_schema()->add_fields();
         field->set_name("id");
         field->set_required(true);
       },
       {}},
      {"fields reordered", "1.4.0", "1.4.1",
       [](DataProduct* p) {
         Events(p)->mutable_schema()->mutable_fields()->SwapElements(0, 2);
       },
       {}},
      {"description and classification changed", "1.4.0", "1.4.1",
       [](DataProduct* p) {
         EventsField(p, 0)->set_description("Another text.");
         EventsField(p, 1)->set_classification("confidential");
         Events(p)->set_description("Port text.");
       },
       {}},
      {"type change in the second port", "1.4.0", "1.5.0",
       [](DataProduct* p) { Daily(p)->mutable_schema()->mutable_fields(0)->set_type("string"); },
       {{"spec.outputPorts[1].schema.fields[0].type",
         "port \"daily\" field \"day\" type changed from \"date\" to \"string\"" + minor}}},
      {"major bump allows breaking changes", "1.4.0", "2.0.0",
       [](DataProduct* p) {
         RemoveEventsField(p, 1);
         p->mutable_spec()->mutable_output_ports()->RemoveLast();
       },
       {}},
      {"0.x minor bump allows breaking changes", "0.3.1", "0.4.0",
       [](DataProduct* p) { RemoveEventsField(p, 1); }, {}},
      {"0.x to 1.0.0 allows breaking changes", "0.3.1", "1.0.0",
       [](DataProduct* p) { RemoveEventsField(p, 1); }, {}},
      {"0.x patch bump does not", "0.3.1", "0.3.2",
       [](DataProduct* p) { RemoveEventsField(p, 1); },
       {{"spec.outputPorts[0].schema.fields",
         std::string("port \"events\" field \"customer_email\" removed") + kNeedsMajor +
             " (0.3.1 -> 0.3.2)"}}},
      {"0.0.x patch bump is major, as in Cargo", "0.0.3", "0.0.4",
       [](DataProduct* p) { RemoveEventsField(p, 1); }, {}},
      {"pre-release of the next major allows breaking changes", "1.4.0", "2.0.0-rc.1",
       [](DataProduct* p) { EventsField(p, 2)->set_type("int"); }, {}},
      {"release of a pre-release is not a bump", "2.0.0-rc.1", "2.0.0",
       [](DataProduct* p) { EventsField(p, 2)->set_type("int"); },
       {{"spec.outputPorts[0].schema.fields[2].type",
         std::string("port \"events\" field \"status\" type changed from \"string\" to \"int\"") +
             kNeedsMajor + " (2.0.0-rc.1 -> 2.0.0)"}}},
      {"build metadata is not a bump", "1.4.0", "1.4.0+build.7",
       [](DataProduct* p) { EventsField(p, 1)->set_required(true); },
       {{"spec.outputPorts[0].schema.fields[1].required",
         std::string("port \"events\" field \"customer_email\" made required") + kNeedsMajor +
             " (1.4.0 -> 1.4.0+build.7)"}}},
      {"major downgrade is not a bump", "1.4.0", "0.9.0",
       [](DataProduct* p) { RemoveEventsField(p, 0); },
       {{"spec.outputPorts[0].schema.fields",
         std::string("port \"events\" field \"shipment_id\" removed") + kNeedsMajor +
             " (1.4.0 -> 0.9.0)"}}},
      {"invalid next version is not a bump", "1.4.0", "two",
       [](DataProduct* p) { RemoveEventsField(p, 0); },
       {{"spec.outputPorts[0].schema.fields",
         std::string("port \"events\" field \"shipment_id\" removed") + kNeedsMajor +
             " (1.4.0 -> two)"}}},
      {"multiple breaking changes are all listed", "1.4.0", "1.5.0",
       [](DataProduct* p) {
         EventsField(p, 0)->set_type("bytes");
         EventsField(p, 2)->set_required(true);
         EventsField(p, 2)->set_type("enum");
         RemoveEventsField(p, 1);
         AddEventsField(p, "carrier", true);
         p->mutable_spec()->mutable_output_ports()->RemoveLast();
       },
       {{"spec.outputPorts[0].schema.fields[0].type",
         "port \"events\" field \"shipment_id\" type changed from \"string\" to \"bytes\"" + minor},
        {"spec.outputPorts[0].schema.fields",
         "port \"events\" field \"customer_email\" removed" + minor},
        {"spec.outputPorts[0].schema.fields[1].type",
         "port \"events\" field \"status\" type changed from \"string\" to \"enum\"" + minor},
        {"spec.outputPorts[0].schema.fields[1].required",
         "port \"events\" field \"status\" made required" + minor},
        {"spec.outputPorts[0].schema.fields[2]",
         "port \"events\" field \"carrier\" added as required" + minor},
        {"spec.outputPorts", "port \"daily\" removed" + minor}}},
      {"ports are matched by name, not position", "1.4.0", "1.5.0",
       [](DataProduct* p) {
         p->mutable_spec()->mutable_output_ports()->SwapElements(0, 1);
         Daily(p)->mutable_schema()->mutable_fields()->RemoveLast();  // now "events"
         Events(p)->mutable_schema()->mutable_fields(0)->set_type("timestamp");  // now "daily"
       },
       {{"spec.outputPorts[1].schema.fields", "port \"events\" field \"status\" removed" + minor},
        {"spec.outputPorts[0].schema.fields[0].type",
         "port \"daily\" field \"day\" type changed from \"date\" to \"timestamp\"" + minor}}},
  };
}

TEST(SchemaCompatibilityTest, TableOfEvolutions) {
  const std::vector<Evolution> evolutions = Evolutions();
  ASSERT_GE(evolutions.size(), 20u);
  for (const Evolution& evolution : evolutions) {
    SCOPED_TRACE(evolution.name);
    DataProduct previous = Shipments();
    previous.mutable_spec()->set_version(evolution.previous_version);
    DataProduct next = previous;
    next.mutable_spec()->set_version(evolution.next_version);
    evolution.change(&next);
    const std::vector<meshdex::v1::Violation> violations =
        CheckSchemaCompatibility(previous, next);
    EXPECT_THAT(PathsAndMessages(violations), ElementsAreArray(evolution.violations));
    for (const meshdex::v1::Violation& violation : violations) {
      EXPECT_EQ(violation.policy(), "schema-compatibility");
      EXPECT_EQ(violation.enforcement(), "enforce");
    }
  }
}

TEST(SchemaCompatibilityTest, DeclaringAPortSchemaForTheFirstTimeIsNotBreaking) {
  DataProduct previous = Shipments();
  Events(&previous)->clear_schema();
  DataProduct next = Shipments();
  next.mutable_spec()->set_version("1.4.1");
  EXPECT_TRUE(CheckSchemaCompatibility(previous, next).empty());
  // Once declared, a new required field is breaking.
  AddEventsField(&next, "carrier", true);
  EXPECT_EQ(CheckSchemaCompatibility(Shipments(), next).size(), 1u);
}

struct VersionCase {
  const char* previous;
  const char* next;
  bool major;
};

TEST(SchemaCompatibilityTest, MajorVersionBumpFollowsCargo) {
  const VersionCase cases[] = {
      {"1.4.0", "2.0.0", true},         {"1.4.0", "1.5.0", false},
      {"1.4.0", "1.4.1", false},        {"1.4.0", "1.4.0", false},
      {"2.0.0", "1.9.0", false},        {"1.4.0", "10.0.0", true},
      {"0.3.1", "0.4.0", true},         {"0.3.1", "0.3.9", false},
      {"0.3.1", "1.0.0", true},         {"0.0.3", "0.0.4", true},
      {"0.0.3", "0.1.0", true},         {"0.0.3", "0.0.3-rc.1", false},
      {"1.4.0", "2.0.0-alpha.1", true}, {"2.0.0-alpha.1", "2.0.0", false},
      {"1.4.0+b1", "2.0.0+b2", true},   {"1.4", "2.0.0", false},
      {"1.4.0", "v2.0.0", false},       {"1.4.0", "99999999999999999999999.0.0", false},
  };
  for (const VersionCase& c : cases) {
    EXPECT_EQ(IsMajorVersionBump(c.previous, c.next), c.major) << c.previous << " -> " << c.next;
  }
}

}  // namespace
}  // namespace meshdex::governance
