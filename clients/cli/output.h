// Output helpers of meshdexctl: aligned text tables and the -o format switch.
#ifndef MESHDEX_CLIENTS_CLI_OUTPUT_H_
#define MESHDEX_CLIENTS_CLI_OUTPUT_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace meshdex::cli {

// kDot (Graphviz) is offered by the lineage command only.
enum class OutputFormat { kTable, kJson, kYaml, kDot };

// A text table: a header row and data rows, columns padded to their widest
// cell, written with two spaces between columns.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Writes `message` as JSON or YAML (one document; YAML documents after the
// first are preceded by "---" when `separator` is true).
void PrintMessage(const google::protobuf::Message& message, OutputFormat format, std::ostream& out,
                  bool separator = false);

// RFC 3339 in UTC, or "-" when unset.
std::string FormatTime(const google::protobuf::Timestamp& time);

}  // namespace meshdex::cli

#endif  // MESHDEX_CLIENTS_CLI_OUTPUT_H_
