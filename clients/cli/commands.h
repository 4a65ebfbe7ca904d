// The commands of meshdexctl, one function each. Each returns the process exit
// code (0 ok, 1 error) and writes results to stdout, errors to stderr.
#ifndef MESHDEX_CLIENTS_CLI_COMMANDS_H_
#define MESHDEX_CLIENTS_CLI_COMMANDS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/cli/output.h"
#include "clients/cpp/meshdex_client.h"
#include "proto/document.h"
#include "grpcpp/client_context.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"

namespace meshdex::cli {

// Upper bound on pages fetched by one listing, so a misbehaving server cannot
// keep the CLI looping.
inline constexpr int kMaxPages = 10000;

// What every command needs: the connection (with the bearer token and the
// deadline of each call) and the output format.
struct Session {
  // The connection (channel, token, deadline); the stubs below are its own.
  std::unique_ptr<meshdex::client::Client> client;
  meshdex::v1::CatalogService::Stub* catalog = nullptr;
  meshdex::v1::SearchService::Stub* search = nullptr;
  meshdex::v1::LineageService::Stub* lineage = nullptr;
  meshdex::v1::AdminService::Stub* admin = nullptr;
  meshdex::v1::GovernanceService::Stub* governance = nullptr;
  OutputFormat format = OutputFormat::kTable;
};

// A call context with the session's bearer token and, unless `deadline` is
// false (streams that run until stopped), the session's deadline (--timeout).
std::unique_ptr<grpc::ClientContext> CallContext(const Session& session, bool deadline = true);
// Prints "error: [what: ]CODE: message" to stderr; returns exit code 1.
int ReportError(const grpc::Status& status, const std::string& what = "");

// A resource document of an input, with where it came from for messages
// ("file.yaml (document 2)").
struct SourcedDocument {
  std::string where;
  document::ResourceDocument doc;
};
// Reads `inputs` (files, directories of *.yaml|*.yml|*.json, `-` = stdin) and
// splits them into documents. Prints every problem to stderr and returns
// false when there was one.
bool ReadDocuments(const std::vector<std::string>& inputs, std::vector<SourcedDocument>* docs);
// Converts a document into `message`, or prints why not (naming `where`) and
// returns false.
bool ToMessageOrReport(const SourcedDocument& source, google::protobuf::Message* message);
// "created", "updated", "unchanged".
std::string OutcomeWord(meshdex::v1::ApplyOutcome outcome);

// Applies Policy and DataProduct documents: every policy first, so the
// products are governed by them.
int ApplyCommand(Session& session, const std::vector<std::string>& files, bool dry_run);
// ApplyCommand's work on documents already read.
int ApplyDocuments(Session& session, const std::vector<SourcedDocument>& docs, bool dry_run);
int GetProductsCommand(Session& session, const std::string& domain);
int GetProductCommand(Session& session, const std::string& urn, int64_t revision);
int DescribeCommand(Session& session, const std::string& urn);
int DeleteCommand(Session& session, const std::string& urn, int64_t expected_revision);
int HistoryCommand(Session& session, const std::string& urn);
int ResolveCommand(Session& session, const std::string& address);
// Streams change events until the server ends the stream or the user interrupts.
int WatchCommand(Session& session, uint64_t from_sequence);
// One page of search hits, facet counts and the token of the next page.
// `filters` are the --filter flags as parsed (ParseSearchFilter).
int SearchCommand(Session& session, const std::string& query,
                  const std::vector<std::string>& facets,
                  const std::vector<meshdex::v1::SearchFilter>& filters, int page_size,
                  const std::string& page_token);
int SuggestCommand(Session& session, const std::string& prefix, int limit);
// Streams OpenLineage events (JSON lines, or a JSON array) from files or stdin;
// reports every rejected event with its line (or array position) and reason.
int IngestCommand(Session& session, const std::vector<std::string>& files);
int LineageCommand(Session& session, const std::string& node_id,
                   meshdex::v1::GetLineageRequest::Direction direction, int depth, bool products,
                   int max_nodes);
int RunsCommand(Session& session, const std::string& job_id, int page_size);
// Online backup of the server's store into DIR (a new directory).
int BackupCommand(Session& session, const std::string& dir);
int StatsCommand(Session& session);
// The audit log, newest first: at most `limit` entries of `principal` and on
// `urn` (exact matches; empty = any).
int AuditCommand(Session& session, const std::string& principal, const std::string& urn, int limit);

// Tokens (no server involved). Whether `token` can be sent as a bearer token:
// printable ASCII without spaces.
bool IsSendableToken(absl::string_view token);
// Reads a token from stdin and prints its auth-file entry (SHA-256 only).
// Exit code 2 for an empty principal or an unknown or repeated role.
int TokenHashCommand(const std::string& principal, const std::vector<std::string>& roles);
// Prints a new random token (256 bits, base64url without padding).
int TokenNewCommand();

// Governance. A policy is named "<name>" (global) or "<domain>/<name>".
int PolicyApplyCommand(Session& session, const std::vector<std::string>& files, bool dry_run);
int PolicyListCommand(Session& session, const std::string& domain);
int PolicyGetCommand(Session& session, const std::string& policy);
int PolicyDeleteCommand(Session& session, const std::string& policy, int64_t expected_revision);
// Evaluates product documents without storing them; exit code 1 when one
// would be refused (an enforced violation or a breaking schema change).
int EvaluateCommand(Session& session, const std::vector<std::string>& files);
int ScorecardCommand(Session& session, const std::string& domain);

}  // namespace meshdex::cli

#endif  // MESHDEX_CLIENTS_CLI_COMMANDS_H_
