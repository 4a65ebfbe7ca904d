// Helpers of the load tools (meshdex-soak, meshdex-bench): latency
// percentiles and a process's resident memory.
//
// Thread-safety: free functions without shared state.
#ifndef MESHDEX_TESTS_TESTING_LOAD_STATS_H_
#define MESHDEX_TESTS_TESTING_LOAD_STATS_H_

#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace meshdex::testing {

// The `p` quantile (0..1) of `values` (reordered in place); 0 when empty.
inline double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}

// VmRSS of `pid` in KiB, 0 when unreadable.
inline int64_t RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

}  // namespace meshdex::testing

#endif  // MESHDEX_TESTS_TESTING_LOAD_STATS_H_
