// AdminService: statistics, online backup, reindex and the audit log for
// operators.
//
// Thread-safety: thread-safe (the store, the follower and the audit log are).
#ifndef MESHDEX_SERVER_API_ADMIN_SERVICE_H_
#define MESHDEX_SERVER_API_ADMIN_SERVICE_H_

#include <string>

#include "absl/time/time.h"
#include "index/follower.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "server/auth/audit_log.h"
#include "server/api/grpc_gate.h"
#include "storage/store.h"

namespace meshdex::api {

class AdminService final : public meshdex::v1::AdminService::Service {
 public:
  // `index_dir` is where `follower` keeps the index (for its size).
  AdminService(const GrpcGate& gate, const storage::Store& store, index::IndexFollower& follower,
               std::string index_dir, const auth::AuditLog& audit)
      : gate_(gate),
        store_(store),
        follower_(follower),
        index_dir_(std::move(index_dir)),
        audit_(audit),
        started_(absl::Now()) {}

  grpc::Status GetStats(grpc::ServerContext* context, const meshdex::v1::GetStatsRequest* request,
                        meshdex::v1::Stats* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const meshdex::v1::BackupRequest* request,
                      meshdex::v1::BackupResponse* response) override;
  grpc::Status Reindex(grpc::ServerContext* context, const meshdex::v1::ReindexRequest* request,
                       meshdex::v1::ReindexResponse* response) override;
  grpc::Status ListAudit(grpc::ServerContext* context, const meshdex::v1::ListAuditRequest* request,
                         meshdex::v1::ListAuditResponse* response) override;

 private:
  const GrpcGate& gate_;
  const storage::Store& store_;
  index::IndexFollower& follower_;
  const std::string index_dir_;
  const auth::AuditLog& audit_;
  const absl::Time started_;
};

}  // namespace meshdex::api

#endif  // MESHDEX_SERVER_API_ADMIN_SERVICE_H_
