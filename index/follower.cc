#include "index/follower.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "index/layout.h"
#include "storage/lineage_ids.h"
#include "spdlog/spdlog.h"

namespace meshdex::index {
namespace {

namespace fs = std::filesystem;
using meshdex::v1::ChangeEvent;
using meshdex::v1::DataProduct;

constexpr char kCurrentFile[] = "CURRENT";
constexpr char kDatabasePrefix[] = "db-";
// Products per store read during a rebuild; Stop() is noticed between pages.
constexpr size_t kRebuildPageSize = 100;
constexpr absl::Duration kProgressInterval = absl::Seconds(5);
// Xapian block size of a built index, 4x Xapian's default: a search reads
// its posting lists a block per pread(), copied from the page cache, so
// bigger blocks mean fewer calls; and meshdexd's jemalloc page-aligns 8 KiB
// buffers, into which those copies ran 1.5-1.7x slower on the bench machine
// (32 KiB ones are not page-aligned). Compacted copies of the 1M bench
// index, one thread, the bench's query mix: kernel time 2.10 -> 0.85 s per
// 2,000 searches, mean 3.4 -> 2.7 ms (BENCHMARKS.md). An index built
// before keeps its blocks until rebuilt (AdminService.Reindex).
constexpr unsigned kBlockSize = 32 * 1024;

std::string Describe(const Xapian::Error& error) {
  return absl::StrCat(error.get_type(), ": ", error.get_msg());
}

// The database number of a directory name made by DatabaseName, if it is one.
std::optional<uint64_t> DatabaseNumber(absl::string_view name) {
  uint64_t number = 0;
  if (!absl::ConsumePrefix(&name, kDatabasePrefix) || name.empty() ||
      !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(name, &number)) {
    return std::nullopt;
  }
  return number;
}

std::string DatabaseName(uint64_t number) {
  return absl::StrFormat("%s%06d", kDatabasePrefix, number);
}

// Names of the database directories under `index_path`.
absl::StatusOr<std::vector<std::string>> ListDatabases(const std::string& index_path) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator entry(index_path, error); !error && entry != fs::directory_iterator();
       entry.increment(error)) {
    std::string name = entry->path().filename().string();
    if (DatabaseNumber(name).has_value()) names.push_back(std::move(name));
  }
  if (error) return absl::InternalError(absl::StrCat("list ", index_path, ": ", error.message()));
  return names;
}

absl::Status CreateDirectory(const std::string& path) {
  std::error_code error;
  fs::create_directories(path, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create index directory ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

// Writes `content` to `path` so that a crash leaves either the old or the new
// file: temporary file, fsync, rename, fsync of the directory.
absl::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", temporary, ": ", strerror(errno)));
  const bool written = write(fd, content.data(), content.size()) ==
                           static_cast<ssize_t>(content.size()) &&
                       fsync(fd) == 0;
  const int write_errno = errno;
  close(fd);
  if (!written) {
    return absl::InternalError(absl::StrCat("write ", temporary, ": ", strerror(write_errno)));
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("rename ", temporary, ": ", strerror(errno)));
  }
  const int dir = open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return absl::OkStatus();
}

// The sorted words of a document that feed the spelling dictionary.
std::vector<std::string> DictionaryWords(Xapian::TermIterator term, Xapian::TermIterator end) {
  std::vector<std::string> words;
  for (; term != end; ++term) {
    if (layout::IsDictionaryWord(*term)) words.push_back(*term);
  }
  return words;
}

// Changes to the spelling dictionary summed over a batch: one Xapian call
// per word and commit instead of one per word and document.
class SpellingChanges {
 public:
  void Add(const std::string& word) { ++deltas_[word]; }
  void Remove(const std::string& word) { --deltas_[word]; }

  void ApplyTo(Xapian::WritableDatabase& db) {
    for (const auto& [word, delta] : deltas_) {
      if (delta > 0) db.add_spelling(word, static_cast<Xapian::termcount>(delta));
      if (delta < 0) db.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
    }
    deltas_.clear();
  }

 private:
  absl::flat_hash_map<std::string, int64_t> deltas_;
};

// Makes `db` hold the current state of entity `urn`: `document`, or no
// document when it is nullopt. The spelling dictionary counts, for every word,
// the documents containing it: the words the old document had and the new one
// lacks are removed, the new ones added, so replaying a change is harmless.
// A document whose fingerprint equals the stored one's is left alone: most
// changes of a lineage dataset (last seen, the run that wrote it) are not in
// its document, and rewriting it costs reading its old term list and
// positions. Returns the id of the document added, replaced or deleted;
// nullopt when the index was not modified.
std::optional<Xapian::docid> IndexDocument(Xapian::WritableDatabase& db, const std::string& urn,
                                           const std::optional<Xapian::Document>& document,
                                           SpellingChanges& spelling) {
  const std::optional<std::string> id_term = layout::IdTerm(urn);
  if (!id_term.has_value()) {
    spdlog::error("index: cannot index {}: URN longer than a Xapian term", urn);
    return std::nullopt;
  }

  std::vector<std::string> old_words;
  const Xapian::PostingIterator existing = db.postlist_begin(*id_term);
  const bool exists = existing != db.postlist_end(*id_term);
  if (exists && document.has_value() &&
      document->get_value(layout::kFingerprintSlot) ==
          db.get_document(*existing, Xapian::DOC_ASSUME_VALID).get_value(layout::kFingerprintSlot)) {
    return std::nullopt;
  }
  if (exists) old_words = DictionaryWords(db.termlist_begin(*existing), db.termlist_end(*existing));
  std::vector<std::string> new_words;
  if (document.has_value()) {
    new_words = DictionaryWords(document->termlist_begin(), document->termlist_end());
  }
  std::vector<std::string> removed;
  std::set_difference(old_words.begin(), old_words.end(), new_words.begin(), new_words.end(),
                      std::back_inserter(removed));
  std::vector<std::string> added;
  std::set_difference(new_words.begin(), new_words.end(), old_words.begin(), old_words.end(),
                      std::back_inserter(added));
  for (const std::string& word : removed) spelling.Remove(word);
  for (const std::string& word : added) spelling.Add(word);

  // By document id: replace_document(term) and delete_document(term) would
  // look the id term's posting list up again.
  if (document.has_value() && exists) {
    db.replace_document(*existing, *document);
    return *existing;
  }
  if (document.has_value()) return db.add_document(*document);
  if (exists) {
    db.delete_document(*existing);
    return *existing;
  }
  return std::nullopt;
}

// Puts the product's stored governance status (kept beside the product, not
// in it) into its status, for the governance filter.
absl::Status AddGovernance(const storage::Store& store, DataProduct& product) {
  absl::StatusOr<std::optional<meshdex::v1::GovernanceStatus>> governance =
      store.GetGovernance(product.metadata().urn());
  if (!governance.ok()) return governance.status();
  if (governance->has_value()) {
    *product.mutable_status()->mutable_governance() = **std::move(governance);
  }
  return absl::OkStatus();
}

// The document of a lineage dataset as stored now (its owner's domain
// included); nullopt when it cannot be indexed.
absl::StatusOr<std::optional<Xapian::Document>> DatasetDocument(
    const storage::Store& store, const meshdex::v1::LineageDataset& dataset) {
  absl::StatusOr<std::optional<storage::AddressClaim>> owner = storage::FindOwner(store, dataset);
  if (!owner.ok()) return owner.status();
  return layout::DatasetDocument(dataset, owner->has_value() ? (*owner)->product_urn : "");
}

// The current document of the entity a change record names: nullopt when the
// entity is gone (a deleted product) or cannot be indexed.
absl::StatusOr<std::optional<Xapian::Document>> CurrentDocument(const storage::Store& store,
                                                                const ChangeEvent& change) {
  absl::string_view id = change.urn();
  switch (change.type()) {
    case ChangeEvent::DATASET_UPSERTED: {
      absl::ConsumePrefix(&id, storage::kDatasetIdPrefix);
      absl::StatusOr<std::optional<storage::DatasetKey>> key = storage::FindDataset(store, id);
      if (!key.ok()) return key.status();
      if (!key->has_value()) return std::nullopt;
      absl::StatusOr<std::optional<meshdex::v1::LineageDataset>> dataset = store.GetDataset(**key);
      if (!dataset.ok()) return dataset.status();
      if (!dataset->has_value()) return std::nullopt;
      return DatasetDocument(store, **dataset);
    }
    case ChangeEvent::JOB_UPSERTED: {
      absl::ConsumePrefix(&id, storage::kJobIdPrefix);
      absl::StatusOr<std::optional<storage::JobKey>> key = storage::FindJob(store, id);
      if (!key.ok()) return key.status();
      if (!key->has_value()) return std::nullopt;
      absl::StatusOr<std::optional<meshdex::v1::LineageJob>> job = store.GetJob(**key);
      if (!job.ok()) return job.status();
      if (!job->has_value()) return std::nullopt;
      return layout::JobDocument(**job);
    }
    default: {
      absl::StatusOr<DataProduct> product = store.GetProduct(change.urn());
      if (absl::IsNotFound(product.status())) return std::nullopt;
      if (!product.ok()) return product.status();
      if (absl::Status status = AddGovernance(store, *product); !status.ok()) return status;
      return layout::ProductDocument(*product);
    }
  }
}

// Adds the documents of every lineage dataset and job to `db` (a rebuild),
// page by page, until done or `stop` says so.
absl::Status IndexLineage(const storage::Store& store, Xapian::WritableDatabase& db,
                          SpellingChanges& spelling, absl::FunctionRef<bool()> stop) {
  const absl::Status interrupted = absl::CancelledError("index rebuild interrupted by shutdown");
  uint64_t datasets = 0;
  std::optional<storage::DatasetKey> after_dataset;
  while (true) {
    if (stop()) return interrupted;
    absl::StatusOr<storage::Page<meshdex::v1::LineageDataset>> page =
        store.ListDatasets(after_dataset, kRebuildPageSize);
    if (!page.ok()) return page.status();
    for (const meshdex::v1::LineageDataset& dataset : page->items) {
      absl::StatusOr<std::optional<Xapian::Document>> document = DatasetDocument(store, dataset);
      if (!document.ok()) return document.status();
      IndexDocument(db, storage::DatasetNodeId({dataset.namespace_(), dataset.name()}), *document,
                    spelling);
    }
    datasets += page->items.size();
    if (!page->more || page->items.empty()) break;
    after_dataset = storage::DatasetKey{page->items.back().namespace_(), page->items.back().name()};
  }
  uint64_t jobs = 0;
  std::optional<storage::JobKey> after_job;
  while (true) {
    if (stop()) return interrupted;
    absl::StatusOr<storage::Page<meshdex::v1::LineageJob>> page =
        store.ListJobs(after_job, kRebuildPageSize);
    if (!page.ok()) return page.status();
    for (const meshdex::v1::LineageJob& job : page->items) {
      IndexDocument(db, storage::JobNodeId({job.namespace_(), job.name()}),
                    layout::JobDocument(job), spelling);
    }
    jobs += page->items.size();
    if (!page->more || page->items.empty()) break;
    after_job = storage::JobKey{page->items.back().namespace_(), page->items.back().name()};
  }
  spdlog::info("index: rebuild indexed {} lineage datasets and {} jobs", datasets, jobs);
  return absl::OkStatus();
}

// Discards the uncommitted changes of a failed batch.
void CancelTransaction(Xapian::WritableDatabase& db) {
  try {
    db.cancel_transaction();
  } catch (const Xapian::InvalidOperationError&) {
    // The transaction never began; nothing to discard.
  } catch (const Xapian::Error& error) {
    spdlog::error("index: discarding a failed batch: {}", Describe(error));
  }
}

// Gives the calling thread the nice value `nice` (see
// IndexFollowerOptions::prepare_thread_nice); a failure only costs the priority.
void SetThreadNice(int nice) {
  if (nice == 0) return;
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0) {
    spdlog::warn("index: cannot lower the batch preparer's priority: {}", strerror(errno));
  }
}

}  // namespace

struct IndexFollower::PreparedBatch {
  // Sequence of the last record read; 0 when there was none.
  uint64_t last = 0;
  size_t records = 0;
  // Each touched entity once, with its current document (nullopt: gone).
  std::vector<std::pair<std::string, std::optional<Xapian::Document>>> documents;
};

struct IndexFollower::NextBatch {
  uint64_t from = 0;  // The sequence it starts at.
  std::future<absl::StatusOr<PreparedBatch>> batch;
};

IndexFollower::IndexFollower(const storage::Store& store, std::string index_path,
                             IndexFollowerOptions options)
    : store_(store), index_path_(std::move(index_path)), options_(options) {}

IndexFollower::~IndexFollower() { Stop(); }

absl::Status IndexFollower::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  if (thread_.joinable()) return absl::FailedPreconditionError("index follower already started");
  if (absl::Status created = CreateDirectory(index_path_); !created.ok()) return created;
  const absl::Status opened = OpenLive();
  if (absl::IsUnavailable(opened)) return opened;
  if (opened.ok()) {
    spdlog::info("index: {} resumes after sequence {}", index_path_, writer_applied_);
  } else if (absl::IsNotFound(opened)) {
    spdlog::info("index: none at {} yet; building it from the store", index_path_);
  } else {
    spdlog::warn("index: {} cannot be followed ({}); rebuilding it from the store", index_path_,
                 opened.ToString());
  }
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
    running_ = true;
    must_rebuild_ = !opened.ok();
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void IndexFollower::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
  changed_.SignalAll();
}

absl::Status IndexFollower::Rebuild() {
  uint64_t ticket = 0;
  {
    absl::MutexLock lifecycle(&lifecycle_mu_);
    {
      absl::MutexLock lock(&mu_);
      if (running_) ticket = ++rebuilds_requested_;
    }
    if (ticket == 0) {
      if (absl::Status created = CreateDirectory(index_path_); !created.ok()) return created;
      return DoRebuild(/*take_over=*/false);
    }
  }
  absl::MutexLock lock(&mu_);
  while (rebuilds_done_ < ticket && !stop_) changed_.Wait(&mu_);
  if (rebuilds_done_ >= ticket) return last_rebuild_;
  return absl::CancelledError("index follower stopped before the rebuild finished");
}

uint64_t IndexFollower::AppliedSequence() const {
  absl::MutexLock lock(&mu_);
  return applied_sequence_;
}

bool IndexFollower::WaitForSequence(uint64_t sequence, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  // Also waits for the first build: sequence 0 is "searchable at all".
  auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return applied_sequence_ >= sequence && !reader_state_.path.empty();
  };
  while (!reached()) {
    if (changed_.WaitWithDeadline(&mu_, deadline)) return reached();
  }
  return true;
}

absl::Status IndexFollower::ReadCommitted(
    absl::FunctionRef<absl::Status(const ReaderState&)> read) const {
  absl::ReaderMutexLock commit_lock(&commit_mu_);
  return read(GetReaderState());
}

IndexFollower::ReaderState IndexFollower::GetReaderState() const {
  absl::MutexLock lock(&mu_);
  return reader_state_;
}

void IndexFollower::Run() {
  while (!StopRequested()) {
    // Without a writer (a failed swap) there is nothing to follow into.
    bool rebuild = writer_ == nullptr;
    uint64_t ticket = 0;
    {
      absl::MutexLock lock(&mu_);
      rebuild = rebuild || must_rebuild_ || rebuilds_requested_ > rebuilds_done_;
      ticket = rebuilds_requested_;
    }
    if (rebuild) {
      const absl::Status status = DoRebuild(/*take_over=*/true);
      {
        absl::MutexLock lock(&mu_);
        if (status.ok()) must_rebuild_ = false;
        rebuilds_done_ = ticket;
        last_rebuild_ = status;
        changed_.SignalAll();
      }
      if (!status.ok() && !StopRequested()) {
        spdlog::error("index: rebuild failed: {}", status.ToString());
        Backoff();
      }
      continue;
    }
    PaceCommits();
    const absl::StatusOr<bool> applied = ApplyBatch();
    if (!applied.ok()) {
      spdlog::error("index: applying changes after sequence {} failed: {}; retrying",
                    writer_applied_, applied.status().ToString());
      Backoff();
    } else if (!*applied) {
      store_.WaitForSequence(writer_applied_ + 1, absl::Now() + options_.idle_wait);
    }
  }
  next_batch_.reset();  // Waits for a batch still being prepared.
  CloseWriter();
}

void IndexFollower::PaceCommits() {
  const absl::Time due = last_commit_ + options_.min_commit_interval;
  const uint64_t full_batch = writer_applied_ + options_.max_batch_records;
  for (absl::Time now = absl::Now(); now < due; now = absl::Now()) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_ || rebuilds_requested_ > rebuilds_done_) return;
    }
    // Slices of idle_wait, like the idle wait in Run(), bound how late
    // Stop() and Rebuild() are noticed.
    if (store_.WaitForSequence(full_batch, std::min(due, now + options_.idle_wait))) return;
  }
}

bool IndexFollower::StopRequested() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

void IndexFollower::Backoff() {
  absl::MutexLock lock(&mu_);
  const absl::Time until = absl::Now() + options_.retry_backoff;
  while (!stop_ && !changed_.WaitWithDeadline(&mu_, until)) {
  }
}

absl::Status IndexFollower::OpenLive() {
  std::ifstream current(absl::StrCat(index_path_, "/", kCurrentFile));
  if (!current.good()) return absl::NotFoundError("no index");
  std::stringstream content;
  content << current.rdbuf();
  const std::string text = content.str();
  absl::string_view name = absl::StripAsciiWhitespace(text);
  if (!absl::ConsumePrefix(&name, "auto ") || !DatabaseNumber(name).has_value()) {
    return absl::DataLossError(absl::StrCat(kCurrentFile, " is malformed"));
  }
  const std::string path = absl::StrCat(index_path_, "/", name);
  try {
    auto db = std::make_unique<Xapian::WritableDatabase>(
        path, Xapian::DB_OPEN | (options_.sync_commits ? 0 : Xapian::DB_NO_SYNC));
    const std::string format = db->get_metadata(layout::kFormatVersionKey);
    if (format != absl::StrCat(layout::kFormatVersion)) {
      return absl::FailedPreconditionError(
          absl::StrFormat("index format version %s, this binary writes %d",
                          format.empty() ? "unknown" : format, layout::kFormatVersion));
    }
    uint64_t applied = 0;
    if (!absl::SimpleAtoi(db->get_metadata(layout::kAppliedSequenceKey), &applied)) {
      return absl::DataLossError("index has no applied sequence");
    }
    const uint64_t last = store_.LastSequence();
    if (applied > last) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "index applied sequence %d but the store ends at %d (index of another store?)", applied,
          last));
    }
    writer_ = std::move(db);
    writer_applied_ = applied;
  } catch (const Xapian::DatabaseLockError& error) {
    return absl::UnavailableError(
        absl::StrCat("index ", path, " is locked by another process: ", Describe(error)));
  } catch (const Xapian::Error& error) {
    return absl::DataLossError(absl::StrCat("index unreadable: ", Describe(error)));
  }
  PublishDatabase(path, writer_applied_);
  return absl::OkStatus();
}

absl::StatusOr<IndexFollower::PreparedBatch> IndexFollower::PrepareBatch(uint64_t from) const {
  absl::StatusOr<std::vector<ChangeEvent>> changes =
      store_.ReadChanges(from, options_.max_batch_records);
  if (!changes.ok()) return changes.status();
  PreparedBatch batch;
  if (changes->empty()) return batch;
  batch.last = changes->back().sequence();
  batch.records = changes->size();
  // Every touched entity is indexed once, in its current state, which the
  // store is asked for before Xapian is touched: a store error leaves the
  // batch wholly unapplied.
  absl::flat_hash_set<std::string> seen;
  for (const ChangeEvent& change : *changes) {
    switch (change.type()) {
      case ChangeEvent::PRODUCT_UPSERTED:
      case ChangeEvent::PRODUCT_DELETED:
      case ChangeEvent::GOVERNANCE_UPDATED:
      case ChangeEvent::DATASET_UPSERTED:
      case ChangeEvent::JOB_UPSERTED:
        break;
      default:
        continue;  // Runs and unknown types are not searchable.
    }
    if (!seen.insert(change.urn()).second) continue;
    absl::StatusOr<std::optional<Xapian::Document>> document = CurrentDocument(store_, change);
    if (!document.ok()) return document.status();
    batch.documents.emplace_back(change.urn(), *std::move(document));
  }
  return batch;
}

absl::StatusOr<IndexFollower::PreparedBatch> IndexFollower::TakeBatch(uint64_t from) {
  if (next_batch_ != nullptr) {
    // Documents are built from the entities' current state, so a batch
    // prepared while the previous one was written is as good as one
    // prepared now; it only has to start where the writer is.
    const std::unique_ptr<NextBatch> next = std::move(next_batch_);
    absl::StatusOr<PreparedBatch> batch = next->batch.get();
    if (next->from == from) {
      batches_prepared_ahead_.fetch_add(1, std::memory_order_relaxed);
      return batch;
    }
  }
  return PrepareBatch(from);
}

absl::StatusOr<bool> IndexFollower::ApplyBatch() {
  absl::StatusOr<PreparedBatch> batch = TakeBatch(writer_applied_ + 1);
  if (!batch.ok()) return batch.status();
  if (batch->records == 0) return false;
  // A full batch means records are waiting: prepare the next one meanwhile.
  if (batch->records >= options_.max_batch_records) {
    const uint64_t next = batch->last + 1;
    next_batch_ = std::make_unique<NextBatch>(NextBatch{
        next, std::async(std::launch::async, [this, next] {
          SetThreadNice(options_.prepare_thread_nice);
          return PrepareBatch(next);
        })});
  }
  if (absl::Status written = WriteBatch(*batch); !written.ok()) return written;
  return true;
}

absl::Status IndexFollower::WriteBatch(const PreparedBatch& batch) {
  try {
    writer_->begin_transaction();
    SpellingChanges spelling;
    // The documents written, each with its new state (null: deleted).
    std::vector<std::pair<Xapian::docid, const Xapian::Document*>> changed;
    for (const auto& [urn, document] : batch.documents) {
      if (std::optional<Xapian::docid> id = IndexDocument(*writer_, urn, document, spelling)) {
        changed.emplace_back(*id, document.has_value() ? &*document : nullptr);
      }
    }
    spelling.ApplyTo(*writer_);
    writer_->set_metadata(layout::kAppliedSequenceKey, absl::StrCat(batch.last));
    absl::WriterMutexLock commit_lock(&commit_mu_);
    writer_->commit_transaction();
    for (const auto& [id, document] : changed) facet_columns_.Apply(id, document);
    const uint64_t written = changed.size();
    writer_applied_ = batch.last;
    documents_written_.fetch_add(written, std::memory_order_relaxed);
    documents_unchanged_.fetch_add(batch.documents.size() - written, std::memory_order_relaxed);
    PublishCommit(batch.last);
    last_commit_ = absl::Now();
  } catch (const Xapian::DatabaseCorruptError& error) {
    CancelTransaction(*writer_);
    absl::MutexLock lock(&mu_);
    must_rebuild_ = true;
    return absl::DataLossError(absl::StrCat("index corrupt, rebuilding: ", Describe(error)));
  } catch (const Xapian::Error& error) {
    CancelTransaction(*writer_);
    return absl::InternalError(absl::StrCat("index commit failed: ", Describe(error)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> IndexFollower::BuildDatabase(uint64_t& watermark) {
  // Products are read after the watermark is taken, so each is at least as
  // new as the watermark; changes after it are replayed (idempotently).
  watermark = store_.LastSequence();
  absl::StatusOr<uint64_t> total = store_.CountProducts();
  if (!total.ok()) return total.status();

  absl::StatusOr<std::vector<std::string>> databases = ListDatabases(index_path_);
  if (!databases.ok()) return databases.status();
  uint64_t number = 0;
  for (const std::string& name : *databases) number = std::max(number, *DatabaseNumber(name));
  std::error_code error;
  const std::string path = absl::StrCat(index_path_, "/", DatabaseName(number + 1));
  fs::remove_all(path, error);

  spdlog::info("index: rebuilding {} from the store: {} products up to sequence {}", path, *total,
               watermark);
  const absl::Time start = absl::Now();
  absl::Time last_report = start;
  uint64_t indexed = 0;
  absl::Status status;
  try {
    Xapian::WritableDatabase db(
        path, Xapian::DB_CREATE_OR_OVERWRITE | (options_.sync_commits ? 0 : Xapian::DB_NO_SYNC),
        kBlockSize);
    SpellingChanges spelling;
    std::string after;
    while (status.ok()) {
      if (StopRequested()) {
        status = absl::CancelledError("index rebuild interrupted by shutdown");
        break;
      }
      absl::StatusOr<storage::Page<DataProduct>> page =
          store_.ListProducts("", after, kRebuildPageSize);
      if (!page.ok()) {
        status = page.status();
        break;
      }
      for (DataProduct& product : page->items) {
        status = AddGovernance(store_, product);
        if (!status.ok()) break;
        IndexDocument(db, product.metadata().urn(), layout::ProductDocument(product), spelling);
      }
      if (!status.ok()) break;
      indexed += page->items.size();
      if (absl::Now() - last_report >= kProgressInterval) {
        last_report = absl::Now();
        spdlog::info("index: rebuild progress {}/{} products", indexed, *total);
      }
      if (!page->more || page->items.empty()) break;
      after = page->items.back().metadata().urn();
    }
    if (status.ok()) {
      status = IndexLineage(store_, db, spelling, [this] { return StopRequested(); });
    }
    if (status.ok()) {
      spelling.ApplyTo(db);
      db.set_metadata(layout::kFormatVersionKey, absl::StrCat(layout::kFormatVersion));
      db.set_metadata(layout::kAppliedSequenceKey, absl::StrCat(watermark));
      db.commit();
    }
  } catch (const Xapian::Error& xapian_error) {
    status = absl::InternalError(absl::StrCat("index rebuild failed: ", Describe(xapian_error)));
  }
  if (!status.ok()) {
    fs::remove_all(path, error);
    return status;
  }
  spdlog::info("index: rebuilt {} products in {}", indexed, absl::FormatDuration(absl::Now() - start));
  return path;
}

absl::Status IndexFollower::DoRebuild(bool take_over) {
  uint64_t watermark = 0;
  absl::StatusOr<std::string> path = BuildDatabase(watermark);
  if (!path.ok()) return path.status();
  const std::string name = fs::path(*path).filename().string();
  if (absl::Status swapped = WriteFileAtomically(absl::StrCat(index_path_, "/", kCurrentFile),
                                                 absl::StrCat("auto ", name, "\n"));
      !swapped.ok()) {
    std::error_code ignored;
    fs::remove_all(*path, ignored);
    return swapped;
  }
  CloseWriter();
  if (take_over) {
    if (absl::Status opened = OpenLive(); !opened.ok()) return opened;
  } else {
    PublishDatabase(*path, watermark);
  }
  // Readers still inside an old database keep their open files; later ones
  // open the new database (the epoch changed).
  absl::StatusOr<std::vector<std::string>> databases = ListDatabases(index_path_);
  if (!databases.ok()) return databases.status();
  for (const std::string& old_name : *databases) {
    std::error_code error;
    if (old_name != name) fs::remove_all(absl::StrCat(index_path_, "/", old_name), error);
  }
  return absl::OkStatus();
}

void IndexFollower::PublishDatabase(const std::string& path, uint64_t applied) {
  absl::WriterMutexLock commit_lock(&commit_mu_);
  facet_columns_.Reset();
  absl::MutexLock lock(&mu_);
  reader_state_.path = path;
  ++reader_state_.epoch;
  ++reader_state_.generation;
  applied_sequence_ = applied;
  changed_.SignalAll();
}

void IndexFollower::PublishCommit(uint64_t applied) {
  absl::MutexLock lock(&mu_);
  ++reader_state_.generation;
  applied_sequence_ = applied;
  changed_.SignalAll();
}

void IndexFollower::CloseWriter() {
  if (writer_ == nullptr) return;
  try {
    writer_->close();
  } catch (const Xapian::Error& error) {
    spdlog::error("index: closing {}: {}", index_path_, Describe(error));
  }
  writer_.reset();
}

}  // namespace meshdex::index
