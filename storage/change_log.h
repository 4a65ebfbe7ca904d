// ChangeLog: the ordered, gap-free record of every accepted write.
//
// Every write to the store appends exactly one ChangeEvent per entity it
// touches, in the same atomic batch, with consecutive sequence numbers starting
// at 1. This interface is the seam followers (the search index, Watch streams,
// background re-evaluation) read through; they never write the store.
//
// Thread-safety: all methods are safe to call concurrently with writes.
#ifndef MESHDEX_STORAGE_CHANGE_LOG_H_
#define MESHDEX_STORAGE_CHANGE_LOG_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::storage {

class ChangeLog {
 public:
  virtual ~ChangeLog() = default;

  // Records with sequence >= `from`, in sequence order, at most `limit` of them.
  virtual absl::StatusOr<std::vector<meshdex::v1::ChangeEvent>> ReadChanges(
      uint64_t from, size_t limit) const = 0;

  // Sequence of the last committed record (0 when the log is empty).
  virtual uint64_t LastSequence() const = 0;

  // Blocks until LastSequence() >= `sequence` or `deadline` passes. Returns
  // whether the sequence was reached.
  virtual bool WaitForSequence(uint64_t sequence, absl::Time deadline) const = 0;
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_CHANGE_LOG_H_
