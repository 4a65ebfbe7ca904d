// Registry: the process's Prometheus metrics, rendered in the text exposition
// format (version 0.0.4) for GET /metrics.
//
// Three kinds of metric family, each registered once at start-up:
//  * Counter: a monotonically increasing value per label set;
//  * Histogram: observations per label set, counted into fixed cumulative
//    buckets (`le`), plus their _sum and _count;
//  * Gauge: a callback asked for its current value at every scrape, so a
//    gauge is always as fresh as its source and costs nothing between scrapes.
// Label sets are created on first use. Callers keep label values few (route
// templates, method names, status codes), never request data.
//
// Output is deterministic: families in registration order, series sorted by
// label values.
//
// Thread-safety: registering is done before serving (not concurrently with
// Render); Increment, Observe and Render are thread-safe.
#ifndef MESHDEX_SERVER_METRICS_REGISTRY_H_
#define MESHDEX_SERVER_METRICS_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace meshdex::metrics {

// Values of a family's labels, in the order of its label names.
using LabelValues = std::vector<std::string>;

// One named metric with its HELP and TYPE lines and its series.
class MetricFamily {
 public:
  virtual ~MetricFamily() = default;
  // Appends the family's exposition text to `out`.
  virtual void Render(std::string& out) const = 0;
};

class Counter final : public MetricFamily {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> label_names);

  // `labels` must have one value per label name.
  void Increment(const LabelValues& labels, double amount = 1);
  // Current value; 0 for a label set never incremented.
  double Value(const LabelValues& labels) const;

  void Render(std::string& out) const override;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable absl::Mutex mu_;
  std::map<LabelValues, double> values_ ABSL_GUARDED_BY(mu_);
};

class Histogram final : public MetricFamily {
 public:
  // `bounds`: ascending upper bounds of the buckets; +Inf is implied.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);

  void Observe(const LabelValues& labels, double value);
  // Observations of a label set so far.
  uint64_t Count(const LabelValues& labels) const;

  void Render(std::string& out) const override;

 private:
  struct Series {
    // Per bucket (not cumulative); the last one is +Inf.
    std::vector<uint64_t> buckets;
    double sum = 0;
    uint64_t count = 0;
  };

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::map<LabelValues, Series> series_ ABSL_GUARDED_BY(mu_);
};

// Bucket bounds, in seconds, for request latencies: 0.25 ms to 10 s.
std::vector<double> LatencyBuckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and be unique; the returned
  // family lives as long as the registry.
  Counter& AddCounter(std::string name, std::string help, std::vector<std::string> label_names);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<std::string> label_names,
                          std::vector<double> bounds);
  // `value` is called at every Render, from the scraping thread.
  void AddGauge(std::string name, std::string help, std::function<double()> value);

  // The text exposition of every family.
  std::string Render() const;

 private:
  std::vector<std::unique_ptr<MetricFamily>> families_;
};

// A sample value as Prometheus reads it: integers without exponent, others
// in the shortest round-trip form, +Inf/-Inf/NaN spelled out.
std::string FormatSampleValue(double value);

}  // namespace meshdex::metrics

#endif  // MESHDEX_SERVER_METRICS_REGISTRY_H_
