#include <filesystem>
#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/commands.h"
#include "grpcpp/client_context.h"

namespace meshdex::cli {

int BackupCommand(Session& session, const std::string& dir) {
  meshdex::v1::BackupRequest request;
  // The server writes the backup on its own file system; a relative path is
  // taken relative to where meshdexctl runs, which is the same machine when
  // the server is reached over loopback.
  request.set_path(std::filesystem::absolute(dir).lexically_normal().string());
  meshdex::v1::BackupResponse response;
  grpc::Status status = session.admin->Backup(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  std::cout << "backup written to " << response.path() << " (up to sequence " << response.sequence()
            << ", " << response.bytes() << " bytes); restore: meshdexd --data_dir=" << response.path()
            << "\n";
  return 0;
}

int StatsCommand(Session& session) {
  meshdex::v1::GetStatsRequest request;
  meshdex::v1::Stats stats;
  grpc::Status status = session.admin->GetStats(CallContext(session).get(), request, &stats);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(stats, session.format, std::cout);
    return 0;
  }
  Table table({"VERSION", "UPTIME", "PRODUCTS", "SEQUENCE", "INDEX LAG", "STORE BYTES", "INDEX BYTES"});
  table.AddRow({stats.version(), absl::StrCat(stats.uptime_seconds(), "s"), absl::StrCat(stats.products()),
                absl::StrCat(stats.last_sequence()),
                absl::StrCat(stats.last_sequence() - std::min(stats.last_sequence(), stats.index_applied_sequence())),
                absl::StrCat(stats.store_bytes()), absl::StrCat(stats.index_bytes())});
  table.Print(std::cout);
  return 0;
}

}  // namespace meshdex::cli
