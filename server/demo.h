// The demo mesh: realistic products across several domains and the policies
// governing them (server/demo/*.yaml, compiled into the binary), loaded by `meshdexd --demo` into an empty store.
#ifndef MESHDEX_SERVER_DEMO_H_
#define MESHDEX_SERVER_DEMO_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/catalog/catalog.h"
#include "server/governance/governance.h"
#include "server/lineage/lineage.h"

namespace meshdex::server {

struct DemoLoad {
  int policies = 0;
  int products = 0;
};

// Applies every demo document: the policies first, so the products are
// governed as they are written. Fails on the first document rejected (a bug
// in the demo data).
absl::StatusOr<DemoLoad> LoadDemoMesh(catalog::Catalog& catalog,
                                      governance::Governance& governance);

// Ingests a day of runs over the products in the catalog (see
// demo_lineage.h), as of `now`. Returns the number of events ingested.
absl::StatusOr<int> LoadDemoLineage(const catalog::Catalog& catalog, lineage::Lineage& lineage,
                                    absl::Time now);

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_DEMO_H_
