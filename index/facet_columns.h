// FacetColumns: the facet value lists of the live index's documents, in
// memory and by document id, so that a faceted search counts its matches
// without reading each match's value from disk.
//
// Counting a facet with Xapian reads the value slot of every match
// examined (up to Searcher::kExactMatches), and Xapian keeps only the last
// value chunk of one slot at hand: two facets alternate between slots, so
// each match cost a value-table seek and chunk decode per facet (a quarter
// of the server's CPU in the bench's search phase at 100k products). Here a
// column maps a document id to a small id of its encoded value list
// (layout::DecodeValueList), as the document holds it in the facet's slot;
// documents share few distinct lists, each kept once.
//
// A column is loaded from its slot's value stream the first time a search
// counts that facet, so unused facets cost no memory (4 bytes per document
// id per loaded facet). The follower keeps loaded columns in step with its
// commits (Apply) and drops them when the live database is replaced
// (Reset); readers see a column only inside IndexFollower::ReadCommitted,
// so it always matches the database they read. Lists a column no longer
// uses are kept until the next Reset; they are bounded by the distinct
// lists written since then.
//
// Thread-safety: Get() may be called by concurrent readers holding the
// follower's commit lock shared; Apply() and Reset() only with it held
// exclusively (no reader in progress). A Column is immutable between them.
// MemoryBytes() may be called at any time.
#ifndef MESHDEX_INDEX_FACET_COLUMNS_H_
#define MESHDEX_INDEX_FACET_COLUMNS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace meshdex::index {

class FacetColumns {
 public:
  // One slot's value lists by document id.
  class Column {
   public:
    // The id of the value list of `document`; kNone when it has no value
    // (or no longer exists).
    static constexpr uint32_t kNone = 0;
    uint32_t ListOf(Xapian::docid document) const {
      return document < list_ids_.size() ? list_ids_[document] : kNone;
    }
    // The encoded value list of `id` ("" for kNone).
    const std::string& List(uint32_t id) const { return lists_[id]; }

   private:
    friend class FacetColumns;
    void Set(Xapian::docid document, const std::string& list);

    std::vector<uint32_t> list_ids_;         // By document id.
    std::vector<std::string> lists_ = {""};  // By list id; lists_[kNone] = "".
    absl::flat_hash_map<std::string, uint32_t> list_id_;
    size_t list_bytes_ = 0;  // Characters in lists_, for MemoryBytes().
  };

  // The column of `slot`, loaded from `database` (the live database at the
  // latest commit) on first use. Throws the Xapian::Error of a failed read.
  const Column& Get(Xapian::valueno slot, const Xapian::Database& database);

  // Records a committed change of document `id` in the loaded columns: its
  // values now are those of `document`, or none when it is null (deleted).
  void Apply(Xapian::docid id, const Xapian::Document* document);
  // Forgets every column: the live database was replaced.
  void Reset();
  // Memory held by the loaded columns (ids, lists and their lookup), about.
  size_t MemoryBytes();

 private:
  absl::Mutex mu_;
  // Loaded columns by slot; a Column never moves once loaded.
  absl::flat_hash_map<Xapian::valueno, std::unique_ptr<Column>> columns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meshdex::index

#endif  // MESHDEX_INDEX_FACET_COLUMNS_H_
