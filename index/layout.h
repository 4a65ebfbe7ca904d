// Index layout: how catalog entities become Xapian documents. This module is
// the only place that knows term prefixes, value slots, the stored-data format
// and the metadata keys; the follower writes documents built here and the
// searcher/suggester read them through the accessors here.
//
// One Xapian document per entity, found by its unique id term Q<urn>.
//
//   terms (free text)   unprefixed words and Z-prefixed English stems, with
//                       positions (phrases) except in ports and their schemas,
//                       title and name boosted; snake_case and camelCase
//                       identifiers indexed whole and by parts
//   Q<urn>              unique id (replace/delete in place)
//   XY<type>            entity type: product, dataset, job
//   XD<domain>          domain                      | filters `field:value`;
//   XO<team>, XO<email> owner                       | values are normalised
//   XT<tag>             tag                         | (trimmed, lower-case) on
//   XL<lifecycle>       lifecycle                   | both sides
//   XK<kind>            output-port kind            |
//   XC<classification>  any schema field classification
//   XG<governance>      products: violating (the stored governance status
//                       lists violations) or ok
//   XN<sort key>        the sort key below: the term dictionary in name order
//   XS<LL><key>         completion key of a name or title: LL is the key's byte
//                       length as two digits, key its normalised text (see
//                       CompletionKey); the suggester's prefix-term layout
//   value slots 0..6, 8 the filter fields above, each the list of the
//                       document's normalised values (the same as its filter
//                       terms), for facet counts over a match set
//   value slot 7        sort key: normalised name, NUL, urn ("sorted by name")
//   value slot 9        fingerprint of everything above (Fingerprint): the
//                       follower leaves a document whose fingerprint is
//                       unchanged as it is (a dataset touched by a run)
//   data                StoredFields (urn, type, name, title, domain, text)
//   metadata            format version and applied change-log sequence
//
// Lineage datasets and jobs (OpenLineage, see lineage.proto) reuse the same
// prefixes and slots; their URN is their lineage node id
// (dataset:<namespace>:<name>, job:<namespace>:<name>). A dataset's domain is
// the domain of the product owning it through an output port, if any. Their
// text carries no boost, so a product ranks above datasets named like it.
// Any change to this layout must bump kFormatVersion: the follower rebuilds
// an index whose stored version differs. (The fingerprint slot did not: a
// document without one never matches a new fingerprint, so it is replaced.)
//
// Thread-safety: stateless functions; safe everywhere.
#ifndef MESHDEX_INDEX_LAYOUT_H_
#define MESHDEX_INDEX_LAYOUT_H_

#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/strings/string_view.h"
#include "meshdex/v1/lineage.pb.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::index::layout {

inline constexpr int kFormatVersion = 5;
// Xapian metadata keys, written in the same commit as the documents.
inline constexpr char kFormatVersionKey[] = "meshdex.format_version";
inline constexpr char kAppliedSequenceKey[] = "meshdex.applied_sequence";

// Within-document frequency added per occurrence: BM25 ranks a document
// matching in its name or title above one matching in a schema description.
inline constexpr Xapian::termcount kNameWeight = 5;
inline constexpr Xapian::termcount kLabelWeight = 2;
inline constexpr Xapian::termcount kTextWeight = 1;
// The within-document frequency beyond which a word weighs no more in
// ranking (index/ranking.h): a word in both a product's name and title.
inline constexpr Xapian::termcount kSaturatingWdf = 2 * kNameWeight;

inline constexpr char kTypeProduct[] = "product";
inline constexpr char kTypeDataset[] = "dataset";
inline constexpr char kTypeJob[] = "job";
// Values of the governance filter.
inline constexpr char kGovernanceOk[] = "ok";
inline constexpr char kGovernanceViolating[] = "violating";
// Whether `type` names an entity type the catalog knows (product, dataset,
// job), indexed yet or not.
bool IsEntityType(absl::string_view type);

// A boolean filter usable as `name:value` in queries and as a facet.
struct FilterField {
  absl::string_view name;
  absl::string_view prefix;
  Xapian::valueno slot;
  // True when a document may carry several values (tags, kinds...): repeated
  // filters on the field must all match. Otherwise (domain, lifecycle, type)
  // repeated filters are alternatives.
  bool multi_valued;
};

// type, domain, owner, tag, lifecycle, kind, classification, governance.
const std::vector<FilterField>& FilterFields();
// nullptr when `name` is not a filter field (case-sensitive).
const FilterField* FindFilterField(absl::string_view name);
// Trimmed and lower-cased (Unicode), as stored in terms and facet values.
std::string NormalizeValue(absl::string_view value);
// The boolean term for `value`, or nullopt when it would exceed Xapian's term
// length limit (such values are neither indexed nor matchable).
std::optional<std::string> FilterTerm(const FilterField& field, absl::string_view value);

// Normalised name, NUL, URN: the order of an empty query's results.
std::string SortKey(absl::string_view name, absl::string_view urn);
inline constexpr Xapian::valueno kSortKeySlot = 7;
// A stable 8-byte digest of a document's data, terms (with wdf and positions)
// and values other than this slot; stored in kFingerprintSlot by every
// document built here.
inline constexpr Xapian::valueno kFingerprintSlot = 9;
std::string Fingerprint(const Xapian::Document& document);
// Every document has the term kBrowsePrefix + SortKey (unless too long for a
// term): the term dictionary lists all entities in name order.
inline constexpr char kBrowsePrefix[] = "XN";

// The values of one filter field of one document, as stored in its slot.
std::vector<std::string> DecodeValueList(absl::string_view encoded);

// Unique id term of an entity; nullopt when the URN is too long to be a term.
std::optional<std::string> IdTerm(absl::string_view urn);

// What a hit shows, stored as the document data.
struct StoredFields {
  std::string urn;
  std::string type;
  std::string name;
  std::string title;
  std::string domain;
  // The text snippets are cut from (the description, else the title).
  std::string text;
};
std::string EncodeStoredFields(const StoredFields& fields);
// nullopt when `data` is not an encoding made by EncodeStoredFields.
std::optional<StoredFields> DecodeStoredFields(absl::string_view data);

// Text analysis shared by indexing, query parsing and snippets.
Xapian::Stem Stemmer();

// Moves `term`, an iterator over the term dictionary (allterms), to the next
// term. Use it instead of ++term where terms can be frequent: on a glass
// database ++ steps through every chunk of the current term's posting list
// (all the postings of a facet value or common word, read from disk).
void NextTerm(Xapian::TermIterator& term);

// Whether an unprefixed term is a word worth offering as a spelling
// correction or completion: at least three bytes, one letter, no '_'.
bool IsDictionaryWord(absl::string_view term);

// Longest completion key; longer names/titles are cut (at a UTF-8 boundary).
inline constexpr size_t kMaxCompletionKeyBytes = 64;
// Lower-cased text with runs of whitespace collapsed to one space, trimmed
// and cut to kMaxCompletionKeyBytes. Applied to indexed text and prefixes.
std::string CompletionKey(absl::string_view text);
// Every completion term starts with this; CompletionTermPrefix follows it
// with the key's length in two digits, so shorter keys' terms sort first.
inline constexpr absl::string_view kCompletionTermsPrefix = "XS";
// The completion terms of keys of exactly `key_length` bytes that start with
// `key_prefix` all start with the returned string.
std::string CompletionTermPrefix(size_t key_length, absl::string_view key_prefix);
// Inverse of the completion term: the key, or nullopt for other terms.
std::optional<std::string> CompletionKeyOfTerm(absl::string_view term);

// The document of a product (metadata.urn set; status.governance as stored,
// for the governance filter). Fails with nullopt when the URN cannot be an id
// term.
std::optional<Xapian::Document> ProductDocument(const meshdex::v1::DataProduct& product);

// The document of a lineage dataset; `owner_urn` is the URN of the product
// owning it ("" when none). Nullopt when its id cannot be an id term.
std::optional<Xapian::Document> DatasetDocument(const meshdex::v1::LineageDataset& dataset,
                                                absl::string_view owner_urn);
// The document of a lineage job.
std::optional<Xapian::Document> JobDocument(const meshdex::v1::LineageJob& job);

}  // namespace meshdex::index::layout

#endif  // MESHDEX_INDEX_LAYOUT_H_
