// Validation of data-product descriptors as submitted (before governance and
// before anything is stored), and product URNs.
//
// ValidateProduct checks the structure every product must have: identity,
// semantic version, enumerations, sizes, port names and addresses (each
// address must normalise to an OpenLineage dataset, see address.h) and that
// no two output ports of one product claim the same dataset. Whether the
// dataset is free across products is the store's business (ALREADY_EXISTS).
// Problems name the offending field by its protobuf JSON path (lowerCamelCase,
// 0-based indices, map keys quoted, map entries in key order, values quoted
// in reasons cut after 64 bytes); the size limit, which concerns the whole
// document, uses the path "descriptor":
//   spec.outputPorts[1].address: unsupported scheme "ftp"
//   metadata.labels["team"]: value longer than 256 characters
//   descriptor: serialized size 1200000 bytes exceeds the limit of 1 MiB
// Output (out) fields (metadata.urn/revision/times, status) are not checked:
// the server overwrites them.
//
// Lengths are counted in Unicode code points of valid UTF-8; "no control
// characters" means none of U+0000-U+001F, U+007F-U+009F (free-text
// descriptions may contain tab, line feed and carriage return).
//
// Thread-safety: free functions; their only shared state is compiled regular
// expressions, built once and thread-safe.
#ifndef MESHDEX_SERVER_CATALOG_VALIDATION_H_
#define MESHDEX_SERVER_CATALOG_VALIDATION_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::catalog {

// OK when `domain` is a product domain, ^[a-z][a-z0-9-]{0,62}$ (metadata.name
// follows the same pattern); otherwise INVALID_ARGUMENT whose message
// ("required", "must match ...") carries no path.
absl::Status ValidateDomain(absl::string_view domain);

// "urn:dp:<domain>:<name>". Does not validate its arguments.
std::string ProductUrn(absl::string_view domain, absl::string_view name);

// (domain, name) of "urn:dp:<domain>:<name>"; both parts must match the
// product identifier pattern ^[a-z][a-z0-9-]{0,62}$. INVALID_ARGUMENT otherwise
// (port URNs, which have a fourth part, are not product URNs).
absl::StatusOr<std::pair<std::string, std::string>> ParseProductUrn(absl::string_view urn);

// Bounds on a descriptor. Lengths are in characters (code points) unless the
// name says bytes.
struct ValidationLimits {
  size_t max_labels = 64;
  size_t max_label_value_length = 256;
  size_t max_title_length = 256;
  size_t max_description_length = 16 * 1024;  // spec.description
  size_t max_owner_team_length = 128;
  size_t max_email_length = 254;
  size_t max_version_length = 128;
  size_t max_tags = 64;
  size_t max_tag_length = 64;
  size_t max_glossary_terms = 64;
  size_t max_glossary_term_length = 128;
  size_t max_output_ports = 64;
  size_t max_input_ports = 64;
  size_t max_port_format_length = 64;
  size_t max_port_description_length = 4 * 1024;
  size_t max_schema_fields = 1000;
  size_t max_field_name_length = 256;
  size_t max_field_type_length = 256;
  size_t max_field_description_length = 4 * 1024;
  size_t max_links = 32;
  size_t max_link_key_length = 63;
  size_t max_link_value_length = 2048;
  // Whole descriptor, as ByteSizeLong() of the message.
  size_t max_product_bytes = 1024 * 1024;
  // Problems listed in the error; further ones are only counted.
  size_t max_reported_problems = 20;
};

// Validates a descriptor as submitted. OK: the warnings (possibly none), each
// "<json path>: <reason>", for things that are legal but probably unintended
// (a port kind that does not match its address scheme, a production product
// without owner email, an output port without schema, an explicit dataset
// that differs from the port's address, an input port reading the product's
// own output). Invalid: INVALID_ARGUMENT whose message lists every problem as
// "<json path>: <reason>" joined by "; " in document order, at most
// limits.max_reported_problems of them followed by "; and N more problems".
absl::StatusOr<std::vector<std::string>> ValidateProduct(const meshdex::v1::DataProduct& product,
                                                         const ValidationLimits& limits = {});

}  // namespace meshdex::catalog

#endif  // MESHDEX_SERVER_CATALOG_VALIDATION_H_
