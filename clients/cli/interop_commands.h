// meshdexctl import / export (clients/cli/interop.cc). Each returns the exit
// code (0 ok, 1 error).
#ifndef MESHDEX_CLIENTS_CLI_INTEROP_COMMANDS_H_
#define MESHDEX_CLIENTS_CLI_INTEROP_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/cli/commands.h"

namespace meshdex::cli {

// Imports every input (a file, or - for stdin) of format `from` (odcs, dpds,
// odps, datacontract, or auto to let the server tell): the server maps and registers each product (only shows it when
// `dry_run`); per input prints the product, what was derived and what could
// not be mapped. `domain`, when set, is every product's domain.
int ImportCommand(Session& session, const std::string& from, const std::vector<std::string>& inputs,
                  const std::string& domain, bool dry_run);
// Writes the product `urn` (revision 0 = latest) as an ODCS v3 contract to
// stdout; what ODCS cannot hold is noted on stderr.
int ExportCommand(Session& session, const std::string& to, const std::string& urn,
                  int64_t revision);

}  // namespace meshdex::cli

#endif  // MESHDEX_CLIENTS_CLI_INTEROP_COMMANDS_H_
