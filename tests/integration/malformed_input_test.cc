// Malformed input against one real meshdexd, table by table: descriptors over
// gRPC (one case per validation rule) and the same descriptors plus broken
// documents over HTTP, OpenLineage events over gRPC and HTTP, policies over
// gRPC and HTTP, search queries, and bad paths and parameters. Each case gets
// exactly the client error it deserves (INVALID_ARGUMENT / 400, NOT_FOUND /
// 404, ABORTED / 409, 413 ...), never INTERNAL / 500, and HTTP errors are
// always {"code","message"}. Every refused write stores nothing:
// AdminService.GetStats' last_sequence is the same after each write table.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/health_probe.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using grpc::StatusCode;
using std::string_literals::operator""s;
using Json = nlohmann::ordered_json;
using meshdex::v1::DataProduct;
using meshdex::v1::Policy;

// A product every descriptor case breaks in one place. Its domain has no
// policy, so only validation can refuse it.
DataProduct ValidProduct() {
  DataProduct product;
  product.set_api_version("meshdex.io/v1");
  product.set_kind("DataProduct");
  product.mutable_metadata()->set_domain("malformed");
  product.mutable_metadata()->set_name("probe");
  (*product.mutable_metadata()->mutable_labels())["tier"] = "gold";
  auto* spec = product.mutable_spec();
  spec->set_title("Probe");
  spec->set_description("A product every case breaks once.");
  spec->mutable_owner()->set_team("qa");
  spec->mutable_owner()->set_email("qa@example.com");
  spec->set_version("1.0.0");
  spec->set_lifecycle("experimental");
  spec->add_tags("probe");
  spec->add_glossary_terms("Probe");
  auto* output = spec->add_output_ports();
  output->set_name("events");
  output->set_kind("kafka");
  output->set_address("kafka://broker:9092/malformed.probe");
  output->set_format("avro");
  auto* field = output->mutable_schema()->add_fields();
  field->set_name("id");
  field->set_type("string");
  field->set_required(true);
  output->mutable_slo()->set_freshness_seconds(3600);
  output->mutable_slo()->set_availability_percent(99.5);
  auto* input = spec->add_input_ports();
  input->set_name("source");
  input->set_kind("api");
  input->set_address("https://api.example.com/v1/source");
  (*spec->mutable_links())["repository"] = "https://git.example.com/probe";
  return product;
}

meshdex::v1::Port& Output(DataProduct& product) {
  return *product.mutable_spec()->mutable_output_ports(0);
}
meshdex::v1::SchemaField& Field(DataProduct& product) {
  return *Output(product).mutable_schema()->mutable_fields(0);
}

// A warn policy of the domain "malformed" that every policy case breaks once.
Policy ValidPolicy() {
  Policy policy;
  policy.set_api_version("meshdex.io/v1");
  policy.set_kind("Policy");
  policy.mutable_metadata()->set_domain("malformed");
  policy.mutable_metadata()->set_name("probe-policy");
  auto* spec = policy.mutable_spec();
  spec->set_description("A policy every case breaks once.");
  spec->set_enforcement("warn");
  spec->mutable_applies_to()->add_lifecycles("production");
  spec->mutable_applies_to()->add_kinds("kafka");
  auto* title = spec->add_rules();
  title->set_path("spec.title");
  title->set_require(true);
  auto* names = spec->add_rules();
  names->set_path("spec.outputPorts[*].name");
  names->set_regex("[a-z-]+");
  auto* tags = spec->add_rules();
  tags->set_path("spec.tags");
  tags->set_min_items(1);
  tags->set_max_items(10);
  auto* owner = spec->add_rules();
  owner->set_path("spec.owner.email");
  owner->set_require(true);
  owner->mutable_when()->set_path("spec.lifecycle");
  owner->mutable_when()->set_equals("production");
  return policy;
}

meshdex::v1::PolicyRule& Rule(Policy& policy, int i = 0) {
  return *policy.mutable_spec()->mutable_rules(i);
}

// A RunEvent every event case breaks once; the suite's seed ingests it as is.
Json ValidEvent() {
  return Json{{"eventType", "COMPLETE"},
              {"eventTime", "2024-05-01T10:00:00Z"},
              {"producer", "https://example.com/qa"},
              {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
              {"run", {{"runId", "00000000-0000-4000-8000-000000000001"}}},
              {"job", {{"namespace", "malformed"}, {"name", "load"}}},
              {"inputs", {{{"namespace", "kafka://broker:9092"}, {"name", "malformed.in"}}}},
              {"outputs", {{{"namespace", "s3://bucket"}, {"name", "malformed/out"}}}}};
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

// `times` copies of `text` joined into one string.
std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// A descriptor broken in one place: refused INVALID_ARGUMENT (gRPC) / 400
// (HTTP) with `path` in the message.
struct ProductCase {
  std::string name;
  std::function<void(DataProduct&)> mutate;
  std::string path;
};

std::vector<ProductCase> ProductCases() {
  const std::string long_name(64, 'a');
  return {
      {"apiVersion of another version", [](auto& p) { p.set_api_version("meshdex.io/v2"); },
       "apiVersion"},
      {"kind of another resource", [](auto& p) { p.set_kind("Policy"); }, "kind"},
      {"domain missing", [](auto& p) { p.mutable_metadata()->clear_domain(); },
       "metadata.domain: required"},
      {"domain upper case", [](auto& p) { p.mutable_metadata()->set_domain("Sales"); },
       "metadata.domain"},
      {"domain starting with a digit", [](auto& p) { p.mutable_metadata()->set_domain("1sales"); },
       "metadata.domain"},
      {"domain with an underscore", [](auto& p) { p.mutable_metadata()->set_domain("a_b"); },
       "metadata.domain"},
      {"domain of 64 characters", [=](auto& p) { p.mutable_metadata()->set_domain(long_name); },
       "metadata.domain"},
      {"name missing", [](auto& p) { p.mutable_metadata()->clear_name(); },
       "metadata.name: required"},
      {"name with a space", [](auto& p) { p.mutable_metadata()->set_name("two words"); },
       "metadata.name"},
      {"name with a dot", [](auto& p) { p.mutable_metadata()->set_name("a.b"); }, "metadata.name"},
      {"name of 64 characters", [=](auto& p) { p.mutable_metadata()->set_name(long_name); },
       "metadata.name"},
      {"label key starting with '-'",
       [](auto& p) { (*p.mutable_metadata()->mutable_labels())["-tier"] = "x"; },
       "metadata.labels"},
      {"label key with two slashes",
       [](auto& p) { (*p.mutable_metadata()->mutable_labels())["a/b/c"] = "x"; },
       "metadata.labels"},
      {"label key name of 64 characters",
       [=](auto& p) { (*p.mutable_metadata()->mutable_labels())[long_name] = "x"; },
       "metadata.labels"},
      {"label value with a line break",
       [](auto& p) { (*p.mutable_metadata()->mutable_labels())["tier"] = "a\nb"; },
       "control characters"},
      {"label value of 257 characters",
       [](auto& p) { (*p.mutable_metadata()->mutable_labels())["tier"] = std::string(257, 'v'); },
       "metadata.labels"},
      {"65 labels",
       [](auto& p) {
         for (int i = 0; i < 65; ++i) {
           (*p.mutable_metadata()->mutable_labels())["l" + std::to_string(i)] = "v";
         }
       },
       "metadata.labels: at most 64"},
      {"title with a line break", [](auto& p) { p.mutable_spec()->set_title("a\nb"); },
       "spec.title"},
      {"title of 257 characters",
       [](auto& p) { p.mutable_spec()->set_title(std::string(257, 't')); }, "spec.title"},
      {"description with a control character",
       [](auto& p) { p.mutable_spec()->set_description("bell \x07"); }, "spec.description"},
      {"description over 16 KiB",
       [](auto& p) { p.mutable_spec()->set_description(std::string(16 * 1024 + 1, 'd')); },
       "spec.description"},
      {"owner team of 129 characters",
       [](auto& p) { p.mutable_spec()->mutable_owner()->set_team(std::string(129, 'o')); },
       "spec.owner.team"},
      {"owner email without @",
       [](auto& p) { p.mutable_spec()->mutable_owner()->set_email("qa.example.com"); },
       "spec.owner.email"},
      {"owner email with a space",
       [](auto& p) { p.mutable_spec()->mutable_owner()->set_email("q a@example.com"); },
       "spec.owner.email"},
      {"owner email without a domain dot",
       [](auto& p) { p.mutable_spec()->mutable_owner()->set_email("qa@localhost"); },
       "spec.owner.email"},
      {"owner email of 255 characters",
       [](auto& p) {
         p.mutable_spec()->mutable_owner()->set_email(std::string(243, 'q') + "@example.com");
       },
       "spec.owner.email"},
      {"version missing", [](auto& p) { p.mutable_spec()->clear_version(); },
       "spec.version: required"},
      {"version with a leading v", [](auto& p) { p.mutable_spec()->set_version("v1.0.0"); },
       "drop the leading 'v'"},
      {"version with two parts", [](auto& p) { p.mutable_spec()->set_version("1.0"); },
       "spec.version"},
      {"version with a leading zero", [](auto& p) { p.mutable_spec()->set_version("01.0.0"); },
       "spec.version"},
      {"version of 129 characters",
       [](auto& p) { p.mutable_spec()->set_version("1.0.0-" + std::string(123, 'r')); },
       "spec.version"},
      {"unknown lifecycle", [](auto& p) { p.mutable_spec()->set_lifecycle("beta"); },
       "spec.lifecycle"},
      {"lifecycle in upper case", [](auto& p) { p.mutable_spec()->set_lifecycle("PRODUCTION"); },
       "spec.lifecycle"},
      {"duplicate tag", [](auto& p) { p.mutable_spec()->add_tags("probe"); }, "spec.tags[1]"},
      {"empty tag", [](auto& p) { p.mutable_spec()->add_tags(""); }, "spec.tags[1]: required"},
      {"tag with whitespace", [](auto& p) { p.mutable_spec()->add_tags("two words"); },
       "spec.tags[1]"},
      {"tag of 65 characters", [](auto& p) { p.mutable_spec()->add_tags(std::string(65, 't')); },
       "spec.tags[1]"},
      {"65 tags",
       [](auto& p) {
         for (int i = 0; i < 64; ++i) p.mutable_spec()->add_tags("t" + std::to_string(i));
       },
       "spec.tags: at most 64"},
      {"glossary term with a tab", [](auto& p) { p.mutable_spec()->add_glossary_terms("a\tb"); },
       "spec.glossaryTerms[1]"},
      {"65 glossary terms",
       [](auto& p) {
         for (int i = 0; i < 64; ++i) p.mutable_spec()->add_glossary_terms("g" + std::to_string(i));
       },
       "spec.glossaryTerms: at most 64"},
      {"output port without a name", [](auto& p) { Output(p).clear_name(); },
       "spec.outputPorts[0].name: required"},
      {"output port name in upper case", [](auto& p) { Output(p).set_name("Events"); },
       "spec.outputPorts[0].name"},
      {"two output ports of one name",
       [](auto& p) {
         auto* port = p.mutable_spec()->add_output_ports();
         *port = Output(p);
         port->set_address("kafka://broker:9092/malformed.other");
       },
       "duplicate port name"},
      {"output port without a kind", [](auto& p) { Output(p).clear_kind(); },
       "spec.outputPorts[0].kind: required"},
      {"output port of an unknown kind", [](auto& p) { Output(p).set_kind("ftp"); },
       "spec.outputPorts[0].kind"},
      {"output port without address or dataset", [](auto& p) { Output(p).clear_address(); },
       "spec.outputPorts[0].address: required"},
      {"address of an unsupported scheme", [](auto& p) { Output(p).set_address("ftp://host/x"); },
       "spec.outputPorts[0].address"},
      {"address with whitespace",
       [](auto& p) { Output(p).set_address("kafka://broker:9092/a topic"); },
       "spec.outputPorts[0].address"},
      {"address with credentials",
       [](auto& p) { Output(p).set_address("kafka://user:secret@broker:9092/t"); },
       "spec.outputPorts[0].address"},
      {"address with a query",
       [](auto& p) { Output(p).set_address("https://api.example.com/v1/x?page=1"); },
       "spec.outputPorts[0].address"},
      {"address with a fragment",
       [](auto& p) { Output(p).set_address("https://api.example.com/v1/x#top"); },
       "spec.outputPorts[0].address"},
      {"kafka address without a topic",
       [](auto& p) { Output(p).set_address("kafka://broker:9092/"); },
       "spec.outputPorts[0].address"},
      {"s3 address without a key", [](auto& p) { Output(p).set_address("s3://bucket"); },
       "spec.outputPorts[0].address"},
      {"postgres address without a table",
       [](auto& p) { Output(p).set_address("postgres://db:5432"); }, "spec.outputPorts[0].address"},
      {"address of 2049 characters",
       [](auto& p) { Output(p).set_address("kafka://broker:9092/" + std::string(2029, 't')); },
       "spec.outputPorts[0].address"},
      {"dataset without a name",
       [](auto& p) { Output(p).mutable_dataset()->set_namespace_("kafka://broker:9092"); },
       "spec.outputPorts[0].dataset.name"},
      {"dataset without a namespace", [](auto& p) { Output(p).mutable_dataset()->set_name("t"); },
       "spec.outputPorts[0].dataset.namespace"},
      {"two output ports of one dataset",
       [](auto& p) {
         auto* port = p.mutable_spec()->add_output_ports();
         *port = Output(p);
         port->set_name("again");
       },
       "already the dataset of spec.outputPorts[0]"},
      {"port format of 65 characters", [](auto& p) { Output(p).set_format(std::string(65, 'f')); },
       "spec.outputPorts[0].format"},
      {"port description with a control character",
       [](auto& p) { Output(p).set_description("nul-ish \x01"); },
       "spec.outputPorts[0].description"},
      {"schema field without a name", [](auto& p) { Field(p).clear_name(); },
       "spec.outputPorts[0].schema.fields[0].name: required"},
      {"schema field without a type", [](auto& p) { Field(p).clear_type(); },
       "spec.outputPorts[0].schema.fields[0].type: required"},
      {"two schema fields of one name",
       [](auto& p) { *Output(p).mutable_schema()->add_fields() = Field(p); }, "duplicate field"},
      {"unknown classification", [](auto& p) { Field(p).set_classification("secret"); },
       "spec.outputPorts[0].schema.fields[0].classification"},
      {"field description over 4 KiB",
       [](auto& p) { Field(p).set_description(std::string(4097, 'd')); },
       "spec.outputPorts[0].schema.fields[0].description"},
      {"field type of 257 characters", [](auto& p) { Field(p).set_type(std::string(257, 't')); },
       "spec.outputPorts[0].schema.fields[0].type"},
      {"1001 schema fields",
       [](auto& p) {
         for (int i = 0; i < 1000; ++i) {
           auto* field = Output(p).mutable_schema()->add_fields();
           field->set_name("f" + std::to_string(i));
           field->set_type("string");
         }
       },
       "at most 1000 fields"},
      {"negative freshness", [](auto& p) { Output(p).mutable_slo()->set_freshness_seconds(-1); },
       "spec.outputPorts[0].slo.freshnessSeconds"},
      {"availability over 100",
       [](auto& p) { Output(p).mutable_slo()->set_availability_percent(100.5); },
       "spec.outputPorts[0].slo.availabilityPercent"},
      {"negative availability",
       [](auto& p) { Output(p).mutable_slo()->set_availability_percent(-0.1); },
       "spec.outputPorts[0].slo.availabilityPercent"},
      {"availability NaN",
       [](auto& p) { Output(p).mutable_slo()->set_availability_percent(std::nan("")); },
       "spec.outputPorts[0].slo.availabilityPercent"},
      {"65 output ports",
       [](auto& p) {
         for (int i = 0; i < 64; ++i) {
           auto* port = p.mutable_spec()->add_output_ports();
           port->set_name("p" + std::to_string(i));
           port->set_kind("kafka");
           port->set_address("kafka://broker:9092/t" + std::to_string(i));
         }
       },
       "at most 64 output ports"},
      {"input port name with a dot",
       [](auto& p) { p.mutable_spec()->mutable_input_ports(0)->set_name("a.b"); },
       "spec.inputPorts[0].name"},
      {"input port of a bad address",
       [](auto& p) { p.mutable_spec()->mutable_input_ports(0)->set_address("mailto:qa@x.org"); },
       "spec.inputPorts[0].address"},
      {"input port of an unknown kind",
       [](auto& p) { p.mutable_spec()->mutable_input_ports(0)->set_kind("carrier-pigeon"); },
       "spec.inputPorts[0].kind"},
      {"link with an empty key", [](auto& p) { (*p.mutable_spec()->mutable_links())[""] = "x"; },
       "key must not be empty"},
      {"link key with whitespace",
       [](auto& p) { (*p.mutable_spec()->mutable_links())["a b"] = "x"; }, "spec.links"},
      {"link value with a line break",
       [](auto& p) { (*p.mutable_spec()->mutable_links())["repository"] = "a\nb"; }, "spec.links"},
      {"33 links",
       [](auto& p) {
         for (int i = 0; i < 33; ++i) {
           (*p.mutable_spec()->mutable_links())["l" + std::to_string(i)] = "x";
         }
       },
       "spec.links: at most 32"},
      {"descriptor over 1 MiB",
       [](auto& p) {
         for (int i = 0; i < 300; ++i) {
           auto* field = Output(p).mutable_schema()->add_fields();
           field->set_name("f" + std::to_string(i));
           field->set_type("string");
           field->set_description(std::string(4000, 'd'));
         }
       },
       "exceeds the limit of 1 MiB"},
  };
}

// A policy broken in one place: refused INVALID_ARGUMENT (gRPC) / 400 (HTTP)
// with `path` in the message.
struct PolicyCase {
  std::string name;
  std::function<void(Policy&)> mutate;
  std::string path;
};

std::vector<PolicyCase> PolicyCases() {
  return {
      {"apiVersion of another version", [](auto& p) { p.set_api_version("meshdex.io/v9"); },
       "apiVersion"},
      {"kind of another resource", [](auto& p) { p.set_kind("DataProduct"); }, "kind"},
      {"name missing", [](auto& p) { p.mutable_metadata()->clear_name(); }, "metadata.name"},
      {"name with an underscore", [](auto& p) { p.mutable_metadata()->set_name("bad_name"); },
       "metadata.name"},
      {"name of 64 characters",
       [](auto& p) { p.mutable_metadata()->set_name(std::string(64, 'n')); }, "metadata.name"},
      {"domain in upper case", [](auto& p) { p.mutable_metadata()->set_domain("Sales"); },
       "metadata.domain"},
      {"unknown enforcement", [](auto& p) { p.mutable_spec()->set_enforcement("maybe"); },
       "spec.enforcement"},
      {"enforcement in upper case", [](auto& p) { p.mutable_spec()->set_enforcement("ENFORCE"); },
       "spec.enforcement"},
      {"enforcement missing", [](auto& p) { p.mutable_spec()->clear_enforcement(); },
       "spec.enforcement"},
      {"appliesTo an unknown lifecycle",
       [](auto& p) { p.mutable_spec()->mutable_applies_to()->add_lifecycles("forever"); },
       "spec.appliesTo.lifecycles"},
      {"appliesTo an unknown port kind",
       [](auto& p) { p.mutable_spec()->mutable_applies_to()->add_kinds("ftp"); },
       "spec.appliesTo.kinds"},
      {"domain policy applying to another domain",
       [](auto& p) { p.mutable_spec()->mutable_applies_to()->add_domains("sales"); },
       "spec.appliesTo.domains"},
      {"global policy applying to a malformed domain",
       [](auto& p) {
         p.mutable_metadata()->clear_domain();
         p.mutable_spec()->mutable_applies_to()->add_domains("Not A Domain");
       },
       "spec.appliesTo.domains"},
      {"appliesTo 65 lifecycles",
       [](auto& p) {
         for (int i = 0; i < 65; ++i)
           p.mutable_spec()->mutable_applies_to()->add_lifecycles("draft");
       },
       "spec.appliesTo.lifecycles"},
      {"no rules", [](auto& p) { p.mutable_spec()->clear_rules(); }, "spec.rules"},
      {"201 rules",
       [](auto& p) {
         for (int i = 0; i < 197; ++i) *p.mutable_spec()->add_rules() = Rule(p);
       },
       "spec.rules"},
      {"rule without a check", [](auto& p) { Rule(p).clear_require(); }, "spec.rules[0]: no check"},
      {"rule without a path", [](auto& p) { Rule(p).clear_path(); }, "spec.rules[0].path"},
      {"rule path with an empty step", [](auto& p) { Rule(p).set_path("spec..title"); },
       "spec.rules[0].path"},
      {"rule path to an unknown field", [](auto& p) { Rule(p).set_path("spec.nothing"); },
       "spec.rules[0].path"},
      {"rule path with a bad index", [](auto& p) { Rule(p).set_path("spec.outputPorts[x].name"); },
       "spec.rules[0].path"},
      {"rule path with an open bracket", [](auto& p) { Rule(p).set_path("spec.outputPorts[*"); },
       "spec.rules[0].path"},
      {"rule path through a scalar", [](auto& p) { Rule(p).set_path("spec.title.length"); },
       "spec.rules[0].path"},
      {"rule path in snake_case with a bracket",
       [](auto& p) { Rule(p).set_path("spec.output_ports[]"); }, "spec.rules[0].path"},
      {"regex that does not compile", [](auto& p) { Rule(p, 1).set_regex("(a"); },
       "spec.rules[1].regex"},
      {"regex of 1025 bytes", [](auto& p) { Rule(p, 1).set_regex(std::string(1025, 'a')); },
       "spec.rules[1].regex"},
      {"257 oneOf values",
       [](auto& p) {
         for (int i = 0; i < 257; ++i) Rule(p).add_one_of("v" + std::to_string(i));
       },
       "spec.rules[0].oneOf"},
      {"oneOf value of 1025 bytes", [](auto& p) { Rule(p).add_one_of(std::string(1025, 'v')); },
       "spec.rules[0].oneOf"},
      {"negative minItems", [](auto& p) { Rule(p, 2).set_min_items(-1); },
       "spec.rules[2].minItems"},
      {"negative maxItems", [](auto& p) { Rule(p, 2).set_max_items(-1); },
       "spec.rules[2].maxItems"},
      {"minItems above maxItems", [](auto& p) { Rule(p, 2).set_min_items(11); }, "spec.rules[2]"},
      {"min above max",
       [](auto& p) {
         Rule(p).set_path("spec.outputPorts[*].slo.freshnessSeconds");
         Rule(p).set_min(10);
         Rule(p).set_max(1);
       },
       "spec.rules[0]"},
      {"minItems on a scalar", [](auto& p) { Rule(p).set_min_items(1); }, "spec.rules[0]"},
      {"regex on a message", [](auto& p) { Rule(p, 1).set_path("spec.owner"); }, "spec.rules[1]"},
      {"min on a list of messages",
       [](auto& p) {
         Rule(p).set_path("spec.outputPorts");
         Rule(p).set_min(1);
       },
       "spec.rules[0]"},
      {"when without equals or regex", [](auto& p) { Rule(p, 3).mutable_when()->clear_equals(); },
       "spec.rules[3].when"},
      {"when with equals and regex", [](auto& p) { Rule(p, 3).mutable_when()->set_regex("p.*"); },
       "spec.rules[3].when"},
      {"when with a bad path", [](auto& p) { Rule(p, 3).mutable_when()->set_path("spec.[0]"); },
       "spec.rules[3].when.path"},
      {"when regex that does not compile",
       [](auto& p) {
         Rule(p, 3).mutable_when()->clear_equals();
         Rule(p, 3).mutable_when()->set_regex("[z-a]");
       },
       "spec.rules[3].when.regex"},
      {"when on a message", [](auto& p) { Rule(p, 3).mutable_when()->set_path("spec.owner"); },
       "spec.rules[3].when"},
      {"description over 16 KiB",
       [](auto& p) { p.mutable_spec()->set_description(std::string(16 * 1024 + 1, 'd')); },
       "spec.description"},
  };
}

// An OpenLineage event text refused INVALID_ARGUMENT (gRPC IngestEvent) and
// 400 (HTTP POST /api/v1/lineage) with `names` in the message ("" = any).
struct EventCase {
  std::string name;
  std::string text;
  std::string names;
  // False for text that is not UTF-8. A proto3 string cannot carry it: the
  // client library complains, and gRPC's own deserializer refuses it in the
  // server with INTERNAL before meshdex sees the request.
  bool over_grpc = true;
};

// ValidEvent() changed by `mutate`, as text.
std::string Event(const std::function<void(Json&)>& mutate) {
  Json event = ValidEvent();
  mutate(event);
  return event.dump();
}

std::vector<EventCase> EventCases() {
  std::vector<EventCase> cases = {
      {"empty text", "", ""},
      {"only whitespace", " \n\t ", ""},
      {"not JSON", "not json", ""},
      {"an unclosed object", "{\"eventTime\": ", ""},
      {"null", "null", ""},
      {"a number", "42", ""},
      {"a string", "\"event\"", ""},
      {"true", "true", ""},
      {"an empty object", "{}", "eventTime"},
      {"a valid event followed by garbage", ValidEvent().dump() + " trailing", ""},
      {"two events without an array", ValidEvent().dump() + ValidEvent().dump(), ""},
      {"invalid UTF-8", "{\"eventTime\": \"\xff\xfe\"}", "", /*over_grpc=*/false},
      {"a raw NUL byte in a string",
       [] {
         std::string text = ValidEvent().dump();
         return text.replace(text.find("load"), 4, "lo\0d"s);
       }(),
       ""},
      {"single quotes", "{'eventTime': '2024-05-01T10:00:00Z'}", ""},
      {"a comment", "/* event */ " + ValidEvent().dump(), ""},
      {"100,000 nested arrays", std::string(100000, '[') + std::string(100000, ']'), "deep"},
      {"a facet nested 70 deep", Event([](Json& e) {
         Json deep = Json::object();
         for (int i = 0; i < 70; ++i) deep = Json{{"d", deep}};
         e["run"]["facets"]["custom"] = deep;
       }),
       "deep"},
      {"eventTime missing", Event([](Json& e) { e.erase("eventTime"); }), "eventTime"},
      {"eventTime not a date", Event([](Json& e) { e["eventTime"] = "yesterday"; }), "eventTime"},
      {"eventTime on February 30th",
       Event([](Json& e) { e["eventTime"] = "2024-02-30T10:00:00Z"; }), "eventTime"},
      {"eventTime at hour 25", Event([](Json& e) { e["eventTime"] = "2024-05-01T25:00:00Z"; }),
       "eventTime"},
      {"eventTime in year 0", Event([](Json& e) { e["eventTime"] = "0000-01-01T00:00:00Z"; }),
       "eventTime"},
      {"eventTime a date only", Event([](Json& e) { e["eventTime"] = "2024-05-01"; }), "eventTime"},
      {"eventTime a number", Event([](Json& e) { e["eventTime"] = 1714557600; }), "eventTime"},
      {"eventTime with a bad offset",
       Event([](Json& e) { e["eventTime"] = "2024-05-01T10:00:00+25:00"; }), "eventTime"},
      {"producer missing", Event([](Json& e) { e.erase("producer"); }), "producer"},
      {"producer not a URI", Event([](Json& e) { e["producer"] = "not a uri"; }), "producer"},
      {"producer a number", Event([](Json& e) { e["producer"] = 42; }), "producer"},
      {"schemaURL missing", Event([](Json& e) { e.erase("schemaURL"); }), "schemaURL"},
      {"schemaURL relative", Event([](Json& e) { e["schemaURL"] = "spec/OpenLineage.json"; }),
       "schemaURL"},
      {"unknown eventType", Event([](Json& e) { e["eventType"] = "DONE"; }), "eventType"},
      {"eventType a number", Event([](Json& e) { e["eventType"] = 3; }), "eventType"},
      {"run a string", Event([](Json& e) { e["run"] = "r1"; }), "run"},
      {"runId missing", Event([](Json& e) { e["run"].erase("runId"); }), "run.runId"},
      {"runId not a UUID", Event([](Json& e) { e["run"]["runId"] = "not-a-uuid"; }), "run.runId"},
      {"runId one digit short",
       Event([](Json& e) { e["run"]["runId"] = "00000000-0000-4000-8000-00000000001"; }),
       "run.runId"},
      {"runId in braces",
       Event([](Json& e) { e["run"]["runId"] = "{00000000-0000-4000-8000-000000000001}"; }),
       "run.runId"},
      {"runId a number", Event([](Json& e) { e["run"]["runId"] = 12345; }), "run.runId"},
      {"job missing from a run event", Event([](Json& e) { e.erase("job"); }), "job"},
      {"job namespace empty", Event([](Json& e) { e["job"]["namespace"] = ""; }), "job.namespace"},
      {"job name missing", Event([](Json& e) { e["job"].erase("name"); }), "job.name"},
      {"job name a number", Event([](Json& e) { e["job"]["name"] = 42; }), "job.name"},
      {"job name of 1025 bytes", Event([](Json& e) { e["job"]["name"] = std::string(1025, 'j'); }),
       "job.name"},
      {"job name with a line break", Event([](Json& e) { e["job"]["name"] = "a\nb"; }), "job.name"},
      {"job name with an escaped NUL", Event([](Json& e) { e["job"]["name"] = "a\0b"s; }),
       "job.name"},
      {"inputs an object", Event([](Json& e) { e["inputs"] = Json::object(); }), "inputs"},
      {"an input a number", Event([](Json& e) { e["inputs"] = Json::array({42}); }), "inputs[0]"},
      {"an input without a name", Event([](Json& e) { e["inputs"][0].erase("name"); }),
       "inputs[0].name"},
      {"an output of an empty namespace", Event([](Json& e) { e["outputs"][0]["namespace"] = ""; }),
       "outputs[0].namespace"},
      {"job and dataset but no run", Event([](Json& e) {
         e.erase("run");
         e["dataset"] = {{"namespace", "s3://bucket"}, {"name", "x"}};
       }),
       ""},
      {"neither run nor job nor dataset", Event([](Json& e) {
         e.erase("run");
         e.erase("job");
       }),
       ""},
      {"a dataset event whose dataset is a string", Event([](Json& e) {
         e.erase("run");
         e.erase("job");
         e["dataset"] = "x";
       }),
       "dataset"},
      {"run facets a string", Event([](Json& e) { e["run"]["facets"] = "x"; }), "run.facets"},
      {"a run facet that is a number", Event([](Json& e) { e["run"]["facets"]["custom"] = 1; }),
       "run.facets.custom"},
      {"a parent facet without its run", Event([](Json& e) {
         e["run"]["facets"]["parent"] = {{"job", {{"namespace", "n"}, {"name", "p"}}}};
       }),
       "run.facets.parent"},
      {"an errorMessage facet without a message", Event([](Json& e) {
         e["run"]["facets"]["errorMessage"] = {{"programmingLanguage", "C++"}};
       }),
       "run.facets.errorMessage"},
      {"a sql job facet without a query",
       Event([](Json& e) { e["job"]["facets"]["sql"] = Json::object(); }), "job.facets.sql"},
      {"a schema facet whose fields are a string", Event([](Json& e) {
         e["outputs"][0]["facets"]["schema"] = {{"fields", "id"}};
       }),
       "outputs[0].facets.schema"},
      {"column lineage from an empty namespace", Event([](Json& e) {
         e["outputs"][0]["facets"]["columnLineage"] = {
             {"fields",
              {{"id", {{"inputFields", {{{"namespace", ""}, {"name", "x"}, {"field", "id"}}}}}}}}};
       }),
       "outputs[0].facets.columnLineage"},
      {"a facet _deleted that is a string", Event([](Json& e) {
         e["job"]["facets"]["custom"] = {{"_deleted", "yes"}};
       }),
       "job.facets.custom"},
      {"10,001 datasets", Event([](Json& e) {
         Json inputs = Json::array();
         for (int i = 0; i <= 10000; ++i) {
           inputs.push_back({{"namespace", "n"}, {"name", "d" + std::to_string(i)}});
         }
         e["inputs"] = inputs;
       }),
       "10000"},
      {"an event over 4 MiB", Event([](Json& e) {
         e["job"]["facets"]["custom"] = {{"pad", std::string(4 << 20, 'p')}};
       }),
       "4194304"},
  };
  return cases;
}

// Queries that parse or are refused, never an internal error.
std::vector<std::string> SearchQueries() {
  return {"\"",
          "\"unclosed phrase",
          "(",
          ")",
          "((((((((",
          "a AND (b OR",
          ":",
          "domain:",
          "domain:\"",
          "-",
          "--x",
          "-domain:sales",
          "*",
          "**",
          "a*b*c*",
          "AND",
          "OR OR OR",
          "NOT",
          "a NEAR b",
          "a NEAR/3 b",
          "a ADJ b",
          "~x",
          "+",
          "^",
          "a:b:c",
          "type:planet",
          "lifecycle:",
          "owner:@",
          "tag:\"two words\"",
          "nul\0byte"s,
          "\xf0\x9f\x98\x80 emoji",
          std::string(300, 'w'),  // longer than Xapian's term limit
          Repeat("(", 1000),
          Repeat("a OR ", 400),
          Repeat("x* ", 600),
          std::string(2048, 'q')};
}

// Queries that are not UTF-8: HTTP only (see EventCase::over_grpc).
std::vector<std::string> NonUtf8Queries() {
  return {"\xff\xfe\xfd", "\xe2\x82" /* truncated */, "caf\xe9" /* Latin-1 */,
          "\xc0\xaf" /* overlong '/' */, "\xed\xa0\x80" /* a surrogate */};
}

// An HTTP request and its exact status. Errors must be {"code","message"},
// the message naming `names` ("" = any).
struct HttpCase {
  std::string name;
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
  int status;
  std::string names = "";
};

// A descriptor document as YAML, named urn:dp:malformed:doc.
constexpr char kYamlProduct[] = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: malformed, name: doc}
spec:
  title: Document
  version: 1.0.0
  outputPorts:
    - {name: events, kind: kafka, address: "kafka://broker:9092/malformed.doc"}
)";

std::vector<HttpCase> ProductDocumentCases() {
  const std::string json = "application/json";
  const std::string yaml = "application/yaml";
  auto post = [](std::string name, std::string content_type, std::string body,
                 std::string names = "") {
    return HttpCase{std::move(name), "POST", "/v1/products", std::move(content_type),
                    std::move(body), 400, std::move(names)};
  };
  // kYamlProduct with `from` replaced by `to`.
  auto yaml_with = [](const std::string& from, const std::string& to) {
    std::string text = kYamlProduct;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  return {
      post("empty JSON body", json, ""),
      post("whitespace body", json, "  \n "),
      post("JSON with an unclosed object", json, "{\"metadata\": {\"domain\": \"a\""),
      post("JSON with a trailing comma", json, "{\"metadata\": {\"domain\": \"a\",}}"),
      post("JSON with a missing value", json, "{\"metadata\": }"),
      post("JSON null", json, "null"),
      post("a JSON number", json, "42"),
      post("a JSON string", json, "\"product\""),
      post("an empty JSON array", json, "[]"),
      post("a JSON array of numbers", json, "[1, 2]"),
      post("JSON with a duplicate key", json,
           "{\"metadata\": {\"domain\": \"malformed\", \"domain\": \"other\", \"name\": \"x\"}}"),
      post("JSON nested 1000 deep", json, Repeat("{\"a\":", 1000) + "1" + std::string(1000, '}')),
      post("JSON arrays nested 100,000 deep", json,
           std::string(100000, '[') + std::string(100000, ']')),
      post("JSON with invalid UTF-8", json,
           "{\"metadata\": {\"domain\": \"malformed\", \"name\": \"\xff\xfe\"}}",
           "not valid UTF-8: byte 0xFF at offset 46 (line 1, column 47)"),
      post("JSON with a raw NUL byte", json,
           "{\"metadata\": {\"domain\": \"malformed\", \"name\": \"a\0b\"}}"s),
      post("JSON with an escaped NUL", json,
           "{\"metadata\": {\"domain\": \"malformed\", \"name\": \"a\\u0000b\"}}"),
      post("JSON with a lone surrogate escape", json,
           "{\"metadata\": {\"domain\": \"malformed\", \"name\": \"\\ud800\"}}"),
      post("freshness larger than int64", json,
           "{\"spec\": {\"outputPorts\": [{\"slo\": {\"freshnessSeconds\": "
           "9223372036854775808}}]}}"),
      post("freshness 1e400", json,
           "{\"spec\": {\"outputPorts\": [{\"slo\": {\"freshnessSeconds\": 1e400}}]}}"),
      post("freshness a fraction", json,
           "{\"spec\": {\"outputPorts\": [{\"slo\": {\"freshnessSeconds\": 1.5}}]}}"),
      post("availability a word", json,
           "{\"spec\": {\"outputPorts\": [{\"slo\": {\"availabilityPercent\": \"high\"}}]}}"),
      post("metadata a string", json, "{\"metadata\": \"malformed/doc\"}"),
      post("tags a string", json, "{\"spec\": {\"tags\": \"a,b\"}}"),
      post("outputPorts an object", json, "{\"spec\": {\"outputPorts\": {\"name\": \"x\"}}}"),
      post("labels a list", json, "{\"metadata\": {\"labels\": [\"a\"]}}"),
      post(
          "required a word", json,
          "{\"spec\": {\"outputPorts\": [{\"schema\": {\"fields\": [{\"required\": \"yes\"}]}}]}}"),
      post("an unknown top-level field", json, "{\"metadata\": {}, \"extra\": 1}"),
      post("a misspelt port field", yaml, yaml_with("address:", "adress:")),
      post("an unknown metadata field", yaml, yaml_with("name: doc}", "name: doc, owner: me}")),
      post("a label value that is a list", yaml,
           yaml_with("name: doc}", "name: doc, labels: {tier: [a]}}")),
      post("metadata.revision a word", yaml, yaml_with("name: doc}", "name: doc, revision: two}")),
      post("another kind", yaml, yaml_with("kind: DataProduct", "kind: Policy")),
      post("YAML with bad indentation", yaml, "metadata:\n  domain: a\n name: b\n"),
      post("YAML indented with tabs", yaml, "metadata:\n\tdomain: a\n"),
      post("YAML with an unclosed quote", yaml, "metadata: {domain: \"a}\n"),
      post("YAML with an unclosed flow list", yaml, "spec: {tags: [a, b\n"),
      post("YAML alias of no anchor", yaml, "metadata: *nowhere\n"),
      post(
          "YAML alias bomb", yaml,
          "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
          "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
          "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"),
      post("YAML with a duplicate key", yaml, yaml_with("name: doc}", "name: doc, name: dup}")),
      post("YAML with a Latin-1 title", yaml, yaml_with("title: Document", "title: Caf\xe9"),
           "not valid UTF-8: byte 0xE9 at offset 103 (line 5, column 13)"),
      post("YAML nested 100 deep", yaml, Repeat("[", 100) + Repeat("]", 100) + "\n"),
      post("YAML block nesting 100 deep", yaml,
           [] {
             std::string text;
             for (int i = 0; i < 100; ++i) text += std::string(2 * i, ' ') + "k:\n";
             return text;
           }()),
      post("YAML document of a scalar", yaml, "just a sentence\n"),
      // yaml-cpp alone would read endless empty documents after the comma.
      post("YAML flow mapping followed by a comma", yaml, "{a: 1},",
           "unexpected text after the end of a document"),
      post("YAML flow list followed by text", yaml, "[a] b"),
      post("a second document that is broken", yaml,
           std::string(kYamlProduct) + "---\nmetadata: {domain: malformed, name: doc2, oops: 1}\n"),
      post("a second document that fails validation", yaml,
           std::string(kYamlProduct) + "---\n" + yaml_with("name: doc}", "name: Doc2}")),
      post("Content-Type text/plain", "text/plain", kYamlProduct,
           "send application/json or application/yaml"),
      post("Content-Type application/xml", "application/xml", "<product/>"),
      post("Content-Type form-urlencoded", "application/x-www-form-urlencoded", "a=b"),
      post("Content-Type multipart/form-data", "multipart/form-data; boundary=b",
           "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--b--\r\n"),
      post("Content-Type nonsense", "???", kYamlProduct),
      {"PUT naming another product", "PUT", "/v1/products/malformed/other", yaml, kYamlProduct,
       400},
      {"PUT of two documents", "PUT", "/v1/products/malformed/doc", yaml,
       std::string(kYamlProduct) + "---\n" + kYamlProduct, 400},
      {"PUT with an invalid name in the path", "PUT", "/v1/products/malformed/Bad_Name", yaml,
       yaml_with("metadata: {domain: malformed, name: doc}", "metadata: {}"), 400},
      {"expected_revision with two documents", "POST", "/v1/products?expected_revision=1", yaml,
       std::string(kYamlProduct) + "---\n" + yaml_with("name: doc}", "name: doc2}"), 400},
  };
}

class MalformedInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = std::make_unique<testing::TempDir>();
    server_ = std::make_unique<testing::ServerProcess>(
        temp_->Sub("data"), std::vector<std::string>{"--sync_writes=false"});
    ASSERT_TRUE(server_->Start());
    http_ = std::make_unique<httplib::Client>("http://" + server_->http_address());
    http_->set_read_timeout(30, 0);
    http_->set_default_headers({{"Accept-Encoding", "identity"}});
    catalog_ = meshdex::v1::CatalogService::NewStub(server_->Channel());
    governance_ = meshdex::v1::GovernanceService::NewStub(server_->Channel());
    lineage_ = meshdex::v1::LineageService::NewStub(server_->Channel());
    search_ = meshdex::v1::SearchService::NewStub(server_->Channel());
    admin_ = meshdex::v1::AdminService::NewStub(server_->Channel());
    Seed();
    WaitForIndex();
  }

  // Search answers UNAVAILABLE while the index of a fresh data dir is built:
  // wait (bounded) until it serves, then until it has applied the seed (a
  // min_sequence search waits for that), so every search case meets it.
  static void WaitForIndex() {
    ASSERT_EQ(testing::ProbeUntilServing(server_->Channel(), "meshdex.v1.SearchService"),
              grpc::health::v1::HealthCheckResponse::SERVING);
    meshdex::v1::SearchRequest request;
    request.set_min_sequence(LastSequence());
    const grpc::Status status =
        Unary(search_.get(), &meshdex::v1::SearchService::Stub::Search, request);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  static void TearDownTestSuite() {
    catalog_.reset();
    governance_.reset();
    lineage_.reset();
    search_.reset();
    admin_.reset();
    http_.reset();
    server_.reset();
    temp_.reset();
  }

  // What the refusals are checked against: a product urn:dp:seed:orders
  // owning kafka://broker:9092/seed.orders, an enforced policy of the domain
  // "guarded" (products need a tag), and ValidEvent() ingested.
  static void Seed() {
    DataProduct product = ValidProduct();
    product.mutable_metadata()->set_domain("seed");
    product.mutable_metadata()->set_name("orders");
    Output(product).set_address("kafka://broker:9092/seed.orders");
    ASSERT_TRUE(ApplyProduct(product).ok());
    Policy policy = ValidPolicy();
    policy.mutable_metadata()->set_domain("guarded");
    policy.mutable_spec()->set_enforcement("enforce");
    policy.mutable_spec()->clear_applies_to();
    ASSERT_TRUE(ApplyPolicy(policy).ok());
    meshdex::v1::IngestEventRequest event;
    event.set_event_json(ValidEvent().dump());
    ASSERT_TRUE(Unary(lineage_.get(), &meshdex::v1::LineageService::Stub::IngestEvent, event).ok());
  }

  // Calls a unary RPC and returns its status (the response is dropped).
  template <typename Stub, typename Request, typename Response>
  static grpc::Status Unary(Stub* stub,
                            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                         Response*),
                            const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Response response;
    return (stub->*method)(&context, request, &response);
  }

  static grpc::Status ApplyProduct(const DataProduct& product, int64_t expected_revision = 0,
                                   bool dry_run = false) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = product;
    request.set_expected_revision(expected_revision);
    request.set_dry_run(dry_run);
    return Unary(catalog_.get(), &meshdex::v1::CatalogService::Stub::ApplyProduct, request);
  }

  static grpc::Status ApplyPolicy(const Policy& policy, bool dry_run = false) {
    meshdex::v1::ApplyPolicyRequest request;
    *request.mutable_policy() = policy;
    request.set_dry_run(dry_run);
    return Unary(governance_.get(), &meshdex::v1::GovernanceService::Stub::ApplyPolicy, request);
  }

  static grpc::Status IngestEvent(const std::string& text) {
    meshdex::v1::IngestEventRequest request;
    request.set_event_json(text);
    return Unary(lineage_.get(), &meshdex::v1::LineageService::Stub::IngestEvent, request);
  }

  static uint64_t LastSequence() {
    meshdex::v1::Stats stats;
    grpc::ClientContext context;
    EXPECT_TRUE(admin_->GetStats(&context, meshdex::v1::GetStatsRequest(), &stats).ok());
    return stats.last_sequence();
  }

  // Sends `request` and checks its status; an error body must be exactly
  // {"code","message"} with the code the status maps from.
  static void ExpectHttp(const HttpCase& request) {
    httplib::Headers headers;
    if (!request.content_type.empty()) headers.emplace("Content-Type", request.content_type);
    const httplib::Result result = [&] {
      if (request.method == "GET") return http_->Get(request.path, headers);
      if (request.method == "DELETE") return http_->Delete(request.path, headers);
      if (request.method == "PUT") {
        return http_->Put(request.path, headers, request.body, request.content_type.c_str());
      }
      return http_->Post(request.path, headers, request.body, request.content_type.c_str());
    }();
    ASSERT_TRUE(result) << request.name << ": " << httplib::to_string(result.error());
    EXPECT_EQ(result->status, request.status) << request.name << ": " << result->body;
    if (result->status < 400) return;
    const Json body = Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(body.is_object() && body.size() == 2 && body["code"].is_string() &&
                body["message"].is_string())
        << request.name << ": " << result->body;
    EXPECT_NE(body["message"].get<std::string>().find(request.names), std::string::npos)
        << request.name << ": " << result->body;
  }

  // The status line answering the head of a POST to `path` that declares a
  // `length`-byte body, which is never sent ("" without an answer).
  static std::string StatusLineForDeclaredBody(const std::string& path, size_t length) {
    const std::string& address = server_->http_address();
    const size_t colon = address.rfind(':');
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
    inet_pton(AF_INET, address.substr(0, colon).c_str(), &peer.sin_addr);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    std::string line;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&peer), sizeof(peer)) == 0) {
      const std::string head = "POST " + path +
                               " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                               "Content-Length: " +
                               std::to_string(length) + "\r\n\r\n";
      send(fd, head.data(), head.size(), MSG_NOSIGNAL);
      for (char c; recv(fd, &c, 1, 0) == 1 && c != '\r';) line += c;
    }
    close(fd);
    return line;
  }

  static inline std::unique_ptr<testing::TempDir> temp_;
  static inline std::unique_ptr<testing::ServerProcess> server_;
  static inline std::unique_ptr<httplib::Client> http_;
  static inline std::unique_ptr<meshdex::v1::CatalogService::Stub> catalog_;
  static inline std::unique_ptr<meshdex::v1::GovernanceService::Stub> governance_;
  static inline std::unique_ptr<meshdex::v1::LineageService::Stub> lineage_;
  static inline std::unique_ptr<meshdex::v1::SearchService::Stub> search_;
  static inline std::unique_ptr<meshdex::v1::AdminService::Stub> admin_;
};

TEST_F(MalformedInputTest, TheCasesBreakValidResources) {
  // Each case changes one thing of these; they must pass for the cases to
  // mean anything.
  EXPECT_TRUE(ApplyProduct(ValidProduct(), 0, /*dry_run=*/true).ok());
  EXPECT_TRUE(ApplyPolicy(ValidPolicy(), /*dry_run=*/true).ok());
  ExpectHttp({"valid product, dry run", "POST", "/v1/products?dry_run=true", "application/json",
              ToJson(ValidProduct()), 200});
  ExpectHttp({"valid YAML product, dry run", "POST", "/v1/products?dry_run=true",
              "application/yaml", kYamlProduct, 200});
  ExpectHttp({"valid policy, dry run", "POST", "/v1/policies?dry_run=true", "application/json",
              ToJson(ValidPolicy()), 200});
}

TEST_F(MalformedInputTest, BadDescriptorsAreRefusedOverGrpcAndHttpNamingTheField) {
  const uint64_t before = LastSequence();
  for (const ProductCase& c : ProductCases()) {
    DataProduct product = ValidProduct();
    c.mutate(product);
    const grpc::Status status = ApplyProduct(product);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.path), std::string::npos)
        << c.name << ": " << status.error_message();
    ExpectHttp({c.name, "POST", "/v1/products", "application/json", ToJson(product), 400});
  }
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(MalformedInputTest, WritesTheCatalogRefusesStoreNothing) {
  DataProduct claimed = ValidProduct();
  Output(claimed).set_address("kafka://broker:9092/seed.orders");
  DataProduct guarded = ValidProduct();
  guarded.mutable_metadata()->set_domain("guarded");
  guarded.mutable_spec()->clear_tags();
  DataProduct seed = ValidProduct();
  seed.mutable_metadata()->set_domain("seed");
  seed.mutable_metadata()->set_name("orders");
  Output(seed).set_address("kafka://broker:9092/seed.orders");
  seed.mutable_spec()->set_title("Changed");
  struct Case {
    std::string name;
    std::function<grpc::Status()> call;
    StatusCode code;
  };
  auto delete_product = [](const std::string& urn, int64_t expected_revision) {
    meshdex::v1::DeleteProductRequest request;
    request.set_urn(urn);
    request.set_expected_revision(expected_revision);
    return Unary(catalog_.get(), &meshdex::v1::CatalogService::Stub::DeleteProduct, request);
  };
  auto delete_policy = [](const std::string& domain, const std::string& name) {
    meshdex::v1::DeletePolicyRequest request;
    request.set_domain(domain);
    request.set_name(name);
    return Unary(governance_.get(), &meshdex::v1::GovernanceService::Stub::DeletePolicy, request);
  };
  const std::vector<Case> cases = {
      {"ApplyProduct without a product", [] { return ApplyProduct(DataProduct()); },
       StatusCode::INVALID_ARGUMENT},
      {"a dataset another product owns", [&] { return ApplyProduct(claimed); },
       StatusCode::ALREADY_EXISTS},
      {"an enforced policy violated", [&] { return ApplyProduct(guarded); },
       StatusCode::FAILED_PRECONDITION},
      {"expected_revision of a product that does not exist",
       [] { return ApplyProduct(ValidProduct(), /*expected_revision=*/3); }, StatusCode::ABORTED},
      {"expected_revision behind the stored one", [&] { return ApplyProduct(seed, 7); },
       StatusCode::ABORTED},
      {"DeleteProduct of a malformed URN", [&] { return delete_product("urn:dp:seed", 0); },
       StatusCode::INVALID_ARGUMENT},
      {"DeleteProduct of an empty URN", [&] { return delete_product("", 0); },
       StatusCode::INVALID_ARGUMENT},
      {"DeleteProduct of no product", [&] { return delete_product("urn:dp:seed:missing", 0); },
       StatusCode::NOT_FOUND},
      {"DeleteProduct with a stale revision",
       [&] { return delete_product("urn:dp:seed:orders", 9); }, StatusCode::ABORTED},
      {"ApplyPolicy without a policy", [] { return ApplyPolicy(Policy()); },
       StatusCode::INVALID_ARGUMENT},
      {"DeletePolicy of no policy", [&] { return delete_policy("", "missing"); },
       StatusCode::NOT_FOUND},
      {"DeletePolicy of a malformed name", [&] { return delete_policy("", "Bad Name"); },
       StatusCode::INVALID_ARGUMENT},
      {"DeletePolicy of a malformed domain", [&] { return delete_policy("Bad", "x"); },
       StatusCode::INVALID_ARGUMENT},
      {"Evaluate without a product",
       [] {
         return Unary(governance_.get(), &meshdex::v1::GovernanceService::Stub::Evaluate,
                      meshdex::v1::EvaluateRequest());
       },
       StatusCode::INVALID_ARGUMENT},
  };
  const uint64_t before = LastSequence();
  for (const Case& c : cases) {
    const grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), c.code) << c.name << ": " << status.error_message();
  }
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(MalformedInputTest, BrokenDescriptorDocumentsAreRefusedOverHttp) {
  const uint64_t before = LastSequence();
  for (const HttpCase& c : ProductDocumentCases()) ExpectHttp(c);
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(MalformedInputTest, OversizedBodiesAre413BeforeTheyAreSent) {
  const uint64_t before = LastSequence();
  for (const char* path : {"/v1/products", "/v1/policies", "/api/v1/lineage", "/v1/evaluate"}) {
    EXPECT_EQ(StatusLineForDeclaredBody(path, 9 << 20).rfind("HTTP/1.1 413 ", 0), 0u) << path;
  }
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(MalformedInputTest, BadPoliciesAreRefusedOverGrpcAndHttpNamingTheField) {
  const uint64_t before = LastSequence();
  for (const PolicyCase& c : PolicyCases()) {
    Policy policy = ValidPolicy();
    c.mutate(policy);
    const grpc::Status status = ApplyPolicy(policy);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.path), std::string::npos)
        << c.name << ": " << status.error_message();
    ExpectHttp({c.name, "POST", "/v1/policies", "application/json", ToJson(policy), 400});
  }
  const std::string yaml = "application/yaml";
  const std::vector<HttpCase> documents = {
      {"empty body", "POST", "/v1/policies", yaml, "", 400},
      {"YAML syntax error", "POST", "/v1/policies", yaml, "metadata: {name: [x\n", 400},
      {"misspelt spec.rules", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: warn, rule: [{path: spec.title, require: "
       "true}]}\n",
       400},
      {"misspelt rule check", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: warn, rules: [{path: spec.title, requires: "
       "true}]}\n",
       400},
      {"rules a mapping", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: warn, rules: {path: spec.title}}\n", 400},
      {"enforcement a list", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: [warn], rules: [{path: spec.title, require: "
       "true}]}\n",
       400},
      {"require a word", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: warn, rules: [{path: spec.title, require: "
       "sure}]}\n",
       400},
      {"minItems a word", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: warn, rules: [{path: spec.tags, minItems: "
       "one}]}\n",
       400},
      {"when.equals a list", "POST", "/v1/policies", yaml,
       "metadata: {name: p}\nspec: {enforcement: warn, rules: [{path: spec.title, require: true, "
       "when: {path: spec.lifecycle, equals: [a]}}]}\n",
       400},
      {"a DataProduct document", "POST", "/v1/policies", yaml, kYamlProduct, 400},
      {"Content-Type text/plain", "POST", "/v1/policies", "text/plain", ToJson(ValidPolicy()), 400},
      {"one valid and one broken document", "POST", "/v1/policies", "application/json",
       "[" + ToJson(ValidPolicy()) + ", {\"metadata\": {\"name\": \"x\"}, \"extra\": 1}]", 400},
  };
  for (const HttpCase& c : documents) ExpectHttp(c);
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(MalformedInputTest, BadOpenLineageEventsAreRefusedOverGrpcAndHttp) {
  const uint64_t before = LastSequence();
  for (const EventCase& c : EventCases()) {
    if (c.over_grpc) {
      const grpc::Status status = IngestEvent(c.text);
      EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT)
          << c.name << ": " << status.error_message();
      EXPECT_NE(status.error_message().find(c.names), std::string::npos)
          << c.name << ": " << status.error_message();
    }
    ExpectHttp({c.name, "POST", "/api/v1/lineage", "application/json", c.text, 400});
  }
  const std::string bad = Event([](Json& e) { e["run"]["runId"] = "x"; });
  const std::vector<HttpCase> batches = {
      {"an empty batch", "POST", "/api/v1/lineage", "application/json", "[]", 400},
      {"a batch of a number", "POST", "/api/v1/lineage", "application/json", "[1]", 400},
      {"a batch that is not JSON", "POST", "/api/v1/lineage", "application/json", "[{}", 400},
      {"a batch of one bad event", "POST", "/api/v1/lineage", "application/json", "[" + bad + "]",
       400},
      {"a batch whose first event is bad", "POST", "/api/v1/lineage", "application/json",
       "[" + bad + "," + ValidEvent().dump() + "]", 400},
  };
  for (const HttpCase& c : batches) ExpectHttp(c);
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(MalformedInputTest, OddSearchQueriesAreAnsweredOrRefusedNeverFailed) {
  for (const std::string& query : SearchQueries()) {
    meshdex::v1::SearchRequest search;
    search.set_query(query);
    search.set_highlight(true);
    search.add_facets("domain");
    const grpc::Status searched =
        Unary(search_.get(), &meshdex::v1::SearchService::Stub::Search, search);
    EXPECT_TRUE(searched.ok() || searched.error_code() == StatusCode::INVALID_ARGUMENT)
        << query << ": " << searched.error_code() << " " << searched.error_message();
    meshdex::v1::SuggestRequest suggest;
    suggest.set_prefix(query);
    const grpc::Status suggested =
        Unary(search_.get(), &meshdex::v1::SearchService::Stub::Suggest, suggest);
    EXPECT_TRUE(suggested.ok() || suggested.error_code() == StatusCode::INVALID_ARGUMENT)
        << query << ": " << suggested.error_code() << " " << suggested.error_message();
    // HTTP answers as gRPC did.
    const std::string q = httplib::detail::encode_query_param(query);
    ExpectHttp({query, "GET", "/v1/search?highlight=true&facet=domain&q=" + q, "", "",
                searched.ok() ? 200 : 400});
    ExpectHttp({query, "GET", "/v1/suggest?q=" + q, "", "", suggested.ok() ? 200 : 400});
  }
  for (const std::string& query : NonUtf8Queries()) {
    const std::string q = httplib::detail::encode_query_param(query);
    for (const std::string& path : {"/v1/search?q=" + q, "/v1/suggest?q=" + q}) {
      const httplib::Result result = http_->Get(path);
      ASSERT_TRUE(result) << path;
      EXPECT_TRUE(result->status == 200 || result->status == 400) << path << ": " << result->body;
    }
  }
}

// Request bytes no conforming client library would build, sent as they are.
grpc::Status RawUnary(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                      const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  grpc::Slice slice(bytes);
  const grpc::ByteBuffer request(&slice, 1);
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, method, request, &queue);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, &queue);
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(queue.Next(&tag, &ok));
  return status;
}

TEST_F(MalformedInputTest, UndecodableGrpcRequestsAreInvalidArgumentAndStoreNothing) {
  // A product whose title is not UTF-8: the bytes of a valid request with
  // one byte of a marker replaced.
  meshdex::v1::ApplyProductRequest apply;
  *apply.mutable_product() = ValidProduct();
  apply.mutable_product()->mutable_metadata()->set_name("latin1");
  apply.mutable_product()->mutable_spec()->set_title("Caf-marker-Q");
  std::string bytes = apply.SerializeAsString();
  const size_t marker = bytes.find("Caf-marker-Q");
  ASSERT_NE(marker, std::string::npos);
  bytes[marker + 3] = '\xe9';  // Latin-1 'é': not UTF-8 on its own.
  const uint64_t before = LastSequence();
  grpc::Status status = RawUnary(server_->Channel(), "/meshdex.v1.CatalogService/ApplyProduct", bytes);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("meshdex.v1.DataProductSpec.title is not valid UTF-8"),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(LastSequence(), before);

  // A length running past the end of the message.
  status = RawUnary(server_->Channel(), "/meshdex.v1.SearchService/Search", "\x0a\x09" "abc");
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("not a decodable protobuf message"), std::string::npos)
      << status.error_message();

  // The same path with well-formed bytes reaches the handler as usual.
  meshdex::v1::GetProductRequest get;
  get.set_urn("urn:dp:seed:absent");
  status = RawUnary(server_->Channel(), "/meshdex.v1.CatalogService/GetProduct", get.SerializeAsString());
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND) << status.error_message();
}

TEST_F(MalformedInputTest, BadParametersAreRefusedOverGrpc) {
  struct Case {
    std::string name;
    std::function<grpc::Status()> call;
    StatusCode code;
  };
  using Catalog = meshdex::v1::CatalogService::Stub;
  using Lineage = meshdex::v1::LineageService::Stub;
  using Governance = meshdex::v1::GovernanceService::Stub;
  using Search = meshdex::v1::SearchService::Stub;
  auto list_products = [](int page_size, const std::string& token, const std::string& domain) {
    meshdex::v1::ListProductsRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_domain(domain);
    return Unary(catalog_.get(), &Catalog::ListProducts, request);
  };
  auto get_product = [](const std::string& urn, int64_t revision) {
    meshdex::v1::GetProductRequest request;
    request.set_urn(urn);
    request.set_revision(revision);
    return Unary(catalog_.get(), &Catalog::GetProduct, request);
  };
  auto list_revisions = [](const std::string& urn, int page_size, const std::string& token) {
    meshdex::v1::ListRevisionsRequest request;
    request.set_urn(urn);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return Unary(catalog_.get(), &Catalog::ListRevisions, request);
  };
  auto resolve = [](const std::string& address) {
    meshdex::v1::ResolveAddressRequest request;
    request.set_address(address);
    return Unary(catalog_.get(), &Catalog::ResolveAddress, request);
  };
  auto search = [](int page_size, const std::string& token, const std::string& facet,
                   const std::string& type) {
    meshdex::v1::SearchRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    if (!facet.empty()) request.add_facets(facet);
    if (!type.empty()) request.add_types(type);
    return Unary(search_.get(), &Search::Search, request);
  };
  auto lineage = [](const std::string& node_id, int depth, int max_nodes) {
    meshdex::v1::GetLineageRequest request;
    request.set_node_id(node_id);
    request.set_depth(depth);
    request.set_max_nodes(max_nodes);
    return Unary(lineage_.get(), &Lineage::GetLineage, request);
  };
  auto list_runs = [](const std::string& job_id, int page_size, const std::string& token) {
    meshdex::v1::ListRunsRequest request;
    request.set_job_id(job_id);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return Unary(lineage_.get(), &Lineage::ListRuns, request);
  };
  auto get_policy = [](const std::string& domain, const std::string& name) {
    meshdex::v1::GetPolicyRequest request;
    request.set_domain(domain);
    request.set_name(name);
    return Unary(governance_.get(), &Governance::GetPolicy, request);
  };
  const std::vector<Case> cases = {
      {"ListProducts with a negative page size", [&] { return list_products(-1, "", ""); },
       StatusCode::INVALID_ARGUMENT},
      {"ListProducts with a garbage page token", [&] { return list_products(0, "garbage", ""); },
       StatusCode::INVALID_ARGUMENT},
      {"ListProducts of a malformed domain", [&] { return list_products(0, "", "Bad Domain"); },
       StatusCode::INVALID_ARGUMENT},
      {"GetProduct of an empty URN", [&] { return get_product("", 0); },
       StatusCode::INVALID_ARGUMENT},
      {"GetProduct of a URN without a name", [&] { return get_product("urn:dp:seed", 0); },
       StatusCode::INVALID_ARGUMENT},
      {"GetProduct of a URN of another scheme", [&] { return get_product("urn:x:seed:orders", 0); },
       StatusCode::INVALID_ARGUMENT},
      {"GetProduct of a negative revision", [&] { return get_product("urn:dp:seed:orders", -1); },
       StatusCode::INVALID_ARGUMENT},
      {"GetProduct of a revision not stored", [&] { return get_product("urn:dp:seed:orders", 99); },
       StatusCode::NOT_FOUND},
      {"GetProduct of no product", [&] { return get_product("urn:dp:seed:missing", 0); },
       StatusCode::NOT_FOUND},
      {"BatchGetProducts with a malformed URN",
       [] {
         meshdex::v1::BatchGetProductsRequest request;
         request.add_urns("urn:dp:seed:orders");
         request.add_urns("orders");
         return Unary(catalog_.get(), &Catalog::BatchGetProducts, request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"ListRevisions of a malformed URN", [&] { return list_revisions("seed/orders", 0, ""); },
       StatusCode::INVALID_ARGUMENT},
      {"ListRevisions with a garbage page token",
       [&] { return list_revisions("urn:dp:seed:orders", 0, "%%%"); },
       StatusCode::INVALID_ARGUMENT},
      {"ListRevisions with a negative page size",
       [&] { return list_revisions("urn:dp:seed:orders", -5, ""); }, StatusCode::INVALID_ARGUMENT},
      {"ResolveAddress of nothing", [&] { return resolve(""); }, StatusCode::INVALID_ARGUMENT},
      {"ResolveAddress of an unsupported scheme", [&] { return resolve("ftp://host/file"); },
       StatusCode::INVALID_ARGUMENT},
      {"ResolveAddress of an address nobody owns",
       [&] { return resolve("kafka://broker:9092/nobody"); }, StatusCode::NOT_FOUND},
      {"Search with a garbage page token", [&] { return search(0, "garbage", "", ""); },
       StatusCode::INVALID_ARGUMENT},
      {"Search with a negative page size", [&] { return search(-1, "", "", ""); },
       StatusCode::INVALID_ARGUMENT},
      {"Search with an unknown facet", [&] { return search(0, "", "colour", ""); },
       StatusCode::INVALID_ARGUMENT},
      {"Search of an unknown type", [&] { return search(0, "", "", "planet"); },
       StatusCode::INVALID_ARGUMENT},
      {"Suggest with a negative limit",
       [] {
         meshdex::v1::SuggestRequest request;
         request.set_prefix("pro");
         request.set_limit(-1);
         return Unary(search_.get(), &Search::Suggest, request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"GetLineage of no node", [&] { return lineage("", 0, 0); }, StatusCode::INVALID_ARGUMENT},
      {"GetLineage of a node of no known form", [&] { return lineage("nonsense", 0, 0); },
       StatusCode::INVALID_ARGUMENT},
      {"GetLineage of a dataset not stored", [&] { return lineage("dataset:no:where", 0, 0); },
       StatusCode::NOT_FOUND},
      {"GetLineage with a negative depth", [&] { return lineage("job:malformed:load", -1, 0); },
       StatusCode::INVALID_ARGUMENT},
      {"GetLineage with negative max_nodes", [&] { return lineage("job:malformed:load", 0, -1); },
       StatusCode::INVALID_ARGUMENT},
      {"GetColumnLineage of no node",
       [] {
         return Unary(lineage_.get(), &Lineage::GetColumnLineage,
                      meshdex::v1::GetColumnLineageRequest());
       },
       StatusCode::INVALID_ARGUMENT},
      {"ListRuns of no job", [&] { return list_runs("", 0, ""); }, StatusCode::INVALID_ARGUMENT},
      {"ListRuns of a dataset id", [&] { return list_runs("dataset:a:b", 0, ""); },
       StatusCode::INVALID_ARGUMENT},
      {"ListRuns with a garbage page token",
       [&] { return list_runs("job:malformed:load", 0, "garbage"); }, StatusCode::INVALID_ARGUMENT},
      {"ListRuns with a negative page size",
       [&] { return list_runs("job:malformed:load", -1, ""); }, StatusCode::INVALID_ARGUMENT},
      {"GetPolicy of no name", [&] { return get_policy("", ""); }, StatusCode::INVALID_ARGUMENT},
      {"GetPolicy of a malformed name", [&] { return get_policy("", "Bad Name"); },
       StatusCode::INVALID_ARGUMENT},
      {"GetPolicy of no policy", [&] { return get_policy("", "missing"); }, StatusCode::NOT_FOUND},
      {"ListPolicies of a malformed domain",
       [] {
         meshdex::v1::ListPoliciesRequest request;
         request.set_domain("Bad Domain");
         return Unary(governance_.get(), &Governance::ListPolicies, request);
       },
       StatusCode::INVALID_ARGUMENT},
      {"GetScorecard of a malformed domain",
       [] {
         meshdex::v1::GetScorecardRequest request;
         request.set_domain("Bad Domain");
         return Unary(governance_.get(), &Governance::GetScorecard, request);
       },
       StatusCode::INVALID_ARGUMENT},
  };
  for (const Case& c : cases) {
    const grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), c.code) << c.name << ": " << status.error_message();
  }
}

TEST_F(MalformedInputTest, BadPathsAndParametersAreRefusedOverHttp) {
  auto get = [](std::string name, std::string path, int status) {
    return HttpCase{std::move(name), "GET", std::move(path), "", "", status};
  };
  const std::vector<HttpCase> reads = {
      get("page_size not a number", "/v1/products?page_size=ten", 400),
      get("page_size beyond int32", "/v1/products?page_size=99999999999", 400),
      get("negative page_size", "/v1/products?page_size=-1", 400),
      get("garbage page_token", "/v1/products?page_token=garbage", 400),
      get("page_token of bad percent-encoding", "/v1/products?page_token=%ZZ", 400),
      get("unknown parameter", "/v1/products?force=1", 400),
      get("domain given twice", "/v1/products?domain=a&domain=b", 400),
      get("malformed domain", "/v1/products?domain=Bad%20Domain", 400),
      get("revision not a number", "/v1/products/seed/orders?revision=latest", 400),
      get("negative revision", "/v1/products/seed/orders?revision=-1", 400),
      get("unknown parameter of a product", "/v1/products/seed/orders?view=full", 400),
      get("product not stored", "/v1/products/seed/missing", 404),
      get("product of a malformed domain", "/v1/products/Seed/orders", 400),
      get("product of bad percent-encoding", "/v1/products/%ZZ/orders", 400),
      get("revisions with a garbage page_token", "/v1/products/seed/orders/revisions?page_token=z",
          400),
      get("search page_size not a number", "/v1/search?q=a&page_size=x", 400),
      get("search page_token garbage", "/v1/search?q=a&page_token=garbage", 400),
      get("search highlight not a boolean", "/v1/search?q=a&highlight=maybe", 400),
      get("search min_sequence negative", "/v1/search?q=a&min_sequence=-1", 400),
      get("search q given twice", "/v1/search?q=a&q=b", 400),
      get("search of an unknown facet", "/v1/search?q=a&facet=colour", 400),
      get("search of an unknown type", "/v1/search?q=a&type=planet", 400),
      get("search with an unknown parameter", "/v1/search?query=a", 400),
      get("suggest limit not a number", "/v1/suggest?q=a&limit=many", 400),
      get("resolve of nothing", "/v1/resolve", 400),
      get("resolve of an unsupported scheme", "/v1/resolve?address=ftp://host/x", 400),
      get("resolve of address and dataset", "/v1/resolve?address=kafka://b/t&namespace=a&name=b",
          400),
      get("lineage without node_id", "/v1/lineage", 400),
      get("lineage of an unknown direction",
          "/v1/lineage?node_id=job:malformed:load&direction=sideways", 400),
      get("lineage of an unknown level", "/v1/lineage?node_id=job:malformed:load&level=galaxy",
          400),
      get("lineage depth not a number", "/v1/lineage?node_id=job:malformed:load&depth=deep", 400),
      get("lineage of a node of no known form", "/v1/lineage?node_id=nonsense", 400),
      get("runs without job_id", "/v1/runs", 400),
      get("runs with a garbage page_token", "/v1/runs?job_id=job:malformed:load&page_token=z", 400),
      get("Marquez lineage without nodeId", "/api/v1/lineage", 400),
      get("Marquez lineage of a dataset not stored", "/api/v1/lineage?nodeId=dataset:no:where",
          404),
      get("policies with an unknown parameter", "/v1/policies?kind=x", 400),
      get("policy not stored", "/v1/policies/missing", 404),
      get("policy of a malformed name", "/v1/policies/Bad_Name", 400),
      get("scorecard with an unknown parameter", "/v1/scorecard?top=3", 400),
      get("no such route", "/v1/nothing", 404),
      get("a product path too deep", "/v1/products/a/b/c/d", 404),
  };
  for (const HttpCase& c : reads) ExpectHttp(c);

  const std::string yaml = "application/yaml";
  const std::vector<HttpCase> writes = {
      {"dry_run not a boolean", "POST", "/v1/products?dry_run=maybe", yaml, kYamlProduct, 400},
      {"expected_revision not a number", "POST", "/v1/products?expected_revision=x", yaml,
       kYamlProduct, 400},
      {"an unknown apply parameter", "POST", "/v1/products?force=true", yaml, kYamlProduct, 400},
      {"expected_revision of a product not stored", "POST", "/v1/products?expected_revision=4",
       yaml, kYamlProduct, 409},
      {"policy dry_run not a boolean", "POST", "/v1/policies?dry_run=2", "application/json",
       ToJson(ValidPolicy()), 400},
      {"DELETE with expected_revision not a number", "DELETE",
       "/v1/products/seed/orders?expected_revision=x", "", "", 400},
      {"DELETE with a stale expected_revision", "DELETE",
       "/v1/products/seed/orders?expected_revision=99", "", "", 409},
      {"DELETE of a product not stored", "DELETE", "/v1/products/seed/missing", "", "", 404},
      {"DELETE of a malformed product name", "DELETE", "/v1/products/seed/Bad_Name", "", "", 400},
      {"DELETE of a policy not stored", "DELETE", "/v1/policies/missing", "", "", 404},
      {"DELETE of a policy with an unknown parameter", "DELETE", "/v1/policies/missing?force=1", "",
       "", 400},
      {"evaluate of two documents", "POST", "/v1/evaluate", yaml,
       std::string(kYamlProduct) + "---\n" + kYamlProduct, 400},
      {"evaluate of a broken document", "POST", "/v1/evaluate", yaml, "metadata: [\n", 400},
      {"POST to a read-only route", "POST", "/v1/search", "application/json", "{}", 404},
  };
  const uint64_t before = LastSequence();
  for (const HttpCase& c : writes) ExpectHttp(c);
  EXPECT_EQ(LastSequence(), before);
}

}  // namespace
}  // namespace meshdex
