#include "server/lineage/openlineage.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/lineage/facets.h"
#include "server/lineage/formats.h"
#include "server/lineage/problems.h"
#include "storage/keys.h"

namespace meshdex::lineage {
namespace {

using Json = nlohmann::ordered_json;

constexpr absl::string_view kWholeEvent = "event";
constexpr absl::string_view kEventTypes[] = {"START", "RUNNING", "COMPLETE",
                                            "ABORT", "FAIL",    "OTHER"};

// A streaming pass over the text that checks syntax and nesting depth without
// building anything; it stops at the first container deeper than the limit
// and remembers where that is.
class DepthLimiter final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit DepthLimiter(size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override { return Open(/*array=*/false); }
  bool key(string_t& name) override {
    frames_.back().key = name;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(/*array=*/true); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    absl::string_view message = error.what();
    // "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at ..."
    const size_t tag_end = message.find("] ");
    if (absl::StartsWith(message, "[json.exception.") && tag_end != absl::string_view::npos) {
      message.remove_prefix(tag_end + 2);
    }
    problem_ = std::make_pair(std::string(kWholeEvent), absl::StrCat("malformed JSON: ", message));
    return false;
  }

  // Where and what, when the pass stopped early.
  const std::optional<std::pair<std::string, std::string>>& problem() const { return problem_; }

 private:
  struct Frame {
    bool array = false;
    size_t elements = 0;
    std::string key;
  };

  bool Value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().elements;
    return true;
  }

  bool Open(bool array) {
    Value();
    if (frames_.size() >= max_depth_) {
      std::string path;
      for (size_t i = 1; i < frames_.size(); ++i) {
        const Frame& parent = frames_[i - 1];
        path = parent.array ? ElementPath(path, parent.elements - 1) : MemberPath(path, parent.key);
      }
      const Frame& last = frames_.back();
      path = last.array ? ElementPath(path, last.elements - 1) : MemberPath(path, last.key);
      problem_ = std::make_pair(std::move(path),
                                absl::StrCat("nested deeper than ", max_depth_, " levels"));
      return false;
    }
    frames_.push_back(Frame{array, 0, {}});
    return true;
  }

  bool Close() {
    frames_.pop_back();
    return true;
  }

  const size_t max_depth_;
  std::vector<Frame> frames_;
  std::optional<std::pair<std::string, std::string>> problem_;
};

// The member `name` of `object`, nullptr when absent or null.
Json* Member(Json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// A required string member; reports and returns nullopt when missing or not a string.
std::optional<std::string> RequiredString(Json& object, const char* name, absl::string_view path,
                                          Problems& problems) {
  const std::string member_path = MemberPath(path, name);
  Json* value = Member(object, name);
  if (value == nullptr) {
    problems.Add(member_path, "required");
    return std::nullopt;
  }
  if (!value->is_string()) {
    problems.Add(member_path, "must be a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

void CheckUri(Json& event, const char* name, Problems& problems) {
  std::optional<std::string> uri = RequiredString(event, name, "", problems);
  if (uri && !IsAbsoluteUri(*uri)) problems.Add(name, "must be an absolute URI");
}

// Reads namespace and name of a job or dataset object at `path`.
std::pair<std::string, std::string> Identity(Json& object, absl::string_view path,
                                             const EventLimits& limits, Problems& problems) {
  std::pair<std::string, std::string> identity;
  if (std::optional<std::string> ns = RequiredString(object, "namespace", path, problems)) {
    CheckIdentityPart(MemberPath(path, "namespace"), *ns, limits.max_identity_bytes, problems);
    identity.first = *std::move(ns);
  }
  if (std::optional<std::string> name = RequiredString(object, "name", path, problems)) {
    CheckIdentityPart(MemberPath(path, "name"), *name, limits.max_identity_bytes, problems);
    identity.second = *std::move(name);
  }
  return identity;
}

// Checks the facets member `name` of `object` and moves it out; an empty
// object when absent.
Json TakeFacets(Json& object, const char* name, FacetScope scope, absl::string_view path,
                const EventLimits& limits, Problems& problems) {
  Json* facets = Member(object, name);
  if (facets == nullptr) return Json::object();
  CheckFacets(*facets, scope, MemberPath(path, name), limits.max_identity_bytes, problems);
  return facets->is_object() ? std::move(*facets) : Json::object();
}

std::optional<EventDataset> TakeDataset(Json& value, absl::string_view path,
                                        FacetScope io_scope, const EventLimits& limits,
                                        Problems& problems) {
  if (!value.is_object()) {
    problems.Add(path, "must be an object (a dataset)");
    return std::nullopt;
  }
  EventDataset dataset;
  auto [ns, name] = Identity(value, path, limits, problems);
  dataset.key = {std::move(ns), std::move(name)};
  dataset.facets = TakeFacets(value, "facets", FacetScope::kDataset, path, limits, problems);
  if (io_scope == FacetScope::kInputDataset) {
    TakeFacets(value, "inputFacets", io_scope, path, limits, problems);
  } else if (io_scope == FacetScope::kOutputDataset) {
    TakeFacets(value, "outputFacets", io_scope, path, limits, problems);
  }
  return dataset;
}

std::vector<EventDataset> TakeDatasets(Json& event, const char* name, FacetScope scope,
                                       const EventLimits& limits, Problems& problems) {
  std::vector<EventDataset> datasets;
  Json* list = Member(event, name);
  if (list == nullptr) return datasets;
  if (!list->is_array()) {
    problems.Add(name, "must be an array");
    return datasets;
  }
  if (list->size() > limits.max_datasets) {
    problems.Add(name, absl::StrCat("more than ", limits.max_datasets, " datasets"));
    return datasets;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    std::optional<EventDataset> dataset =
        TakeDataset((*list)[i], ElementPath(name, i), scope, limits, problems);
    if (dataset) datasets.push_back(*std::move(dataset));
  }
  return datasets;
}

void TakeRun(Json& event, OpenLineageEvent& parsed, const EventLimits& limits, Problems& problems) {
  Json& run = *Member(event, "run");
  if (!run.is_object()) {
    problems.Add("run", "must be an object");
    return;
  }
  if (std::optional<std::string> run_id = RequiredString(run, "runId", "run", problems)) {
    std::optional<std::string> canonical = CanonicalUuid(*run_id);
    if (canonical) {
      parsed.run_id = *std::move(canonical);
    } else {
      problems.Add("run.runId", "must be a UUID (8-4-4-4-12 hex digits)");
    }
  }
  parsed.run_facets = TakeFacets(run, "facets", FacetScope::kRun, "run", limits, problems);
  if (Json* type = Member(event, "eventType")) {
    bool known = false;
    if (type->is_string()) {
      for (absl::string_view candidate : kEventTypes) {
        known = known || type->get_ref<const std::string&>() == candidate;
      }
    }
    if (known) {
      parsed.event_type = type->get<std::string>();
    } else {
      problems.Add("eventType", "must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER");
    }
  }
}

void TakeJob(Json& event, OpenLineageEvent& parsed, const EventLimits& limits, Problems& problems) {
  Json* job = Member(event, "job");
  if (job == nullptr) {
    problems.Add("job", "required");
    return;
  }
  if (!job->is_object()) {
    problems.Add("job", "must be an object");
    return;
  }
  auto [ns, name] = Identity(*job, "job", limits, problems);
  parsed.job = {std::move(ns), std::move(name)};
  parsed.job_facets = TakeFacets(*job, "facets", FacetScope::kJob, "job", limits, problems);
  parsed.inputs = TakeDatasets(event, "inputs", FacetScope::kInputDataset, limits, problems);
  parsed.outputs = TakeDatasets(event, "outputs", FacetScope::kOutputDataset, limits, problems);
  if (parsed.inputs.size() + parsed.outputs.size() > limits.max_datasets) {
    problems.Add(kWholeEvent, absl::StrCat("more than ", limits.max_datasets,
                                           " datasets in inputs and outputs"));
  }
}

}  // namespace

std::string OpenLineageEvent::IdempotencyKey() const {
  const int64_t nanos = absl::ToUnixNanos(event_time);
  switch (kind) {
    case Kind::kRun:
      return storage::keys::RunEventKey(run_id, event_type, nanos);
    case Kind::kJob:
      return storage::keys::JobEventKey(job, nanos);
    case Kind::kDataset:
      break;
  }
  return storage::keys::DatasetEventKey(dataset.key, nanos);
}

absl::StatusOr<OpenLineageEvent> ParseEvent(std::string json, const EventLimits& limits) {
  Problems problems(limits.max_reported_problems);
  if (json.size() > limits.max_event_bytes) {
    problems.Add(kWholeEvent, absl::StrCat(json.size(), " bytes exceeds the limit of ",
                                           limits.max_event_bytes, " bytes"));
    return problems.ToStatus();
  }
  DepthLimiter limiter(static_cast<size_t>(limits.max_depth));
  if (!nlohmann::json::sax_parse(json, &limiter)) {
    if (limiter.problem()) {
      problems.Add(limiter.problem()->first, limiter.problem()->second);
    } else {
      problems.Add(kWholeEvent, "malformed JSON");
    }
    return problems.ToStatus();
  }
  Json event = Json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) {
    problems.Add(kWholeEvent, "malformed JSON");
    return problems.ToStatus();
  }
  if (!event.is_object()) {
    problems.Add(kWholeEvent, "must be a JSON object");
    return problems.ToStatus();
  }

  OpenLineageEvent parsed;
  if (std::optional<std::string> time = RequiredString(event, "eventTime", "", problems)) {
    absl::StatusOr<absl::Time> instant = ParseDateTime(*time);
    if (!instant.ok()) {
      problems.Add("eventTime", instant.status().message());
    } else if (*instant < absl::FromUnixNanos(std::numeric_limits<int64_t>::min()) ||
               *instant > absl::FromUnixNanos(std::numeric_limits<int64_t>::max())) {
      // Event times are stored as nanoseconds since the epoch.
      problems.Add("eventTime", "out of range (years 1678 to 2262)");
    } else {
      parsed.event_time = *instant;
    }
  }
  CheckUri(event, "producer", problems);
  CheckUri(event, "schemaURL", problems);

  const bool has_run = Member(event, "run") != nullptr;
  const bool has_job = Member(event, "job") != nullptr;
  const bool has_dataset = Member(event, "dataset") != nullptr;
  if (has_run) {
    parsed.kind = OpenLineageEvent::Kind::kRun;
    TakeRun(event, parsed, limits, problems);
    TakeJob(event, parsed, limits, problems);
  } else if (has_job && has_dataset) {
    problems.Add(kWholeEvent,
                 "job and dataset without run match both JobEvent and DatasetEvent; send one");
  } else if (has_job) {
    parsed.kind = OpenLineageEvent::Kind::kJob;
    TakeJob(event, parsed, limits, problems);
  } else if (has_dataset) {
    parsed.kind = OpenLineageEvent::Kind::kDataset;
    std::optional<EventDataset> dataset = TakeDataset(*Member(event, "dataset"), "dataset",
                                                      FacetScope::kDataset, limits, problems);
    if (dataset) parsed.dataset = *std::move(dataset);
  } else {
    problems.Add(kWholeEvent,
                 "not an OpenLineage event: needs run and job (RunEvent), job (JobEvent) or "
                 "dataset (DatasetEvent)");
  }
  if (!problems.empty()) return problems.ToStatus();
  parsed.json = std::move(json);
  return parsed;
}

}  // namespace meshdex::lineage
