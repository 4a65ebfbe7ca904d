// meshdexctl import / export: foreign descriptors (ODCS, Open Data Mesh DPDS,
// ODPS) in and ODCS out, through CatalogService.ImportDescriptor and
// ExportDescriptor. Import registers the products (the server applies them
// like `apply`); --dry-run only shows what would be stored. Local `$ref`s of
// a descriptor file are inlined here, where the files are.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "clients/cli/commands.h"
#include "clients/cli/interop_commands.h"
#include "server/interop/refs.h"

namespace meshdex::cli {
namespace {

// The descriptor text of `input` (a file with its local references inlined,
// or "-" = stdin as it is); false after reporting why not.
bool ReadDescriptor(const std::string& input, std::string* content) {
  if (input == "-") {
    *content = std::string(std::istreambuf_iterator<char>(std::cin), {});
    return true;
  }
  absl::StatusOr<std::string> inlined = interop::InlineLocalRefs(input);
  if (!inlined.ok()) {
    // The message names the file (and the reference) itself.
    std::cerr << "error: " << inlined.status().message() << "\n";
    return false;
  }
  *content = *std::move(inlined);
  return true;
}

void PrintImported(const std::string& input, const meshdex::v1::ImportDescriptorResponse& response,
                   bool dry_run) {
  const meshdex::v1::ObjectMeta& meta = response.product().metadata();
  std::cout << input << ": product " << meta.urn() << " " << OutcomeWord(response.outcome())
            << " (revision " << meta.revision() << ")" << (dry_run ? " [dry run]" : "") << "\n";
  for (const std::string& derived : response.derived()) std::cout << "  derived  " << derived << "\n";
  for (const std::string& unmapped : response.unmapped()) {
    std::cout << "  unmapped " << unmapped << "\n";
  }
}

}  // namespace

int ImportCommand(Session& session, const std::string& from, const std::vector<std::string>& inputs,
                  const std::string& domain, bool dry_run) {
  int exit_code = 0;
  bool first = true;
  for (const std::string& input : inputs) {
    meshdex::v1::ImportDescriptorRequest request;
    if (!ReadDescriptor(input, request.mutable_content())) {
      exit_code = 1;
      continue;
    }
    request.set_format(from);
    request.set_domain(domain);
    request.set_dry_run(dry_run);
    meshdex::v1::ImportDescriptorResponse response;
    grpc::Status status =
        session.catalog->ImportDescriptor(CallContext(session).get(), request, &response);
    if (!status.ok()) {
      exit_code = ReportError(status, input);
      continue;
    }
    for (const std::string& warning : response.warnings()) {
      std::cerr << "warning: " << response.product().metadata().urn() << ": " << warning << "\n";
    }
    if (session.format == OutputFormat::kTable) {
      PrintImported(input, response, dry_run);
    } else {
      PrintMessage(response, session.format, std::cout, !first);
    }
    first = false;
  }
  return exit_code;
}

int ExportCommand(Session& session, const std::string& to, const std::string& urn,
                  int64_t revision) {
  meshdex::v1::ExportDescriptorRequest request;
  request.set_urn(urn);
  request.set_format(to);
  request.set_revision(revision);
  meshdex::v1::ExportDescriptorResponse response;
  grpc::Status status =
      session.catalog->ExportDescriptor(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status, urn);
  if (session.format == OutputFormat::kJson) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  for (const std::string& unmapped : response.unmapped()) {
    std::cerr << "note: not exported: " << unmapped << "\n";
  }
  std::cout << response.content();
  return 0;
}

}  // namespace meshdex::cli
