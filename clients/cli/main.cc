// meshdexctl: the command-line client of meshdex.
// Exit codes: 0 ok, 1 error (message on stderr), 2 usage.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "clients/cli/commands.h"
#include "clients/cli/interop_commands.h"
#include "clients/cpp/meshdex_client.h"
#include "proto/search_filter.h"

namespace {

constexpr int kUsageError = 2;
constexpr char kTokenEnv[] = "MESHDEX_TOKEN";

std::string DefaultServer() {
  const char* env = std::getenv("MESHDEX_SERVER");
  return env != nullptr && *env != '\0' ? env : "127.0.0.1:50051";
}

// PEM files of the TLS options; all empty = plaintext.
struct TlsFiles {
  std::string ca;    // roots the server's certificate must chain to
  std::string cert;  // client certificate (mTLS), with its key
  std::string key;
};

absl::StatusOr<std::string> ReadPemFile(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(option, ": cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  if (!absl::StrContains(text.str(), "-----BEGIN")) {
    return absl::InvalidArgumentError(absl::StrCat(option, ": ", path, " is not a PEM file"));
  }
  return text.str();
}

// The PEM text of the TLS files: TLS (verified against --tls_ca, else the
// system roots) when a CA or a client certificate is given; plaintext
// otherwise.
absl::StatusOr<meshdex::client::TlsOptions> ReadTls(const TlsFiles& tls) {
  meshdex::client::TlsOptions options;
  if (!tls.ca.empty()) {
    absl::StatusOr<std::string> ca = ReadPemFile("--tls_ca", tls.ca);
    if (!ca.ok()) return ca.status();
    options.root_certs = *std::move(ca);
  }
  if (!tls.cert.empty()) {
    absl::StatusOr<std::string> cert = ReadPemFile("--tls_cert", tls.cert);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPemFile("--tls_key", tls.key);
    if (!key.ok()) return key.status();
    options.cert_chain = *std::move(cert);
    options.private_key = *std::move(key);
  }
  return options;
}

// The connection of every command. One attempt per call: the CLI reports
// UNAVAILABLE at once instead of retrying.
absl::StatusOr<std::unique_ptr<meshdex::client::Client>> Connect(const std::string& server,
                                                                 const std::string& token,
                                                                 int timeout_seconds,
                                                                 const TlsFiles& tls) {
  meshdex::client::ClientOptions options;
  options.server = server;
  options.token = token;
  options.deadline = absl::Seconds(timeout_seconds);
  options.retry.max_attempts = 1;
  absl::StatusOr<meshdex::client::TlsOptions> tls_options = ReadTls(tls);
  if (!tls_options.ok()) return tls_options.status();
  options.tls = *std::move(tls_options);
  return meshdex::client::Client::Connect(std::move(options));
}

// The bearer tokens a command line or the environment carries, so that usage
// errors, which may quote arguments, never show one.
std::vector<std::string> TokensToHide(int argc, char** argv) {
  std::vector<std::string> tokens;
  if (const char* env = std::getenv(kTokenEnv); env != nullptr && *env != '\0') {
    tokens.push_back(env);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--token" && i + 1 < argc) {
      tokens.push_back(argv[i + 1]);
    } else if (absl::StartsWith(arg, "--token=") && arg.size() > 8) {
      tokens.push_back(arg.substr(8));
    }
  }
  return tokens;
}

std::string Hide(std::string text, const std::vector<std::string>& tokens) {
  for (const std::string& token : tokens) absl::StrReplaceAll({{token, "<token>"}}, &text);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  using meshdex::cli::OutputFormat;
  CLI::App app{"meshdexctl: register, find and follow data products in a meshdex catalog."};
  app.require_subcommand(1);
  // Global options may also follow the subcommand: `get product URN -o yaml`.
  // Set before the subcommands are created, which inherit it.
  app.fallthrough();
  std::string server = DefaultServer();
  std::string output = "table";
  int timeout = 30;
  app.add_option("--server", server, "meshdexd gRPC address (env MESHDEX_SERVER)")
      ->capture_default_str();
  app.add_option("-o,--output", output, "Output format: table, json or yaml (dot for lineage)")
      ->check(CLI::IsMember({"table", "json", "yaml", "dot"}))
      ->capture_default_str();
  app.add_option("--timeout", timeout, "Seconds to wait for each call")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  // No default shown: a token is a secret.
  std::string token;
  app.add_option("--token", token, "Bearer token sent with every call")->envname(kTokenEnv);
  TlsFiles tls;
  app.add_option("--tls_ca", tls.ca, "PEM CA certificates: connect over TLS, verifying the server");
  auto* tls_cert = app.add_option("--tls_cert", tls.cert,
                                  "PEM client certificate for mutual TLS (with --tls_key)");
  auto* tls_key = app.add_option("--tls_key", tls.key, "PEM private key of --tls_cert");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);

  meshdex::cli::Session session;
  int exit_code = 0;
  // Commands run after parsing succeeded, from their callbacks.
  // `accepts_dot`: whether the command can print Graphviz (lineage only).
  auto run = [&](auto command, bool accepts_dot = false) {
    return [&, command, accepts_dot] {
      if (output == "dot" && !accepts_dot) {
        std::cerr << "error: -o dot is only for the lineage command\n";
        exit_code = kUsageError;
        return;
      }
      session.format = output == "json"   ? OutputFormat::kJson
                       : output == "yaml" ? OutputFormat::kYaml
                       : output == "dot"  ? OutputFormat::kDot
                                          : OutputFormat::kTable;
      if (!token.empty() && !meshdex::cli::IsSendableToken(token)) {
        std::cerr << "error: --token (or " << kTokenEnv
                  << "): must be printable ASCII without spaces\n";
        exit_code = kUsageError;
        return;
      }
      absl::StatusOr<std::unique_ptr<meshdex::client::Client>> client =
          Connect(server, token, timeout, tls);
      if (!client.ok()) {
        std::cerr << "error: " << client.status().message() << "\n";
        exit_code = kUsageError;
        return;
      }
      session.client = *std::move(client);
      session.catalog = &session.client->catalog();
      session.search = &session.client->search();
      session.lineage = &session.client->lineage();
      session.admin = &session.client->admin();
      session.governance = &session.client->governance();
      exit_code = command();
    };
  };

  std::vector<std::string> files;
  bool dry_run = false;
  auto* apply = app.add_subcommand(
      "apply", "Create or update products and policies from YAML/JSON documents (policies first)");
  apply->add_option("-f,--filename", files, "File, directory or - for stdin (repeatable)")
      ->required();
  apply->add_flag("--dry-run", dry_run, "Validate and show the result without storing it");
  apply->callback(run([&] { return ApplyCommand(session, files, dry_run); }));

  auto* get = app.add_subcommand("get", "Show products");
  get->require_subcommand(1);
  std::string domain;
  auto* get_products = get->add_subcommand("products", "List products, optionally of one domain");
  get_products->add_option("domain", domain, "Domain to list");
  get_products->callback(run([&] { return GetProductsCommand(session, domain); }));
  std::string urn;
  int64_t revision = 0;
  auto* get_product = get->add_subcommand("product", "Show one product");
  get_product->add_option("urn", urn, "Product URN (urn:dp:<domain>:<name>)")->required();
  get_product->add_option("--revision", revision, "Revision (default: latest)");
  get_product->callback(run([&] { return GetProductCommand(session, urn, revision); }));

  auto* describe = app.add_subcommand("describe", "Describe a product for people");
  describe->add_option("urn", urn, "Product URN")->required();
  describe->callback(run([&] { return DescribeCommand(session, urn); }));

  int64_t expected_revision = 0;
  auto* del = app.add_subcommand("delete", "Delete a product (its history is kept)");
  del->add_option("urn", urn, "Product URN")->required();
  del->add_option("--expected-revision", expected_revision,
                  "Only delete if the product is at this revision");
  del->callback(run([&] { return DeleteCommand(session, urn, expected_revision); }));

  auto* history = app.add_subcommand("history", "List a product's revisions");
  history->add_option("urn", urn, "Product URN")->required();
  history->callback(run([&] { return HistoryCommand(session, urn); }));

  std::string address;
  auto* resolve = app.add_subcommand("resolve", "Find the product and port owning an address");
  resolve->add_option("address", address, "Physical address, e.g. kafka://host:9092/topic")
      ->required();
  resolve->callback(run([&] { return ResolveCommand(session, address); }));

  uint64_t from = 0;
  auto* watch = app.add_subcommand("watch", "Stream catalog changes (replay, then follow)");
  watch->add_option("--from", from, "First change-log sequence to show (default: the beginning)");
  watch->callback(run([&] { return WatchCommand(session, from); }));

  std::string query;
  std::vector<std::string> facets;
  int page_size = 20;
  std::string page_token;
  auto* search = app.add_subcommand("search", "Search products (free text, \"phrases\", prefix*, field:value, -term)");
  search->add_option("query", query, "Query; empty lists everything");
  search->add_option("--facet", facets, "Count hits by domain, owner, tag, kind, lifecycle, classification, governance or type (repeatable)");
  // Each --filter is parsed once, as CLI11 reads it: a malformed one is a
  // usage error (exit 2) before anything is sent.
  std::vector<std::string> filter_texts;
  std::vector<meshdex::v1::SearchFilter> filters;
  search
      ->add_option("--filter", filter_texts,
                   "Filter FIELD:VALUE, the value verbatim (no quoting); --filter=-FIELD:VALUE "
                   "excludes (repeatable; as field:value in the query)")
      ->type_name("FIELD:VALUE")
      ->each([&filters](const std::string& text) {
        absl::StatusOr<meshdex::v1::SearchFilter> filter = meshdex::ParseSearchFilter(text);
        if (!filter.ok()) throw CLI::ValidationError(std::string(filter.status().message()));
        filters.push_back(*std::move(filter));
      });
  search->add_option("--page-size", page_size, "Hits per page")->check(CLI::Range(1, 100))->capture_default_str();
  search->add_option("--page-token", page_token, "Token printed by the previous page");
  search->callback(
      run([&] { return SearchCommand(session, query, facets, filters, page_size, page_token); }));

  std::string prefix;
  int limit = 10;
  auto* suggest = app.add_subcommand("suggest", "Typeahead completions for a prefix");
  suggest->add_option("prefix", prefix, "What has been typed so far")->required();
  suggest->add_option("--limit", limit, "Most suggestions to show")->check(CLI::Range(1, 50))->capture_default_str();
  suggest->callback(run([&] { return SuggestCommand(session, prefix, limit); }));

  std::vector<std::string> import_files;
  std::string import_from = "auto";
  std::string import_domain;
  bool import_dry_run = false;
  auto* import_command = app.add_subcommand(
      "import",
      "Register products from ODCS contracts, Open Data Mesh DPDS or ODPS descriptors, or Data "
      "Contract Specification contracts (datacontract)");
  import_command
      ->add_option("--from", import_from,
                   "Descriptor format; auto tells it by the document's marker "
                   "(dataContractSpecification, dataProductDescriptor, kind)")
      ->check(CLI::IsMember({"auto", "odcs", "dpds", "odps", "datacontract"}))
      ->capture_default_str();
  import_command->add_option("files", import_files, "Descriptor files (- for stdin)")->required();
  import_command->add_option("--domain", import_domain, "Domain of the products (default: theirs)");
  import_command->add_flag("--dry-run", import_dry_run, "Map and validate only; store nothing");
  import_command->callback(run([&] {
    return ImportCommand(session, import_from, import_files, import_domain, import_dry_run);
  }));

  std::string export_to;
  std::string export_urn;
  int64_t export_revision = 0;
  auto* export_command = app.add_subcommand("export", "Write a product as an ODCS v3 contract");
  export_command->add_option("--to", export_to, "Descriptor format")
      ->required()
      ->check(CLI::IsMember({"odcs"}));
  export_command->add_option("urn", export_urn, "Product URN")->required();
  export_command->add_option("--revision", export_revision, "Revision (default: latest)");
  export_command->callback(
      run([&] { return ExportCommand(session, export_to, export_urn, export_revision); }));

  std::vector<std::string> event_files;
  auto* ingest = app.add_subcommand("ingest", "Send OpenLineage events (JSON lines or a JSON array)");
  ingest->add_option("-f,--filename", event_files, "File or - for stdin (repeatable)")->required();
  ingest->callback(run([&] { return IngestCommand(session, event_files); }));

  std::string node_id;
  bool upstream = false, downstream = false, products = false;
  int depth = 0, max_nodes = 0;
  auto* lineage = app.add_subcommand("lineage", "Show the lineage graph around a dataset, job or product");
  lineage->add_option("node", node_id,
                      "dataset:<namespace>:<name>, job:<namespace>:<name> or a product URN")
      ->required();
  auto* up_flag = lineage->add_flag("--up", upstream, "Only upstream (what it is made from)");
  lineage->add_flag("--down", downstream, "Only downstream (what is made from it)")->excludes(up_flag);
  lineage->add_option("--depth", depth, "Edges to walk (default 10)")->check(CLI::Range(1, 100));
  lineage->add_option("--max-nodes", max_nodes, "Bound on nodes shown")->check(CLI::Range(1, 100000));
  lineage->add_flag("--products", products, "Collapse datasets to the products owning them");
  lineage->callback(run(
      [&] {
        auto direction = upstream     ? meshdex::v1::GetLineageRequest::UPSTREAM
                         : downstream ? meshdex::v1::GetLineageRequest::DOWNSTREAM
                                      : meshdex::v1::GetLineageRequest::BOTH;
        return LineageCommand(session, node_id, direction, depth, products, max_nodes);
      },
      /*accepts_dot=*/true));

  std::string job_id;
  int runs_page_size = 20;
  auto* runs = app.add_subcommand("runs", "List a job's runs, newest first");
  runs->add_option("job", job_id, "job:<namespace>:<name>")->required();
  runs->add_option("--page-size", runs_page_size, "Runs to show")->check(CLI::Range(1, 1000))->capture_default_str();
  runs->callback(run([&] { return RunsCommand(session, job_id, runs_page_size); }));

  std::string backup_dir;
  auto* backup = app.add_subcommand("backup", "Write an online backup of the store into a new directory");
  backup->add_option("dir", backup_dir, "Directory to create (on the server's machine)")->required();
  backup->callback(run([&] { return BackupCommand(session, backup_dir); }));

  auto* stats = app.add_subcommand("stats", "Show server statistics");
  stats->callback(run([&] { return StatsCommand(session); }));

  std::string audit_principal, audit_urn;
  int audit_limit = 50;
  auto* audit = app.add_subcommand("audit", "Show the audit log (writes and denials), newest first");
  audit->add_option("--principal", audit_principal, "Only this principal's requests");
  audit->add_option("--urn", audit_urn, "Only requests on this target URN");
  audit->add_option("--limit", audit_limit, "Most entries to show")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  audit->callback(
      run([&] { return AuditCommand(session, audit_principal, audit_urn, audit_limit); }));

  // Token commands work offline: no connection, no -o.
  auto offline = [&](auto command) {
    return [&, command] { exit_code = command(); };
  };
  auto* token_command = app.add_subcommand("token", "Make bearer tokens and their auth-file entries");
  token_command->require_subcommand(1);
  std::string token_principal = "someone";
  std::vector<std::string> token_roles;
  auto* token_hash = token_command->add_subcommand(
      "hash", "Read a token from stdin; print its auth-file entry (only the SHA-256 is kept)");
  token_hash->add_option("--principal", token_principal, "Who the token stands for")
      ->capture_default_str();
  token_hash->add_option("--role", token_roles,
                         "admin, reader, ingest or owner:<domain> (repeatable; default reader)");
  token_hash->callback(offline([&] {
    if (token_roles.empty()) token_roles.push_back("reader");
    return meshdex::cli::TokenHashCommand(token_principal, token_roles);
  }));
  auto* token_new = token_command->add_subcommand("new", "Print a new random token");
  token_new->callback(offline([] { return meshdex::cli::TokenNewCommand(); }));

  auto* policy = app.add_subcommand("policy", "Manage governance policies");
  policy->require_subcommand(1);
  std::vector<std::string> policy_files;
  auto* policy_apply = policy->add_subcommand("apply", "Create or update policies from YAML/JSON");
  policy_apply->add_option("-f,--filename", policy_files, "File, directory or - for stdin (repeatable)")
      ->required();
  policy_apply->add_flag("--dry-run", dry_run, "Validate and show the result without storing it");
  policy_apply->callback(run([&] { return PolicyApplyCommand(session, policy_files, dry_run); }));
  std::string policy_domain;
  auto* policy_list = policy->add_subcommand(
      "list", "List policies: all, or those in force in DOMAIN (global ones included)");
  policy_list->add_option("domain", policy_domain, "Domain");
  policy_list->callback(run([&] { return PolicyListCommand(session, policy_domain); }));
  std::string policy_name;
  auto* policy_get = policy->add_subcommand("get", "Show a policy as YAML");
  policy_get->add_option("policy", policy_name, "NAME (global) or DOMAIN/NAME")->required();
  policy_get->callback(run([&] { return PolicyGetCommand(session, policy_name); }));
  auto* policy_delete = policy->add_subcommand("delete", "Delete a policy");
  policy_delete->add_option("policy", policy_name, "NAME (global) or DOMAIN/NAME")->required();
  policy_delete->add_option("--expected-revision", expected_revision,
                            "Only delete if the policy is at this revision");
  policy_delete->callback(
      run([&] { return PolicyDeleteCommand(session, policy_name, expected_revision); }));

  std::vector<std::string> evaluate_files;
  auto* evaluate = app.add_subcommand(
      "evaluate", "Check products against the policies in force without storing them "
                  "(exit 1 when a write would be refused)");
  evaluate->add_option("-f,--filename", evaluate_files, "File, directory or - for stdin (repeatable)")
      ->required();
  evaluate->callback(run([&] { return EvaluateCommand(session, evaluate_files); }));

  std::string scorecard_domain;
  auto* scorecard = app.add_subcommand("scorecard", "Governance scores of every product, per domain");
  scorecard->add_option("domain", scorecard_domain, "Only this domain");
  scorecard->callback(run([&] { return ScorecardCommand(session, scorecard_domain); }));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::ostringstream out, err;
    app.exit(error, out, err);
    const std::vector<std::string> tokens = TokensToHide(argc, argv);
    std::cout << Hide(out.str(), tokens);
    std::cerr << Hide(err.str(), tokens);
    return kUsageError;
  }
  return exit_code;
}
