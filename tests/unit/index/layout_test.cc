#include "index/layout.h"

#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/index/index_fixture.h"

namespace meshdex::index::layout {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

meshdex::v1::DataProduct Shipments() {
  return Product("logistics", "shipments", [](meshdex::v1::DataProduct& p) {
    (*p.mutable_metadata()->mutable_labels())["cost_center"] = "CC-42";
    auto& spec = *p.mutable_spec();
    spec.set_title("Shipment Events");
    spec.set_description("Every parcel movement, as events.");
    spec.mutable_owner()->set_team("logistics-core");
    spec.mutable_owner()->set_email("Logistics@Example.com");
    spec.set_lifecycle("production");
    spec.add_tags("IoT");
    spec.add_tags("shipping");
    spec.add_glossary_terms("Shipment");
    auto& port = *spec.add_output_ports();
    port.set_name("events");
    port.set_kind("kafka");
    port.set_format("avro");
    port.set_address("kafka://broker.logistics:9092/logistics.shipments.v1");
    auto& field = *port.mutable_schema()->add_fields();
    field.set_name("loyalty_tier");
    field.set_description("Tier of the customer's loyalty programme");
    auto& email = *port.mutable_schema()->add_fields();
    email.set_name("customerEmail");
    email.set_classification("PII");
    auto& input = *spec.add_input_ports();
    input.set_name("orders");
    input.set_kind("s3");
    input.set_address("s3://sales/orders");
  });
}

std::set<std::string> Terms(const Xapian::Document& document) {
  return std::set<std::string>(document.termlist_begin(), document.termlist_end());
}

// The document's termlist entry for `term`; its termlist_end() when absent.
Xapian::TermIterator FindTerm(const Xapian::Document& document, const std::string& term) {
  Xapian::TermIterator it = document.termlist_begin();
  it.skip_to(term);
  return it != document.termlist_end() && *it == term ? it : document.termlist_end();
}

TEST(LayoutTest, ProductDocumentHasIdTypeAndFilterTerms) {
  std::optional<Xapian::Document> document = ProductDocument(Shipments());
  ASSERT_TRUE(document.has_value());
  const std::set<std::string> terms = Terms(*document);
  for (const char* term :
       {"Qurn:dp:logistics:shipments", "XYproduct", "XDlogistics", "XOlogistics-core",
        "XOlogistics@example.com", "XTiot", "XTshipping", "XLproduction", "XKkafka", "XCpii"}) {
    EXPECT_THAT(terms, Contains(term));
  }
  // kind is about output ports only.
  EXPECT_THAT(terms, Not(Contains("XKs3")));
}

TEST(LayoutTest, IdentifiersAreIndexedWholeAndByParts) {
  const std::set<std::string> terms = Terms(*ProductDocument(Shipments()));
  for (const char* term : {"loyalty_tier", "loyalty", "tier", "customeremail", "customer", "email",
                           "cost_center", "cost", "center"}) {
    EXPECT_THAT(terms, Contains(term));
  }
}

TEST(LayoutTest, TextIsStemmedAndCoversPortsAndLabels) {
  const std::set<std::string> terms = Terms(*ProductDocument(Shipments()));
  for (const char* term : {"Zparcel", "Zmovement", "Zevent", "avro", "broker", "orders", "cc",
                           "programme", "Zprogramm"}) {
    EXPECT_THAT(terms, Contains(term));
  }
}

// Indexing remembers stems per thread: a word stems the same the first time,
// when remembered, and on a thread that has not seen it.
TEST(LayoutTest, StemsAreTheSameRememberedAndOnAnotherThread) {
  const auto build = [] {
    return Terms(*ProductDocument(Product("d", "runs", [](auto& p) {
      p.mutable_spec()->set_description("movements running parcels movements");
    })));
  };
  const std::set<std::string> first = build();
  for (const char* term : {"Zmovement", "Zrun", "Zparcel", "movements", "running"}) {
    EXPECT_THAT(first, Contains(term));
  }
  EXPECT_EQ(build(), first);
  std::set<std::string> elsewhere;
  std::thread([&] { elsewhere = build(); }).join();
  EXPECT_EQ(elsewhere, first);
}

// Phrases need positions: the product's own text keeps them; port and schema
// words, most of a document, have none (indexing cost) but remain terms.
TEST(LayoutTest, PortAndSchemaWordsHaveNoPositions) {
  const Xapian::Document document = *ProductDocument(Shipments());
  auto positions = [&](const std::string& term) -> Xapian::termcount {
    const Xapian::TermIterator it = FindTerm(document, term);
    if (it == document.termlist_end()) {
      ADD_FAILURE() << term << " is not a term of the document";
      return 0;
    }
    return it.positionlist_count();
  };
  for (const char* term : {"parcel", "movement", "shipment", "iot", "cost_center"}) {
    EXPECT_GT(positions(term), 0u) << term;
  }
  for (const char* term : {"loyalty_tier", "loyalty", "programme", "avro", "broker", "orders",
                           "customeremail"}) {
    EXPECT_EQ(positions(term), 0u) << term;
  }
}

TEST(LayoutTest, TitleAndNameWeighMoreThanDescription) {
  std::optional<Xapian::Document> document = ProductDocument(Product("d", "alpha", [](auto& p) {
    p.mutable_spec()->set_title("bravo");
    p.mutable_spec()->set_description("charlie");
  }));
  auto wdf = [&](const std::string& term) {
    const Xapian::TermIterator it = FindTerm(*document, term);
    return it != document->termlist_end() ? it.get_wdf() : 0;
  };
  EXPECT_GT(wdf("alpha"), wdf("charlie"));
  EXPECT_GT(wdf("bravo"), wdf("charlie"));
  EXPECT_GT(wdf("charlie"), 0u);
}

TEST(LayoutTest, FacetValuesAreNormalisedLists) {
  std::optional<Xapian::Document> document = ProductDocument(Shipments());
  EXPECT_THAT(DecodeValueList(document->get_value(FindFilterField("tag")->slot)),
              ElementsAre("iot", "shipping"));
  EXPECT_THAT(DecodeValueList(document->get_value(FindFilterField("classification")->slot)),
              ElementsAre("pii"));
  EXPECT_THAT(DecodeValueList(document->get_value(FindFilterField("owner")->slot)),
              ElementsAre("logistics-core", "logistics@example.com"));
  EXPECT_THAT(DecodeValueList(document->get_value(FindFilterField("type")->slot)),
              ElementsAre("product"));
}

TEST(LayoutTest, SortKeyOrdersByNameAndIsBrowsable) {
  std::optional<Xapian::Document> document = ProductDocument(Shipments());
  const std::string key = SortKey("shipments", "urn:dp:logistics:shipments");
  EXPECT_EQ(document->get_value(kSortKeySlot), key);
  EXPECT_THAT(Terms(*document), Contains(std::string(kBrowsePrefix) + key));
  // A name that extends another sorts after it, whatever the URNs.
  EXPECT_LT(SortKey("ship", "urn:dp:z:ship"), SortKey("ship-a", "urn:dp:a:ship-a"));
}

TEST(LayoutTest, FingerprintFollowsEveryIndexedPartAndNothingElse) {
  const auto fingerprint = [](const meshdex::v1::DataProduct& product) {
    std::optional<Xapian::Document> document = ProductDocument(product);
    EXPECT_TRUE(document.has_value());
    return document.has_value() ? document->get_value(kFingerprintSlot) : std::string();
  };
  const std::string base = fingerprint(Shipments());
  EXPECT_EQ(base.size(), 8u);
  // Stored, so stable: the same product always gives the same digest, which
  // is also the digest of the document's content.
  EXPECT_EQ(fingerprint(Shipments()), base);
  EXPECT_EQ(Fingerprint(*ProductDocument(Shipments())), base);

  std::set<std::string> seen = {base};
  const std::vector<std::function<void(meshdex::v1::DataProduct&)>> edits = {
      // A term.
      [](auto& p) { p.mutable_spec()->set_description("Every parcel movement, as records."); },
      // The same words at other positions.
      [](auto& p) { p.mutable_spec()->set_description("As events, every parcel movement."); },
      // A facet value (and a boolean term).
      [](auto& p) { p.mutable_spec()->set_lifecycle("deprecated"); },
      // A word's weight: a tag becomes a title word too.
      [](auto& p) { p.mutable_spec()->set_title("Shipment Events IoT"); },
      // A schema field's name.
      [](auto& p) { p.mutable_spec()->mutable_output_ports(0)->mutable_schema()->mutable_fields(0)->set_name("tier"); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    meshdex::v1::DataProduct product = Shipments();
    edits[i](product);
    EXPECT_TRUE(seen.insert(fingerprint(product)).second) << "edit " << i;
  }
  // What the document does not hold leaves it unchanged.
  meshdex::v1::DataProduct revised = Shipments();
  revised.mutable_metadata()->set_revision(7);
  EXPECT_EQ(fingerprint(revised), base);
}

TEST(LayoutTest, StoredFieldsRoundTrip) {
  std::optional<Xapian::Document> document = ProductDocument(Shipments());
  std::optional<StoredFields> stored = DecodeStoredFields(document->get_data());
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->urn, "urn:dp:logistics:shipments");
  EXPECT_EQ(stored->type, "product");
  EXPECT_EQ(stored->name, "shipments");
  EXPECT_EQ(stored->title, "Shipment Events");
  EXPECT_EQ(stored->domain, "logistics");
  EXPECT_EQ(stored->text, "Every parcel movement, as events.");
  EXPECT_FALSE(DecodeStoredFields("garbage").has_value());
}

TEST(LayoutTest, CompletionTermsForNameAndTitle) {
  const std::set<std::string> terms = Terms(*ProductDocument(Shipments()));
  EXPECT_THAT(terms, Contains(CompletionTermPrefix(9, "shipments")));
  EXPECT_THAT(terms, Contains(CompletionTermPrefix(15, "shipment events")));
  EXPECT_EQ(CompletionKeyOfTerm(CompletionTermPrefix(15, "shipment events")), "shipment events");
  EXPECT_FALSE(CompletionKeyOfTerm("XTiot").has_value());
}

TEST(LayoutTest, CompletionKeyNormalises) {
  EXPECT_EQ(CompletionKey("  Shipment\t\n EVENTS "), "shipment events");
  EXPECT_EQ(CompletionKey("Ünïcode"), "ünïcode");
  const std::string cut = CompletionKey(std::string(63, 'a') + "é");
  EXPECT_EQ(cut, std::string(63, 'a'));  // never half a UTF-8 sequence
}

TEST(LayoutTest, OverlongValuesAreSkippedNotFatal) {
  const std::string huge(300, 'x');
  EXPECT_FALSE(FilterTerm(*FindFilterField("tag"), huge).has_value());
  EXPECT_FALSE(FilterTerm(*FindFilterField("tag"), "  ").has_value());
  std::optional<Xapian::Document> document =
      ProductDocument(Product("d", "n", [&](auto& p) { p.mutable_spec()->add_tags(huge); }));
  ASSERT_TRUE(document.has_value());
  for (const std::string& term : Terms(*document)) EXPECT_LE(term.size(), 245u);
  EXPECT_FALSE(ProductDocument(Product("d", std::string(300, 'n'))).has_value());
}

TEST(LayoutTest, DictionaryWords) {
  EXPECT_TRUE(IsDictionaryWord("shipments"));
  EXPECT_TRUE(IsDictionaryWord("loyalty"));
  EXPECT_FALSE(IsDictionaryWord("loyalty_tier"));
  EXPECT_FALSE(IsDictionaryWord("9092"));
  EXPECT_FALSE(IsDictionaryWord("v1"));
  EXPECT_FALSE(IsDictionaryWord("Zshipment"));
  EXPECT_FALSE(IsDictionaryWord("XTiot"));
}

}  // namespace
}  // namespace meshdex::index::layout
