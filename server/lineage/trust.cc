#include "server/lineage/trust.h"

#include <optional>
#include <vector>

#include "google/protobuf/util/time_util.h"
#include "server/catalog/address.h"
#include "storage/lineage_snapshot.h"

namespace meshdex::lineage {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;
using meshdex::v1::TrustState;

// Higher is worse.
int Severity(TrustState state) {
  switch (state) {
    case meshdex::v1::STALE:
      return 2;
    case meshdex::v1::UNKNOWN:
      return 1;
    default:
      return 0;
  }
}

// End of the latest COMPLETE run writing the port's dataset, if any.
absl::StatusOr<std::optional<Timestamp>> LastSuccessfulRun(storage::LineageSnapshot& snapshot,
                                                           const meshdex::v1::Port& port) {
  absl::StatusOr<meshdex::v1::DatasetRef> identity = catalog::PortDataset(port);
  // A stored product's ports were validated; a port without a dataset has no runs.
  if (!identity.ok()) return std::nullopt;
  absl::StatusOr<std::vector<storage::DatasetKey>> datasets =
      snapshot.DatasetsClaimedAs({identity->namespace_(), identity->name()});
  if (!datasets.ok()) return datasets.status();
  std::optional<Timestamp> latest;
  for (const storage::DatasetKey& key : *datasets) {
    absl::StatusOr<std::optional<Timestamp>> time = snapshot.LastCompleteTime(key);
    if (!time.ok()) return time.status();
    if (time->has_value() && (!latest || **time > *latest)) latest = **time;
  }
  return latest;
}

}  // namespace

absl::Status FillTrust(const storage::Store& store, absl::Time now,
                       meshdex::v1::DataProduct& product) {
  // One read session for every port: its iterator is made once.
  storage::LineageSnapshot snapshot(store);
  meshdex::v1::TrustStatus trust;
  std::optional<TrustState> product_state;
  std::optional<Timestamp> product_last;
  for (const meshdex::v1::Port& port : product.spec().output_ports()) {
    absl::StatusOr<std::optional<Timestamp>> last = LastSuccessfulRun(snapshot, port);
    if (!last.ok()) return last.status();
    meshdex::v1::PortTrust& port_trust = *trust.add_ports();
    port_trust.set_port(port.name());
    TrustState state = meshdex::v1::UNKNOWN;
    if (last->has_value()) {
      *port_trust.mutable_last_successful_run() = **last;
      if (!product_last || **last > *product_last) product_last = **last;
    }
    const int64_t freshness = port.slo().freshness_seconds();
    if (freshness > 0 && last->has_value()) {
      const absl::Duration age =
          now - absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(**last));
      state = age <= absl::Seconds(freshness) ? meshdex::v1::FRESH : meshdex::v1::STALE;
    }
    port_trust.set_state(state);
    if (freshness > 0 && (!product_state || Severity(state) > Severity(*product_state))) {
      product_state = state;
    }
  }
  trust.set_state(product_state.value_or(meshdex::v1::UNKNOWN));
  if (product_last) *trust.mutable_last_successful_run() = *product_last;
  *product.mutable_status()->mutable_trust() = std::move(trust);
  return absl::OkStatus();
}

}  // namespace meshdex::lineage
