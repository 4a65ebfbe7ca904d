// The per-format import mappers behind ImportDescriptor (interop.h), each
// reading one parsed document. Internal to meshdex_interop; declared here so
// interop.cc can dispatch and the unit tests can reach a mapper directly.
//
// Thread-safety: pure functions.
#ifndef MESHDEX_SERVER_INTEROP_MAPPERS_H_
#define MESHDEX_SERVER_INTEROP_MAPPERS_H_

#include "absl/status/statusor.h"
#include "server/interop/interop.h"
#include "server/interop/mapping.h"

namespace meshdex::interop {

// What a mapper carries over at most: the catalog's output ports per product
// (the rest is reported unmapped), and fields per port.
inline constexpr int kMaxOutputPorts = 64;
inline constexpr int kMaxFieldsPerPort = 1000;

// ODCS v3 (and v2, rewritten to v3 first; unmapped paths then use v2 names).
absl::StatusOr<ImportResult> ImportOdcs(const Json& document, const ImportOptions& options);

// Open Data Mesh DPDS 1.x, with port `$ref`s already inlined.
absl::StatusOr<ImportResult> ImportDpds(const Json& document, const ImportOptions& options);

// Bitol ODPS.
absl::StatusOr<ImportResult> ImportOdps(const Json& document, const ImportOptions& options);

// Data Contract Specification 0.9.x / 1.x (datacontract.com), with in-document
// `$ref`s to #/definitions/ resolved by the mapper.
absl::StatusOr<ImportResult> ImportDataContract(const Json& document,
                                                const ImportOptions& options);

// Custom property names ExportOdcs writes (on a schema object) for what ODCS
// has no field for, and ImportOdcs reads back.
inline constexpr char kDatasetNamespaceProperty[] = "meshdexDatasetNamespace";
inline constexpr char kDatasetNameProperty[] = "meshdexDatasetName";
// The format of a port without an address (ODCS keeps formats on servers).
inline constexpr char kFormatProperty[] = "meshdexFormat";

}  // namespace meshdex::interop

#endif  // MESHDEX_SERVER_INTEROP_MAPPERS_H_
