#include "clients/cli/output.h"

#include <algorithm>
#include <ostream>

#include "absl/time/time.h"
#include "proto/document.h"

namespace meshdex::cli {

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

void PrintMessage(const google::protobuf::Message& message, OutputFormat format, std::ostream& out,
                  bool separator) {
  if (format == OutputFormat::kYaml) {
    if (separator) out << "---\n";
    out << document::ToYaml(message);
  } else {
    out << document::ToJson(message);
  }
}

std::string FormatTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

}  // namespace meshdex::cli
