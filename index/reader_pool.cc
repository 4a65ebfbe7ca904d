#include "index/reader_pool.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace meshdex::index {
namespace {

std::string Describe(const Xapian::Error& error) {
  return absl::StrCat(error.get_type(), ": ", error.get_msg());
}

}  // namespace

absl::Status ReaderPool::Read(absl::FunctionRef<absl::Status(const Xapian::Database&)> read) {
  return follower_.ReadCommitted([&](const IndexFollower::ReaderState& state) -> absl::Status {
    if (state.path.empty()) {
      return absl::UnavailableError("search index is being built from the store; retry shortly");
    }
    try {
      std::unique_ptr<Reader> reader = Borrow(state);
      absl::Status status = read(reader->database);
      Return(std::move(reader));
      return status;
    } catch (const Xapian::DatabaseOpeningError& error) {
      return absl::UnavailableError(
          absl::StrCat("search index cannot be opened: ", Describe(error)));
    } catch (const Xapian::DatabaseCorruptError& error) {
      return absl::DataLossError(absl::StrCat("search index: ", Describe(error)));
    } catch (const Xapian::Error& error) {
      return absl::InternalError(absl::StrCat("search index: ", Describe(error)));
    }
  });
}

std::unique_ptr<ReaderPool::Reader> ReaderPool::Borrow(const IndexFollower::ReaderState& state) {
  std::unique_ptr<Reader> reader;
  {
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
