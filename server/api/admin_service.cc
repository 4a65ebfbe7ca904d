#include "server/api/admin_service.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "server/api/status.h"
#include "server/metrics/server_gauges.h"
#include "server/version.h"
#include "spdlog/spdlog.h"

namespace meshdex::api {

grpc::Status AdminService::GetStats(grpc::ServerContext* context,
                                    const meshdex::v1::GetStatsRequest*,
                                    meshdex::v1::Stats* response) {
  if (grpc::Status denied = gate_.Admit(*context, "AdminService.GetStats", auth::Action::kAdmin);
      !denied.ok()) {
    return denied;
  }
  absl::StatusOr<storage::EntityCounts> counts = store_.Counts();
  if (!counts.ok()) return ToGrpcStatus(counts.status());
  // Applied first: the store's sequence read after it is never behind it.
  const uint64_t applied = follower_.AppliedSequence();
  const uint64_t last = store_.LastSequence();
  response->set_version(server::BuildVersion());
  response->set_uptime_seconds(absl::ToInt64Seconds(absl::Now() - started_));
  response->set_products(static_cast<int64_t>(counts->products));
  response->set_datasets(static_cast<int64_t>(counts->datasets));
  response->set_last_sequence(last);
  response->set_index_applied_sequence(applied);
  response->set_index_lag(last - std::min(last, applied));
  response->set_store_bytes(static_cast<int64_t>(metrics::DirectorySize(store_.path())));
  response->set_index_bytes(static_cast<int64_t>(metrics::DirectorySize(index_dir_)));
  return grpc::Status::OK;
}

grpc::Status AdminService::Backup(grpc::ServerContext* context,
                                  const meshdex::v1::BackupRequest* request,
                                  meshdex::v1::BackupResponse* response) {
  if (grpc::Status denied = gate_.Admit(*context, "AdminService.Backup", auth::Action::kAdmin);
      !denied.ok()) {
    return denied;
  }
  const std::filesystem::path target(request->path());
  if (request->path().empty() || !target.is_absolute()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "path: an absolute directory path is required");
  }
  std::error_code error;
  if (std::filesystem::exists(target, error)) {
    return grpc::Status(grpc::StatusCode::ALREADY_EXISTS,
                        absl::StrCat("path: ", request->path(), " already exists"));
  }
  std::filesystem::create_directories(target, error);
  if (error) {
    return grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        absl::StrCat("path: cannot create ", request->path(), ": ", error.message()));
  }
  // The backup is a data dir of its own: <path>/store, index rebuilt on start.
  const std::string store_copy = (target / "store").string();
  absl::StatusOr<uint64_t> sequence = store_.Checkpoint(store_copy);
  if (!sequence.ok()) {
    std::filesystem::remove_all(target, error);
    return ToGrpcStatus(sequence.status());
  }
  response->set_path(request->path());
  response->set_sequence(*sequence);
  response->set_bytes(static_cast<int64_t>(metrics::DirectorySize(store_copy)));
  spdlog::info("backup of the store up to sequence {} written to {}", *sequence, request->path());
  return grpc::Status::OK;
}

grpc::Status AdminService::Reindex(grpc::ServerContext* context, const meshdex::v1::ReindexRequest*,
                                   meshdex::v1::ReindexResponse* response) {
  if (grpc::Status denied = gate_.Admit(*context, "AdminService.Reindex", auth::Action::kAdmin);
      !denied.ok()) {
    return denied;
  }
  const uint64_t sequence = store_.LastSequence();
  if (absl::Status status = follower_.Rebuild(); !status.ok()) return ToGrpcStatus(status);
  response->set_sequence(sequence);
  return grpc::Status::OK;
}

grpc::Status AdminService::ListAudit(grpc::ServerContext* context,
                                     const meshdex::v1::ListAuditRequest* request,
                                     meshdex::v1::ListAuditResponse* response) {
  if (grpc::Status denied = gate_.Admit(*context, "AdminService.ListAudit", auth::Action::kAdmin);
      !denied.ok()) {
    return denied;
  }
  return Respond(audit_.List(*request), response);
}

}  // namespace meshdex::api
