// ServerProcess: runs the real meshdexd binary for integration tests, on free
// loopback ports (port 0) and a caller-owned data dir, and waits for its ready
// file. Supports graceful stop (SIGTERM), crash (SIGKILL) and restart on the
// same data dir. The binary path comes from the MESHDEXD_PATH compile
// definition.
//
// Thread-safety: not thread-safe; one test thread drives it.
#ifndef MESHDEX_TESTS_TESTING_SERVER_PROCESS_H_
#define MESHDEX_TESTS_TESTING_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"

namespace meshdex::testing {

class ServerProcess {
 public:
  // `extra_flags` are appended to the command line (e.g. "--demo").
  ServerProcess(std::string data_dir, std::vector<std::string> extra_flags = {});
  ~ServerProcess();  // SIGKILLs a still-running server.
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (bounded) for its ready file. Returns false
  // with the reason on stderr when it exits or does not get ready.
  bool Start();
  // SIGTERM and wait; returns the exit status (as from waitpid) or -1.
  int Stop();
  // SIGKILL and reap: an abrupt crash.
  void Kill();
  // Sends `signal` (e.g. SIGHUP) to the running server.
  void Signal(int signal);
  // From the next Start() on, the server may not grow any file beyond
  // `bytes` (RLIMIT_FSIZE, SIGXFSZ ignored): writes past it fail with EFBIG,
  // as on a full disk. 0 = no limit (the default).
  void set_file_size_limit(uint64_t bytes) { file_size_limit_ = bytes; }

  const std::string& grpc_address() const { return grpc_address_; }
  // Process id of the running server, -1 when none.
  pid_t pid() const { return pid_; }
  const std::string& http_address() const { return http_address_; }
  std::shared_ptr<grpc::Channel> Channel() const;
  // Path of the file capturing the server's stderr (its log).
  std::string log_path() const { return data_dir_ + ".log"; }
  // The log's text so far (empty when there is none), for failure messages.
  std::string ReadLog() const;

 private:
  std::string data_dir_;
  std::vector<std::string> extra_flags_;
  uint64_t file_size_limit_ = 0;
  pid_t pid_ = -1;
  std::string grpc_address_;
  std::string http_address_;
};

// Path of a sibling binary of meshdexd (e.g. "meshdexctl").
std::string BinaryPath(const std::string& name);

}  // namespace meshdex::testing

#endif  // MESHDEX_TESTS_TESTING_SERVER_PROCESS_H_
