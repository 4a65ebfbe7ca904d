#include "index/searcher.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "index/facet_columns.h"
#include "index/layout.h"
#include "index/ranking.h"
#include "index/search_query.h"
#include "proto/utf8.h"

namespace meshdex::index {
namespace {

using meshdex::v1::Facet;
using meshdex::v1::SearchRequest;
using meshdex::v1::SearchResponse;

constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
    Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
    Xapian::QueryParser::FLAG_PURE_NOT;
// A prefix* query ORs at most this many of the most frequent expansions.
constexpr Xapian::termcount kMaxWildcardTerms = 256;
// Length the snippet generator aims for.
constexpr size_t kSnippetBytes = 200;
constexpr char kMarkStart[] = "<mark>";
constexpr char kMarkEnd[] = "</mark>";
constexpr char kEllipsis[] = "…";

// A validated request.
struct Plan {
  SearchQuery query;
  // The query's filters, then those of SearchRequest.filters.
  std::vector<FieldFilter> filters;
  std::vector<const layout::FilterField*> facets;
  Xapian::doccount page_size = 0;
  Xapian::doccount offset = 0;
};

absl::StatusOr<Plan> Validate(const SearchRequest& request) {
  Plan plan;
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must not be negative");
  }
  plan.page_size = request.page_size() == 0
                       ? Searcher::kDefaultPageSize
                       : std::min(request.page_size(), Searcher::kMaxPageSize);
  absl::StatusOr<uint64_t> offset = DecodeSearchPageToken(request);
  if (!offset.ok()) return offset.status();
  if (*offset > Searcher::kMaxResultWindow) {
    return absl::InvalidArgumentError("page_token: beyond the result window");
  }
  plan.offset = static_cast<Xapian::doccount>(*offset);

  std::vector<absl::string_view> known;
  for (const layout::FilterField& field : layout::FilterFields()) known.push_back(field.name);
  for (int i = 0; i < request.facets_size(); ++i) {
    const layout::FilterField* field = layout::FindFilterField(request.facets(i));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("facets[%d]: unknown facet \"%s\"; known: %s", i,
                          absl::CHexEscape(request.facets(i)), absl::StrJoin(known, ", ")));
    }
    if (std::find(plan.facets.begin(), plan.facets.end(), field) == plan.facets.end()) {
      plan.facets.push_back(field);
    }
  }
  for (int i = 0; i < request.types_size(); ++i) {
    if (!layout::IsEntityType(request.types(i))) {
      return absl::InvalidArgumentError(
          absl::StrFormat("types[%d]: unknown type \"%s\"; known: product, dataset, job", i,
                          absl::CHexEscape(request.types(i))));
    }
  }
  absl::StatusOr<SearchQuery> query = ParseSearchQuery(request.query());
  if (!query.ok()) return query.status();
  plan.query = *std::move(query);
  plan.filters = plan.query.filters;
  if (request.filters_size() > Searcher::kMaxFilters) {
    return absl::InvalidArgumentError(
        absl::StrFormat("filters: more than %d", Searcher::kMaxFilters));
  }
  for (int i = 0; i < request.filters_size(); ++i) {
    const meshdex::v1::SearchFilter& given = request.filters(i);
    FieldFilter filter;
    filter.field = layout::FindFilterField(given.field());
    if (filter.field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("filters[%d].field: unknown filter field \"%s\"; known: %s", i,
                          absl::CHexEscape(given.field()), absl::StrJoin(known, ", ")));
    }
    if (absl::StripAsciiWhitespace(given.value()).empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("filters[%d].value: required", i));
    }
    if (given.value().size() > Searcher::kMaxFilterValueBytes) {
      return absl::InvalidArgumentError(absl::StrFormat("filters[%d].value: longer than %d bytes",
                                                        i, Searcher::kMaxFilterValueBytes));
    }
    filter.value = given.value();
    filter.negated = given.exclude();
    plan.filters.push_back(std::move(filter));
  }
  return plan;
}

Xapian::QueryParser MakeParser(const Xapian::Database& db) {
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(layout::Stemmer());
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_AND);
  parser.set_max_expansion(kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                           Xapian::QueryParser::FLAG_WILDCARD);
  return parser;
}

// When every whitespace-separated token of `text` is "-word", the words
// joined by OR ("-a -b" -> "a OR b"); nullopt otherwise.
std::optional<std::string> OnlyExcludedTerms(absl::string_view text) {
  std::vector<std::string> words;
  for (absl::string_view token : absl::StrSplit(text, ' ', absl::SkipWhitespace())) {
    if (token.size() < 2 || token[0] != '-' || token[1] == '-') return std::nullopt;
    words.emplace_back(token.substr(1));
  }
  if (words.empty()) return std::nullopt;
  return absl::StrJoin(words, " OR ");
}

// A query matching every document. Never Xapian::Query::MatchAll: that is
// one static object whose reference count (a plain unsigned) every copy
// changes, so copying it on concurrent searches corrupts it and crashes.
Xapian::Query MatchEverything() { return Xapian::Query(std::string()); }

// The query of the free text; everything when there is none. A syntax error
// (a lone AND, "a OR") is retried with AND/OR/NOT taken as plain words.
absl::StatusOr<Xapian::Query> ParseText(Xapian::QueryParser& parser, const std::string& text,
                                        unsigned extra_flags = 0) {
  if (text.empty()) return MatchEverything();
  const unsigned flags = kParseFlags | extra_flags;
  Xapian::Query query;
  // Database errors propagate (the reader pool reports them); any
  // other error is the query's fault.
  try {
    try {
      query = parser.parse_query(text, flags);
    } catch (const Xapian::QueryParserError&) {
      query = parser.parse_query(text, flags & ~unsigned{Xapian::QueryParser::FLAG_BOOLEAN});
    }
  } catch (const Xapian::DatabaseError&) {
    throw;
  } catch (const Xapian::Error& error) {
    return absl::InvalidArgumentError(absl::StrCat("query: ", error.get_msg()));
  }
  // Text of operators only ("-", "*", "()") names no term: match everything.
  if (query.empty()) return MatchEverything();
  // Xapian reads a lone "-term" (no term to love) as "term"; meshdex reads it
  // as "everything but term", like "NOT term".
  if (std::optional<std::string> excluded = OnlyExcludedTerms(text); excluded.has_value()) {
    absl::StatusOr<Xapian::Query> hated = ParseText(parser, *excluded, extra_flags);
    if (!hated.ok()) return hated.status();
    return Xapian::Query(Xapian::Query::OP_AND_NOT, MatchEverything(), *hated);
  }
  return query;
}

Xapian::Query Combine(Xapian::Query::op op, const std::vector<Xapian::Query>& queries) {
  return queries.size() == 1 ? queries.front() : Xapian::Query(op, queries.begin(), queries.end());
}

Xapian::Query FilterTermQuery(const layout::FilterField& field, const std::string& value) {
  std::optional<std::string> term = layout::FilterTerm(field, value);
  return term.has_value() ? Xapian::Query(*term) : Xapian::Query();  // matches nothing
}

// `text` restricted by the filters and entity types.
Xapian::Query WithFilters(Xapian::Query text, const std::vector<FieldFilter>& filters,
                          const SearchRequest& request) {
  // Required filters grouped by field, in order of first appearance.
  std::vector<std::pair<const layout::FilterField*, std::vector<Xapian::Query>>> groups;
  std::vector<Xapian::Query> excluded;
  auto require = [&groups](const layout::FilterField& field, Xapian::Query query) {
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&field](const auto& entry) { return entry.first == &field; });
    if (group == groups.end()) group = groups.insert(groups.end(), {&field, {}});
    group->second.push_back(std::move(query));
  };
  for (const FieldFilter& filter : filters) {
    Xapian::Query query = FilterTermQuery(*filter.field, filter.value);
    if (filter.negated) {
      excluded.push_back(std::move(query));
    } else {
      require(*filter.field, std::move(query));
    }
  }
  const layout::FilterField& type_field = *layout::FindFilterField("type");
  std::vector<Xapian::Query> types;
  for (const std::string& type : request.types()) types.push_back(FilterTermQuery(type_field, type));
  if (!types.empty()) require(type_field, Combine(Xapian::Query::OP_OR, types));

  Xapian::Query query = std::move(text);
  if (!groups.empty()) {
    std::vector<Xapian::Query> required;
    for (const auto& [field, queries] : groups) {
      // A document holds one domain, but may hold several tags.
      required.push_back(
          Combine(field->multi_valued ? Xapian::Query::OP_AND : Xapian::Query::OP_OR, queries));
    }
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Combine(Xapian::Query::OP_AND, required));
  }
  if (!excluded.empty()) {
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Combine(Xapian::Query::OP_OR, excluded));
  }
  return query;
}

// The facet of `field` from (value, count) pairs: the kMaxFacetValues most
// frequent values, count descending, then value.
Facet MakeFacet(const layout::FilterField& field,
                std::vector<std::pair<std::string, int64_t>> values) {
  const size_t shown = std::min<size_t>(values.size(), Searcher::kMaxFacetValues);
  std::partial_sort(values.begin(), values.begin() + shown, values.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second : a.first < b.first;
                    });
  Facet facet;
  facet.set_name(std::string(field.name));
  for (size_t i = 0; i < shown; ++i) {
    meshdex::v1::FacetValue* value = facet.add_values();
    value->set_value(std::move(values[i].first));
    value->set_count(values[i].second);
  }
  return facet;
}

// The facet of `field` over the whole index: a value's count is the
// frequency of its filter term.
Facet FacetOfIndex(const Xapian::Database& db, const layout::FilterField& field) {
  const std::string prefix(field.prefix);
  std::vector<std::pair<std::string, int64_t>> values;
  for (Xapian::TermIterator term = db.allterms_begin(prefix); term != db.allterms_end(prefix);
       layout::NextTerm(term)) {
    values.emplace_back((*term).substr(prefix.size()), term.get_termfreq());
  }
  return MakeFacet(field, std::move(values));
}

// Counts the values of one facet over every document the matcher examines,
// from the facet's column (FacetColumns), not the document's value slot.
// Documents share few distinct value lists (one domain; a handful of port
// kind mixes), so it counts each list's id and decodes each distinct list
// once, when the facet is made.
class FacetCounter : public Xapian::MatchSpy {
 public:
  FacetCounter(const layout::FilterField& field, const FacetColumns::Column& column)
      : field_(field), column_(column) {}

  void operator()(const Xapian::Document& document, double) override {
    ++examined_;
    ++lists_[column_.ListOf(document.get_docid())];
  }

  // The counts scaled from the examined documents to `matches`.
  Facet ToFacet(Xapian::doccount matches) const {
    absl::flat_hash_map<std::string, int64_t> counts;
    for (const auto& [list, count] : lists_) {
      for (std::string& value : layout::DecodeValueList(column_.List(list))) {
        counts[std::move(value)] += count;
      }
    }
    const double scale = examined_ == 0 ? 1.0 : static_cast<double>(matches) / examined_;
    std::vector<std::pair<std::string, int64_t>> values;
    values.reserve(counts.size());
    for (const auto& [value, count] : counts) {
      values.emplace_back(value, static_cast<int64_t>(std::llround(count * scale)));
    }
    return MakeFacet(field_, std::move(values));
  }

  Xapian::doccount examined() const { return examined_; }

 private:
  const layout::FilterField& field_;
  const FacetColumns::Column& column_;
  Xapian::doccount examined_ = 0;
  absl::flat_hash_map<uint32_t, int64_t> lists_;  // Count per value list id.
};

std::string EscapeHtml(absl::string_view text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

std::string Highlight(const Xapian::MSet& matches, const std::string& text) {
  // Xapian escapes <, > and &; quotes are escaped too so the snippet is safe
  // inside an attribute as well.
  std::string snippet =
      matches.snippet(text, kSnippetBytes, layout::Stemmer(), /*flags=*/0, kMarkStart, kMarkEnd,
                      kEllipsis);
  absl::StrReplaceAll({{"\"", "&quot;"}, {"'", "&#39;"}}, &snippet);
  return snippet;
}

// The snippet of a result no query term matched: the start of the text.
std::string Lead(const std::string& text) {
  if (text.size() <= kSnippetBytes) return EscapeHtml(text);
  size_t end = text.rfind(' ', kSnippetBytes);
  if (end == std::string::npos || end == 0) end = kSnippetBytes;
  return absl::StrCat(EscapeHtml(utf8::Truncate(text, end)), kEllipsis);
}

// Appends the hit of a document; false when its data is unreadable.
bool AddHit(const Xapian::Document& document, double score,
            const std::function<std::string(const std::string&)>& snippet,
            SearchResponse& response) {
  std::optional<layout::StoredFields> stored = layout::DecodeStoredFields(document.get_data());
  if (!stored.has_value()) return false;
  meshdex::v1::SearchHit* hit = response.add_hits();
  hit->set_urn(stored->urn);
  hit->set_type(stored->type);
  hit->set_title(stored->title);
  hit->set_domain(stored->domain);
  hit->set_score(score);
  if (snippet) hit->set_snippet(snippet(stored->text));
  return true;
}

absl::Status Unreadable(Xapian::docid document) {
  return absl::DataLossError(
      absl::StrCat("search index: document ", document, " has unreadable data; reindex"));
}

// A corrected form of the query's text that matches more than `matches`
// documents, with the filters as written; empty when there is none.
std::string DidYouMean(const Xapian::Database& db, const Plan& plan, const SearchRequest& request,
                       Xapian::doccount matches) {
  Xapian::QueryParser parser = MakeParser(db);
  if (!ParseText(parser, plan.query.text, Xapian::QueryParser::FLAG_SPELLING_CORRECTION).ok()) {
    return "";
  }
  const std::string corrected = parser.get_corrected_query_string();
  if (corrected.empty() || corrected == plan.query.text) return "";
  absl::StatusOr<Xapian::Query> text = ParseText(parser, corrected);
  if (!text.ok()) return "";
  Xapian::Enquire enquire(db);
  enquire.set_query(WithFilters(*text, plan.filters, request));
  enquire.set_weighting_scheme(Xapian::BoolWeight());  // only counted
  if (enquire.get_mset(0, 0, matches + 1).get_matches_lower_bound() <= matches) return "";
  std::vector<std::string> parts = {corrected};
  for (const FieldFilter& filter : plan.query.filters) parts.push_back(filter.token);
  return absl::StrJoin(parts, " ");
}

void SetNextPage(const Plan& plan, const SearchRequest& request, bool more,
                 SearchResponse& response) {
  if (more && plan.offset + plan.page_size < Searcher::kMaxResultWindow) {
    response.set_next_page_token(EncodeSearchPageToken(request, plan.offset + plan.page_size));
  }
}

// The empty query: every entity in name order, read off the term dictionary
// (kBrowsePrefix), so the cost follows the page, not the index size; facet
// counts are term frequencies, exact.
absl::Status Browse(const Xapian::Database& db, const Plan& plan, const SearchRequest& request,
                    SearchResponse& response) {
  response.set_total_estimate(db.get_doccount());
  const std::string prefix = layout::kBrowsePrefix;
  Xapian::TermIterator term = db.allterms_begin(prefix);
  const Xapian::TermIterator end = db.allterms_end(prefix);
  for (Xapian::doccount skipped = 0; term != end && skipped < plan.offset; ++term) ++skipped;
  std::function<std::string(const std::string&)> snippet;
  if (request.highlight()) snippet = Lead;
  bool more = false;
  for (; term != end; ++term) {
    if (response.hits_size() == static_cast<int>(plan.page_size)) {
      more = true;
      break;
    }
    for (Xapian::PostingIterator posting = db.postlist_begin(*term);
         posting != db.postlist_end(*term); ++posting) {
      if (!AddHit(db.get_document(*posting, Xapian::DOC_ASSUME_VALID), 0, snippet, response)) {
        return Unreadable(*posting);
      }
    }
  }
  SetNextPage(plan, request, more, response);
  for (const layout::FilterField* field : plan.facets) {
    *response.add_facets() = FacetOfIndex(db, *field);
  }
  return absl::OkStatus();
}

// Any other query, through the Xapian matcher; `columns` are the facet
// columns of `db`.
absl::Status Match(const Xapian::Database& db, FacetColumns& columns, const Plan& plan,
                   const SearchRequest& request, SearchResponse& response) {
  Xapian::QueryParser parser = MakeParser(db);
  absl::StatusOr<Xapian::Query> text = ParseText(parser, plan.query.text);
  if (!text.ok()) return text.status();

  Xapian::Enquire enquire(db);
  enquire.set_query(WithFilters(*text, plan.filters, request));
  // Filters alone weigh nothing: list their matches by name, like the empty
  // query, and weigh none. Ranked results keep Xapian's order (relevance,
  // then document id): a secondary sort key would cost a value read per
  // candidate.
  if (plan.query.text.empty()) {
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_sort_by_value(layout::kSortKeySlot, /*reverse=*/false);
  } else {
    enquire.set_weighting_scheme(Ranking());
  }
  std::vector<std::unique_ptr<FacetCounter>> counters;
  for (const layout::FilterField* field : plan.facets) {
    counters.push_back(std::make_unique<FacetCounter>(*field, columns.Get(field->slot, db)));
    enquire.add_matchspy(counters.back().get());
  }
  const Xapian::MSet matches =
      enquire.get_mset(plan.offset, plan.page_size + 1,
                       Searcher::MatchesToExamine(db, plan.offset + plan.page_size + 1));

  response.set_total_estimate(matches.get_matches_estimated());
  std::function<std::string(const std::string&)> snippet;
  if (request.highlight()) {
    snippet = [&matches](const std::string& text) { return Highlight(matches, text); };
  }
  for (Xapian::MSetIterator match = matches.begin();
       match != matches.end() && response.hits_size() < static_cast<int>(plan.page_size);
       ++match) {
    if (!AddHit(match.get_document(), match.get_weight(), snippet, response)) {
      return Unreadable(*match);
    }
  }
  SetNextPage(plan, request, matches.size() > plan.page_size, response);
  // A total is exact when its bounds meet (a single word's is its term
  // frequency), facet counts when they saw every match.
  bool approximate = matches.get_matches_lower_bound() != matches.get_matches_upper_bound();
  for (const std::unique_ptr<FacetCounter>& counter : counters) {
    *response.add_facets() = counter->ToFacet(matches.get_matches_estimated());
    approximate = approximate || counter->examined() != matches.get_matches_estimated();
  }
  response.set_approximate(approximate);
  if (!plan.query.text.empty() && response.total_estimate() < Searcher::kFewMatches) {
    response.set_did_you_mean(
        DidYouMean(db, plan, request, static_cast<Xapian::doccount>(response.total_estimate())));
  }
  return absl::OkStatus();
}

}  // namespace

// Every match is examined up to the bound, so totals and facet counts are
// exact below it; beyond, the matcher may stop once the page is settled.
Xapian::doccount Searcher::MatchesToExamine(const Xapian::Database& db, Xapian::doccount page_end) {
  return std::max(page_end, std::min(db.get_doccount(), kExactMatches));
}

Searcher::Searcher(const IndexFollower& follower, Options options)
    : follower_(follower), options_(options), readers_(follower) {}

absl::StatusOr<SearchResponse> Searcher::Search(const SearchRequest& request) const {
  absl::StatusOr<Plan> plan = Validate(request);
  if (!plan.ok()) return plan.status();
  if (request.min_sequence() > 0 &&
      !follower_.WaitForSequence(request.min_sequence(),
                                 absl::Now() + options_.min_sequence_timeout)) {
    return absl::UnavailableError(absl::StrFormat(
        "search index has applied sequence %d, not min_sequence %d, after waiting %s; retry",
        follower_.AppliedSequence(), request.min_sequence(),
        absl::FormatDuration(options_.min_sequence_timeout)));
  }
  const bool browse = plan->query.text.empty() && plan->filters.empty() && request.types().empty();
  SearchResponse response;
  absl::Status status = readers_.Read([&](const Xapian::Database& db) {
    response.Clear();
    return browse ? Browse(db, *plan, request, response)
                  : Match(db, follower_.facet_columns(), *plan, request, response);
  });
  if (!status.ok()) return status;
  return response;
}

}  // namespace meshdex::index
