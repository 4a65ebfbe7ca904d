// LineagePending: the lineage writes a WriteTxn buffers until its callback
// returns (internal to storage). Records are kept by key, so an entity put by
// many events of one batch is serialized, written and announced in the
// change log once; first-touch order makes the change records deterministic.
//
// Thread-safety: owned by one WriteTxn, used under the store's writer lock.
#ifndef MESHDEX_STORAGE_LINEAGE_PENDING_H_
#define MESHDEX_STORAGE_LINEAGE_PENDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "meshdex/v1/lineage.pb.h"

namespace meshdex::storage {

// Records by key bytes, in first-put order.
template <typename Record>
class PendingRecords {
 public:
  const Record* Find(const std::string& key) const {
    auto it = records_.find(key);
    return it == records_.end() ? nullptr : &it->second;
  }
  void Put(std::string key, const Record& record) {
    auto [it, inserted] = records_.insert_or_assign(key, record);
    if (inserted) order_.push_back(std::move(key));
  }
  bool Contains(const std::string& key) const { return records_.contains(key); }
  const std::vector<std::string>& order() const { return order_; }
  const Record& at(const std::string& key) const { return records_.at(key); }

 private:
  absl::flat_hash_map<std::string, Record> records_;
  std::vector<std::string> order_;
};

struct LineagePending {
  PendingRecords<meshdex::v1::LineageDataset> datasets;
  // Whether the committed state holds a dataset (key bytes), as read: a
  // pending dataset it lacks is new (the store's dataset count).
  absl::flat_hash_map<std::string, bool> committed_datasets;
  PendingRecords<meshdex::v1::LineageJob> jobs;
  PendingRecords<meshdex::v1::RunRecord> runs;
  // Sort time of each pending run as committed (nullopt: a new run), so the
  // job's run listing entry can be moved when it changes.
  absl::flat_hash_map<std::string, std::optional<int64_t>> committed_run_sort;
  // Datasets (key bytes) whose owner changed through a claim, in order.
  std::vector<std::string> claim_touched;
  absl::flat_hash_set<std::string> claim_touched_set;
  // Edge and event keys already in the batch.
  absl::flat_hash_set<std::string> edges;
  // The batch's dataset/job edges: their downstream keys, in put order.
  std::vector<std::string> graph_edges;
  absl::flat_hash_set<std::string> events;
};

}  // namespace meshdex::storage

#endif  // MESHDEX_STORAGE_LINEAGE_PENDING_H_
