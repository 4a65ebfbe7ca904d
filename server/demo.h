// The demo mesh: realistic products across several domains (server/demo/*.yaml,
// compiled into the binary), loaded by `meshdexd --demo` into an empty store.
#ifndef MESHDEX_SERVER_DEMO_H_
#define MESHDEX_SERVER_DEMO_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/catalog/catalog.h"
#include "server/lineage/lineage.h"

namespace meshdex::server {

// Applies every demo document. Returns the number of products applied; fails
// on the first document the catalog rejects (a bug in the demo data).
absl::StatusOr<int> LoadDemoMesh(catalog::Catalog& catalog);

// Ingests a day of runs over the products in the catalog (see
// demo_lineage.h), as of `now`. Returns the number of events ingested.
absl::StatusOr<int> LoadDemoLineage(const catalog::Catalog& catalog, lineage::Lineage& lineage,
                                    absl::Time now);

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_DEMO_H_
