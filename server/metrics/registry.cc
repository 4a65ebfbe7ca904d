#include "server/metrics/registry.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"

namespace meshdex::metrics {
namespace {

// Label values escape backslash, double quote and line feed; help text
// escapes backslash and line feed (exposition format 0.0.4).
std::string Escape(const std::string& text, bool quote) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else if (c == '"' && quote) {
      escaped += "\\\"";
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

void RenderHeader(const std::string& name, const std::string& help, const char* type,
                  std::string& out) {
  absl::StrAppend(&out, "# HELP ", name, " ", Escape(help, false), "\n# TYPE ", name, " ", type,
                  "\n");
}

// `{a="x",b="y"}` plus an optional extra label (the histogram's `le`); empty
// when there are no labels at all.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&text, text.empty() ? "" : ",", names[i], "=\"", Escape(values[i], true), "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&text, text.empty() ? "" : ",", extra_name, "=\"", extra_value, "\"");
  }
  return text.empty() ? text : absl::StrCat("{", text, "}");
}

// A value read from a callback at every scrape.
class Gauge final : public MetricFamily {
 public:
  Gauge(std::string name, std::string help, std::function<double()> value)
      : name_(std::move(name)), help_(std::move(help)), value_(std::move(value)) {}

  void Render(std::string& out) const override {
    RenderHeader(name_, help_, "gauge", out);
    absl::StrAppend(&out, name_, " ", FormatSampleValue(value_()), "\n");
  }

 private:
  const std::string name_;
  const std::string help_;
  const std::function<double()> value_;
};

}  // namespace

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  char buffer[32];
  std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

std::vector<double> LatencyBuckets() {
  return {0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Counter::Increment(const LabelValues& labels, double amount) {
  absl::MutexLock lock(&mu_);
  values_[labels] += amount;
}

double Counter::Value(const LabelValues& labels) const {
  absl::MutexLock lock(&mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Counter::Render(std::string& out) const {
  RenderHeader(name_, help_, "counter", out);
  absl::MutexLock lock(&mu_);
  for (const auto& [labels, value] : values_) {
    absl::StrAppend(&out, name_, LabelSet(label_names_, labels), " ", FormatSampleValue(value),
                    "\n");
  }
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

void Histogram::Observe(const LabelValues& labels, double value) {
  size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  absl::MutexLock lock(&mu_);
  Series& series = series_[labels];
  if (series.buckets.empty()) series.buckets.resize(bounds_.size() + 1);
  ++series.buckets[bucket];
  series.sum += value;
  ++series.count;
}

uint64_t Histogram::Count(const LabelValues& labels) const {
  absl::MutexLock lock(&mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::Render(std::string& out) const {
  RenderHeader(name_, help_, "histogram", out);
  absl::MutexLock lock(&mu_);
  for (const auto& [labels, series] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < series.buckets.size(); ++i) {
      cumulative += series.buckets[i];
      const std::string le = i < bounds_.size() ? FormatSampleValue(bounds_[i]) : "+Inf";
      absl::StrAppend(&out, name_, "_bucket", LabelSet(label_names_, labels, "le", le), " ",
                      cumulative, "\n");
    }
    const std::string label_set = LabelSet(label_names_, labels);
    absl::StrAppend(&out, name_, "_sum", label_set, " ", FormatSampleValue(series.sum), "\n", name_,
                    "_count", label_set, " ", series.count, "\n");
  }
}

Counter& Registry::AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names) {
  auto counter =
      std::make_unique<Counter>(std::move(name), std::move(help), std::move(label_names));
  Counter& added = *counter;
  families_.push_back(std::move(counter));
  return added;
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> bounds) {
  auto histogram = std::make_unique<Histogram>(std::move(name), std::move(help),
                                               std::move(label_names), std::move(bounds));
  Histogram& added = *histogram;
  families_.push_back(std::move(histogram));
  return added;
}

void Registry::AddGauge(std::string name, std::string help, std::function<double()> value) {
  families_.push_back(std::make_unique<Gauge>(std::move(name), std::move(help), std::move(value)));
}

std::string Registry::Render() const {
  std::string out;
  for (const std::unique_ptr<MetricFamily>& family : families_) family->Render(out);
  return out;
}

}  // namespace meshdex::metrics
