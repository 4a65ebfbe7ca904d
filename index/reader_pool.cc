#include "index/reader_pool.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace meshdex::index {
namespace {

// A read overtaken by commits this many times in a row gives up.
constexpr int kMaxAttempts = 4;

std::string Describe(const Xapian::Error& error) {
  return absl::StrCat(error.get_type(), ": ", error.get_msg());
}

}  // namespace

absl::Status ReaderPool::Read(absl::FunctionRef<absl::Status(const Xapian::Database&)> read) {
  std::string last_error;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const IndexFollower::ReaderState state = follower_.GetReaderState();
    if (state.path.empty()) {
      return absl::UnavailableError("search index is being built from the store; retry shortly");
    }
    try {
      // A retry opens afresh: a pooled reader may be as stale as the last one.
      std::unique_ptr<Reader> reader = Borrow(state, /*fresh=*/attempt > 0);
      absl::Status status = read(reader->database);
      Return(std::move(reader));
      return status;
    } catch (const Xapian::DatabaseModifiedError& error) {
      last_error = Describe(error);
    } catch (const Xapian::DatabaseCorruptError& error) {
      // A reader overtaken by commits can meet blocks the writer has reused
      // since, which Xapian may report as corruption rather than as a
      // modification. Retry on a fresh reader when the index has moved on;
      // without a newer commit the corruption is real.
      const IndexFollower::ReaderState now = follower_.GetReaderState();
      if (now.epoch == state.epoch && now.generation == state.generation) {
        return absl::DataLossError(absl::StrCat("search index: ", Describe(error)));
      }
      last_error = Describe(error);
    } catch (const Xapian::DatabaseOpeningError& error) {
      // A rebuild may have removed the database between GetReaderState() and
      // the open; then the next attempt opens its replacement.
      if (follower_.GetReaderState().epoch == state.epoch) {
        return absl::UnavailableError(
            absl::StrCat("search index cannot be opened: ", Describe(error)));
      }
      last_error = Describe(error);
    } catch (const Xapian::Error& error) {
      return absl::InternalError(absl::StrCat("search index: ", Describe(error)));
    }
  }
  return absl::UnavailableError(
      absl::StrCat("search index kept changing during the read; retry (", last_error, ")"));
}

std::unique_ptr<ReaderPool::Reader> ReaderPool::Borrow(const IndexFollower::ReaderState& state,
                                                       bool fresh) {
  std::unique_ptr<Reader> reader;
  if (!fresh) {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      reader = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (reader == nullptr || reader->epoch != state.epoch) {
    reader = std::make_unique<Reader>(Reader{Xapian::Database(state.path), state.epoch,
                                             state.generation});
  } else if (reader->generation != state.generation) {
    reader->database.reopen();
    reader->generation = state.generation;
  }
  return reader;
}

void ReaderPool::Return(std::unique_ptr<Reader> reader) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(reader));
}

}  // namespace meshdex::index
