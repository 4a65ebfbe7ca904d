// ReaderPool: Xapian readers on the follower's live database, for concurrent
// searches and suggestions.
//
// A Xapian::Database must not be used by two threads at once, so each call
// borrows a reader exclusively and returns it afterwards. Before use a reader
// is brought up to the follower's latest commit: Database::reopen() when only
// commits happened, a fresh open after a rebuild replaced the database. Reads
// run inside IndexFollower::ReadCommitted(), so no commit overtakes them.
// Measured on a 100k-product index: reopen ~5 us, open ~40-120 us (every
// table file is opened), so readers are kept between calls rather than opened
// per call; the pool grows to the number of concurrent callers.
//
// Thread-safety: thread-safe.
#ifndef MESHDEX_INDEX_READER_POOL_H_
#define MESHDEX_INDEX_READER_POOL_H_

#include <cstdint>
#include <memory>
#include <vector>

#include <xapian.h>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "index/follower.h"

namespace meshdex::index {

class ReaderPool {
 public:
  explicit ReaderPool(const IndexFollower& follower) : follower_(follower) {}

  // Runs `read` on a reader showing the follower's latest commit. Xapian
  // errors `read` throws become a Status: UNAVAILABLE while no index is
  // servable or when it cannot be opened, DATA_LOSS for corruption,
  // INTERNAL otherwise.
  absl::Status Read(absl::FunctionRef<absl::Status(const Xapian::Database&)> read);

 private:
  struct Reader {
    Xapian::Database database;
    uint64_t epoch = 0;
    uint64_t generation = 0;
  };

  // Borrows an idle reader (or opens one) brought up to the commit `state`
  // names.
  std::unique_ptr<Reader> Borrow(const IndexFollower::ReaderState& state);
  void Return(std::unique_ptr<Reader> reader);

  const IndexFollower& follower_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Reader>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace meshdex::index

#endif  // MESHDEX_INDEX_READER_POOL_H_
