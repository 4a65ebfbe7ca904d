#include "server/catalog/validation.h"

#include <cmath>
#include <functional>
#include <limits>
#include <ostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace meshdex::catalog {
namespace {

using meshdex::v1::DataProduct;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// The example of DESIGN.md section 2, as protobuf JSON.
constexpr char kShipmentsJson[] = R"json({
  "apiVersion": "meshdex.io/v1",
  "kind": "DataProduct",
  "metadata": {"domain": "logistics", "name": "shipments", "labels": {"tier": "gold"}},
  "spec": {
    "title": "Shipments",
    "description": "Every parcel movement, as events, within 5 minutes.",
    "owner": {"team": "logistics-core", "email": "logistics@example.com"},
    "version": "1.4.0",
    "lifecycle": "production",
    "tags": ["shipping", "events"],
    "glossaryTerms": ["Shipment"],
    "outputPorts": [{
      "name": "events",
      "kind": "kafka",
      "address": "kafka://broker.logistics:9092/logistics.shipments.v1",
      "format": "avro",
      "description": "One event per parcel movement.",
      "schema": {"fields": [
        {"name": "shipment_id", "type": "string", "required": true, "description": "Parcel id."},
        {"name": "customer_email", "type": "string", "classification": "pii"},
        {"name": "status", "type": "string", "classification": "internal"}
      ]},
      "slo": {"freshnessSeconds": 900, "availabilityPercent": 99.9}
    }, {
      "name": "daily",
      "kind": "s3",
      "address": "s3://logistics-lake/shipments/daily/",
      "format": "parquet",
      "schema": {"fields": [{"name": "day", "type": "date"}]}
    }],
    "inputPorts": [
      {"name": "orders", "kind": "kafka", "address": "kafka://broker.sales:9092/sales.orders.v1"}
    ],
    "links": {"repository": "https://git.example.com/logistics/shipments"}
  }
})json";

DataProduct Shipments() {
  DataProduct product;
  const auto status = google::protobuf::util::JsonStringToMessage(kShipmentsJson, &product);
  EXPECT_TRUE(status.ok()) << status;
  return product;
}

std::vector<std::string> Problems(const absl::Status& status) {
  return absl::StrSplit(status.message(), "; ");
}

TEST(ValidateProductTest, DesignExamplePassesWithoutWarnings) {
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(Shipments());
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, IsEmpty());
}

TEST(ValidateProductTest, MinimalDescriptorPasses) {
  DataProduct product;
  product.mutable_metadata()->set_domain("sales");
  product.mutable_metadata()->set_name("orders");
  product.mutable_spec()->set_version("0.1.0");
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, IsEmpty());
}

TEST(ValidateProductTest, EmptyDescriptorListsTheRequiredFields) {
  absl::StatusOr<std::vector<std::string>> result = ValidateProduct(DataProduct());
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Problems(result.status()),
              ElementsAre("metadata.domain: required", "metadata.name: required",
                          "spec.version: required (semantic version such as 1.4.0)"));
}

TEST(ValidateProductTest, OutputFieldsAreIgnored) {
  DataProduct product = Shipments();
  product.mutable_metadata()->set_urn("not a urn");
  product.mutable_metadata()->set_revision(-7);
  product.mutable_status()->mutable_governance()->set_score(42);
  EXPECT_TRUE(ValidateProduct(product).ok());
}

TEST(ValidateProductTest, AcceptsEverySemanticVersionForm) {
  for (const char* version :
       {"0.0.0", "1.4.0", "10.20.30", "2.0.0-rc.1+build.5", "1.0.0-alpha.beta.1", "1.0.0-0.3.7",
        "1.0.0-x-y-z.--", "1.0.0+20130313144700", "1.0.0-alpha+001"}) {
    DataProduct product = Shipments();
    product.mutable_spec()->set_version(version);
    EXPECT_TRUE(ValidateProduct(product).ok()) << version;
  }
}

TEST(ValidateProductTest, AcceptsKubernetesLabelKeysAndUnicodeText) {
  DataProduct product = Shipments();
  (*product.mutable_metadata()->mutable_labels())["app.kubernetes.io/part-of"] = "mesh";
  (*product.mutable_metadata()->mutable_labels())["Cost_Center.v2"] = "";
  std::string title;
  for (int i = 0; i < 256; ++i) title += "é";  // 256 characters, 512 bytes
  product.mutable_spec()->set_title(title);
  product.mutable_spec()->set_description("Line one.\n\tLine two.\r\n");
  EXPECT_TRUE(ValidateProduct(product).ok()) << ValidateProduct(product).status();

  product.mutable_spec()->set_title(title + "é");
  EXPECT_THAT(std::string(ValidateProduct(product).status().message()),
              StartsWith("spec.title: longer than 256 characters (257)"));
}

// One invalid descriptor: the mutation of the valid example, the JSON path
// its only problem must name, and a word of the reason.
struct BadDescriptor {
  std::string test_name;
  std::function<void(DataProduct&)> break_it;
  std::string expected_path;
  std::string expected_reason;
};

std::ostream& operator<<(std::ostream& os, const BadDescriptor& row) { return os << row.test_name; }

class BadDescriptorTest : public ::testing::TestWithParam<BadDescriptor> {};

TEST_P(BadDescriptorTest, IsInvalidArgumentNamingThePath) {
  const BadDescriptor& row = GetParam();
  DataProduct product = Shipments();
  row.break_it(product);
  absl::StatusOr<std::vector<std::string>> result = ValidateProduct(product);
  ASSERT_FALSE(result.ok()) << row.test_name << " was accepted";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), StartsWith(row.expected_path + ": "));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(row.expected_reason));
  EXPECT_THAT(Problems(result.status()), ::testing::SizeIs(1)) << result.status();
}

meshdex::v1::DataProductSpec& Spec(DataProduct& product) { return *product.mutable_spec(); }
meshdex::v1::ObjectMeta& Meta(DataProduct& product) { return *product.mutable_metadata(); }
meshdex::v1::Port& Output(DataProduct& product, int i) {
  return *product.mutable_spec()->mutable_output_ports(i);
}
meshdex::v1::Port& Input(DataProduct& product, int i) {
  return *product.mutable_spec()->mutable_input_ports(i);
}
meshdex::v1::SchemaField& Field(DataProduct& product, int i) {
  return *Output(product, 0).mutable_schema()->mutable_fields(i);
}
// Appends copies of output port 0 (resp. input port 0) with distinct names and
// datasets until there are `count` ports.
void GrowPorts(google::protobuf::RepeatedPtrField<meshdex::v1::Port>* ports, int count) {
  const meshdex::v1::Port model = ports->Get(0);
  for (int i = ports->size(); i < count; ++i) {
    meshdex::v1::Port* port = ports->Add();
    *port = model;
    port->set_name(absl::StrCat("port", i));
    port->set_address(absl::StrCat("kafka://broker/topic", i));
  }
}
void SetLabels(DataProduct& product, int count) {
  Meta(product).clear_labels();
  for (int i = 0; i < count; ++i) (*Meta(product).mutable_labels())[absl::StrCat("k", i)] = "v";
}
void SetLinks(DataProduct& product, int count) {
  Spec(product).clear_links();
  for (int i = 0; i < count; ++i) (*Spec(product).mutable_links())[absl::StrCat("l", i)] = "v";
}
void AddStrings(google::protobuf::RepeatedPtrField<std::string>* list, int count) {
  list->Clear();
  for (int i = 0; i < count; ++i) list->Add(absl::StrCat("item", i));
}

const std::string kLong257(257, 'x');

INSTANTIATE_TEST_SUITE_P(
    Table, BadDescriptorTest,
    ::testing::Values(
        // Header.
        BadDescriptor{"ApiVersion", [](DataProduct& p) { p.set_api_version("v1"); },
                      "apiVersion", "must be \"meshdex.io/v1\""},
        BadDescriptor{"Kind", [](DataProduct& p) { p.set_kind("Policy"); }, "kind",
                      "must be \"DataProduct\""},
        // Metadata.
        BadDescriptor{"DomainMissing", [](DataProduct& p) { Meta(p).clear_domain(); },
                      "metadata.domain", "required"},
        BadDescriptor{"DomainUpperCase", [](DataProduct& p) { Meta(p).set_domain("Logistics"); },
                      "metadata.domain", "^[a-z][a-z0-9-]{0,62}$"},
        BadDescriptor{"DomainLeadingDigit", [](DataProduct& p) { Meta(p).set_domain("1st"); },
                      "metadata.domain", "must match"},
        BadDescriptor{"DomainTooLong",
                      [](DataProduct& p) { Meta(p).set_domain(std::string(64, 'a')); },
                      "metadata.domain", "must match"},
        BadDescriptor{"NameMissing", [](DataProduct& p) { Meta(p).clear_name(); }, "metadata.name",
                      "required"},
        BadDescriptor{"NameUnderscore", [](DataProduct& p) { Meta(p).set_name("ship_ments"); },
                      "metadata.name", "must match"},
        BadDescriptor{"TooManyLabels", [](DataProduct& p) { SetLabels(p, 65); },
                      "metadata.labels", "at most 64 labels (got 65)"},
        BadDescriptor{"LabelKeyWithSpace",
                      [](DataProduct& p) { (*Meta(p).mutable_labels())["bad key"] = "v"; },
                      "metadata.labels[\"bad key\"]", "key must be"},
        BadDescriptor{"LabelKeyNameTooLong",
                      [](DataProduct& p) {
                        (*Meta(p).mutable_labels())[std::string(64, 'n')] = "v";
                      },
                      "metadata.labels[\"" + std::string(64, 'n') + "\"]", "key must be"},
        BadDescriptor{"LabelKeyPrefixNotDns",
                      [](DataProduct& p) { (*Meta(p).mutable_labels())["Example_com/x"] = "v"; },
                      "metadata.labels[\"Example_com/x\"]", "key must be"},
        BadDescriptor{"LabelValueTooLong",
                      [](DataProduct& p) { (*Meta(p).mutable_labels())["tier"] = kLong257; },
                      "metadata.labels[\"tier\"]", "value longer than 256 characters"},
        BadDescriptor{"LabelValueControl",
                      [](DataProduct& p) { (*Meta(p).mutable_labels())["tier"] = "go\nld"; },
                      "metadata.labels[\"tier\"]", "value must not contain control characters"},
        // Version and lifecycle.
        BadDescriptor{"VersionMissing", [](DataProduct& p) { Spec(p).clear_version(); },
                      "spec.version", "required"},
        BadDescriptor{"VersionTwoParts", [](DataProduct& p) { Spec(p).set_version("1.4"); },
                      "spec.version", "Semantic Versioning 2.0.0"},
        BadDescriptor{"VersionLeadingV", [](DataProduct& p) { Spec(p).set_version("v1.4.0"); },
                      "spec.version", "drop the leading 'v'"},
        BadDescriptor{"VersionLeadingZero", [](DataProduct& p) { Spec(p).set_version("01.2.3"); },
                      "spec.version", "Semantic Versioning"},
        BadDescriptor{"VersionNumericPrereleaseLeadingZero",
                      [](DataProduct& p) { Spec(p).set_version("1.2.3-01"); }, "spec.version",
                      "Semantic Versioning"},
        BadDescriptor{"VersionEmptyBuild", [](DataProduct& p) { Spec(p).set_version("1.2.3+"); },
                      "spec.version", "Semantic Versioning"},
        BadDescriptor{"Lifecycle", [](DataProduct& p) { Spec(p).set_lifecycle("prod"); },
                      "spec.lifecycle",
                      "must be one of draft, experimental, production, deprecated, retired"},
        // Text fields.
        BadDescriptor{"TitleTooLong", [](DataProduct& p) { Spec(p).set_title(kLong257); },
                      "spec.title", "longer than 256 characters"},
        BadDescriptor{"TitleWithTab", [](DataProduct& p) { Spec(p).set_title("a\tb"); },
                      "spec.title", "control characters"},
        BadDescriptor{"DescriptionTooLong",
                      [](DataProduct& p) {
                        Spec(p).set_description(std::string(16 * 1024 + 1, 'd'));
                      },
                      "spec.description", "longer than 16384 characters"},
        BadDescriptor{"DescriptionNotUtf8",
                      [](DataProduct& p) { Spec(p).set_description("caf\xc3"); },
                      "spec.description", "valid UTF-8"},
        BadDescriptor{"OwnerEmail",
                      [](DataProduct& p) { Spec(p).mutable_owner()->set_email("logistics"); },
                      "spec.owner.email", "is not an email address"},
        BadDescriptor{"OwnerEmailNoDomainDot",
                      [](DataProduct& p) { Spec(p).mutable_owner()->set_email("a@localhost"); },
                      "spec.owner.email", "is not an email address"},
        BadDescriptor{"OwnerTeamTooLong",
                      [](DataProduct& p) {
                        Spec(p).mutable_owner()->set_team(std::string(129, 't'));
                      },
                      "spec.owner.team", "longer than 128"},
        // Tags and glossary terms.
        BadDescriptor{"TooManyTags",
                      [](DataProduct& p) { AddStrings(Spec(p).mutable_tags(), 65); },
                      "spec.tags", "at most 64 tags"},
        BadDescriptor{"EmptyTag", [](DataProduct& p) { Spec(p).set_tags(1, ""); }, "spec.tags[1]",
                      "required"},
        BadDescriptor{"TagWithSpace", [](DataProduct& p) { Spec(p).set_tags(0, "two words"); },
                      "spec.tags[0]", "whitespace"},
        BadDescriptor{"TagWithNoBreakSpace",
                      [](DataProduct& p) { Spec(p).set_tags(0, "two\u00a0words"); }, "spec.tags[0]",
                      "whitespace"},
        BadDescriptor{"DuplicateTag", [](DataProduct& p) { Spec(p).add_tags("shipping"); },
                      "spec.tags[2]", "duplicate \"shipping\" (also at [0])"},
        BadDescriptor{"TagTooLong",
                      [](DataProduct& p) { Spec(p).set_tags(0, std::string(65, 'g')); },
                      "spec.tags[0]", "longer than 64"},
        BadDescriptor{"TooManyGlossaryTerms",
                      [](DataProduct& p) { AddStrings(Spec(p).mutable_glossary_terms(), 65); },
                      "spec.glossaryTerms", "at most 64 glossary terms"},
        BadDescriptor{"EmptyGlossaryTerm", [](DataProduct& p) { Spec(p).add_glossary_terms(""); },
                      "spec.glossaryTerms[1]", "required"},
        BadDescriptor{"GlossaryTermTooLong",
                      [](DataProduct& p) { Spec(p).set_glossary_terms(0, std::string(129, 'g')); },
                      "spec.glossaryTerms[0]", "longer than 128"},
        // Output ports.
        BadDescriptor{"TooManyOutputPorts",
                      [](DataProduct& p) { GrowPorts(Spec(p).mutable_output_ports(), 65); },
                      "spec.outputPorts", "at most 64 output ports (got 65)"},
        BadDescriptor{"PortNameMissing", [](DataProduct& p) { Output(p, 0).clear_name(); },
                      "spec.outputPorts[0].name", "required"},
        BadDescriptor{"PortNameUpperCase", [](DataProduct& p) { Output(p, 1).set_name("Daily"); },
                      "spec.outputPorts[1].name", "^[a-z][a-z0-9_-]{0,62}$"},
        BadDescriptor{"PortNameDuplicate", [](DataProduct& p) { Output(p, 1).set_name("events"); },
                      "spec.outputPorts[1].name",
                      "duplicate port name \"events\" (also spec.outputPorts[0])"},
        BadDescriptor{"PortKindMissing", [](DataProduct& p) { Output(p, 0).clear_kind(); },
                      "spec.outputPorts[0].kind",
                      "required, must be one of sql, s3, kafka, api, file"},
        BadDescriptor{"PortKindUnknown", [](DataProduct& p) { Output(p, 0).set_kind("stream"); },
                      "spec.outputPorts[0].kind", "(got \"stream\")"},
        BadDescriptor{"OutputPortWithoutAddress",
                      [](DataProduct& p) { Output(p, 0).clear_address(); },
                      "spec.outputPorts[0].address", "required for an output port"},
        BadDescriptor{"AddressUnsupportedScheme",
                      [](DataProduct& p) { Output(p, 1).set_address("ftp://files/x"); },
                      "spec.outputPorts[1].address", "unsupported scheme \"ftp\""},
        BadDescriptor{"AddressWithCredentials",
                      [](DataProduct& p) { Output(p, 1).set_address("s3://key:secret@lake/x"); },
                      "spec.outputPorts[1].address", "address must not embed credentials"},
        BadDescriptor{"AddressPostgresTable",
                      [](DataProduct& p) {
                        Output(p, 1).set_kind("sql");
                        Output(p, 1).set_address("postgres://db/orders");
                      },
                      "spec.outputPorts[1].address", "db.schema.table"},
        BadDescriptor{"DatasetWithoutName",
                      [](DataProduct& p) { Output(p, 0).mutable_dataset()->set_namespace_("ns"); },
                      "spec.outputPorts[0].dataset.name", "required"},
        BadDescriptor{"DatasetWithoutNamespace",
                      [](DataProduct& p) { Output(p, 0).mutable_dataset()->set_name("n"); },
                      "spec.outputPorts[0].dataset.namespace", "required"},
        BadDescriptor{"TwoOutputPortsOneAddressDataset",
                      [](DataProduct& p) {
                        Output(p, 1).set_kind("kafka");
                        Output(p, 1).set_address("KAFKA://Broker.Logistics/logistics.shipments.v1");
                      },
                      "spec.outputPorts[1].address",
                      "resolves to dataset (kafka://broker.logistics:9092, "
                      "logistics.shipments.v1), already the dataset of spec.outputPorts[0]"},
        BadDescriptor{"TwoOutputPortsOneExplicitDataset",
                      [](DataProduct& p) {
                        Output(p, 1).mutable_dataset()->set_namespace_(
                            "kafka://broker.logistics:9092");
                        Output(p, 1).mutable_dataset()->set_name("logistics.shipments.v1");
                      },
                      "spec.outputPorts[1].dataset", "already the dataset of spec.outputPorts[0]"},
        BadDescriptor{"PortFormatTooLong",
                      [](DataProduct& p) { Output(p, 0).set_format(std::string(65, 'f')); },
                      "spec.outputPorts[0].format", "longer than 64"},
        BadDescriptor{"PortDescriptionTooLong",
                      [](DataProduct& p) { Output(p, 0).set_description(std::string(4097, 'd')); },
                      "spec.outputPorts[0].description", "longer than 4096"},
        // Schemas.
        BadDescriptor{"TooManyFields",
                      [](DataProduct& p) {
                        auto* fields = Output(p, 0).mutable_schema()->mutable_fields();
                        fields->Clear();
                        for (int i = 0; i < 1001; ++i) {
                          auto* field = fields->Add();
                          field->set_name(absl::StrCat("f", i));
                          field->set_type("int");
                        }
                      },
                      "spec.outputPorts[0].schema.fields", "at most 1000 fields (got 1001)"},
        BadDescriptor{"FieldNameMissing", [](DataProduct& p) { Field(p, 0).clear_name(); },
                      "spec.outputPorts[0].schema.fields[0].name", "required"},
        BadDescriptor{"FieldNameDuplicate",
                      [](DataProduct& p) { Field(p, 1).set_name("shipment_id"); },
                      "spec.outputPorts[0].schema.fields[1].name",
                      "duplicate field \"shipment_id\" (also at fields[0])"},
        BadDescriptor{"FieldNameTooLong",
                      [](DataProduct& p) { Field(p, 0).set_name(kLong257); },
                      "spec.outputPorts[0].schema.fields[0].name", "longer than 256"},
        BadDescriptor{"FieldNameControl", [](DataProduct& p) { Field(p, 0).set_name("id\x01"); },
                      "spec.outputPorts[0].schema.fields[0].name", "control characters"},
        BadDescriptor{"FieldTypeMissing", [](DataProduct& p) { Field(p, 1).clear_type(); },
                      "spec.outputPorts[0].schema.fields[1].type", "required"},
        BadDescriptor{"FieldClassification",
                      [](DataProduct& p) { Field(p, 2).set_classification("secret"); },
                      "spec.outputPorts[0].schema.fields[2].classification",
                      "must be one of public, internal, confidential, restricted, pii, sensitive"},
        BadDescriptor{"FieldDescriptionTooLong",
                      [](DataProduct& p) { Field(p, 0).set_description(std::string(4097, 'd')); },
                      "spec.outputPorts[0].schema.fields[0].description", "longer than 4096"},
        // SLOs.
        BadDescriptor{"FreshnessNegative",
                      [](DataProduct& p) { Output(p, 0).mutable_slo()->set_freshness_seconds(-1); },
                      "spec.outputPorts[0].slo.freshnessSeconds", "must not be negative"},
        BadDescriptor{"AvailabilityAbove100",
                      [](DataProduct& p) {
                        Output(p, 0).mutable_slo()->set_availability_percent(100.5);
                      },
                      "spec.outputPorts[0].slo.availabilityPercent", "between 0 and 100"},
        BadDescriptor{"AvailabilityNegative",
                      [](DataProduct& p) {
                        Output(p, 1).mutable_slo()->set_availability_percent(-1);
                      },
                      "spec.outputPorts[1].slo.availabilityPercent", "between 0 and 100"},
        BadDescriptor{"AvailabilityNaN",
                      [](DataProduct& p) {
                        Output(p, 0).mutable_slo()->set_availability_percent(
                            std::numeric_limits<double>::quiet_NaN());
                      },
                      "spec.outputPorts[0].slo.availabilityPercent", "between 0 and 100"},
        // Input ports.
        BadDescriptor{"TooManyInputPorts",
                      [](DataProduct& p) { GrowPorts(Spec(p).mutable_input_ports(), 65); },
                      "spec.inputPorts", "at most 64 input ports (got 65)"},
        BadDescriptor{"InputAddress",
                      [](DataProduct& p) { Input(p, 0).set_address("kafka://broker.sales"); },
                      "spec.inputPorts[0].address", "missing topic"},
        BadDescriptor{"InputNameDuplicate",
                      [](DataProduct& p) {
                        *Spec(p).add_input_ports() = Input(p, 0);
                        Input(p, 1).set_address("kafka://broker.sales/sales.returns.v1");
                      },
                      "spec.inputPorts[1].name", "duplicate port name \"orders\""},
        BadDescriptor{"InputKindMissing", [](DataProduct& p) { Input(p, 0).clear_kind(); },
                      "spec.inputPorts[0].kind", "required"},
        // Links.
        BadDescriptor{"TooManyLinks", [](DataProduct& p) { SetLinks(p, 33); }, "spec.links",
                      "at most 32 links (got 33)"},
        BadDescriptor{"LinkEmptyKey", [](DataProduct& p) { (*Spec(p).mutable_links())[""] = "x"; },
                      "spec.links[\"\"]", "key must not be empty"},
        BadDescriptor{"LinkKeyTooLong",
                      [](DataProduct& p) {
                        (*Spec(p).mutable_links())[std::string(64, 'k')] = "x";
                      },
                      "spec.links[\"" + std::string(64, 'k') + "\"]", "key longer than 63"},
        BadDescriptor{"LinkValueTooLong",
                      [](DataProduct& p) {
                        (*Spec(p).mutable_links())["repository"] = std::string(2049, 'u');
                      },
                      "spec.links[\"repository\"]", "value longer than 2048"},
        // Size.
        BadDescriptor{"LargerThanOneMiB",
                      [](DataProduct& p) {
                        auto* fields = Output(p, 0).mutable_schema()->mutable_fields();
                        for (int i = 0; i < 300; ++i) {
                          auto* field = fields->Add();
                          field->set_name(absl::StrCat("f", i));
                          field->set_type("string");
                          field->set_description(std::string(4000, 'd'));
                        }
                      },
                      "descriptor", "exceeds the limit of 1 MiB"}),
    [](const ::testing::TestParamInfo<BadDescriptor>& info) { return info.param.test_name; });

TEST(ValidateProductTest, CustomSizeLimitIsNamed) {
  ValidationLimits limits;
  limits.max_product_bytes = 100;
  absl::StatusOr<std::vector<std::string>> result = ValidateProduct(Shipments(), limits);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              ::testing::MatchesRegex("descriptor: serialized size [0-9]+ bytes exceeds the "
                                      "limit of 100 bytes"));
}

TEST(ValidateProductTest, ListsEveryProblemInDocumentOrder) {
  DataProduct product = Shipments();
  Meta(product).set_domain("Logistics");
  Spec(product).set_version("1.4");
  Output(product, 1).set_address("ftp://files/x");
  Field(product, 2).set_classification("secret");
  Input(product, 0).clear_name();
  absl::StatusOr<std::vector<std::string>> result = ValidateProduct(product);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Problems(result.status()),
              ElementsAre(StartsWith("metadata.domain: "), StartsWith("spec.version: "),
                          StartsWith("spec.outputPorts[0].schema.fields[2].classification: "),
                          "spec.outputPorts[1].address: unsupported scheme \"ftp\"",
                          "spec.inputPorts[0].name: required"));
}

TEST(ValidateProductTest, CapsTheListedProblems) {
  DataProduct product = Shipments();
  for (int i = 0; i < 30; ++i) Spec(product).add_tags("");
  absl::StatusOr<std::vector<std::string>> result = ValidateProduct(product);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<std::string> problems = Problems(result.status());
  ASSERT_EQ(problems.size(), 21u);
  EXPECT_EQ(problems.front(), "spec.tags[2]: required");
  EXPECT_EQ(problems[19], "spec.tags[21]: required");
  EXPECT_EQ(problems.back(), "and 10 more problems");
}

TEST(ValidateProductTest, WarnsAboutKindNotMatchingTheScheme) {
  DataProduct product = Shipments();
  Output(product, 1).set_kind("kafka");
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, ElementsAre("spec.outputPorts[1].kind: \"kafka\" does not match the "
                                     "address scheme \"s3\" (expected s3 or file)"));
}

TEST(ValidateProductTest, WarnsAboutProductionWithoutOwnerEmail) {
  DataProduct product = Shipments();
  Spec(product).mutable_owner()->clear_email();
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, ElementsAre(StartsWith("spec.owner.email: ")));

  Spec(product).set_lifecycle("experimental");
  EXPECT_THAT(*ValidateProduct(product), IsEmpty());
}

TEST(ValidateProductTest, WarnsAboutOutputPortWithoutSchema) {
  DataProduct product = Shipments();
  Output(product, 1).clear_schema();
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, ElementsAre("spec.outputPorts[1].schema: output port declares no schema"));
}

TEST(ValidateProductTest, WarnsWhenExplicitDatasetOverridesTheAddress) {
  DataProduct product = Shipments();
  Output(product, 1).mutable_dataset()->set_namespace_("s3://other");
  Output(product, 1).mutable_dataset()->set_name("daily");
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, ElementsAre("spec.outputPorts[1].dataset: overrides the address, "
                                     "which resolves to (s3://logistics-lake, shipments/daily)"));
}

TEST(ValidateProductTest, WarnsWhenAnInputReadsTheProductsOwnOutput) {
  DataProduct product = Shipments();
  Input(product, 0).set_address("kafka://broker.logistics/logistics.shipments.v1");
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, ElementsAre(HasSubstr("which this product publishes at "
                                               "spec.outputPorts[0]")));
}

TEST(ValidateProductTest, InputPortMayOmitItsAddressWithAWarning) {
  DataProduct product = Shipments();
  Input(product, 0).clear_address();
  absl::StatusOr<std::vector<std::string>> warnings = ValidateProduct(product);
  ASSERT_TRUE(warnings.ok()) << warnings.status();
  EXPECT_THAT(*warnings, ElementsAre(StartsWith("spec.inputPorts[0]: ")));
}

TEST(ProductUrnTest, FormatsAndParsesBack) {
  EXPECT_EQ(ProductUrn("logistics", "shipments"), "urn:dp:logistics:shipments");
  absl::StatusOr<std::pair<std::string, std::string>> parsed =
      ParseProductUrn("urn:dp:logistics:shipments");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->first, "logistics");
  EXPECT_EQ(parsed->second, "shipments");
}

TEST(ProductUrnTest, RejectsMalformedUrns) {
  for (const char* urn :
       {"", "urn:dp:", "urn:dp:logistics", "urn:dp:logistics:", "urn:dp::shipments",
        "urn:dp:logistics:shipments:events", "urn:xx:logistics:shipments",
        "URN:DP:logistics:shipments", "urn:dp:Logistics:shipments", "logistics:shipments"}) {
    absl::StatusOr<std::pair<std::string, std::string>> parsed = ParseProductUrn(urn);
    ASSERT_FALSE(parsed.ok()) << urn;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << urn;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("malformed product URN")) << urn;
  }
}

}  // namespace
}  // namespace meshdex::catalog
