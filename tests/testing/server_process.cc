#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "nlohmann/json.hpp"

namespace meshdex::testing {
namespace {
// Generous: a sanitizer build on a loaded 2-core machine starts slowly.
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);
constexpr auto kPollInterval = std::chrono::milliseconds(10);
}  // namespace

std::string BinaryPath(const std::string& name) {
  return (std::filesystem::path(MESHDEXD_PATH).parent_path() / name).string();
}

ServerProcess::ServerProcess(std::string data_dir, std::vector<std::string> extra_flags)
    : data_dir_(std::move(data_dir)), extra_flags_(std::move(extra_flags)) {}

ServerProcess::~ServerProcess() { Kill(); }

bool ServerProcess::Start() {
  const std::string ready_file = data_dir_ + ".ready";
  std::filesystem::remove(ready_file);
  std::vector<std::string> args = {MESHDEXD_PATH,
                                   "--data_dir=" + data_dir_,
                                   "--grpc_listen=127.0.0.1:0",
                                   "--http_listen=127.0.0.1:0",
                                   "--ready_file=" + ready_file};
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());

  pid_ = fork();
  if (pid_ == 0) {
    int log = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDERR_FILENO);
      dup2(log, STDOUT_FILENO);
    }
    if (file_size_limit_ > 0) {
      const rlimit limit = {file_size_limit_, file_size_limit_};
      if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(126);
      signal(SIGXFSZ, SIG_IGN);  // stays ignored across execv
    }
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      std::fprintf(stderr, "meshdexd exited during start (status %d); log at %s\n", status,
                   log_path().c_str());
      pid_ = -1;
      return false;
    }
    std::ifstream in(ready_file);
    if (in.good()) {
      std::stringstream text;
      text << in.rdbuf();
      nlohmann::json ready = nlohmann::json::parse(text.str(), nullptr, false);
      if (!ready.is_discarded()) {
        grpc_address_ = ready.value("grpc", "");
        http_address_ = ready.value("http", "");
        return true;
      }
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  std::fprintf(stderr, "meshdexd not ready within the timeout; log at %s\n", log_path().c_str());
  Kill();
  return false;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  Kill();
  return -1;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServerProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

std::string ServerProcess::ReadLog() const {
  std::ifstream in(log_path());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<grpc::Channel> ServerProcess::Channel() const {
  return grpc::CreateChannel(grpc_address_, grpc::InsecureChannelCredentials());
}

}  // namespace meshdex::testing
