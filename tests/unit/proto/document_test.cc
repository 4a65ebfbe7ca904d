// Tests of the resource-document codec (proto/document.h): YAML/JSON parsing,
// schema-guided conversion to messages, error paths and positions, limits
// against hostile input, and the JSON/YAML renderers.

#include "proto/document.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::document {
namespace {

using ::meshdex::v1::DataProduct;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The DESIGN.md section 2 example, with the server-set fields filled in.
constexpr char kExampleProduct[] = R"yaml(
apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  domain: logistics              # required, ^[a-z][a-z0-9-]{0,62}$
  name: shipments                # required, same pattern
  labels: {tier: gold}           # map<string,string>
  urn: urn:dp:logistics:shipments   # (out)
  revision: 3                    # (out) 1,2,3... per product
  createTime: 2024-05-01T12:00:00Z
  updateTime: "2024-05-02T08:30:00.250Z"
spec:
  title: Shipments
  description: Every parcel movement, as events, within 5 minutes.
  owner: {team: logistics-core, email: logistics@example.com}
  version: 1.4.0                 # required, semver
  lifecycle: production
  tags: [shipping, events]
  glossaryTerms: [Shipment]
  outputPorts:
    - name: events               # unique within the product
      kind: kafka
      address: kafka://broker.logistics:9092/logistics.shipments.v1
      format: avro
      description: Parcel events.
      schema:
        fields:
          - {name: shipment_id, type: string, required: true, description: Parcel id.}
          - {name: customer_email, type: string, classification: pii}
      slo: {freshnessSeconds: 900, availabilityPercent: 99.9}
  inputPorts:
    - {name: orders, kind: kafka, address: kafka://broker.sales:9092/sales.orders.v1}
  links: {repository: https://git.example.com/logistics/shipments}
status:
  governance:
    score: 0.92
    violations:
      - {policy: production-needs-slo, path: spec.tags, message: missing, enforcement: warn}
  trust:
    state: FRESH
    lastSuccessfulRun: 2024-05-02T08:00:00Z
    ports: [{port: events, state: STALE, lastSuccessfulRun: 2024-05-01T00:00:00Z}]
)yaml";

std::vector<ResourceDocument> ParseOk(std::string_view text) {
  absl::StatusOr<std::vector<ResourceDocument>> docs = ParseDocuments(text);
  EXPECT_TRUE(docs.ok()) << docs.status();
  return docs.ok() ? *std::move(docs) : std::vector<ResourceDocument>{};
}

// Parses a single-document text into a DataProduct, expecting success.
DataProduct ProductOf(std::string_view text) {
  DataProduct product;
  std::vector<ResourceDocument> docs = ParseOk(text);
  EXPECT_EQ(docs.size(), 1u);
  if (docs.size() == 1) {
    const absl::Status status = ToMessage(docs[0], &product);
    EXPECT_TRUE(status.ok()) << status;
  }
  return product;
}

// The status of parsing and converting a single-document text.
absl::Status ConvertStatus(std::string_view text) {
  absl::StatusOr<std::vector<ResourceDocument>> docs = ParseDocuments(text);
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1) return absl::UnknownError("not one document");
  DataProduct product;
  return ToMessage(docs->front(), &product);
}

// A parse error message, expecting INVALID_ARGUMENT.
std::string ParseError(std::string_view text) {
  absl::StatusOr<std::vector<ResourceDocument>> docs = ParseDocuments(text);
  EXPECT_FALSE(docs.ok());
  if (docs.ok()) return "";
  EXPECT_EQ(docs.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(docs.status().message());
}

// A conversion error message, expecting INVALID_ARGUMENT.
std::string ConvertError(std::string_view text) {
  const absl::Status status = ConvertStatus(text);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return std::string(status.message());
}

bool Equal(const DataProduct& a, const DataProduct& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string Repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece);
  return out;
}

TEST(DocumentTest, ExampleProductIsReadCompletely) {
  std::vector<ResourceDocument> docs = ParseOk(kExampleProduct);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].index, 0);
  EXPECT_EQ(docs[0].kind, "DataProduct");
  EXPECT_EQ(docs[0].api_version, "meshdex.io/v1");

  DataProduct product;
  ASSERT_TRUE(ToMessage(docs[0], &product).ok());
  EXPECT_EQ(product.api_version(), "meshdex.io/v1");
  EXPECT_EQ(product.metadata().labels().at("tier"), "gold");
  EXPECT_EQ(product.metadata().revision(), 3);
  EXPECT_EQ(product.metadata().create_time().seconds(), 1714564800);
  EXPECT_EQ(product.metadata().update_time().nanos(), 250000000);
  EXPECT_EQ(product.spec().version(), "1.4.0");
  EXPECT_EQ(product.spec().owner().email(), "logistics@example.com");
  ASSERT_EQ(product.spec().output_ports_size(), 1);
  const v1::Port& port = product.spec().output_ports(0);
  EXPECT_EQ(port.address(),
            "kafka://broker.logistics:9092/logistics.shipments.v1");
  EXPECT_TRUE(port.schema().fields(0).required());
  EXPECT_EQ(port.schema().fields(1).classification(), "pii");
  EXPECT_EQ(port.slo().freshness_seconds(), 900);
  EXPECT_DOUBLE_EQ(port.slo().availability_percent(), 99.9);
  EXPECT_EQ(product.spec().input_ports(0).name(), "orders");
  EXPECT_EQ(product.spec().links().at("repository"),
            "https://git.example.com/logistics/shipments");
  EXPECT_DOUBLE_EQ(product.status().governance().score(), 0.92);
  EXPECT_EQ(product.status().trust().state(), v1::FRESH);
  EXPECT_EQ(product.status().trust().ports(0).state(), v1::STALE);
}

TEST(DocumentTest, ExampleProductRoundTripsThroughYaml) {
  const DataProduct original = ProductOf(kExampleProduct);
  const std::string yaml = ToYaml(original);
  const DataProduct reread = ProductOf(yaml);
  EXPECT_TRUE(Equal(original, reread)) << yaml;
  EXPECT_EQ(ToYaml(reread), yaml);
}

TEST(DocumentTest, ExampleProductRoundTripsThroughJson) {
  const DataProduct original = ProductOf(kExampleProduct);
  const std::string json = ToJson(original);
  EXPECT_THAT(json, StartsWith("{\n  \"apiVersion\": \"meshdex.io/v1\",\n"));
  EXPECT_THAT(json, HasSubstr("\"outputPorts\": ["));
  EXPECT_THAT(json, HasSubstr("\"freshnessSeconds\": \"900\""));
  const DataProduct reread = ProductOf(json);
  EXPECT_TRUE(Equal(original, reread)) << json;
}

TEST(DocumentTest, YamlOutputIsBlockStyleInJsonFieldOrder) {
  const std::string yaml = ToYaml(ProductOf(kExampleProduct));
  EXPECT_THAT(yaml,
              StartsWith("apiVersion: meshdex.io/v1\nkind: DataProduct\n"
                         "metadata:\n  domain: logistics\n  name: shipments\n"
                         "  labels:\n    tier: gold\n"));
  EXPECT_THAT(yaml, HasSubstr("\n  revision: 3\n"));  // int64: a plain number
  EXPECT_THAT(yaml, HasSubstr("\n  version: 1.4.0\n"));
  EXPECT_THAT(yaml, HasSubstr("\n  tags:\n    - shipping\n    - events\n"));
  EXPECT_THAT(
      yaml,
      HasSubstr("\n  outputPorts:\n    - name: events\n      kind: kafka\n"));
  EXPECT_THAT(yaml, HasSubstr("\n        freshnessSeconds: 900\n"
                              "        availabilityPercent: 99.9\n"));
  EXPECT_THAT(yaml, HasSubstr("\n    state: FRESH\n"));
  EXPECT_THAT(yaml, Not(HasSubstr("{")));
  EXPECT_THAT(yaml, Not(HasSubstr("\"")));  // nothing here needs quotes
}

TEST(DocumentTest, StringFieldsKeepScalarTextAsWritten) {
  const DataProduct product = ProductOf(R"(
metadata: {name: 0123, labels: {build: 012, ratio: 1.50, flag: yes}}
spec:
  version: 1.10
  title: true
  description: 1e3
  tags: [1.0, null-ish, ~x, 0x1F]
)");
  EXPECT_EQ(product.metadata().name(), "0123");
  EXPECT_EQ(product.metadata().labels().at("build"), "012");
  EXPECT_EQ(product.metadata().labels().at("ratio"), "1.50");
  EXPECT_EQ(product.metadata().labels().at("flag"), "yes");
  EXPECT_EQ(product.spec().version(), "1.10");
  EXPECT_EQ(product.spec().title(), "true");
  EXPECT_EQ(product.spec().description(), "1e3");
  EXPECT_THAT(product.spec().tags(),
              ::testing::ElementsAre("1.0", "null-ish", "~x", "0x1F"));
}

TEST(DocumentTest, YamlQuotesStringsOnlyWhenPlainYamlWouldMisreadThem) {
  DataProduct product;
  for (const char* tag :
       {"1.10", "true", "null", "", "yes", "-x", "#x", "a: b", "2024-05-01",
        " padded", "plain words", "v1.2.3", "a#b", "x-y:z"}) {
    product.mutable_spec()->add_tags(tag);
  }
  const std::string yaml = ToYaml(product);
  for (const char* quoted :
       {"\"1.10\"", "\"true\"", "\"null\"", "\"\"", "\"yes\"", "\"-x\"",
        "\"#x\"", "\"a: b\"", "\"2024-05-01\"", "\" padded\""}) {
    EXPECT_THAT(yaml, HasSubstr(absl::StrCat("- ", quoted, "\n"))) << yaml;
  }
  for (const char* plain : {"plain words", "v1.2.3", "a#b", "x-y:z"}) {
    EXPECT_THAT(yaml, HasSubstr(absl::StrCat("- ", plain, "\n"))) << yaml;
  }
  EXPECT_TRUE(Equal(ProductOf(yaml), product)) << yaml;
}

TEST(DocumentTest, MultiLineAndSpecialStringsRoundTripThroughYaml) {
  DataProduct product;
  product.mutable_spec()->set_description("First line.\n  indented\n\nlast");
  product.mutable_spec()->set_title("ends with newline\n");
  product.mutable_metadata()->set_name("two trailing\n\n");
  product.mutable_spec()->add_tags("  leading spaces\nsecond");
  product.mutable_spec()->add_tags("tab\there \"quoted\" back\\slash");
  product.mutable_spec()->add_tags("bell\a and \x7f del");
  product.mutable_spec()->add_tags("line\xE2\x80\xA8separator");
  const std::string yaml = ToYaml(product);
  EXPECT_THAT(
      yaml,
      HasSubstr(
          "description: |-\n    First line.\n      indented\n\n    last\n"));
  EXPECT_THAT(yaml, HasSubstr("title: |\n    ends with newline\n"));
  EXPECT_TRUE(Equal(ProductOf(yaml), product)) << yaml;
}

TEST(DocumentTest, UnicodeTextIsPreserved) {
  const DataProduct product = ProductOf(R"(
spec:
  title: "Sendungen – Übersicht 📦"
  description: 出荷イベント、5分以内。
  tags: [café, naïve]
)");
  EXPECT_EQ(product.spec().title(), "Sendungen – Übersicht 📦");
  EXPECT_EQ(product.spec().description(), "出荷イベント、5分以内。");
  EXPECT_EQ(product.spec().tags(0), "café");
  const std::string yaml = ToYaml(product);
  EXPECT_THAT(yaml, HasSubstr("description: 出荷イベント、5分以内。\n"));
  EXPECT_TRUE(Equal(ProductOf(yaml), product));
  EXPECT_TRUE(Equal(ProductOf(ToJson(product)), product));
  // JSON escapes, including a surrogate pair, decode to the same text.
  EXPECT_EQ(ProductOf(R"({"spec": {"title": "caf\u00e9 \ud83d\udce6"}})")
                .spec()
                .title(),
            "café 📦");
}

// yaml-cpp decodes \N and \_ to lone bytes; they must arrive as UTF-8 (found
// by import_fuzz: the document's JSON was unreadable), and the same bytes as
// parts of other characters (à is C3 A0, Å… E2 80 A6 ...) must stay as they are.
TEST(DocumentTest, YamlNextLineAndNoBreakSpaceEscapesAreUtf8) {
  const DataProduct product = ProductOf(
      "spec:\n  title: \"a\\_b\\Nc à…\"\n  description: \"à\\_\"\n");
  EXPECT_EQ(product.spec().title(), "a\u00a0b\u0085c à…");
  EXPECT_EQ(product.spec().description(), "à\u00a0");
}

// Bytes that are not UTF-8 are refused before either parser sees them, with
// where they are: one message for YAML and JSON alike.
TEST(DocumentTest, TextThatIsNotUtf8IsRefusedWithItsPosition) {
  EXPECT_EQ(ParseError("kind: DataProduct\nspec:\n  title: caf\xE9\n"),
            "not valid UTF-8: byte 0xE9 at offset 36 (line 3, column 13)");
  // Offsets count bytes, columns characters: \u00e9 before the bad byte is two and one.
  EXPECT_EQ(ParseError("{\"spec\": {\"title\": \"\xC3\xA9\xFF\"}}"),
            "not valid UTF-8: byte 0xFF at offset 22 (line 1, column 22)");
  EXPECT_EQ(ParseError("\xEF\xBB\xBF\xC0\xAF: x\n"),  // BOM, then an overlong '/'
            "not valid UTF-8: byte 0xC0 at offset 3 (line 1, column 1)");
}

// Neither YAML nor JSON allows a raw control character but tab, LF and CR.
// NUL bytes among the first four made yaml-cpp read the text as UTF-32 and
// hand back bytes that are not UTF-8 (found by import_fuzz: INTERNAL).
TEST(DocumentTest, ControlCharactersAreRefusedWithTheirPosition) {
  using std::string_literals::operator""s;
  EXPECT_THAT(ParseError("\x01\x00\x00\x00kind: DataContract\n"s),
              HasSubstr("control character U+0001 at offset 0 (line 1, column 1): YAML and JSON "
                        "allow only tab, line feed and carriage return unescaped (write it as an "
                        "escape in a double-quoted string)"));
  EXPECT_THAT(ParseError("k\0i\0n\0d\0:\0 \0x\0"s),
              HasSubstr("control character U+0000 at offset 1 (line 1, column 2): YAML and JSON "
                        "allow only tab, line feed and carriage return unescaped (UTF-16 or UTF-32 "
                        "text needs its byte-order mark; or save it as UTF-8)"));
  EXPECT_THAT(ParseError("spec:\n  title: a\x1B[31mred\n"),
              HasSubstr("control character U+001B at offset 16 (line 2, column 11)"));
  EXPECT_THAT(ParseError("{\"spec\": {\"title\": \"a\0b\"}}"s),
              HasSubstr("control character U+0000 at offset 21 (line 1, column 22)"));
  // Whichever comes first is reported.
  EXPECT_THAT(ParseError("a: \xE9\x01\n"), HasSubstr("not valid UTF-8: byte 0xE9 at offset 3"));
  // Tab, LF and CR are text; escapes of control characters stay allowed.
  EXPECT_EQ(ProductOf("spec:\r\n  title:\t\"a\\x01b\"\r\n").spec().title(),
            "a\x01"
            "b");
}

// Text in UTF-16 or UTF-32 with its byte-order mark reads like its UTF-8
// (PowerShell 5 writes UTF-16LE with a mark by default).
TEST(DocumentTest, Utf16AndUtf32WithAByteOrderMarkAreRead) {
  const std::string yaml = "kind: DataProduct\nspec:\n  title: Caf\xC3\xA9 \xF0\x9F\x93\xA6\n";
  const DataProduct expected = ProductOf(yaml);
  // Each code point of `yaml` (ASCII, U+00E9, U+1F4E6) in `unit`-byte units.
  const auto wide = [&](int unit, bool big_endian) {
    std::string out = big_endian ? std::string("\0\0\xFE\xFF", 4).substr(4 - unit)
                                 : std::string("\xFF\xFE\0\0", 4).substr(0, unit);
    std::vector<uint32_t> units;
    for (unsigned char c : std::string("kind: DataProduct\nspec:\n  title: Caf"))
      units.push_back(c);
    units.push_back(0xE9);
    units.push_back(' ');
    if (unit == 2) {
      units.push_back(0xD83D);  // U+1F4E6 as a surrogate pair
      units.push_back(0xDCE6);
    } else {
      units.push_back(0x1F4E6);
    }
    units.push_back('\n');
    for (uint32_t u : units) {
      for (int i = 0; i < unit; ++i) {
        const int shift = 8 * (big_endian ? unit - 1 - i : i);
        out.push_back(static_cast<char>((u >> shift) & 0xFF));
      }
    }
    return out;
  };
  for (const auto& [unit, big_endian] :
       std::vector<std::pair<int, bool>>{{2, false}, {2, true}, {4, false}, {4, true}}) {
    EXPECT_TRUE(Equal(ProductOf(wide(unit, big_endian)), expected)) << unit << big_endian;
  }
  // The mark promises the encoding: broken text is refused naming both.
  EXPECT_EQ(ParseError(std::string("\xFF\xFEk\0\x3D\xD8:\0", 8)),
            "UTF-16LE text (byte-order mark): unpaired surrogate at offset 4");
  EXPECT_EQ(ParseError(std::string("\xFE\xFF\0k\0", 5)),
            "UTF-16BE text (byte-order mark): cut short at offset 4");
  EXPECT_EQ(ParseError(std::string("\0\0\xFE\xFF\0\x11\0\0", 8)),
            "UTF-32BE text (byte-order mark): value beyond U+10FFFF at offset 4");
}

TEST(DocumentTest, SeveralYamlDocumentsWithEmptyOnesSkipped) {
  std::vector<ResourceDocument> docs = ParseOk(R"(---
apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: a, name: one}
---
---
# only a comment
---
kind: Policy
metadata: {name: two}
...
)");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].index, 0);
  EXPECT_EQ(docs[0].kind, "DataProduct");
  EXPECT_EQ(docs[1].index, 1);
  EXPECT_EQ(docs[1].kind, "Policy");
  EXPECT_EQ(docs[1].api_version, "");
  DataProduct first;
  ASSERT_TRUE(ToMessage(docs[0], &first).ok());
  EXPECT_EQ(first.metadata().name(), "one");
}

TEST(DocumentTest, JsonArrayIsSeveralDocuments) {
  std::vector<ResourceDocument> docs = ParseOk(R"([
    {"apiVersion": "meshdex.io/v1", "kind": "DataProduct", "metadata": {"name": "a"}},
    null,
    {"kind": "DataProduct", "metadata": {"name": "b"}, "spec": {"version": 1.10}}
  ])");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].index, 1);
  DataProduct second;
  ASSERT_TRUE(ToMessage(docs[1], &second).ok());
  EXPECT_EQ(second.metadata().name(), "b");
  EXPECT_EQ(second.spec().version(), "1.10");  // the number as written
  EXPECT_THAT(
      ParseError(R"([{"kind": "DataProduct"}, "text"])"),
      HasSubstr("document 2: a list of documents may only contain mappings"));
}

TEST(DocumentTest, JsonFieldTypesValuesTheWayYamlReadsThem) {
  std::vector<ResourceDocument> docs = ParseOk(
      "kind: DataProduct\nspec: {version: 1.10, title: '1.10', tags: [true, "
      "yes, ~, 0123]}\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].json,
            R"({"kind":"DataProduct","spec":{"version":1.10,"title":"1.10",)"
            R"("tags":[true,"yes",null,"0123"]}})");
  // Beyond a double's range a number stays text: JSON readers refuse it
  // (found by import_fuzz: INTERNAL). Small and long integers stay numbers.
  docs = ParseOk("a: 4.3e814\nb: -1e-400\nc: 123456789012345678901234567890\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].json, R"({"a":"4.3e814","b":-1e-400,"c":123456789012345678901234567890})");
}

TEST(DocumentTest, ToMessageReadsJsonTextWhenThereIsNoTree) {
  ResourceDocument doc;
  doc.json = R"({"kind":"DataProduct","spec":{"version":1.10}})";
  DataProduct product;
  ASSERT_TRUE(ToMessage(doc, &product).ok());
  EXPECT_EQ(product.spec().version(), "1.10");
}

TEST(DocumentTest, EmptyInputHasNoDocuments) {
  for (const char* text :
       {"", "   \n\n", "# just a comment\n", "---\n", "---\n...\n", "[]"}) {
    absl::StatusOr<std::vector<ResourceDocument>> docs = ParseDocuments(text);
    ASSERT_TRUE(docs.ok()) << text << ": " << docs.status();
    EXPECT_TRUE(docs->empty()) << text;
  }
}

TEST(DocumentTest, CommentsAreIgnoredButHashesInValuesKept) {
  const DataProduct product = ProductOf(R"(# leading comment
spec:   # trailing comment
  # indented comment
  title: "quoted # not a comment"
  description: a#b  # comment after a value
  links: {wiki: "https://x.example/#section"}  # comment after flow
  tags:
    # comment inside a list
    - one
)");
  EXPECT_EQ(product.spec().title(), "quoted # not a comment");
  EXPECT_EQ(product.spec().description(), "a#b");
  EXPECT_EQ(product.spec().links().at("wiki"), "https://x.example/#section");
  EXPECT_THAT(product.spec().tags(), ::testing::ElementsAre("one"));
}

TEST(DocumentTest, NumbersAndBooleansAcceptPlainScalarsAndJsonMappingForms) {
  const DataProduct product = ProductOf(R"(
metadata: {revision: "42"}
spec:
  outputPorts:
    - slo: {freshnessSeconds: 0x10, availabilityPercent: "99.5"}
    - slo: {freshnessSeconds: 9e2, availabilityPercent: .inf}
    - schema: {fields: [{required: True}, {required: false}]}
status: {trust: {state: 2}}
)");
  EXPECT_EQ(product.metadata().revision(), 42);
  EXPECT_EQ(product.spec().output_ports(0).slo().freshness_seconds(), 16);
  EXPECT_DOUBLE_EQ(product.spec().output_ports(0).slo().availability_percent(),
                   99.5);
  EXPECT_EQ(product.spec().output_ports(1).slo().freshness_seconds(), 900);
  EXPECT_TRUE(
      std::isinf(product.spec().output_ports(1).slo().availability_percent()));
  EXPECT_TRUE(product.spec().output_ports(2).schema().fields(0).required());
  EXPECT_EQ(product.status().trust().state(), v1::STALE);
  // Non-finite doubles survive both renderers.
  EXPECT_THAT(ToYaml(product), HasSubstr("availabilityPercent: .inf\n"));
  EXPECT_TRUE(Equal(ProductOf(ToYaml(product)), product));
  EXPECT_TRUE(Equal(ProductOf(ToJson(product)), product));
}

TEST(DocumentTest, CamelCaseAndSnakeCaseNamesBothWork) {
  const DataProduct product = ProductOf(R"(
api_version: meshdex.io/v1
spec:
  glossary_terms: [Shipment]
  output_ports: [{slo: {freshness_seconds: 60}}]
  inputPorts: [{name: orders}]
)");
  EXPECT_EQ(product.api_version(), "meshdex.io/v1");
  EXPECT_EQ(product.spec().glossary_terms(0), "Shipment");
  EXPECT_EQ(product.spec().output_ports(0).slo().freshness_seconds(), 60);
  EXPECT_EQ(product.spec().input_ports(0).name(), "orders");
  EXPECT_EQ(
      ConvertError("spec:\n  glossaryTerms: [a]\n  glossary_terms: [b]\n"),
      "spec.glossaryTerms: field given twice (as glossaryTerms and "
      "glossary_terms) (line 3, column 3)");
}

TEST(DocumentTest, UnknownFieldsNameTheirPathAtEveryDepth) {
  EXPECT_THAT(ConvertError("kind: DataProduct\nspce: {}\n"),
              StartsWith("spce: unknown field \"spce\"; did you mean \"spec\"? "
                         "(line 2, column 1)"));
  EXPECT_THAT(ConvertError("metadata: {nmae: x}\n"),
              StartsWith("metadata.nmae: unknown field \"nmae\""));
  EXPECT_THAT(
      ConvertError(R"(
spec:
  outputPorts:
    - name: events
      adress: kafka://x
)"),
      StartsWith("spec.outputPorts[0].adress: unknown field \"adress\"; "
                 "did you mean \"address\"? (line 5, column 7)"));
  EXPECT_THAT(
      ConvertError(R"(
spec:
  output_ports:
    - {name: a}
    - {slo: {freshness: 10}}
)"),
      StartsWith(
          "spec.outputPorts[1].slo.freshness: unknown field \"freshness\""));
  EXPECT_THAT(
      ConvertError(
          R"({"spec": {"outputPorts": [{"schema": {"fields": [{"nam": "x"}]}}]}})"),
      StartsWith(
          "spec.outputPorts[0].schema.fields[0].nam: unknown field \"nam\""));
  EXPECT_THAT(ConvertError("totally: different\n"),
              "totally: unknown field \"totally\" (line 1, column 1)");
}

TEST(DocumentTest, TypeMismatchesNameTheirPath) {
  EXPECT_THAT(
      ConvertError("spec:\n  tags: shipping\n"),
      StartsWith(
          "spec.tags: expected a list, got \"shipping\" (line 2, column 9)"));
  EXPECT_THAT(
      ConvertError("spec: {owner: alice}\n"),
      StartsWith("spec.owner: expected a mapping (Owner), got \"alice\""));
  EXPECT_THAT(ConvertError("spec: {title: {a: b}}\n"),
              StartsWith("spec.title: expected a string, got a mapping"));
  EXPECT_THAT(ConvertError("metadata: {labels: [a]}\n"),
              StartsWith("metadata.labels: expected a mapping, got a list"));
  EXPECT_THAT(
      ConvertError(R"(
spec:
  outputPorts:
    - {name: a}
    - slo: {freshnessSeconds: soon}
)"),
      StartsWith(
          "spec.outputPorts[1].slo.freshnessSeconds: expected an integer, "
          "got \"soon\" (line 5, column 31)"));
  EXPECT_THAT(
      ConvertError("spec: {outputPorts: [{slo: {freshnessSeconds: 1.5}}]}\n"),
      HasSubstr("freshnessSeconds: expected an integer, got \"1.5\""));
  EXPECT_THAT(ConvertError("metadata: {revision: 99999999999999999999}\n"),
              StartsWith("metadata.revision: \"99999999999999999999\" is out "
                         "of range for int64"));
  EXPECT_THAT(
      ConvertError(
          "spec: {outputPorts: [{slo: {availabilityPercent: high}}]}\n"),
      HasSubstr("availabilityPercent: expected a number, got \"high\""));
  EXPECT_THAT(
      ConvertError(
          "spec: {outputPorts: [{schema: {fields: [{required: yes}]}}]}\n"),
      StartsWith("spec.outputPorts[0].schema.fields[0].required: expected true "
                 "or false, got \"yes\""));
  EXPECT_THAT(
      ConvertError(
          "spec: {outputPorts: [{schema: {fields: [{required: 'true'}]}}]}\n"),
      HasSubstr("expected true or false, got the quoted string \"true\""));
  EXPECT_THAT(
      ConvertError("metadata: {createTime: yesterday}\n"),
      StartsWith("metadata.createTime: expected an RFC 3339 timestamp"));
  EXPECT_THAT(
      ConvertError("status: {trust: {state: FRSH}}\n"),
      StartsWith(
          "status.trust.state: unknown value \"FRSH\" for TrustState; "
          "expected one of TRUST_STATE_UNSPECIFIED, FRESH, STALE, UNKNOWN"));
  EXPECT_THAT(ConvertError("spec: {tags: [a, null]}\n"),
              StartsWith("spec.tags[1]: null in a list"));
  EXPECT_THAT(
      ConvertError("spec: [1, 2]\n"),
      StartsWith("spec: expected a mapping (DataProductSpec), got a list"));
}

TEST(DocumentTest, NullValuesAreAbsent) {
  const DataProduct product = ProductOf(R"(
metadata: {name: x, labels: {a: null, b: kept}}
spec:
  title: null
  description:
  owner: ~
  tags: null
)");
  EXPECT_EQ(product.metadata().name(), "x");
  EXPECT_EQ(product.metadata().labels().size(), 1u);
  EXPECT_EQ(product.metadata().labels().at("b"), "kept");
  EXPECT_TRUE(product.has_spec());
  EXPECT_FALSE(product.spec().has_owner());
  EXPECT_EQ(product.spec().title(), "");
}

TEST(DocumentTest, EnvelopeIsSkippedForMessagesWithoutIt) {
  std::vector<ResourceDocument> docs =
      ParseOk("apiVersion: meshdex.io/v1\nkind: Owner\nteam: core\n");
  ASSERT_EQ(docs.size(), 1u);
  v1::Owner owner;
  ASSERT_TRUE(ToMessage(docs[0], &owner).ok());
  EXPECT_EQ(owner.team(), "core");
  EXPECT_THAT(
      ParseError("kind: [DataProduct]\n"),
      "document 1: kind must be a string, got a list (line 1, column 7)");
}

TEST(DocumentTest, AnchorsAliasesAndMergeKeysAreResolved) {
  const DataProduct product = ProductOf(R"(
metadata: {name: x, labels: &common {team: core, tier: gold}}
spec:
  links: *common
  outputPorts:
    - &base {kind: kafka, format: avro, slo: {freshnessSeconds: 60}}
    - <<: *base
      name: second
      format: json
    - <<: [{kind: s3}, *base]
)");
  EXPECT_EQ(product.spec().links().at("tier"), "gold");
  ASSERT_EQ(product.spec().output_ports_size(), 3);
  const v1::Port& second = product.spec().output_ports(1);
  EXPECT_EQ(second.name(), "second");
  EXPECT_EQ(second.kind(), "kafka");
  EXPECT_EQ(second.format(), "json");  // the mapping's own key wins
  EXPECT_EQ(second.slo().freshness_seconds(), 60);
  EXPECT_EQ(product.spec().output_ports(2).kind(),
            "s3");  // earlier source wins
  EXPECT_EQ(product.spec().output_ports(2).format(), "avro");
  EXPECT_THAT(ParseError("a: &x [1, *x]\n"), HasSubstr("recursive alias"));
}

TEST(DocumentTest, AliasExpansionIsBounded) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char name = 'b'; name <= 'j'; ++name) {
    const char previous = static_cast<char>(name - 1);
    absl::StrAppend(
        &bomb, std::string(1, name), ": &", std::string(1, name), " [",
        Repeat(absl::StrCat("*", std::string(1, previous), ", "), 9), "*",
        std::string(1, previous), "]\n");
  }
  EXPECT_THAT(ParseError(bomb), HasSubstr("once aliases are expanded"));
}

TEST(DocumentTest, DuplicateKeysAreRejected) {
  EXPECT_EQ(ParseError("kind: DataProduct\nspec:\n  title: a\n  title: b\n"),
            "document 1: duplicate key \"title\" (line 4, column 3)");
  EXPECT_EQ(ParseError("---\nkind: A\n---\nkind: A\nkind: B\n"),
            "document 2: duplicate key \"kind\" (line 5, column 1)");
  EXPECT_THAT(ParseError(R"({"spec": {"title": "a", "title": "b"}})"),
              HasSubstr("duplicate key \"title\""));
}

TEST(DocumentTest, SyntaxErrorsNameDocumentAndLine) {
  EXPECT_EQ(
      ParseError(
          "kind: DataProduct\n---\nkind: DataProduct\nspec:\n  tags: [a, b\n"),
      "document 2: end of sequence flow not found (line 6, column 1)");
  EXPECT_THAT(ParseError("spec:\n  title: a\n description: b\n"),
              HasSubstr("(line 3, column 2)"));
  EXPECT_THAT(
      ParseError("{\"spec\": {\"title\": \"a\"}"),
      StartsWith("document 1: parse error at line 1, column 24: syntax error "
                 "while parsing object"));
  // Not JSON beyond its first bracket: reported as YAML.
  EXPECT_EQ(ParseError("{spec: [a, b}"),
            "document 1: illegal flow end (line 1, column 13)");
  EXPECT_THAT(ParseError("just a scalar\n"),
              HasSubstr("document 1: a document must be a mapping"));
}

TEST(DocumentTest, TabIndentationIsExplained) {
  const std::string error = ParseError("spec:\n\ttitle: a\n");
  EXPECT_THAT(error, HasSubstr("tabs cannot be used for indentation"));
  EXPECT_THAT(error, HasSubstr("line 2"));
}

TEST(DocumentTest, FlowStyleYamlIsNotMistakenForJson) {
  std::vector<ResourceDocument> docs = ParseOk(
      "{apiVersion: meshdex.io/v1, kind: DataProduct, spec: {version: 2.0}}");
  ASSERT_EQ(docs.size(), 1u);
  DataProduct product;
  ASSERT_TRUE(ToMessage(docs[0], &product).ok());
  EXPECT_EQ(product.spec().version(), "2.0");
  // A byte order mark is not content.
  EXPECT_EQ(ParseOk("\xEF\xBB\xBFkind: DataProduct\n").at(0).kind,
            "DataProduct");
}

TEST(DocumentTest, DeepFlowNestingIsRejectedWithoutCrashing) {
  const std::string deep_sequence = Repeat("[", 10000);
  EXPECT_THAT(ParseError(deep_sequence),
              HasSubstr("nesting deeper than 64 levels"));
  EXPECT_THAT(ParseError(absl::StrCat("x: ", deep_sequence)),
              HasSubstr("nesting deeper than 64 levels (line 1, column 68)"));
  EXPECT_THAT(ParseError(Repeat("{a: ", 10000)),
              HasSubstr("nesting deeper than 64"));
  EXPECT_THAT(ParseError(absl::StrCat(Repeat("{\"a\": ", 10000), "1",
                                      Repeat("}", 10000))),
              HasSubstr("nesting deeper than 64"));
  EXPECT_THAT(ParseError(absl::StrCat(Repeat("- ", 10000), "x")),
              HasSubstr("nesting deeper than 64"));
}

TEST(DocumentTest, DeepBlockNestingIsRejected) {
  std::string deep_mapping;
  for (int i = 0; i < 2000; ++i) {
    absl::StrAppend(&deep_mapping, std::string(i, ' '), "a:\n");
  }
  EXPECT_THAT(ParseError(deep_mapping),
              HasSubstr("nesting deeper than 64 levels"));
}

TEST(DocumentTest, NestingLimitIsExact) {
  // The document mapping plus 63 lists: 64 levels.
  const std::string at_limit =
      absl::StrCat("x: ", Repeat("[", 63), Repeat("]", 63), "\n");
  EXPECT_TRUE(ParseDocuments(at_limit).ok());
  const std::string beyond =
      absl::StrCat("x: ", Repeat("[", 64), Repeat("]", 64), "\n");
  EXPECT_THAT(ParseError(beyond), HasSubstr("nesting deeper than 64 levels"));
  const std::string json_beyond =
      absl::StrCat("{\"x\": ", Repeat("[", 64), Repeat("]", 64), "}");
  EXPECT_THAT(ParseError(json_beyond),
              HasSubstr("nesting deeper than 64 levels"));
}

TEST(DocumentTest, OversizedInputIsRejected) {
  const std::string big(kDefaultMaxInputBytes + 1, '#');
  EXPECT_THAT(ParseError(big),
              HasSubstr("more than the limit of 8388608 bytes"));
  ParseOptions options;
  options.max_input_bytes = 16;
  EXPECT_FALSE(ParseDocuments("kind: DataProduct\n", options).ok());
  EXPECT_TRUE(ParseDocuments("kind: Product\n", options).ok());
}

TEST(DocumentTest, LargeYamlFlowCollectionsAreRejectedButJsonIsNot) {
  const std::string items = Repeat("\"tag\", ", 50000);  // ~350 KiB
  EXPECT_THAT(
      ParseError(absl::StrCat("# yaml\nspec: {tags: [", items, "\"end\"]}\n")),
      HasSubstr("document 1: a flow collection ([...] or {...}) longer than "
                "262144 bytes; write it in block style or send JSON "
                "(line 2, column 7)"));
  const DataProduct product =
      ProductOf(absl::StrCat("{\"spec\": {\"tags\": [", items, "\"end\"]}}"));
  EXPECT_EQ(product.spec().tags_size(), 50001);
}

TEST(DocumentTest, FlowScannerIgnoresBracketsInTextAndBlockScalars) {
  // Unbalanced brackets in quoted, plain and block scalars are text, not flow
  // collections, so the limits above must not fire on them.
  const std::string text = absl::StrCat(
      "spec:\n  title: \"", Repeat("[", 100), "\"\n  description: |\n    ",
      Repeat("{[", 100), "\n    more text ]]\n  lifecycle: see [",
      Repeat("[", 100), "\n  tags:\n    - '", Repeat("{", 100), "'\n");
  const DataProduct product = ProductOf(text);
  EXPECT_EQ(product.spec().title(), Repeat("[", 100));
  EXPECT_EQ(product.spec().description(),
            absl::StrCat(Repeat("{[", 100), "\nmore text ]]\n"));
  EXPECT_EQ(product.spec().lifecycle(),
            absl::StrCat("see [", Repeat("[", 100)));
  ASSERT_EQ(product.spec().tags_size(), 1);
  EXPECT_EQ(product.spec().tags(0), Repeat("{", 100));
}

TEST(DocumentTest, TooManyValuesAreRejected) {
  const std::string items = Repeat("1,", static_cast<int>(kMaxNodes));
  EXPECT_THAT(ParseError(absl::StrCat("[", items, "1]")),
              HasSubstr("values in the input"));
}

}  // namespace
}  // namespace meshdex::document
