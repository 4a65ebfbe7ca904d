// Trust: how fresh a product's outputs are, from lineage, computed on read
// into DataProduct.status.trust.
//
// The rule, per output port:
//  * its dataset is the port's OpenLineage dataset (address or explicit
//    dataset, as the catalog claims it); the lineage datasets under that
//    identity (see LineageDataset.claim_dataset) record the latest COMPLETE
//    run that wrote them, and the port's last_successful_run is the latest
//    such run's end (eventTime of its COMPLETE event);
//  * state FRESH when that run ended at most slo.freshness_seconds before now
//    (a run "in the future" counts as fresh), STALE when longer ago, UNKNOWN
//    when the port has no freshness SLO (freshness_seconds <= 0) or no
//    COMPLETE run ever wrote its dataset.
// The product: state = the worst state among ports WITH a freshness SLO,
// STALE worse than UNKNOWN worse than FRESH (a known problem outranks a
// missing signal); UNKNOWN when no port has an SLO. last_successful_run = the
// latest of its ports'. Every output port is listed, in port order.
//
// Thread-safety: thread-safe (reads the store; the clock must be callable
// from any thread).
#ifndef MESHDEX_SERVER_LINEAGE_TRUST_H_
#define MESHDEX_SERVER_LINEAGE_TRUST_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "meshdex/v1/resources.pb.h"
#include "storage/store.h"

namespace meshdex::lineage {

// Replaces product->status.trust by the trust computed at `now`.
absl::Status FillTrust(const storage::Store& store, absl::Time now,
                       meshdex::v1::DataProduct& product);

}  // namespace meshdex::lineage

#endif  // MESHDEX_SERVER_LINEAGE_TRUST_H_
