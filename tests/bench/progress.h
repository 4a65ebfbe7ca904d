// ProgressBar: a one-line progress bar on stderr ("label [#####-----] 52%
// 5200/10000 3.1s"), redrawn at most every 100 ms on a terminal, and as a
// plain line every 5 s otherwise (logs of make, ctest).
//
// Thread-safety: Update() may be called from any thread; Finish() once, from
// the owning thread.
#ifndef MESHDEX_TESTS_BENCH_PROGRESS_H_
#define MESHDEX_TESTS_BENCH_PROGRESS_H_

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace meshdex::bench {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total)
      : label_(std::move(label)), total_(total), tty_(::isatty(STDERR_FILENO) == 1),
        start_(Clock::now()), last_draw_(start_) {
    Draw(0);
  }

  void Update(int64_t done) {
    std::lock_guard<std::mutex> lock(mu_);
    const Clock::time_point now = Clock::now();
    if (now - last_draw_ < (tty_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5))) {
      return;
    }
    last_draw_ = now;
    Draw(done);
  }

  // Draws the final state and ends the line.
  void Finish(int64_t done) {
    std::lock_guard<std::mutex> lock(mu_);
    Draw(done);
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr int kWidth = 30;

  void Draw(int64_t done) {
    const double fraction = total_ > 0 ? std::min(1.0, static_cast<double>(done) / total_) : 1.0;
    const int filled = static_cast<int>(fraction * kWidth);
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    std::fprintf(stderr, "%s%-28s [%s%s] %3.0f%% %lld/%lld %.1fs%s", tty_ ? "\r" : "",
                 label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '-').c_str(), fraction * 100,
                 static_cast<long long>(done), static_cast<long long>(total_), seconds,
                 tty_ ? "" : "\n");
    std::fflush(stderr);
  }

  std::mutex mu_;
  const std::string label_;
  const int64_t total_;
  const bool tty_;
  const Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace meshdex::bench

#endif  // MESHDEX_TESTS_BENCH_PROGRESS_H_
