#include "tests/bench/postgres_baseline.h"

#ifdef MESHDEX_BENCH_HAVE_LIBPQ

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <libpq-fe.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/testing/run_command.h"

namespace meshdex::bench {
namespace {

namespace fs = std::filesystem;

// Unprivileged account postgres runs as when the bench runs as root.
constexpr char kUnprivilegedUser[] = "nobody";
constexpr char kDatabaseUser[] = "bench";
constexpr int kSearchLimit = 20;
// COPY rows are sent in chunks of about this many bytes.
constexpr size_t kCopyChunkBytes = 1 << 20;

// The directory holding `program`: on PATH, in /usr/local/bin, or in the
// newest /usr/lib/postgresql/<version>/bin. Empty when none has it.
std::string FindPostgresBin(const std::string& program) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      dirs.emplace_back(dir);
    }
  }
  dirs.push_back("/usr/local/bin");
  std::vector<std::string> versions;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    versions.push_back(entry.path().string() + "/bin");
  }
  std::sort(versions.rbegin(), versions.rend());
  dirs.insert(dirs.end(), versions.begin(), versions.end());
  for (const std::string& dir : dirs) {
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return dir;
  }
  return "";
}

absl::StatusOr<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  if (port < 0) return absl::InternalError("no free loopback port");
  return port;
}

// COPY text format: backslash, tab, newline and carriage return escaped.
std::string CopyField(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out;
}

// A text[] literal of simple words (no quoting needed: [a-z0-9-]).
std::string ArrayLiteral(const std::vector<std::string>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

class Connection {
 public:
  explicit Connection(PGconn* connection) : connection_(connection) {}
  ~Connection() { PQfinish(connection_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  PGconn* get() const { return connection_; }

  absl::Status Exec(const std::string& sql) const {
    PGresult* result = PQexec(connection_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return absl::InternalError(absl::StrCat("postgres: ", sql.substr(0, 80), ": ", error));
    }
    return absl::OkStatus();
  }

  // Runs `sql` with text parameters; returns the row count.
  absl::StatusOr<int> Query(const std::string& sql, const std::vector<std::string>& params) const {
    std::vector<const char*> values;
    for (const std::string& param : params) values.push_back(param.c_str());
    PGresult* result = PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()),
                                    nullptr, values.data(), nullptr, nullptr, 0);
    const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK;
    const int rows = ok ? PQntuples(result) : 0;
    std::string error = ok ? "" : PQresultErrorMessage(result);
    PQclear(result);
    if (!ok) return absl::InternalError(absl::StrCat("postgres: ", error));
    return rows;
  }

  // COPY `table_and_columns` FROM STDIN with rows from `next_row` (which
  // returns false when done).
  absl::Status Copy(const std::string& table_and_columns,
                    const std::function<bool(std::string&)>& next_row) const {
    absl::Status status = ExecCopyStart(table_and_columns);
    if (!status.ok()) return status;
    std::string chunk;
    bool more = true;
    while (more) {
      chunk.clear();
      while (chunk.size() < kCopyChunkBytes && (more = next_row(chunk))) {
      }
      if (!chunk.empty() &&
          PQputCopyData(connection_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
        return absl::InternalError(absl::StrCat("postgres COPY: ", PQerrorMessage(connection_)));
      }
    }
    if (PQputCopyEnd(connection_, nullptr) != 1) {
      return absl::InternalError(absl::StrCat("postgres COPY end: ", PQerrorMessage(connection_)));
    }
    PGresult* result = PQgetResult(connection_);
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    while ((result = PQgetResult(connection_)) != nullptr) PQclear(result);
    if (!ok) return absl::InternalError(absl::StrCat("postgres COPY: ", error));
    return absl::OkStatus();
  }

 private:
  absl::Status ExecCopyStart(const std::string& table_and_columns) const {
    const std::string sql = absl::StrCat("COPY ", table_and_columns, " FROM STDIN");
    PGresult* result = PQexec(connection_, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COPY_IN;
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (!ok) return absl::InternalError(absl::StrCat("postgres: ", sql, ": ", error));
    return absl::OkStatus();
  }

  PGconn* connection_;
};

absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& conninfo) {
  auto connection = std::make_unique<Connection>(PQconnectdb(conninfo.c_str()));
  if (PQstatus(connection->get()) != CONNECTION_OK) {
    return absl::UnavailableError(
        absl::StrCat("postgres connect: ", PQerrorMessage(connection->get())));
  }
  return connection;
}

// The facet counts meshdex returns (domain, kind) as GROUP BY queries.
std::string FacetSql(const std::string& facet, const std::string& where) {
  if (facet == "domain") {
    return absl::StrCat("SELECT domain, count(*) FROM products, plainto_tsquery('english', $1) q ",
                        where, " GROUP BY domain");
  }
  return absl::StrCat(
      "SELECT k, count(*) FROM products, plainto_tsquery('english', $1) q, unnest(kinds) k ", where,
      " GROUP BY k");
}

class PgSession : public PostgresBaseline::Session {
 public:
  explicit PgSession(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}

  absl::StatusOr<int> Search(const BenchQuery& query) override {
    std::string where = "WHERE tsv @@ q";
    std::vector<std::string> params = {query.words};
    if (query.filter_field == "domain") {
      where += " AND domain = $2";
    } else if (query.filter_field == "kind") {
      where += " AND kinds @> ARRAY[$2]";
    } else if (query.filter_field == "classification") {
      where += " AND classifications @> ARRAY[$2]";
    }
    if (!query.filter_field.empty()) params.push_back(query.filter_value);
    absl::StatusOr<int> hits = connection_->Query(
        absl::StrCat("SELECT urn, title, domain, ts_rank(tsv, q) AS rank FROM products, "
                     "plainto_tsquery('english', $1) q ",
                     where, " ORDER BY rank DESC LIMIT ", kSearchLimit),
        params);
    if (!hits.ok()) return hits.status();
    for (const std::string& facet : query.facets) {
      absl::StatusOr<int> values = connection_->Query(FacetSql(facet, where), params);
      if (!values.ok()) return values.status();
    }
    return *hits;
  }

  absl::StatusOr<int> Downstream(const std::string& node_id, int depth) override {
    return connection_->Query(
        "WITH RECURSIVE walk(node, depth) AS ("
        "  SELECT $1::text, 0"
        "  UNION"
        "  SELECT e.dst, w.depth + 1 FROM walk w JOIN edges e ON e.src = w.node"
        "  WHERE w.depth < $2::int)"
        " SELECT DISTINCT node FROM walk",
        {node_id, std::to_string(depth)});
  }

 private:
  std::unique_ptr<Connection> connection_;
};

class PgCluster : public PostgresBaseline {
 public:
  PgCluster(std::string bin_dir, std::string dir, std::vector<std::string> run_as, int port)
      : bin_dir_(std::move(bin_dir)), dir_(std::move(dir)), run_as_(std::move(run_as)),
        port_(port) {}

  ~PgCluster() override {
    if (started_) {
      Run({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  absl::Status InitAndStart() {
    meshdex::testing::CommandResult init =
        Run({bin_dir_ + "/initdb", "-D", dir_ + "/data", "-A", "trust", "-U", kDatabaseUser,
             "-E", "UTF8", "--no-sync"});
    if (init.exit_code != 0) return absl::InternalError("initdb failed: " + init.err);
    // Durability settings only speed up the load; the measured queries read.
    const std::string options = absl::StrCat(
        "-p ", port_, " -c listen_addresses=127.0.0.1 -c unix_socket_directories=", dir_,
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        " -c shared_buffers=512MB -c maintenance_work_mem=512MB -c max_wal_size=4GB"
        " -c max_connections=200");
    meshdex::testing::CommandResult start =
        Run({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t",
             "60", "-o", options, "start"});
    if (start.exit_code != 0) {
      return absl::InternalError("pg_ctl start failed: " + start.out + start.err);
    }
    started_ = true;
    absl::StatusOr<std::unique_ptr<Connection>> connection = Open(ConnInfo());
    if (!connection.ok()) return connection.status();
    PGresult* result = PQexec((*connection)->get(), "SHOW server_version");
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1) {
      version_ = absl::StrCat("PostgreSQL ", PQgetvalue(result, 0, 0));
    }
    PQclear(result);
    return absl::OkStatus();
  }

  absl::Status Load(const MeshGenerator& mesh, const Progress& products_progress,
                    const Progress& events_progress) override {
    absl::StatusOr<std::unique_ptr<Connection>> opened = Open(ConnInfo());
    if (!opened.ok()) return opened.status();
    const Connection& db = **opened;
    absl::Status status = db.Exec(
        "CREATE TABLE products (urn text PRIMARY KEY, domain text NOT NULL, name text NOT NULL,"
        " title text NOT NULL, description text NOT NULL, tags text NOT NULL,"
        " fields text NOT NULL, kinds text[] NOT NULL, classifications text[] NOT NULL,"
        " tsv tsvector GENERATED ALWAYS AS ("
        "   setweight(to_tsvector('english', title || ' ' || name), 'A') ||"
        "   to_tsvector('english', description || ' ' || tags || ' ' || fields)) STORED);"
        "CREATE UNLOGGED TABLE edges_raw (src text NOT NULL, dst text NOT NULL)");
    if (!status.ok()) return status;

    int64_t product = 0;
    status = db.Copy(
        "products (urn, domain, name, title, description, tags, fields, kinds, classifications)",
        [&](std::string& out) {
          if (product == mesh.products()) return false;
          const meshdex::v1::DataProduct p = mesh.Product(product);
          std::vector<std::string> kinds, classifications, fields;
          for (const meshdex::v1::Port& port : p.spec().output_ports()) {
            if (std::find(kinds.begin(), kinds.end(), port.kind()) == kinds.end()) {
              kinds.push_back(port.kind());
            }
            for (const meshdex::v1::SchemaField& field : port.schema().fields()) {
              fields.push_back(field.name());
              if (!field.classification().empty() &&
                  std::find(classifications.begin(), classifications.end(),
                            field.classification()) == classifications.end()) {
                classifications.push_back(field.classification());
              }
            }
          }
          absl::StrAppend(&out, CopyField(mesh.ProductUrn(product)), "\t",
                          CopyField(p.metadata().domain()), "\t", CopyField(p.metadata().name()),
                          "\t", CopyField(p.spec().title()), "\t",
                          CopyField(p.spec().description()), "\t",
                          CopyField(absl::StrJoin(p.spec().tags(), " ")), "\t",
                          CopyField(absl::StrJoin(fields, " ")), "\t", ArrayLiteral(kinds), "\t",
                          ArrayLiteral(classifications), "\n");
          if (++product % 1000 == 0 || product == mesh.products()) {
            products_progress(product, mesh.products());
          }
          return true;
        });
    if (!status.ok()) return status;

    int64_t event = 0;
    status = db.Copy("edges_raw (src, dst)", [&](std::string& out) {
      if (event == mesh.events()) return false;
      const LineageRun run = mesh.Run(event);
      const std::string job = absl::StrCat("job:", run.job_namespace, ":", run.job_name);
      for (const std::string& input : run.inputs) {
        absl::StrAppend(&out, CopyField(absl::StrCat("dataset:", run.job_namespace, ":", input)),
                        "\t", CopyField(job), "\n");
      }
      for (const std::string& output : run.outputs) {
        absl::StrAppend(&out, CopyField(job), "\t",
                        CopyField(absl::StrCat("dataset:", run.job_namespace, ":", output)), "\n");
      }
      if (++event % 1000 == 0 || event == mesh.events()) events_progress(event, mesh.events());
      return true;
    });
    if (!status.ok()) return status;
    status = db.Exec(
        "CREATE TABLE edges AS SELECT DISTINCT src, dst FROM edges_raw;"
        "DROP TABLE edges_raw;"
        "CREATE INDEX products_tsv ON products USING gin (tsv);"
        "CREATE INDEX products_domain ON products (domain);"
        "CREATE INDEX edges_src ON edges (src)");
    if (!status.ok()) return status;
    // VACUUM cannot share a (multi-statement) transaction.
    return db.Exec("VACUUM ANALYZE");
  }

  absl::StatusOr<std::unique_ptr<Session>> Connect() override {
    absl::StatusOr<std::unique_ptr<Connection>> connection = Open(ConnInfo());
    if (!connection.ok()) return connection.status();
    return std::make_unique<PgSession>(*std::move(connection));
  }

  std::string version() const override { return version_; }

 private:
  std::string ConnInfo() const {
    return absl::StrCat("host=127.0.0.1 port=", port_, " user=", kDatabaseUser,
                        " dbname=postgres connect_timeout=10");
  }

  meshdex::testing::CommandResult Run(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), run_as_.begin(), run_as_.end());
    return meshdex::testing::RunCommand(argv);
  }

  std::string bin_dir_;
  std::string dir_;
  std::vector<std::string> run_as_;
  int port_;
  bool started_ = false;
  std::string version_ = "PostgreSQL";
};

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresBaseline>> PostgresBaseline::Start() {
  const std::string bin_dir = FindPostgresBin("initdb");
  if (bin_dir.empty() || ::access((bin_dir + "/pg_ctl").c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        "PostgreSQL not installed (no initdb/pg_ctl on PATH, in /usr/local/bin or "
        "/usr/lib/postgresql/*/bin); `make bench-deps` installs it");
  }
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/meshdex-bench-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  std::vector<std::string> run_as;
  if (::geteuid() == 0) {
    // postgres refuses to run as root: hand the dir to an unprivileged user.
    const passwd* user = ::getpwnam(kUnprivilegedUser);
    const std::string runuser = "/usr/sbin/runuser";
    if (user == nullptr || ::access(runuser.c_str(), X_OK) != 0 ||
        ::chown(pattern.c_str(), user->pw_uid, user->pw_gid) != 0) {
      fs::remove_all(pattern);
      return absl::FailedPreconditionError(
          "running as root, and cannot run postgres as user nobody (runuser, chown)");
    }
    run_as = {runuser, "-u", kUnprivilegedUser, "--"};
  }
  absl::StatusOr<int> port = FreeLoopbackPort();
  if (!port.ok()) return port.status();
  auto cluster = std::make_unique<PgCluster>(bin_dir, pattern, run_as, *port);
  absl::Status status = cluster->InitAndStart();
  if (!status.ok()) return status;
  return cluster;
}

}  // namespace meshdex::bench

#else  // !MESHDEX_BENCH_HAVE_LIBPQ

namespace meshdex::bench {

absl::StatusOr<std::unique_ptr<PostgresBaseline>> PostgresBaseline::Start() {
  return absl::UnimplementedError(
      "meshdex-bench was built without libpq (install libpq-dev: `make bench-deps`, then rebuild)");
}

}  // namespace meshdex::bench

#endif  // MESHDEX_BENCH_HAVE_LIBPQ
