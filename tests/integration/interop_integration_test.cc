// Descriptor import/export against the real meshdexd: CatalogService
// ImportDescriptor / ExportDescriptor over gRPC, POST /v1/import and GET
// /v1/products/{domain}/{name}/export over HTTP, and meshdexctl import /
// export (with the corpus's multi-file DPDS descriptor when ../shared/corpus
// is present). Import registers the product (dry runs store nothing), bad
// input stores nothing, import -> export -> import changes nothing, and with
// --auth_file an import is authorized as a write to the mapped domain.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "server/auth/sha256.h"
#include "tests/testing/run_command.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

#ifndef MESHDEX_CORPUS_DIR
#error "MESHDEX_CORPUS_DIR must name the shared test corpus"
#endif

namespace meshdex {
namespace {

using testing::CommandResult;

constexpr char kContract[] = R"(apiVersion: v3.0.2
kind: DataContract
id: orders-contract-1
name: Orders
domain: sales
version: 1.2.0
status: active
description: {purpose: Every order placed in the shop.}
team:
  name: sales-core
  members: [{username: sales@example.com, role: owner}]
servers:
  - {server: prod, type: kafka, host: "broker.sales:9092", format: avro}
schema:
  - name: orders
    physicalName: sales.orders.v1
    physicalType: topic
    properties:
      - {name: order_id, logicalType: string, required: true, classification: public}
      - {name: customer_email, logicalType: string, classification: pii}
    quality: [{rule: rowCount}]
slaProperties:
  - {property: latency, value: 10, unit: m}
)";

class InteropIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ServerProcess>(dir_.Sub("data"));
    ASSERT_TRUE(server_->Start());
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
  }

  grpc::Status Import(const std::string& format, const std::string& content, bool dry_run,
                      meshdex::v1::ImportDescriptorResponse* response,
                      const std::string& domain = "") {
    meshdex::v1::ImportDescriptorRequest request;
    request.set_format(format);
    request.set_content(content);
    request.set_dry_run(dry_run);
    request.set_domain(domain);
    grpc::ClientContext context;
    return catalog_->ImportDescriptor(&context, request, response);
  }

  grpc::Status Get(const std::string& urn, meshdex::v1::DataProduct* product) {
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    grpc::ClientContext context;
    return catalog_->GetProduct(&context, request, product);
  }

  int ProductCount() {
    meshdex::v1::ListProductsRequest request;
    meshdex::v1::ListProductsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(catalog_->ListProducts(&context, request, &response).ok());
    return response.products_size();
  }

  httplib::Client Http() {
    const std::string& address = server_->http_address();
    const size_t colon = address.rfind(':');
    return httplib::Client(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  }

  CommandResult Ctl(std::vector<std::string> args) {
    args.insert(args.begin(),
                {testing::BinaryPath("meshdexctl"), "--server", server_->grpc_address()});
    return testing::RunCommand(args);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << text;
    return path;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
};

TEST_F(InteropIntegrationTest, GrpcImportRegistersTheProductAndExportRoundTrips) {
  meshdex::v1::ImportDescriptorResponse dry;
  ASSERT_TRUE(Import("odcs", kContract, /*dry_run=*/true, &dry).ok());
  EXPECT_EQ(dry.outcome(), meshdex::v1::CREATED);
  EXPECT_EQ(dry.product().metadata().urn(), "urn:dp:sales:orders");
  meshdex::v1::DataProduct absent;
  EXPECT_EQ(Get("urn:dp:sales:orders", &absent).error_code(), grpc::StatusCode::NOT_FOUND);

  meshdex::v1::ImportDescriptorResponse imported;
  grpc::Status status = Import("odcs", kContract, /*dry_run=*/false, &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(imported.outcome(), meshdex::v1::CREATED);
  EXPECT_GT(imported.sequence(), 0u);
  EXPECT_EQ(imported.product().metadata().revision(), 1);
  bool quality_reported = false;
  for (const std::string& path : imported.unmapped()) {
    quality_reported = quality_reported || path == "schema[*].quality";
  }
  EXPECT_TRUE(quality_reported);

  meshdex::v1::DataProduct stored;
  ASSERT_TRUE(Get("urn:dp:sales:orders", &stored).ok());
  EXPECT_EQ(stored.spec().owner().team(), "sales-core");
  EXPECT_EQ(stored.spec().owner().email(), "sales@example.com");
  ASSERT_EQ(stored.spec().output_ports_size(), 1);
  const meshdex::v1::Port& port = stored.spec().output_ports(0);
  EXPECT_EQ(port.address(), "kafka://broker.sales:9092/sales.orders.v1");
  EXPECT_EQ(port.slo().freshness_seconds(), 600);
  ASSERT_EQ(port.schema().fields_size(), 2);
  EXPECT_EQ(port.schema().fields(1).classification(), "pii");

  meshdex::v1::ExportDescriptorRequest export_request;
  export_request.set_urn("urn:dp:sales:orders");
  export_request.set_format("odcs");
  meshdex::v1::ExportDescriptorResponse exported;
  grpc::ClientContext export_context;
  ASSERT_TRUE(catalog_->ExportDescriptor(&export_context, export_request, &exported).ok());
  EXPECT_NE(exported.content().find("kind: DataContract"), std::string::npos);

  // The exported contract is the same product: importing it writes nothing.
  meshdex::v1::ImportDescriptorResponse again;
  ASSERT_TRUE(Import("odcs", exported.content(), /*dry_run=*/false, &again).ok());
  EXPECT_EQ(again.outcome(), meshdex::v1::UNCHANGED) << exported.content();
  EXPECT_EQ(again.product().metadata().revision(), 1);
}

TEST_F(InteropIntegrationTest, GrpcBadInputIsInvalidArgumentAndStoresNothing) {
  meshdex::v1::ImportDescriptorResponse response;
  grpc::Status syntax = Import("odcs", "kind: DataContract\n  id: [\n", false, &response);
  EXPECT_EQ(syntax.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(syntax.error_message().find("line"), std::string::npos) << syntax.error_message();
  grpc::Status format = Import("csv", kContract, false, &response);
  EXPECT_EQ(format.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(format.error_message().find("format:"), std::string::npos);
  grpc::Status no_domain =
      Import("odcs", "kind: DataContract\nid: x\nversion: 1.0.0\n", false, &response);
  EXPECT_EQ(no_domain.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(no_domain.error_message().find("metadata.domain"), std::string::npos);
  // Mapped, but refused by catalog validation (a tag longer than 64 characters).
  std::string long_tag = kContract;
  long_tag += "tags: [" + std::string(70, 't') + "]\n";
  grpc::Status invalid = Import("odcs", long_tag, false, &response);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << invalid.error_message();
  EXPECT_NE(invalid.error_message().find("spec.tags[0]"), std::string::npos)
      << invalid.error_message();
  EXPECT_EQ(ProductCount(), 0);
}

TEST_F(InteropIntegrationTest, HttpImportAndExport) {
  httplib::Client http = Http();
  httplib::Result bad = http.Post("/v1/import?from=odcs", "kind: DataContract\n  id: [\n",
                                  "application/yaml");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body)["code"], "INVALID_ARGUMENT");
  httplib::Result no_format = http.Post("/v1/import", kContract, "application/yaml");
  ASSERT_TRUE(no_format);
  EXPECT_EQ(no_format->status, 400);
  EXPECT_EQ(ProductCount(), 0);

  httplib::Result created =
      http.Post("/v1/import?from=odcs&domain=shop", kContract, "application/yaml");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const nlohmann::json body = nlohmann::json::parse(created->body);
  EXPECT_EQ(body["product"]["metadata"]["urn"], "urn:dp:shop:orders");
  EXPECT_EQ(body["outcome"], "CREATED");
  EXPECT_FALSE(body["unmapped"].empty());

  httplib::Result exported = http.Get("/v1/products/shop/orders/export?to=odcs");
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200) << exported->body;
  EXPECT_EQ(exported->get_header_value("Content-Type"), "application/yaml");
  EXPECT_NE(exported->body.find("domain: shop"), std::string::npos);
  EXPECT_NE(exported->body.find("name: customer_email"), std::string::npos);
  httplib::Result unchanged = http.Post("/v1/import?from=odcs", exported->body, "application/yaml");
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 200);
  EXPECT_EQ(nlohmann::json::parse(unchanged->body)["outcome"], "UNCHANGED");

  httplib::Result missing = http.Get("/v1/products/shop/none/export?to=odcs");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  httplib::Result wrong_format = http.Get("/v1/products/shop/orders/export?to=dpds");
  ASSERT_TRUE(wrong_format);
  EXPECT_EQ(wrong_format->status, 400);

  // A Data Contract Specification contract; one without its version key is
  // refused, naming it, and nothing is stored.
  constexpr char kDataContract[] =
      "dataContractSpecification: 1.2.1\nid: urn:datacontract:shop:baskets\n"
      "info: {title: Baskets, version: 1.0.0, owner: shop-core}\n"
      "servers: {prod: {type: kafka, host: kafka-1, topic: baskets}}\n"
      "models: {baskets: {fields: {basket_id: {type: string, required: true}}}}\n";
  httplib::Result not_a_contract =
      http.Post("/v1/import?from=datacontract", "id: urn:datacontract:shop:baskets\n",
                "application/yaml");
  ASSERT_TRUE(not_a_contract);
  EXPECT_EQ(not_a_contract->status, 400);
  EXPECT_NE(not_a_contract->body.find("dataContractSpecification"), std::string::npos);
  EXPECT_EQ(ProductCount(), 1);
  httplib::Result contract =
      http.Post("/v1/import?from=datacontract", kDataContract, "application/yaml");
  ASSERT_TRUE(contract);
  ASSERT_EQ(contract->status, 201) << contract->body;
  const nlohmann::json imported = nlohmann::json::parse(contract->body);
  EXPECT_EQ(imported["product"]["metadata"]["urn"], "urn:dp:shop:baskets");
  EXPECT_EQ(imported["product"]["spec"]["outputPorts"][0]["address"], "kafka://kafka-1/baskets");
  EXPECT_EQ(ProductCount(), 2);
}

TEST_F(InteropIntegrationTest, CliImportDryRunImportAndExport) {
  const std::string contract = WriteFile("orders.odcs.yaml", kContract);
  CommandResult dry = Ctl({"import", "--from", "odcs", "--dry-run", contract});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("urn:dp:sales:orders created"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("[dry run]"), std::string::npos);
  EXPECT_NE(dry.out.find("unmapped schema[*].quality"), std::string::npos) << dry.out;
  EXPECT_EQ(ProductCount(), 0);

  CommandResult applied = Ctl({"import", "--from", "odcs", contract});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.out.find("created (revision 1)"), std::string::npos) << applied.out;

  CommandResult exported = Ctl({"export", "--to", "odcs", "urn:dp:sales:orders"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string exported_file = WriteFile("exported.odcs.yaml", exported.out);
  CommandResult again = Ctl({"import", "--from", "odcs", exported_file});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("unchanged (revision 1)"), std::string::npos) << again.out;

  CommandResult bad = Ctl({"import", "--from", "odcs", WriteFile("bad.yaml", "kind: [\n")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.yaml: document 1:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("(line 2, column 1)"), std::string::npos) << bad.err;
  CommandResult usage = Ctl({"import", "--from", "csv", contract});
  EXPECT_EQ(usage.exit_code, 2);
  CommandResult missing = Ctl({"export", "--to", "odcs", "urn:dp:sales:none"});
  EXPECT_EQ(missing.exit_code, 1);
}

// With --auth_file an import is a product write to the mapped domain: only
// its owner (or an admin) may import, and refusals store nothing.
TEST(InteropAuthTest, ImportIsAWriteToTheMappedDomain) {
  testing::TempDir dir;
  const std::string auth_file = dir.Sub("auth.yaml");
  std::ofstream(auth_file) << "tokens:\n"
                           << "  - {principal: sales-owner, sha256: " << auth::Sha256Hex("sales-token")
                           << ", roles: [\"owner:sales\"]}\n"
                           << "  - {principal: other-owner, sha256: " << auth::Sha256Hex("other-token")
                           << ", roles: [\"owner:logistics\"]}\n"
                           << "  - {principal: reader, sha256: " << auth::Sha256Hex("reader-token")
                           << ", roles: [reader]}\n";
  testing::ServerProcess server(dir.Sub("data"), {"--auth_file=" + auth_file});
  ASSERT_TRUE(server.Start());
  auto catalog = meshdex::v1::CatalogService::NewStub(server.Channel());
  auto import_as = [&](const std::string& token, bool dry_run) {
    meshdex::v1::ImportDescriptorRequest request;
    request.set_format("odcs");
    request.set_content(kContract);
    request.set_dry_run(dry_run);
    meshdex::v1::ImportDescriptorResponse response;
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    return catalog->ImportDescriptor(&context, request, &response).error_code();
  };
  EXPECT_EQ(import_as("", false), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(import_as("reader-token", true), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(import_as("other-token", false), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(import_as("sales-token", false), grpc::StatusCode::OK);

  const std::string& address = server.http_address();
  const size_t colon = address.rfind(':');
  httplib::Client http(address.substr(0, colon), std::stoi(address.substr(colon + 1)));
  httplib::Result denied = http.Post("/v1/import?from=odcs", {{"Authorization", "Bearer other-token"}},
                                     kContract, "application/yaml");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  httplib::Result exported = http.Get("/v1/products/sales/orders/export?to=odcs",
                                      {{"Authorization", "Bearer reader-token"}});
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->status, 200);
}

TEST_F(InteropIntegrationTest, CliImportsCorpusDescriptorsWithLocalRefs) {
  const std::filesystem::path corpus = std::filesystem::path(MESHDEX_CORPUS_DIR) / "products";
  if (!std::filesystem::is_directory(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  CommandResult dpds = Ctl({"import", "--from", "dpds",
                            (corpus / "odm-dpds/examples/tripexecution/data-product-descriptor.json")
                                .string()});
  ASSERT_EQ(dpds.exit_code, 0) << dpds.err;
  meshdex::v1::DataProduct trip;
  ASSERT_TRUE(Get("urn:dp:transport-management:trip-execution", &trip).ok());
  EXPECT_EQ(trip.spec().output_ports_size(), 2);
  EXPECT_EQ(trip.spec().owner().email(), "john.doe@company-xyz.com");

  CommandResult odcs = Ctl({"import", "--from", "odcs",
                            (corpus / "odcs/examples/all/full-example.odcs.yaml").string()});
  ASSERT_EQ(odcs.exit_code, 0) << odcs.err;
  meshdex::v1::DataProduct quantum;
  ASSERT_TRUE(Get("urn:dp:seller:my-quantum", &quantum).ok());
  EXPECT_EQ(quantum.spec().owner().team(), "my-team");
  int fields = 0;
  for (const auto& port : quantum.spec().output_ports()) fields += port.schema().fields_size();
  EXPECT_EQ(fields, 7);

  CommandResult odps = Ctl({"import", "--from", "odps", "--domain", "retail",
                            (corpus / "odps/examples/simple-data-product.odps.yaml").string()});
  ASSERT_EQ(odps.exit_code, 0) << odps.err;
  meshdex::v1::DataProduct simple;
  ASSERT_TRUE(Get("urn:dp:retail:simple-data-product", &simple).ok());

  // No --from: meshdexctl's default, auto, tells the standard.
  CommandResult datacontract =
      Ctl({"import", "--domain", "checkout",
           (corpus / "datacontract-spec/examples/orders-latest/datacontract.yaml").string()});
  ASSERT_EQ(datacontract.exit_code, 0) << datacontract.err;
  EXPECT_NE(datacontract.out.find("unmapped servicelevels.retention"), std::string::npos)
      << datacontract.out;
  EXPECT_NE(datacontract.out.find("derived  format: \"datacontract\" (detected by "
                                  "dataContractSpecification)"),
            std::string::npos)
      << datacontract.out;
  meshdex::v1::DataProduct orders;
  ASSERT_TRUE(Get("urn:dp:checkout:orders-latest", &orders).ok());
  EXPECT_EQ(orders.spec().owner().team(), "Checkout Team");
  ASSERT_EQ(orders.spec().output_ports_size(), 2);
  EXPECT_EQ(orders.spec().output_ports(0).address(),
            "s3://datacontract-example-orders-latest/v2/orders/*.json");
  EXPECT_EQ(orders.spec().output_ports(0).schema().fields_size(), 6);

  // Without --domain a contract naming no domain (nor tenant) is refused, saying so.
  CommandResult refused = Ctl({"import", "--from", "odcs",
                               (corpus / "odcs/examples/schema/table-column.odcs.yaml").string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("metadata.domain"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace meshdex
