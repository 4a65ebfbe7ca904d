// The import mappers field by field, what they report as unmapped or
// derived, and their errors (server/interop/interop.h).
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/catalog/validation.h"
#include "server/interop/interop.h"

namespace meshdex::interop {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOdcsV3[] = R"(
apiVersion: v3.0.2
kind: DataContract
id: 9d1c-orders
name: Orders Stream
domain: Sales Ops
version: v2.1
status: active
description:
  purpose: Every order.
  usage: Analytics.
tags: [orders, "big data"]
authoritativeDefinitions:
  - {type: repository, url: https://git.example.com/orders}
team:
  name: sales-core
  members:
    - {username: ann@example.com, role: Owner}
    - {username: bob, role: engineer}
servers:
  - {server: dev, type: kafka, host: "kafka-dev:9092", environment: dev}
  - {server: prod, type: kafka, host: "kafka-1:9092,kafka-2:9092", format: avro, environment: prod}
schema:
  - name: orders
    physicalName: sales.orders.v1
    physicalType: topic
    description: Order events.
    quality: [{rule: rowCount}]
    properties:
      - {name: order_id, logicalType: string, physicalType: varchar(36), required: true,
         description: Key., classification: public, primaryKey: true}
      - {name: email, physicalType: text, classification: PII}
      - {name: note, logicalType: string, classification: secret}
      - name: address
        logicalType: object
        properties:
          - {name: city, logicalType: string, businessName: City name}
slaProperties:
  - {property: latency, value: 15, unit: min}
  - {property: availability, value: 99.5, unit: "%"}
  - {property: retention, value: 3, unit: y}
price: {priceAmount: 1}
)";

TEST(OdcsImportTest, MapsAV3ContractFieldByField) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kOdcs, kOdcsV3);
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::DataProduct& product = result->product;
  EXPECT_EQ(product.metadata().domain(), "sales-ops");
  EXPECT_EQ(product.metadata().name(), "orders-stream");
  EXPECT_EQ(product.metadata().labels().at(kSourceIdLabel), "9d1c-orders");
  EXPECT_EQ(product.metadata().labels().at(kSourceFormatLabel), "odcs");
  const meshdex::v1::DataProductSpec& spec = product.spec();
  EXPECT_EQ(spec.title(), "Orders Stream");
  EXPECT_EQ(spec.version(), "2.1.0");
  EXPECT_EQ(spec.lifecycle(), "production");
  EXPECT_EQ(spec.description(), "Every order.\n\nUsage: Analytics.");
  EXPECT_THAT(spec.tags(), ::testing::ElementsAre("orders", "big-data"));
  EXPECT_EQ(spec.links().at("repository"), "https://git.example.com/orders");
  EXPECT_EQ(spec.owner().team(), "sales-core");
  EXPECT_EQ(spec.owner().email(), "ann@example.com");

  ASSERT_EQ(spec.output_ports_size(), 1);
  const meshdex::v1::Port& port = spec.output_ports(0);
  EXPECT_EQ(port.name(), "orders");
  EXPECT_EQ(port.kind(), "kafka");
  // The production server, the first broker of its bootstrap list.
  EXPECT_EQ(port.address(), "kafka://kafka-1:9092/sales.orders.v1");
  EXPECT_EQ(port.format(), "avro");
  EXPECT_EQ(port.description(), "Order events.");
  EXPECT_EQ(port.slo().freshness_seconds(), 900);
  EXPECT_DOUBLE_EQ(port.slo().availability_percent(), 99.5);
  ASSERT_EQ(port.schema().fields_size(), 5);
  const auto& id = port.schema().fields(0);
  EXPECT_EQ(id.name(), "order_id");
  EXPECT_EQ(id.type(), "string");
  EXPECT_TRUE(id.required());
  EXPECT_EQ(id.description(), "Key.");
  EXPECT_EQ(id.classification(), "public");
  EXPECT_EQ(port.schema().fields(1).type(), "text");
  EXPECT_EQ(port.schema().fields(1).classification(), "pii");
  EXPECT_EQ(port.schema().fields(2).classification(), "");
  EXPECT_EQ(port.schema().fields(3).name(), "address");
  EXPECT_EQ(port.schema().fields(4).name(), "address.city");
  EXPECT_EQ(port.schema().fields(4).description(), "City name");

  EXPECT_THAT(result->unmapped, Contains("price"));
  EXPECT_THAT(result->unmapped, Contains("schema[*].quality"));
  EXPECT_THAT(result->unmapped, Contains("schema[*].properties[*].primaryKey"));
  EXPECT_THAT(result->unmapped, Contains(HasSubstr("schema[0].properties[2].classification: \"secret\"")));
  EXPECT_THAT(result->unmapped, Contains(HasSubstr("slaProperties[2]: \"retention\"")));
  EXPECT_THAT(result->unmapped, Contains(HasSubstr("servers[0]: \"dev\" serves no schema object")));
  EXPECT_THAT(result->derived, Contains(HasSubstr("metadata.domain: \"sales-ops\" from domain")));
  EXPECT_THAT(result->derived, Contains(HasSubstr("spec.version: \"2.1.0\" from version \"v2.1\"")));
  EXPECT_TRUE(catalog::ValidateProduct(product).ok());
}

TEST(OdcsImportTest, PortsWithoutAReadableServerGetAnExplicitDataset) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kOdcs, R"(
kind: DataContract
apiVersion: v3.0.2
id: c-1
version: 1.0.0
domain: finance
schema:
  - {name: ledger, physicalType: table, properties: [{name: id}]}
servers:
  - {server: lake, type: databricks, host: adb.example.net}
)");
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::Port& port = result->product.spec().output_ports(0);
  EXPECT_EQ(port.kind(), "sql");
  EXPECT_EQ(port.address(), "");
  EXPECT_EQ(port.dataset().namespace_(), "odcs:c-1");
  EXPECT_EQ(port.dataset().name(), "ledger");
  EXPECT_EQ(port.schema().fields(0).type(), "any");
  // A server whose coordinates make no valid address is reported, not used.
  absl::StatusOr<ImportResult> unusable = ImportDescriptor(Format::kOdcs, R"(
kind: DataContract
id: c-2
version: 1.0.0
domain: finance
schema: [{name: t}]
servers: [{server: s, type: kafka, host: "bad host"}]
)");
  ASSERT_TRUE(unusable.ok()) << unusable.status();
  EXPECT_EQ(unusable->product.spec().output_ports(0).address(), "");
  EXPECT_THAT(unusable->unmapped,
              Contains(HasSubstr("schema[0]: server address \"kafka://bad host/t\" is unusable")));
  EXPECT_EQ(result->product.metadata().name(), "c-1");
  EXPECT_THAT(result->derived, Contains(HasSubstr("field id.type: \"any\"")));
  EXPECT_TRUE(catalog::ValidateProduct(result->product).ok());
}

TEST(OdcsImportTest, MapsAV2Contract) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kOdcs, R"(
apiVersion: v2.2.2
kind: DataContract
uuid: 0001
datasetDomain: payments
quantumName: Card Payments
version: 1.0.0
status: draft
sourcePlatform: postgres
server: db.example.com
database: pay
productDl: payments@example.com
stakeholders:
  - {username: carl@example.com, role: Data Owner}
dataset:
  - table: cards
    physicalName: cards
    columns:
      - {column: card_id, logicalType: string, isNullable: false, isPrimaryKey: true}
      - {column: holder, logicalType: string, isNullable: true, classification: pii}
)");
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::DataProduct& product = result->product;
  EXPECT_EQ(product.metadata().domain(), "payments");
  EXPECT_EQ(product.metadata().name(), "card-payments");
  EXPECT_EQ(product.spec().lifecycle(), "draft");
  EXPECT_EQ(product.spec().owner().email(), "carl@example.com");
  const meshdex::v1::Port& port = product.spec().output_ports(0);
  EXPECT_EQ(port.address(), "postgres://db.example.com/pay.public.cards");
  ASSERT_EQ(port.schema().fields_size(), 2);
  EXPECT_TRUE(port.schema().fields(0).required());
  EXPECT_FALSE(port.schema().fields(1).required());
  EXPECT_EQ(port.schema().fields(1).classification(), "pii");
  // Reported in the v2 document's own terms.
  EXPECT_THAT(result->unmapped, Contains("dataset[*].columns[*].isPrimaryKey"));
  EXPECT_TRUE(catalog::ValidateProduct(product).ok());
}

// Found by import_fuzz: a v2 table or column that is not an object made the
// v2 -> v3 rewrite throw (and the server with it).
TEST(OdcsImportTest, V2TablesAndColumnsThatAreNotObjectsAreNoCrash) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(
      Format::kOdcs,
      "apiVersion: 2.2.2\nkind: DataContract\nuuid: u\ndatasetDomain: d\nquantumName: q\n"
      "dataset:\n  - orders\n  - table: lines\n    columns: [7, {column: id, logicalType: string}]\n");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->product.spec().output_ports_size(), 2);
  const meshdex::v1::Port& lines = result->product.spec().output_ports(1);
  EXPECT_EQ(lines.name(), "lines");
  ASSERT_EQ(lines.schema().fields_size(), 1);
  EXPECT_EQ(lines.schema().fields(0).name(), "id");
  EXPECT_THAT(result->unmapped, Contains(HasSubstr("dataset[1].columns[0]: no name")));
}

TEST(OdcsImportTest, DomainOptionWinsAndMissingDomainIsAnError) {
  constexpr char kNoDomain[] = "kind: DataContract\napiVersion: v3.0.2\nid: x\nversion: 1.0.0\n";
  absl::StatusOr<ImportResult> missing = ImportDescriptor(Format::kOdcs, kNoDomain);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("metadata.domain: the odcs document names no domain"));
  absl::StatusOr<ImportResult> given = ImportDescriptor(Format::kOdcs, kNoDomain, {"ops"});
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->product.metadata().domain(), "ops");
  absl::StatusOr<ImportResult> bad = ImportDescriptor(Format::kOdcs, kNoDomain, {"Not OK"});
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("domain: \"Not OK\" must match"));
}

TEST(ImportErrorsTest, RejectBadInputWithThePlace) {
  absl::StatusOr<ImportResult> syntax = ImportDescriptor(Format::kOdcs, "kind: DataContract\n  x: [\n");
  ASSERT_EQ(syntax.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(syntax.status().message()), HasSubstr("line"));
  absl::StatusOr<ImportResult> kind = ImportDescriptor(Format::kOdcs, "kind: Policy\nid: a\n");
  EXPECT_THAT(std::string(kind.status().message()), HasSubstr("kind: \"Policy\""));
  absl::StatusOr<ImportResult> two =
      ImportDescriptor(Format::kOdcs, "kind: DataContract\n---\nkind: DataContract\n");
  EXPECT_THAT(std::string(two.status().message()), HasSubstr("holds 2 documents"));
  absl::StatusOr<ImportResult> odps = ImportDescriptor(Format::kOdps, "name: x\n");
  EXPECT_THAT(std::string(odps.status().message()), HasSubstr("kind: missing"));
  absl::StatusOr<ImportResult> dpds = ImportDescriptor(Format::kDpds, "name: x\n");
  EXPECT_THAT(std::string(dpds.status().message()), HasSubstr("dataProductDescriptor"));
  // Found by import_fuzz: a key with stray bytes was an INTERNAL error.
  absl::StatusOr<ImportResult> bytes =
      ImportDescriptor(Format::kAuto, std::string("kind: DataContract\n\"na\xe9me\": x\n"));
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bytes.status().message()), HasSubstr("not valid UTF-8: byte 0xE9 at offset 22 (line 2, column 4)"));
  absl::StatusOr<ImportResult> contract = ImportDescriptor(Format::kDataContract, "id: x\n");
  EXPECT_EQ(contract.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(contract.status().message()),
              HasSubstr("dataContractSpecification: missing"));
  absl::StatusOr<ImportResult> nameless = ImportDescriptor(
      Format::kOdcs, "kind: DataContract\ndomain: a\nversion: 1.0.0\n");
  EXPECT_THAT(std::string(nameless.status().message()), HasSubstr("metadata.name:"));
  EXPECT_FALSE(ParseFormat("csv").ok());
  ASSERT_TRUE(ParseFormat("ODCS").ok());
  EXPECT_EQ(*ParseFormat("ODCS"), Format::kOdcs);
  ASSERT_TRUE(ParseFormat("datacontract").ok());
  EXPECT_EQ(*ParseFormat("datacontract"), Format::kDataContract);
  EXPECT_THAT(std::string(ParseFormat("csv").status().message()),
              HasSubstr("not one of odcs, dpds, odps, datacontract, auto"));
}

TEST(OdcsImportTest, CapsOutputPortsAtTheCatalogLimitAndReportsTheRest) {
  std::string contract = "kind: DataContract\nid: big\ndomain: d\nversion: 1.0.0\nschema:\n";
  for (int i = 0; i < 66; ++i) {
    contract += "  - {name: t" + std::to_string(i) + ", properties: [{name: id, logicalType: string}]}\n";
  }
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kOdcs, contract);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->product.spec().output_ports_size(), 64);
  EXPECT_THAT(result->unmapped, Contains(HasSubstr("schema[65]: \"t65\" beyond meshdex's 64")));
  EXPECT_TRUE(catalog::ValidateProduct(result->product).ok());
}

TEST(DpdsImportTest, MapsInlinedPortsAndApiDefinitions) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kDpds, R"({
  "dataProductDescriptor": "1.0.0",
  "info": {"fullyQualifiedName": "urn:dpds:acme:dataproducts:stockLevels:1", "version": "0.3.0",
           "domain": "Warehouse", "owner": {"id": "wh@acme.io", "name": "Warehouse Team"}},
  "interfaceComponents": {
    "outputPorts": [{
      "name": "levels", "description": "Stock per item",
      "promises": {
        "platform": "aws:kafka",
        "api": {"specification": "asyncapi", "definition": {
          "asyncapi": "2.5.0",
          "servers": {"production": {"url": "broker.acme.io:9092", "protocol": "kafka"}},
          "channels": {"wh.levels": {"subscribe": {"message": {"payload": {
            "type": "object", "required": ["sku"],
            "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "description": "On hand"}}}}}}}}},
        "slo": {"definition": {"x-qualitySlo": {"freshness": "2m"},
                               "x-operationalSlo": {"availability": "0.995"}}}},
      "obligations": {}}],
    "inputPorts": [{"name": "erpItems", "version": "1.0.0"}],
    "observabilityPorts": [{"name": "health"}]
  }})");
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::DataProduct& product = result->product;
  EXPECT_EQ(product.metadata().domain(), "warehouse");
  EXPECT_EQ(product.metadata().name(), "stock-levels");
  EXPECT_EQ(product.spec().owner().email(), "wh@acme.io");
  EXPECT_EQ(product.spec().owner().team(), "Warehouse Team");
  const meshdex::v1::Port& port = product.spec().output_ports(0);
  EXPECT_EQ(port.kind(), "kafka");
  EXPECT_EQ(port.address(), "kafka://broker.acme.io:9092/wh.levels");
  ASSERT_EQ(port.schema().fields_size(), 2);
  EXPECT_EQ(port.schema().fields(0).name(), "sku");
  EXPECT_TRUE(port.schema().fields(0).required());
  EXPECT_EQ(port.schema().fields(1).type(), "integer");
  EXPECT_EQ(port.slo().freshness_seconds(), 120);
  EXPECT_DOUBLE_EQ(port.slo().availability_percent(), 99.5);
  ASSERT_EQ(product.spec().input_ports_size(), 1);
  EXPECT_EQ(product.spec().input_ports(0).name(), "erp-items");
  EXPECT_THAT(result->unmapped, Contains("interfaceComponents.observabilityPorts"));
  EXPECT_THAT(result->unmapped, Contains("interfaceComponents.outputPorts[*].obligations"));
  EXPECT_TRUE(catalog::ValidateProduct(product).ok());
}

TEST(OdpsImportTest, MapsPortsToContractDatasetsAndNumbersRepeatedNames) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kOdps, R"(
apiVersion: v0.9.0
kind: DataProduct
id: p-1
name: Customer 360
domain: crm
version: v1.0.0
status: draft
outputPorts:
  - {name: customers, type: tables, version: 1.0.0, contractId: c-1}
  - {name: customers, type: tables, version: 2.0.0, contractId: c-2, sbom: []}
  - {name: events, type: topic}
inputPorts:
  - {name: orders, contractId: c-9}
managementPorts: [{name: m}]
)");
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::DataProductSpec& spec = result->product.spec();
  EXPECT_EQ(result->product.metadata().name(), "customer-360");
  EXPECT_EQ(spec.title(), "Customer 360");
  EXPECT_EQ(spec.version(), "1.0.0");
  ASSERT_EQ(spec.output_ports_size(), 3);
  EXPECT_EQ(spec.output_ports(0).name(), "customers");
  EXPECT_EQ(spec.output_ports(1).name(), "customers-2");
  EXPECT_EQ(spec.output_ports(1).dataset().name(), "c-2");
  EXPECT_EQ(spec.output_ports(2).kind(), "kafka");
  EXPECT_EQ(spec.output_ports(2).dataset().namespace_(), "odps:crm.customer-360");
  EXPECT_EQ(spec.input_ports(0).dataset().name(), "c-9");
  EXPECT_THAT(result->unmapped, Contains("managementPorts"));
  EXPECT_THAT(result->unmapped, Contains("outputPorts[*].version"));
  EXPECT_THAT(result->derived, Contains(HasSubstr("\"customers-2\"")));
  EXPECT_TRUE(catalog::ValidateProduct(result->product).ok());
}

constexpr char kDataContract[] = R"(
dataContractSpecification: 1.2.1
id: urn:datacontract:checkout:orders
info:
  title: Orders
  version: v2
  status: active
  description: |
    Every order.
  owner: checkout-team
  contact: {name: Ann, email: ann@example.com, url: https://chat.example.com/checkout}
  links: {runbook: https://wiki.example.com/orders}
terms: {usage: Analytics., limitations: No real time., billing: free}
servers:
  dev: {type: kafka, host: "kafka-dev:9092", environment: dev}
  production: {type: postgres, host: db.example.com, port: 5432, database: shop, schema: sales,
               environment: prod}
  events: {type: kafka, host: "kafka-1:9092,kafka-2:9092", topic: order-events, format: avro}
  archive: {type: s3, location: "s3://archive/{model}/"}
models:
  orders:
    description: One row per order.
    type: table
    primaryKey: [order_id]
    fields:
      order_id: {$ref: "#/definitions/order_id", required: true}
      email: {type: text, pii: true}
      note: {type: text, classification: secret}
      address:
        type: object
        fields:
          city: {type: text, title: City name}
      lines:
        type: array
        items:
          type: object
          fields:
            sku: {$ref: "#/definitions/missing"}
      tags: {type: array, items: {type: text}}
  events:
    title: Order events
definitions:
  order_id: {type: uuid, description: The order's id., classification: internal, pattern: x}
servicelevels:
  availability: {percentage: 99.5%}
  freshness: {threshold: 15m}
  latency: {threshold: 1h}
  retention: {period: P1Y}
quality: {type: SodaCL}
)";

TEST(DataContractImportTest, MapsAContractFieldByField) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(Format::kDataContract, kDataContract);
  ASSERT_TRUE(result.ok()) << result.status();
  const meshdex::v1::DataProduct& product = result->product;
  EXPECT_EQ(product.metadata().domain(), "checkout");
  EXPECT_EQ(product.metadata().name(), "orders");
  EXPECT_EQ(product.metadata().labels().at(kSourceIdLabel), "urn:datacontract:checkout:orders");
  EXPECT_EQ(product.metadata().labels().at(kSourceFormatLabel), "datacontract");
  const meshdex::v1::DataProductSpec& spec = product.spec();
  EXPECT_EQ(spec.title(), "Orders");
  EXPECT_EQ(spec.version(), "2.0.0");
  EXPECT_EQ(spec.lifecycle(), "production");
  EXPECT_EQ(spec.description(), "Every order.\n\nUsage: Analytics.\n\nLimitations: No real time.");
  EXPECT_EQ(spec.owner().team(), "checkout-team");
  EXPECT_EQ(spec.owner().email(), "ann@example.com");
  EXPECT_EQ(spec.links().at("contact"), "https://chat.example.com/checkout");
  EXPECT_EQ(spec.links().at("runbook"), "https://wiki.example.com/orders");

  ASSERT_EQ(spec.output_ports_size(), 2);
  // No server is named "orders": the production one serves it.
  const meshdex::v1::Port& orders = spec.output_ports(0);
  EXPECT_EQ(orders.name(), "orders");
  EXPECT_EQ(orders.description(), "One row per order.");
  EXPECT_EQ(orders.kind(), "sql");
  EXPECT_EQ(orders.address(), "postgres://db.example.com:5432/shop.sales.orders");
  EXPECT_EQ(orders.slo().availability_percent(), 99.5);
  EXPECT_EQ(orders.slo().freshness_seconds(), 900);
  std::vector<std::string> names;
  for (const auto& field : orders.schema().fields()) names.push_back(field.name());
  EXPECT_THAT(names, ::testing::ElementsAre("order_id", "email", "note", "address", "address.city",
                                            "lines", "lines.sku", "tags"));
  const meshdex::v1::SchemaField& order_id = orders.schema().fields(0);
  EXPECT_EQ(order_id.type(), "uuid");
  EXPECT_TRUE(order_id.required());
  EXPECT_EQ(order_id.description(), "The order's id.");
  EXPECT_EQ(order_id.classification(), "internal");
  EXPECT_EQ(orders.schema().fields(1).classification(), "pii");
  EXPECT_EQ(orders.schema().fields(2).classification(), "");
  EXPECT_EQ(orders.schema().fields(4).description(), "City name");
  EXPECT_EQ(orders.schema().fields(6).type(), "any");

  // The server named like the model serves it.
  const meshdex::v1::Port& events = spec.output_ports(1);
  EXPECT_EQ(events.description(), "Order events");
  EXPECT_EQ(events.kind(), "kafka");
  EXPECT_EQ(events.format(), "avro");
  EXPECT_EQ(events.address(), "kafka://kafka-1:9092/order-events");

  EXPECT_THAT(
      result->derived,
      Contains("metadata.domain: \"checkout\" from id \"urn:datacontract:checkout:orders\""));
  EXPECT_THAT(result->derived, Contains(HasSubstr("field email.classification: \"pii\"")));
  EXPECT_THAT(
      result->unmapped,
      Contains("models.orders.fields.lines.items.fields.sku.$ref: \"#/definitions/missing\" "
               "names no definition in this contract"));
  EXPECT_THAT(result->unmapped, Contains(HasSubstr("models.orders.fields.note.classification")));
  EXPECT_THAT(result->unmapped, Contains("models.*.fields.*.pattern"));
  EXPECT_THAT(result->unmapped, Contains("models.*.fields.*.items"));
  EXPECT_THAT(result->unmapped, Contains("models.*.primaryKey"));
  EXPECT_THAT(result->unmapped, Contains("servers.dev: serves no model"));
  EXPECT_THAT(result->unmapped, Contains("servers.archive: serves no model"));
  EXPECT_THAT(result->unmapped, Contains("servicelevels.latency"));
  EXPECT_THAT(result->unmapped, Contains("servicelevels.retention"));
  EXPECT_THAT(result->unmapped, Contains("terms.billing"));
  EXPECT_THAT(result->unmapped, Contains("info.contact.name"));
  EXPECT_THAT(result->unmapped, Contains("quality"));
  EXPECT_TRUE(catalog::ValidateProduct(product).ok());
}

TEST(DataContractImportTest, ModelLocationsAndIdsWithoutADomain) {
  constexpr char kContract[] = R"(
dataContractSpecification: 0.9.3
id: covid_cases
info: {title: COVID-19 cases, version: 0.0.1}
servers:
  s3-json: {type: s3, location: "s3://lake/{model}/*.json", format: json}
models:
  cases: {fields: {fips: {type: string}}}
)";
  absl::StatusOr<ImportResult> missing = ImportDescriptor(Format::kDataContract, kContract);
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      std::string(missing.status().message()),
      HasSubstr("metadata.domain: the datacontract document names no domain (looked at id)"));
  absl::StatusOr<ImportResult> result =
      ImportDescriptor(Format::kDataContract, kContract, {.domain = "health"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->product.metadata().name(), "covid-cases");
  const meshdex::v1::Port& cases = result->product.spec().output_ports(0);
  EXPECT_EQ(cases.kind(), "s3");
  EXPECT_EQ(cases.address(), "s3://lake/cases/*.json");
  EXPECT_EQ(cases.format(), "json");
  EXPECT_THAT(result->derived, Contains(HasSubstr("metadata.name: \"covid-cases\" from id")));

  // A model no server can address gets an explicit dataset.
  absl::StatusOr<ImportResult> local = ImportDescriptor(
      Format::kDataContract,
      "dataContractSpecification: 1.0.0\nid: urn:x:y\ninfo: {title: T, version: 1.0.0}\n"
      "servers: {exchange: {type: local, path: data.csv, format: csv}}\n"
      "models: {garbage: {type: table}}\n",
      {.domain = "city"});
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ(local->product.metadata().name(), "y");
  const meshdex::v1::Port& garbage = local->product.spec().output_ports(0);
  EXPECT_EQ(garbage.kind(), "file");
  EXPECT_EQ(garbage.dataset().namespace_(), "datacontract:urn:x:y");
  EXPECT_EQ(garbage.dataset().name(), "garbage");
  EXPECT_THAT(local->unmapped, Contains("servers.*.path"));
  EXPECT_TRUE(catalog::ValidateProduct(local->product).ok());
}

TEST(ImportTest, AutoTellsTheStandardByItsMarkerAndSaysSo) {
  const std::pair<std::string, std::string> cases[] = {
      {kOdcsV3, "odcs"},
      {kDataContract, "datacontract"},
      {"dataProductDescriptor: 1.0.0\ninfo: {fullyQualifiedName: \"urn:dpds:a:dataproducts:b:1\", "
       "domain: a, name: b, version: 1.0.0}\n",
       "dpds"},
      {"kind: DataProduct\napiVersion: v1.0.0\nid: c\ndomain: d\noutputPorts: [{name: p}]\n",
       "odps"}};
  for (const auto& [content, format] : cases) {
    absl::StatusOr<ImportResult> detected = ImportDescriptor(Format::kAuto, content);
    ASSERT_TRUE(detected.ok()) << format << ": " << detected.status();
    EXPECT_EQ(detected->product.metadata().labels().at(kSourceFormatLabel), format);
    EXPECT_THAT(detected->derived, Contains(HasSubstr("format: \"" + format + "\" (detected by")));
    // The same mapping as naming the format, plus that one derivation.
    absl::StatusOr<ImportResult> named = ImportDescriptor(*ParseFormat(format), content);
    ASSERT_TRUE(named.ok()) << named.status();
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(detected->product, named->product));
    EXPECT_EQ(detected->unmapped, named->unmapped);
    EXPECT_EQ(detected->derived.size(), named->derived.size() + 1);
  }
  absl::StatusOr<ImportResult> native = ImportDescriptor(
      Format::kAuto,
      "apiVersion: meshdex.io/v1\nkind: DataProduct\nmetadata: {domain: a, name: b}\n"
      "spec: {version: 1.0.0}\n");
  EXPECT_EQ(native.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(native.status().message()), HasSubstr("meshdexctl apply"));
  absl::StatusOr<ImportResult> unknown = ImportDescriptor(Format::kAuto, "name: x\n");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("format: cannot tell the descriptor's standard"));
}

TEST(ImportTest, AWellFormedMinimalContractReportsNothing) {
  absl::StatusOr<ImportResult> result = ImportDescriptor(
      Format::kOdcs, "kind: DataContract\napiVersion: v3.0.2\nid: a\nname: a\ndomain: d\nversion: 1.0.0\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->unmapped, IsEmpty());
  EXPECT_THAT(result->derived, IsEmpty());
}

}  // namespace
}  // namespace meshdex::interop
