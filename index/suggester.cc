#include "index/suggester.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "index/layout.h"

namespace meshdex::index {
namespace {

using meshdex::v1::SuggestRequest;
using meshdex::v1::SuggestResponse;

struct EntitySuggestion {
  std::string text;
  std::string urn;
  std::string type;
};

struct TermSuggestion {
  std::string text;
  Xapian::doccount frequency = 0;
  bool tag = false;
};

// Frequent English words that complete nothing anyone looks for.
bool IsStopword(const std::string& word) {
  static const absl::flat_hash_set<std::string>* const kStopwords =
      new absl::flat_hash_set<std::string>{
          "all",  "and",  "any",  "are",  "but",  "can",  "for",  "from", "has", "have",
          "into", "its",  "not",  "our",  "out",  "over", "per",  "that", "the", "their",
          "them", "then", "there", "these", "this", "was", "were", "when", "which", "with",
          "within", "you", "your"};
  return kStopwords->contains(word);
}

// Entities whose completion key starts with `key`, best first: exact match,
// shorter, alphabetical (layout.h: one seek per key length).
std::vector<EntitySuggestion> Entities(const Xapian::Database& db, const std::string& key,
                                       size_t limit) {
  std::vector<EntitySuggestion> found;
  absl::flat_hash_set<std::string> urns;
  // One iterator for every length: the lengths' term ranges come in this
  // order, and skipping ahead reuses the B-tree blocks the iterator holds
  // where a new iterator per length would read them again.
  const std::string completions(layout::kCompletionTermsPrefix);
  const Xapian::TermIterator end = db.allterms_end(completions);
  Xapian::TermIterator term = db.allterms_begin(completions);
  for (size_t length = key.size();
       length <= layout::kMaxCompletionKeyBytes && found.size() < limit && term != end; ++length) {
    const std::string prefix = layout::CompletionTermPrefix(length, key);
    for (term.skip_to(prefix); term != end && found.size() < limit; ++term) {
      const std::string completion_term = *term;
      if (!absl::StartsWith(completion_term, prefix)) break;
      const std::optional<std::string> completion = layout::CompletionKeyOfTerm(completion_term);
      for (Xapian::PostingIterator posting = db.postlist_begin(completion_term);
           posting != db.postlist_end(completion_term) && found.size() < limit; ++posting) {
        std::optional<layout::StoredFields> stored = layout::DecodeStoredFields(
            db.get_document(*posting, Xapian::DOC_ASSUME_VALID).get_data());
        if (!stored.has_value() || !urns.insert(stored->urn).second) continue;
        // The key came from the name or from the title; show that one.
        const bool name = layout::CompletionKey(stored->name) == completion;
        found.push_back({name ? stored->name : stored->title, stored->urn, stored->type});
      }
    }
  }
  return found;
}

// Dictionary entries `term_prefix`+`key`..., their term frequency being the
// number of documents holding them; at most Suggester::kMaxTermScan looked at.
void CollectTerms(const Xapian::Database& db, const std::string& term_prefix,
                  const std::string& key, bool tag,
                  absl::flat_hash_map<std::string, TermSuggestion>& terms) {
  const std::string prefix = term_prefix + key;
  size_t scanned = 0;
  for (Xapian::TermIterator term = db.allterms_begin(prefix);
       term != db.allterms_end(prefix) && scanned < Suggester::kMaxTermScan;
       layout::NextTerm(term), ++scanned) {
    std::string text = (*term).substr(term_prefix.size());
    // Checked first: the frequency is read from the term's posting list.
    if (!tag && (!layout::IsDictionaryWord(text) || IsStopword(text))) continue;
    const Xapian::doccount frequency = term.get_termfreq();
    if (!tag && frequency < Suggester::kMinWordFrequency) continue;
    TermSuggestion& suggestion = terms[text];
    suggestion.text = std::move(text);
    suggestion.frequency = std::max(suggestion.frequency, frequency);
    suggestion.tag = suggestion.tag || tag;
  }
}

// Tags and frequent words starting with `key`, most frequent first.
std::vector<TermSuggestion> Terms(const Xapian::Database& db, const std::string& key) {
  absl::flat_hash_map<std::string, TermSuggestion> terms;
  CollectTerms(db, std::string(layout::FindFilterField("tag")->prefix), key, /*tag=*/true, terms);
  // Words are single tokens: a prefix with a space completes no word.
  if (key.find(' ') == std::string::npos) CollectTerms(db, "", key, /*tag=*/false, terms);
  std::vector<TermSuggestion> ranked;
  ranked.reserve(terms.size());
  for (auto& [text, suggestion] : terms) ranked.push_back(std::move(suggestion));
  std::sort(ranked.begin(), ranked.end(), [](const TermSuggestion& a, const TermSuggestion& b) {
    if (a.frequency != b.frequency) return a.frequency > b.frequency;
    if (a.tag != b.tag) return a.tag;
    return a.text < b.text;
  });
  return ranked;
}

}  // namespace

absl::StatusOr<SuggestResponse> Suggester::Suggest(const SuggestRequest& request) const {
  if (request.limit() < 0) return absl::InvalidArgumentError("limit: must not be negative");
  const size_t limit = request.limit() == 0 ? kDefaultLimit : std::min(request.limit(), kMaxLimit);
  const std::string key = layout::CompletionKey(request.prefix());
  SuggestResponse response;
  if (key.empty()) return response;

  absl::Status status = readers_.Read([&](const Xapian::Database& db) -> absl::Status {
    response.Clear();
    const std::vector<EntitySuggestion> entities = Entities(db, key, limit);
    absl::flat_hash_set<std::string> entity_keys;
    for (const EntitySuggestion& entity : entities) {
      entity_keys.insert(layout::CompletionKey(entity.text));
    }
    std::vector<TermSuggestion> terms = Terms(db, key);
    terms.erase(std::remove_if(terms.begin(), terms.end(),
                               [&](const TermSuggestion& term) {
                                 return entity_keys.contains(term.text);
                               }),
                terms.end());

    const size_t entity_count =
        std::min(entities.size(), std::max((limit + 1) / 2, limit - std::min(limit, terms.size())));
    const size_t term_count = std::min(terms.size(), limit - entity_count);
    for (size_t i = 0; i < entity_count; ++i) {
      meshdex::v1::Suggestion* suggestion = response.add_suggestions();
      suggestion->set_text(entities[i].text);
      suggestion->set_urn(entities[i].urn);
      suggestion->set_type(entities[i].type);
    }
    for (size_t i = 0; i < term_count; ++i) response.add_suggestions()->set_text(terms[i].text);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

}  // namespace meshdex::index
