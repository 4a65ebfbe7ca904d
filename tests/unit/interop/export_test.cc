// ExportOdcs (server/interop/interop.h): the ODCS v3 contract it writes, what
// it reports as unmapped, and that importing it gives the product back.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/document.h"
#include "server/interop/interop.h"

namespace meshdex::interop {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

meshdex::v1::DataProduct Product() {
  auto documents = document::ParseDocuments(R"yaml(
apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: logistics, name: shipments, labels: {tier: gold}}
spec:
  title: Shipments
  description: "Every parcel movement.\nTwo lines."
  owner: {team: logistics-core, email: logistics@example.com}
  version: 1.4.0
  lifecycle: experimental
  tags: [shipping, "1.0"]
  glossaryTerms: [Shipment]
  links: {repository: https://git.example.com/shipments}
  outputPorts:
    - name: events
      kind: kafka
      address: kafka://broker.logistics:9092/logistics.shipments.v1
      format: avro
      description: Events.
      schema:
        fields:
          - {name: shipment_id, type: string, required: true, description: Key}
          - {name: weight, type: "decimal(10,2)"}
          - {name: customer_email, type: string, classification: pii}
      slo: {freshnessSeconds: 900, availabilityPercent: 99.9}
    - name: table
      kind: sql
      address: postgres://db.logistics:5432/ops.public.shipments
      schema: {fields: [{name: id, type: integer}]}
    - name: files
      kind: s3
      address: s3://logistics-bucket/shipments/
    - name: catalogued
      kind: sql
      dataset: {namespace: "odcs:abc", name: ledger}
    - name: exchange
      kind: file
      format: csv
      dataset: {namespace: "datacontract:x", name: garbage}
  inputPorts:
    - {name: orders, kind: kafka, address: kafka://broker.sales:9092/sales.orders.v1}
)yaml");
  EXPECT_TRUE(documents.ok()) << documents.status();
  meshdex::v1::DataProduct product;
  const absl::Status converted = document::ToMessage((*documents)[0], &product);
  EXPECT_TRUE(converted.ok()) << converted;
  return product;
}

TEST(OdcsExportTest, WritesAV3Contract) {
  const ExportResult exported = ExportOdcs(Product());
  const std::string& yaml = exported.content;
  EXPECT_THAT(yaml, HasSubstr("apiVersion: v3.1.0\nkind: DataContract\n"));
  EXPECT_THAT(yaml, HasSubstr("id: urn:dp:logistics:shipments\n"));
  EXPECT_THAT(yaml, HasSubstr("status: development\n"));
  EXPECT_THAT(yaml, HasSubstr("dataProduct: shipments\n"));
  EXPECT_THAT(yaml, HasSubstr("version: \"1.4.0\"\n"));
  EXPECT_THAT(yaml, HasSubstr("- \"1.0\"\n"));
  EXPECT_THAT(yaml, HasSubstr("username: logistics@example.com"));
  EXPECT_THAT(yaml, HasSubstr("type: kafka\n    host: broker.logistics:9092"));
  EXPECT_THAT(yaml, HasSubstr("physicalName: logistics.shipments.v1"));
  EXPECT_THAT(yaml, HasSubstr("logicalType: string"));
  EXPECT_THAT(yaml, HasSubstr("physicalType: decimal(10,2)"));
  EXPECT_THAT(yaml, HasSubstr("property: latency\n    value: 900\n    unit: s\n    element: events"));
  EXPECT_THAT(exported.unmapped, Contains("spec.inputPorts"));
  EXPECT_THAT(exported.unmapped, Contains("spec.glossaryTerms"));
  EXPECT_THAT(exported.unmapped, Contains("metadata.labels[\"tier\"]"));
}

TEST(OdcsExportTest, ImportingTheExportGivesTheProductBack) {
  const meshdex::v1::DataProduct product = Product();
  const ExportResult exported = ExportOdcs(product);
  absl::StatusOr<ImportResult> again = ImportDescriptor(Format::kOdcs, exported.content);
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << exported.content;
  meshdex::v1::DataProduct expected = product;
  expected.mutable_spec()->clear_input_ports();
  expected.mutable_spec()->clear_glossary_terms();
  expected.mutable_metadata()->clear_labels();
  (*expected.mutable_metadata()->mutable_labels())[kSourceFormatLabel] = "odcs";
  (*expected.mutable_metadata()->mutable_labels())[kSourceIdLabel] = "urn:dp:logistics:shipments";
  std::string difference;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(expected, again->product)) << difference << "\n"
                                                             << exported.content;
}

}  // namespace
}  // namespace meshdex::interop
