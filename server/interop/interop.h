// Interoperability with other data-product description standards: maps
// foreign descriptors to a meshdex DataProduct and a DataProduct back to an
// Open Data Contract Standard (ODCS) v3 contract.
//
// Import formats:
//   odcs  Open Data Contract Standard v3 (schema[].properties[]) and v2
//         (dataset[].columns[]); one contract = one product, one schema
//         object = one output port.
//   dpds  Open Data Mesh Data Product Descriptor Specification
//         (dataProductDescriptor, info, interfaceComponents); ports given
//         as local `$ref`s must be inlined first (InlineLocalRefs).
//   odps  Bitol Open Data Product Standard (kind DataProduct, inputPorts,
//         outputPorts referencing contracts).
//   datacontract
//         Data Contract Specification 0.9.x / 1.x (dataContractSpecification,
//         info, servers, models); one contract = one product, one model =
//         one output port.
//   auto  whichever of the above the document is, told by its marker:
//         dataContractSpecification, dataProductDescriptor, kind DataContract
//         (ODCS) or kind DataProduct with ports (ODPS); recorded as derived.
// The result is a descriptor as a user would submit it: it has not been
// validated (the catalog does that when it is applied) and carries no (out)
// fields. `unmapped` lists what could not be carried over, `derived` what the
// mapper filled in itself (identity, version, port kinds and datasets when
// the document lacks them), so a user sees exactly what changed.
//
// Errors are INVALID_ARGUMENT naming the place: syntax errors with the
// line/column (from the document parser, whose size and depth bounds apply),
// and documents lacking what no default can supply, e.g.
//   metadata.domain: the contract names no domain (domain, tenant); pass a domain
//
// Thread-safety: pure functions, no shared state.
#ifndef MESHDEX_SERVER_INTEROP_INTEROP_H_
#define MESHDEX_SERVER_INTEROP_INTEROP_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::interop {

enum class Format { kOdcs, kDpds, kOdps, kDataContract, kAuto };

// "odcs", "dpds", "odps", "datacontract" or "auto" (case-insensitive);
// INVALID_ARGUMENT otherwise.
absl::StatusOr<Format> ParseFormat(std::string_view name);
std::string FormatName(Format format);

struct ImportOptions {
  // When set, the product's domain (wins over the document's).
  std::string domain;
};

struct ImportResult {
  meshdex::v1::DataProduct product;
  // Foreign fields not carried over, as document paths (see mapping.h).
  std::vector<std::string> unmapped;
  // "<meshdex path>: <value> from <source>" for every derived value.
  std::vector<std::string> derived;
};

// Maps one descriptor (YAML or JSON text holding exactly one document). With
// kAuto the product's source-format label names the standard detected.
absl::StatusOr<ImportResult> ImportDescriptor(Format format, std::string_view content,
                                              const ImportOptions& options = {});

struct ExportResult {
  // The ODCS v3 contract as YAML.
  std::string content;
  // Product fields ODCS has no place for (meshdex paths).
  std::vector<std::string> unmapped;
};

// Writes `product` as an ODCS v3.1.0 data contract. Importing the result
// gives back the product's identity, description, owner, version, lifecycle,
// tags, links, output ports (name, kind, address or dataset, format,
// description, schema fields, SLO).
ExportResult ExportOdcs(const meshdex::v1::DataProduct& product);

// Labels an imported product carries to name its source.
inline constexpr char kSourceFormatLabel[] = "interop.meshdex.io/source-format";
inline constexpr char kSourceIdLabel[] = "interop.meshdex.io/source-id";

}  // namespace meshdex::interop

#endif  // MESHDEX_SERVER_INTEROP_INTEROP_H_
