// IndexFollower: keeps the Xapian index under <index_path> derived from the
// store's change log. The index is never the source of truth: it can always be
// rebuilt from the store, and a search can wait until a given write is applied.
//
// A background thread reads change records from the watermark on, in sequence
// order, and for every entity a batch touches indexes the entity's *current*
// state read from the store (or deletes its document when it no longer
// exists). Replaying a record is therefore idempotent. Each batch (up to
// max_batch_records; under load records pile up while a commit runs, so
// batches grow; when idle a single record is committed at once) is one Xapian
// commit that also stores the last applied sequence in the database metadata.
// Commits are paced: a batch that is not full waits until min_commit_interval
// has passed since the last commit, so a trickle of single writes is committed
// at most 20 times a second (by default) rather than once per write.
// A batch is prepared (records read, documents built: store reads only)
// before it is written; when the follower is behind (a full batch), the next
// batch is prepared on a second thread while the current one is written, so
// building documents and Xapian's posting updates use both cores; that
// second thread runs niced (IndexFollowerOptions::prepare_thread_nice), so
// it takes only the CPU that writes, reads and the follower leave.
// On start the follower resumes from that watermark. An index that is missing,
// unreadable, of another format version or ahead of the store is rebuilt from
// the store first, with progress in the log.
//
// On disk: <index_path>/CURRENT is a Xapian stub file ("auto db-N") naming the
// live database <index_path>/db-N. A rebuild writes db-N+1 while db-N keeps
// serving searches, then replaces CURRENT atomically and removes db-N.
//
// The follower only reads the store. Readers (ReaderPool) open the live
// database themselves and use ReadCommitted() to notice commits and swaps.
// A Xapian reader is only safe while the writer has not committed twice past
// the reader's revision (then the blocks it reads may be reused, which Xapian
// may or may not detect). So a commit and its publication wait until no read
// is in progress, and a read always starts on the latest published commit:
// no read is ever overtaken by a commit.
//
// Thread-safety: all public methods are thread-safe. Only the follower thread
// (or Rebuild() while the thread is not running) touches the writable
// database.
#ifndef MESHDEX_INDEX_FOLLOWER_H_
#define MESHDEX_INDEX_FOLLOWER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "index/facet_columns.h"
#include "storage/store.h"

namespace Xapian {
class WritableDatabase;
}  // namespace Xapian

namespace meshdex::index {

struct IndexFollowerOptions {
  // Upper bound of change records applied in one commit.
  size_t max_batch_records = 1000;
  // How long the idle thread blocks on the change log before it looks at
  // Stop() and Rebuild() requests again; bounds their latency.
  absl::Duration idle_wait = absl::Milliseconds(50);
  // Pause before retrying a batch that failed (store or disk error).
  absl::Duration retry_backoff = absl::Seconds(1);
  // Least time from the end of one commit to the start of the next batch
  // while fewer than max_batch_records records wait. Under a trickle of
  // writes (one OpenLineage event per HTTP request) each write was its own
  // commit; pacing them cut the server's CPU per posted event by 10-20%. The
  // first write after a quiet spell is committed at once; a search sees a
  // write at most this much later (plus the commit), and min_sequence
  // searches wait for it. Zero: no pacing.
  absl::Duration min_commit_interval = absl::Milliseconds(50);
  // fsync every commit. Without it a crash can leave an index that must be
  // rebuilt; it never loses catalog data (the store is the source of truth).
  bool sync_commits = true;
  // Nice value (Linux; 0: none) of the thread that prepares the next batch
  // while the follower writes one: it only takes the CPU that acknowledging
  // writes, reads and the follower itself leave (un-niced, it slowed
  // acknowledged ingest on 2 cores).
  int prepare_thread_nice = 10;
};

class IndexFollower {
 public:
  // What readers need to see the latest committed index.
  struct ReaderState {
    // Live database directory; empty while no index is servable (first build).
    std::string path;
    // Changes whenever the live database is replaced (rebuild).
    uint64_t epoch = 0;
    // Changes with every commit.
    uint64_t generation = 0;
  };

  IndexFollower(const storage::Store& store, std::string index_path,
                IndexFollowerOptions options = IndexFollowerOptions());
  // Stops the thread.
  ~IndexFollower();
  IndexFollower(const IndexFollower&) = delete;
  IndexFollower& operator=(const IndexFollower&) = delete;

  // Opens the index and starts the follower thread. An index that must be
  // rebuilt is rebuilt by the thread (searches are UNAVAILABLE until then).
  // Fails when already running, when the directory cannot be created or when
  // the index is locked by another process (UNAVAILABLE).
  absl::Status Start();
  // Stops the thread (promptly, also during a rebuild) and closes the
  // writable database; readers keep reading the last commit. Idempotent.
  void Stop();
  // Rebuilds the index from the store and swaps it in; until then the old
  // index keeps serving. Blocks until done. Works before Start() (meshdexd
  // --reindex) and while the thread runs (then the thread does the work).
  absl::Status Rebuild();

  // Last change-log sequence whose effect is visible to searches.
  uint64_t AppliedSequence() const;
  // Blocks until AppliedSequence() >= sequence and an index is servable, or
  // `deadline` passes; returns whether that was reached.
  bool WaitForSequence(uint64_t sequence, absl::Time deadline) const;

  // Runs `read` with the latest published ReaderState; commits and database
  // swaps wait until it returns, so what `read` opens stays intact. `read`
  // must not wait for the follower (e.g. WaitForSequence) or it stalls it.
  absl::Status ReadCommitted(absl::FunctionRef<absl::Status(const ReaderState&)> read) const
      ABSL_LOCKS_EXCLUDED(commit_mu_);
  ReaderState GetReaderState() const;
  // The facet columns of the live index at its latest commit. Only for use
  // inside ReadCommitted(), where they match what readers see (a cache that
  // readers fill, hence mutable through a const follower).
  FacetColumns& facet_columns() const { return facet_columns_; }

  // Entities this follower has indexed from the change log: documents added,
  // replaced or deleted, and documents found unchanged (same fingerprint,
  // layout.h) and left as they were.
  uint64_t DocumentsWritten() const { return documents_written_.load(std::memory_order_relaxed); }
  uint64_t DocumentsUnchanged() const {
    return documents_unchanged_.load(std::memory_order_relaxed);
  }
  // Batches prepared on the second thread while the previous one was
  // written (the follower was behind) and then written as prepared.
  uint64_t BatchesPreparedAhead() const {
    return batches_prepared_ahead_.load(std::memory_order_relaxed);
  }

 private:
  void Run();
  bool StopRequested() const;
  // Opens the database named by CURRENT for writing and checks it can be
  // followed; publishes it to readers.
  absl::Status OpenLive();
  // The change records of one batch and the current documents of the
  // entities they touch (defined in follower.cc).
  struct PreparedBatch;
  // The batch after the one being written, prepared on another thread.
  struct NextBatch;

  // Waits out min_commit_interval since the last commit; returns early once
  // a full batch waits, or on Stop() or a Rebuild() request.
  void PaceCommits();
  // Applies the next batch of change records; false when there was none.
  absl::StatusOr<bool> ApplyBatch();
  // Reads up to max_batch_records change records from sequence `from` on and
  // builds the documents they call for. Reads only the store: safe on any
  // thread.
  absl::StatusOr<PreparedBatch> PrepareBatch(uint64_t from) const;
  // The batch starting at `from`: the one prepared ahead when it starts
  // there (else it is waited for and dropped), or one prepared now.
  absl::StatusOr<PreparedBatch> TakeBatch(uint64_t from);
  // Writes `batch` in one Xapian commit and publishes it.
  absl::Status WriteBatch(const PreparedBatch& batch);
  // Builds a new database from the store and makes it live. With
  // `take_over` (the follower thread) it then writes to it.
  absl::Status DoRebuild(bool take_over);
  // Writes a complete new database next to the live one; returns its path
  // and the change-log sequence it reflects.
  absl::StatusOr<std::string> BuildDatabase(uint64_t& watermark);
  // Waits retry_backoff or until Stop().
  void Backoff();
  void PublishDatabase(const std::string& path, uint64_t applied);
  void PublishCommit(uint64_t applied) ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  void CloseWriter();

  const storage::Store& store_;
  const std::string index_path_;
  const IndexFollowerOptions options_;

  // Owned by the follower thread (or by Rebuild() while it is not running).
  std::unique_ptr<Xapian::WritableDatabase> writer_;
  uint64_t writer_applied_ = 0;
  absl::Time last_commit_ = absl::InfinitePast();
  std::unique_ptr<NextBatch> next_batch_;  // Null when none is being prepared.
  std::atomic<uint64_t> documents_written_{0};
  std::atomic<uint64_t> documents_unchanged_{0};
  std::atomic<uint64_t> batches_prepared_ahead_{0};

  // Serialises Start(), Stop() and a Rebuild() done without the thread.
  absl::Mutex lifecycle_mu_;
  std::thread thread_;

  // Held shared by readers for a whole read and exclusively by the follower
  // around a commit or a swap and its publication. Acquired before mu_.
  mutable absl::Mutex commit_mu_ ABSL_ACQUIRED_BEFORE(mu_);

  mutable absl::Mutex mu_;
  // Signalled on every change of the state below.
  mutable absl::CondVar changed_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // The thread must rebuild before it can follow.
  bool must_rebuild_ ABSL_GUARDED_BY(mu_) = false;
  // Rebuild() tickets: requested counts requests, done the last one served.
  uint64_t rebuilds_requested_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rebuilds_done_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status last_rebuild_ ABSL_GUARDED_BY(mu_);
  ReaderState reader_state_ ABSL_GUARDED_BY(mu_);
  // Changed only with commit_mu_ held exclusively (FacetColumns).
  mutable FacetColumns facet_columns_;
  uint64_t applied_sequence_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace meshdex::index

#endif  // MESHDEX_INDEX_FOLLOWER_H_
