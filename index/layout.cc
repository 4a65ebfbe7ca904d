#include "index/layout.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "proto/utf8.h"
#include "storage/lineage_ids.h"

namespace meshdex::index::layout {
namespace {

using meshdex::v1::DataProduct;
using meshdex::v1::Port;

// Xapian refuses longer terms.
constexpr size_t kMaxTermBytes = 245;

constexpr char kIdPrefix[] = "Q";

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }

// "loyalty_tier" -> "loyalty tier", "customerEmail" -> "customer Email";
// empty when the identifier has no parts.
std::string IdentifierParts(absl::string_view identifier) {
  std::string parts;
  parts.reserve(identifier.size() + 4);
  bool split = false;
  for (size_t i = 0; i < identifier.size(); ++i) {
    const char c = identifier[i];
    if (c == '_') {
      parts.push_back(' ');
      split = true;
      continue;
    }
    if (i > 0 && IsAsciiUpper(c) &&
        (absl::ascii_islower(identifier[i - 1]) || absl::ascii_isdigit(identifier[i - 1]))) {
      parts.push_back(' ');
      split = true;
    }
    parts.push_back(c);
  }
  return split ? parts : std::string();
}

void AppendVarint(uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

bool ReadVarint(absl::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void AppendString(absl::string_view s, std::string& out) {
  AppendVarint(s.size(), out);
  out.append(s.data(), s.size());
}

bool ReadString(absl::string_view& in, std::string& s) {
  uint64_t size = 0;
  if (!ReadVarint(in, size) || size > in.size()) return false;
  s.assign(in.data(), size);
  in.remove_prefix(size);
  return true;
}

// 64-bit FNV-1a over length-prefixed pieces: stable across processes and
// builds (the fingerprint is stored), unlike absl::Hash.
class StableHash {
 public:
  void Add(absl::string_view piece) {
    AddNumber(piece.size());
    for (const char c : piece) Mix(static_cast<unsigned char>(c));
  }
  void AddNumber(uint64_t number) {
    for (int shift = 0; shift < 64; shift += 8) Mix(static_cast<unsigned char>(number >> shift));
  }
  std::string Digest() const {
    std::string digest(sizeof(hash_), '\0');
    for (size_t i = 0; i < sizeof(hash_); ++i) digest[i] = static_cast<char>(hash_ >> (8 * i));
    return digest;
  }

 private:
  void Mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// English stemming that remembers the stems of the words it stemmed last:
// building documents stems the same vocabulary over and over (7% of the
// index follower's time at 1M products). Bounded: it starts over when full.
class RememberingStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    auto found = stems_.find(word);
    if (found != stems_.end()) return found->second;
    if (stems_.size() >= kMaxWords) stems_.clear();
    return stems_.emplace(word, english_(word)).first->second;
  }
  std::string get_description() const override { return "remembering english stemmer"; }

 private:
  static constexpr size_t kMaxWords = 1 << 16;
  Xapian::Stem english_ = Stemmer();
  absl::flat_hash_map<std::string, std::string> stems_;
};

// The stemmer documents are built with; one per thread, as a Xapian::Stem
// (reference-counted without atomics) must stay on one thread.
const Xapian::Stem& IndexingStemmer() {
  thread_local const Xapian::Stem stemmer(new RememberingStemmer());
  return stemmer;
}

// Accumulates one document: free text through a TermGenerator, filter terms
// and their facet values.
class DocumentBuilder {
 public:
  DocumentBuilder() {
    generator_.set_stemmer(IndexingStemmer());
    generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    generator_.set_document(document_);
  }

  // One field of free text. Fields are separated by a position gap so a
  // phrase never matches across two of them.
  void Text(absl::string_view text, Xapian::termcount weight = kTextWeight) {
    if (text.empty()) return;
    generator_.index_text(Xapian::Utf8Iterator(text.data(), text.size()), weight);
    generator_.increase_termpos();
  }

  // Free text findable word by word but not by phrase: its words get no
  // positions (see IndexPort).
  void Words(absl::string_view text) {
    if (text.empty()) return;
    generator_.index_text_without_positions(Xapian::Utf8Iterator(text.data(), text.size()),
                                            kTextWeight);
  }

  // An identifier (snake_case or camelCase): findable whole and by parts.
  void Identifier(absl::string_view identifier, Xapian::termcount weight = kTextWeight) {
    Text(identifier, weight);
    Text(IdentifierParts(identifier), weight);
  }

  // An identifier as Words.
  void IdentifierWords(absl::string_view identifier) {
    Words(identifier);
    Words(IdentifierParts(identifier));
  }

  // A filter term, whose value also counts in the field's facet: a facet
  // value's count over all documents is its term's frequency.
  void Filter(absl::string_view field_name, absl::string_view value) {
    const FilterField* field = FindFilterField(field_name);
    std::optional<std::string> term = FilterTerm(*field, value);
    if (!term.has_value()) return;
    document_.add_boolean_term(*term);
    std::vector<std::string>& values = values_[field->slot];
    std::string normalized = NormalizeValue(value);
    if (std::find(values.begin(), values.end(), normalized) == values.end()) {
      values.push_back(std::move(normalized));
    }
  }

  void Completion(absl::string_view text) {
    const std::string key = CompletionKey(text);
    if (!key.empty()) document_.add_boolean_term(CompletionTermPrefix(key.size(), key));
  }

  Xapian::Document Finish(const std::string& id_term, const StoredFields& stored) {
    document_.add_boolean_term(id_term);
    for (auto& [slot, values] : values_) {
      std::sort(values.begin(), values.end());
      std::string encoded;
      for (const std::string& value : values) {
        encoded.push_back(static_cast<char>(value.size()));
        encoded.append(value.data(), value.size());
      }
      document_.add_value(slot, encoded);
    }
    const std::string sort_key = SortKey(stored.name, stored.urn);
    document_.add_value(kSortKeySlot, sort_key);
    const std::string browse_term = absl::StrCat(kBrowsePrefix, sort_key);
    if (browse_term.size() <= kMaxTermBytes) document_.add_boolean_term(browse_term);
    document_.set_data(EncodeStoredFields(stored));
    document_.add_value(kFingerprintSlot, Fingerprint(document_));
    return document_;
  }

 private:
  Xapian::Document document_;
  Xapian::TermGenerator generator_;
  std::map<Xapian::valueno, std::vector<std::string>> values_;
};

// Ports and their schemas are most of a product's words (up to 6 ports of 60
// fields each) and so most of the index follower's work: their words are
// indexed without positions, which Xapian would otherwise store and update per
// occurrence. They stay findable word by word; a phrase matches in a
// product's own name, title, description, tags and labels only.
void IndexPort(const Port& port, DocumentBuilder& builder) {
  builder.IdentifierWords(port.name());
  builder.Words(port.kind());
  builder.Words(port.format());
  builder.Words(port.address());
  builder.Words(port.description());
  builder.Words(port.dataset().namespace_());
  builder.IdentifierWords(port.dataset().name());
  for (const meshdex::v1::SchemaField& field : port.schema().fields()) {
    builder.IdentifierWords(field.name());
    builder.Words(field.description());
    builder.Words(field.classification());
    builder.Filter("classification", field.classification());
  }
}

// The domain of urn:dp:<domain>:<name>, "" for anything else.
std::string DomainOfProductUrn(absl::string_view urn) {
  std::vector<absl::string_view> parts = absl::StrSplit(urn, ':');
  return parts.size() == 4 && parts[0] == "urn" && parts[1] == "dp" ? std::string(parts[2])
                                                                   : std::string();
}

}  // namespace

bool IsEntityType(absl::string_view type) {
  return type == kTypeProduct || type == kTypeDataset || type == kTypeJob;
}

const std::vector<FilterField>& FilterFields() {
  static const std::vector<FilterField>* const kFields = new std::vector<FilterField>{
      {"type", "XY", 0, false},
      {"domain", "XD", 1, false},
      {"owner", "XO", 2, true},
      {"tag", "XT", 3, true},
      {"lifecycle", "XL", 4, false},
      {"kind", "XK", 5, true},
      {"classification", "XC", 6, true},
      {"governance", "XG", 8, false},
  };
  return *kFields;
}

const FilterField* FindFilterField(absl::string_view name) {
  for (const FilterField& field : FilterFields()) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::string NormalizeValue(absl::string_view value) {
  return Xapian::Unicode::tolower(std::string(absl::StripAsciiWhitespace(value)));
}

std::optional<std::string> FilterTerm(const FilterField& field, absl::string_view value) {
  std::string term = absl::StrCat(field.prefix, NormalizeValue(value));
  if (term.size() == field.prefix.size() || term.size() > kMaxTermBytes) return std::nullopt;
  return term;
}

std::string SortKey(absl::string_view name, absl::string_view urn) {
  return absl::StrCat(NormalizeValue(name), absl::string_view("\0", 1), urn);
}

std::vector<std::string> DecodeValueList(absl::string_view encoded) {
  std::vector<std::string> values;
  while (!encoded.empty()) {
    const size_t size = static_cast<unsigned char>(encoded.front());
    encoded.remove_prefix(1);
    if (size > encoded.size()) break;
    values.emplace_back(encoded.substr(0, size));
    encoded.remove_prefix(size);
  }
  return values;
}

std::optional<std::string> IdTerm(absl::string_view urn) {
  if (urn.empty() || urn.size() + 1 > kMaxTermBytes) return std::nullopt;
  return absl::StrCat(kIdPrefix, urn);
}

std::string EncodeStoredFields(const StoredFields& fields) {
  std::string data;
  for (const std::string* field :
       {&fields.urn, &fields.type, &fields.name, &fields.title, &fields.domain, &fields.text}) {
    AppendString(*field, data);
  }
  return data;
}

std::optional<StoredFields> DecodeStoredFields(absl::string_view data) {
  StoredFields fields;
  for (std::string* field :
       {&fields.urn, &fields.type, &fields.name, &fields.title, &fields.domain, &fields.text}) {
    if (!ReadString(data, *field)) return std::nullopt;
  }
  if (!data.empty()) return std::nullopt;
  return fields;
}

Xapian::Stem Stemmer() { return Xapian::Stem("english"); }

bool IsDictionaryWord(absl::string_view term) {
  // Whole snake_case identifiers stay out: mostly unique, they would bloat the
  // dictionary (and slow every correction) while their parts are words.
  if (term.size() < 3 || IsAsciiUpper(term.front()) ||
      term.find('_') != absl::string_view::npos) {
    return false;
  }
  return std::any_of(term.begin(), term.end(), [](char c) {
    return absl::ascii_isalpha(c) || static_cast<unsigned char>(c) >= 0x80;
  });
}

std::string CompletionKey(absl::string_view text) {
  std::string collapsed;
  collapsed.reserve(text.size());
  for (char c : text) {
    const bool blank = absl::ascii_isspace(c) || absl::ascii_iscntrl(c);
    if (!blank) {
      collapsed.push_back(c);
    } else if (!collapsed.empty() && collapsed.back() != ' ') {
      collapsed.push_back(' ');
    }
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return std::string(utf8::Truncate(Xapian::Unicode::tolower(collapsed), kMaxCompletionKeyBytes));
}

void NextTerm(Xapian::TermIterator& term) {
  // The key of a term's first posting chunk is the term, those of its other
  // chunks the term, '\0', a document id: the next term starts after
  // term + '\0'.
  term.skip_to(*term + '\0');
}

std::string CompletionTermPrefix(size_t key_length, absl::string_view key_prefix) {
  return absl::StrFormat("%s%02d%s", kCompletionTermsPrefix, key_length, key_prefix);
}

std::optional<std::string> CompletionKeyOfTerm(absl::string_view term) {
  constexpr size_t kHeader = kCompletionTermsPrefix.size() + 2;
  if (term.size() <= kHeader || !absl::StartsWith(term, kCompletionTermsPrefix)) {
    return std::nullopt;
  }
  return std::string(term.substr(kHeader));
}

std::optional<Xapian::Document> ProductDocument(const DataProduct& product) {
  const meshdex::v1::ObjectMeta& meta = product.metadata();
  const meshdex::v1::DataProductSpec& spec = product.spec();
  std::optional<std::string> id_term = IdTerm(meta.urn());
  if (!id_term.has_value()) return std::nullopt;

  DocumentBuilder builder;
  builder.Identifier(meta.name(), kNameWeight);
  builder.Text(spec.title(), kNameWeight);
  builder.Text(spec.description());
  builder.Identifier(meta.domain(), kLabelWeight);
  for (const std::string& tag : spec.tags()) builder.Text(tag, kLabelWeight);
  for (const std::string& term : spec.glossary_terms()) builder.Text(term, kLabelWeight);
  builder.Identifier(spec.owner().team());
  builder.Text(spec.owner().email());
  // Labels in key order: the document must not depend on map iteration order.
  std::map<std::string, std::string> labels(meta.labels().begin(), meta.labels().end());
  for (const auto& [key, value] : labels) {
    builder.Identifier(key);
    builder.Identifier(value);
  }
  for (const Port& port : spec.output_ports()) {
    IndexPort(port, builder);
    builder.Filter("kind", port.kind());
  }
  for (const Port& port : spec.input_ports()) IndexPort(port, builder);

  builder.Filter("type", kTypeProduct);
  builder.Filter("domain", meta.domain());
  builder.Filter("owner", spec.owner().team());
  builder.Filter("owner", spec.owner().email());
  for (const std::string& tag : spec.tags()) builder.Filter("tag", tag);
  builder.Filter("lifecycle", spec.lifecycle());
  builder.Filter("governance", product.status().governance().violations().empty()
                                   ? kGovernanceOk
                                   : kGovernanceViolating);

  builder.Completion(meta.name());
  builder.Completion(spec.title());

  StoredFields stored;
  stored.urn = meta.urn();
  stored.type = kTypeProduct;
  stored.name = meta.name();
  stored.title = spec.title();
  stored.domain = meta.domain();
  stored.text = spec.description().empty() ? spec.title() : spec.description();
  return builder.Finish(*id_term, stored);
}


std::string Fingerprint(const Xapian::Document& document) {
  StableHash hash;
  hash.Add(document.get_data());
  for (Xapian::TermIterator term = document.termlist_begin(); term != document.termlist_end();
       ++term) {
    hash.Add(*term);
    hash.AddNumber(term.get_wdf());
    hash.AddNumber(term.positionlist_count());
    for (Xapian::PositionIterator position = term.positionlist_begin();
         position != term.positionlist_end(); ++position) {
      hash.AddNumber(*position);
    }
  }
  for (Xapian::ValueIterator value = document.values_begin(); value != document.values_end();
       ++value) {
    if (value.get_valueno() == kFingerprintSlot) continue;
    hash.AddNumber(value.get_valueno());
    hash.Add(*value);
  }
  return hash.Digest();
}

std::optional<Xapian::Document> DatasetDocument(const meshdex::v1::LineageDataset& dataset,
                                                absl::string_view owner_urn) {
  const std::string id = storage::DatasetNodeId({dataset.namespace_(), dataset.name()});
  std::optional<std::string> id_term = IdTerm(id);
  if (!id_term.has_value()) return std::nullopt;
  const std::string domain = DomainOfProductUrn(owner_urn);

  // Names at plain weight: a product outranks the datasets and jobs named
  // after it (their short documents would otherwise win under BM25).
  DocumentBuilder builder;
  builder.Identifier(dataset.name());
  builder.Text(dataset.namespace_());
  builder.Text(dataset.description());
  for (const meshdex::v1::DatasetField& field : dataset.fields()) {
    builder.Identifier(field.name());
    builder.Text(field.type());
    builder.Text(field.description());
  }

  builder.Filter("type", kTypeDataset);
  builder.Filter("domain", domain);
  builder.Completion(dataset.name());

  StoredFields stored;
  stored.urn = id;
  stored.type = kTypeDataset;
  stored.name = dataset.name();
  stored.title = dataset.name();
  stored.domain = domain;
  stored.text = dataset.description().empty() ? dataset.namespace_() : dataset.description();
  return builder.Finish(*id_term, stored);
}

std::optional<Xapian::Document> JobDocument(const meshdex::v1::LineageJob& job) {
  const std::string id = storage::JobNodeId({job.namespace_(), job.name()});
  std::optional<std::string> id_term = IdTerm(id);
  if (!id_term.has_value()) return std::nullopt;

  DocumentBuilder builder;
  builder.Identifier(job.name());
  builder.Text(job.namespace_());
  builder.Text(job.description());
  builder.Text(job.sql());

  builder.Filter("type", kTypeJob);
  builder.Completion(job.name());

  StoredFields stored;
  stored.urn = id;
  stored.type = kTypeJob;
  stored.name = job.name();
  stored.title = job.name();
  stored.text = !job.description().empty() ? job.description()
                : !job.sql().empty()         ? job.sql()
                                             : job.namespace_();
  return builder.Finish(*id_term, stored);
}

}  // namespace meshdex::index::layout
