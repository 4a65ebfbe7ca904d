// RunCommand: runs a program with arguments and optional stdin, capturing its
// exit code, stdout and stderr. For tests that drive command-line tools.
#ifndef MESHDEX_TESTS_TESTING_RUN_COMMAND_H_
#define MESHDEX_TESTS_TESTING_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace meshdex::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the program did not exit normally
  std::string out;
  std::string err;
};

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_text = "");

}  // namespace meshdex::testing

#endif  // MESHDEX_TESTS_TESTING_RUN_COMMAND_H_
