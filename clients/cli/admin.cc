#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

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
  Table table({"VERSION", "UPTIME", "PRODUCTS", "DATASETS", "SEQUENCE", "INDEX LAG", "STORE BYTES",
               "INDEX BYTES"});
  table.AddRow({stats.version(), absl::StrCat(stats.uptime_seconds(), "s"), absl::StrCat(stats.products()),
                absl::StrCat(stats.datasets()), absl::StrCat(stats.last_sequence()),
                absl::StrCat(stats.last_sequence() - std::min(stats.last_sequence(), stats.index_applied_sequence())),
                absl::StrCat(stats.store_bytes()), absl::StrCat(stats.index_bytes())});
  table.Print(std::cout);
  return 0;
}

int AuditCommand(Session& session, const std::string& principal, const std::string& urn, int limit) {
  meshdex::v1::ListAuditResponse all;
  std::string token;
  // A page may come back short (the server bounds how many entries one call
  // examines), so pages are followed until `limit` or the end.
  for (int page = 0; page < kMaxPages && all.entries_size() < limit; ++page) {
    meshdex::v1::ListAuditRequest request;
    request.set_principal(principal);
    request.set_urn(urn);
    request.set_page_size(std::min(limit - all.entries_size(), 1000));
    request.set_page_token(token);
    meshdex::v1::ListAuditResponse response;
    grpc::Status status = session.admin->ListAudit(CallContext(session).get(), request, &response);
    if (!status.ok()) return ReportError(status);
    for (meshdex::v1::AuditEntry& entry : *response.mutable_entries()) {
      if (all.entries_size() == limit) break;
      *all.add_entries() = std::move(entry);
    }
    token = response.next_page_token();
    if (token.empty()) break;
  }
  if (session.format != OutputFormat::kTable) {
    PrintMessage(all, session.format, std::cout);
    return 0;
  }
  auto number_or_dash = [](auto value) { return value == 0 ? std::string("-") : absl::StrCat(value); };
  Table table({"TIME", "PRINCIPAL", "OPERATION", "TARGET", "REV", "SEQ", "CODE", "TRANSPORT"});
  for (const meshdex::v1::AuditEntry& entry : all.entries()) {
    table.AddRow({FormatTime(entry.time()), entry.principal(), entry.operation(), entry.target(),
                  number_or_dash(entry.revision()), number_or_dash(entry.sequence()), entry.code(),
                  entry.transport()});
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace meshdex::cli
