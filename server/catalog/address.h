// Address normalisation: maps the physical address of a port (a URL such as
// kafka://broker:9092/orders) to its OpenLineage dataset identity (namespace,
// name) following the OpenLineage naming spec. This mapping is what makes a
// product addressable and what links lineage events to the products owning
// their datasets, so equal datasets must normalise to equal identities:
//  * the scheme and the host are lower-cased; paths, topics and table names
//    keep their case;
//  * scheme aliases fold (s3a/s3n -> s3, postgresql -> postgres);
//  * default ports are filled in where the namespace carries a port
//    (kafka 9092, postgres 5432, mysql 3306, hdfs 8020) and dropped for
//    http (80) / https (443), so kafka://b and kafka://B:9092 are one dataset;
//  * trailing slashes are trimmed from names.
//
//   kafka://host[:port]/topic          -> (kafka://host:port, topic)
//   s3://bucket/key (s3a, s3n)         -> (s3://bucket, key)
//   gs://bucket/key                    -> (gs://bucket, key)
//   abfss://container@account.dfs.core.windows.net/path
//                                      -> (abfss://container@account..., path)
//   postgres://host[:port]/db.schema.table   -> (postgres://host:port, db.schema.table)
//   mysql://host[:port]/db.table              -> (mysql://host:port, db.table)
//   snowflake://account/db.schema.table       -> (snowflake://account, db.schema.table)
//   bigquery://project.dataset.table, bigquery:project.dataset.table
//                                      -> (bigquery, project.dataset.table)
//   hdfs://host[:port]/path            -> (hdfs://host:port, /path)
//   https://host[:port]/path, http://  -> (https://host[:port], path)
//   file:///abs/path                   -> (file, /abs/path)
//
// Addresses are refused (INVALID_ARGUMENT, message without a field path) when
// they are empty, longer than kMaxAddressLength, contain whitespace or control
// characters, a query or a fragment, embed credentials (user[:password]@), use
// another scheme, or lack the host / topic / bucket path / table the scheme
// needs. Normalised identities therefore never contain control characters.
//
// Thread-safety: free functions without shared mutable state.
#ifndef MESHDEX_SERVER_CATALOG_ADDRESS_H_
#define MESHDEX_SERVER_CATALOG_ADDRESS_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::catalog {

// Longest accepted address, and longest explicit dataset namespace or name.
inline constexpr size_t kMaxAddressLength = 2048;

// Normalises a physical port address to its OpenLineage dataset.
absl::StatusOr<meshdex::v1::DatasetRef> NormalizeAddress(absl::string_view address);

// The dataset of a port: an explicit `dataset` (both fields required when it is
// given, taken verbatim) wins over the address. Errors are INVALID_ARGUMENT
// with a message "<path relative to the port>: <reason>", e.g.
// `address: unsupported scheme "ftp"` or `dataset.name: required`, so callers
// prefix the port's own path.
absl::StatusOr<meshdex::v1::DatasetRef> PortDataset(const meshdex::v1::Port& port);

}  // namespace meshdex::catalog

#endif  // MESHDEX_SERVER_CATALOG_ADDRESS_H_
