// A day of OpenLineage runs over the demo mesh, so that `meshdexd --demo` has
// lineage, runs and trust states to show.
//
// Every demo product with output ports gets one job (<domain>/<name>.build)
// that reads the datasets of its input ports and writes those of its output
// ports, with a schema facet and a columnLineage facet for fields whose name
// also appears in an input. Runs repeat every two hours over the last day, the
// latest finishing a minute before `now` (so SLOs hold: FRESH). Exceptions,
// so every trust state appears: deprecated products stopped running 30 hours
// ago (STALE), draft products never ran (UNKNOWN), and one run of each
// experimental product failed.
#ifndef MESHDEX_SERVER_DEMO_LINEAGE_H_
#define MESHDEX_SERVER_DEMO_LINEAGE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "meshdex/v1/resources.pb.h"

namespace meshdex::server {

// The events as OpenLineage RunEvent JSON, oldest first. Deterministic for
// the same products and `now`.
std::vector<std::string> DemoLineageEvents(const std::vector<meshdex::v1::DataProduct>& products,
                                           absl::Time now);

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_DEMO_LINEAGE_H_
