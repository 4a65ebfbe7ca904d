#include "server/http/request_mapping.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "proto/document.h"
#include "proto/search_filter.h"

namespace meshdex::http {
namespace {

using meshdex::v1::GetLineageRequest;

// Reads typed values out of query parameters. The first problem (unknown
// parameter, malformed value, scalar given twice) sticks in status(); getters
// then keep returning defaults, so a mapping reads every parameter and checks
// status() once.
class QueryReader {
 public:
  // With `strict`, parameters outside `known` are an error.
  QueryReader(const QueryParams& query, std::initializer_list<absl::string_view> known,
              bool strict = true)
      : query_(query) {
    if (!strict) return;
    for (const auto& [name, value] : query_) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::vector<std::string> names(known.begin(), known.end());
        Fail(absl::StrCat("unknown query parameter \"", name,
                          "\" (known: ", absl::StrJoin(names, ", "), ")"));
        return;
      }
    }
  }

  const absl::Status& status() const { return status_; }

  // The value of a parameter that may appear once; "" when absent.
  std::string String(const std::string& name) {
    if (query_.count(name) > 1) Fail(absl::StrCat(name, ": given more than once"));
    auto it = query_.find(name);
    return it == query_.end() ? "" : it->second;
  }

  template <typename Int>
  Int Integer(const std::string& name) {
    const std::string text = String(name);
    int64_t value = 0;
    if (text.empty()) return 0;
    if (!absl::SimpleAtoi(text, &value) || value < std::numeric_limits<Int>::min() ||
        value > std::numeric_limits<Int>::max()) {
      Fail(absl::StrCat(name, ": \"", text, "\" is not an integer in range"));
      return 0;
    }
    return static_cast<Int>(value);
  }

  uint64_t Unsigned(const std::string& name) {
    const std::string text = String(name);
    uint64_t value = 0;
    if (!text.empty() && !absl::SimpleAtoi(text, &value)) {
      Fail(absl::StrCat(name, ": \"", text, "\" is not a non-negative integer"));
    }
    return value;
  }

  bool Bool(const std::string& name) {
    const std::string text = absl::AsciiStrToLower(String(name));
    if (text.empty() || text == "false" || text == "0") return false;
    if (text == "true" || text == "1") return true;
    Fail(absl::StrCat(name, ": \"", text, "\" is not a boolean (true, false, 1, 0)"));
    return false;
  }

  // Every occurrence of `name`, as given (no splitting at commas).
  std::vector<std::string> Each(const std::string& name) {
    std::vector<std::string> values;
    auto [begin, end] = query_.equal_range(name);
    for (auto it = begin; it != end; ++it) values.push_back(it->second);
    return values;
  }

  // Every value of a repeatable parameter, comma-separated values split.
  std::vector<std::string> List(const std::string& name) {
    std::vector<std::string> values;
    for (const std::string& occurrence : Each(name)) {
      for (absl::string_view part : absl::StrSplit(occurrence, ',', absl::SkipWhitespace())) {
        values.emplace_back(absl::StripAsciiWhitespace(part));
      }
    }
    return values;
  }

  void Fail(std::string message) {
    if (status_.ok()) status_ = absl::InvalidArgumentError(std::move(message));
  }

 private:
  const QueryParams& query_;
  absl::Status status_;
};

// up|down|both or the enum names, case-insensitive; "" = unspecified.
bool ParseDirection(absl::string_view text, GetLineageRequest::Direction& direction) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower.empty()) {
    direction = GetLineageRequest::DIRECTION_UNSPECIFIED;
  } else if (lower == "up" || lower == "upstream") {
    direction = GetLineageRequest::UPSTREAM;
  } else if (lower == "down" || lower == "downstream") {
    direction = GetLineageRequest::DOWNSTREAM;
  } else if (lower == "both") {
    direction = GetLineageRequest::BOTH;
  } else {
    return false;
  }
  return true;
}

bool ParseLevel(absl::string_view text, GetLineageRequest::Level& level) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower.empty()) {
    level = GetLineageRequest::LEVEL_UNSPECIFIED;
  } else if (lower == "dataset") {
    level = GetLineageRequest::DATASET;
  } else if (lower == "product") {
    level = GetLineageRequest::PRODUCT;
  } else {
    return false;
  }
  return true;
}

// A request whose one parameter is ?domain= (empty = every domain).
template <typename Request>
absl::StatusOr<Request> DomainRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"domain"});
  Request request;
  request.set_domain(reader.String("domain"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

// "application/yaml; charset=utf-8" -> "application/yaml".
std::string MediaType(absl::string_view content_type) {
  absl::string_view type = content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

// The documents of a resource body, each read into a `Resource` (see
// ProductsFromBody); `kind` is the one kind besides empty they may name.
template <typename Resource>
absl::StatusOr<std::vector<Resource>> ResourcesFromBody(absl::string_view content_type,
                                                        absl::string_view body,
                                                        absl::string_view kind) {
  const std::string media_type = MediaType(content_type);
  if (!media_type.empty() && media_type != "application/json" && media_type != "application/yaml" &&
      media_type != "application/x-yaml" && media_type != "text/yaml") {
    return absl::InvalidArgumentError(absl::StrCat(
        "Content-Type \"", media_type, "\": send application/json or application/yaml"));
  }
  document::ParseOptions options;
  // The gateway has already bounded the body.
  options.max_input_bytes = std::max(options.max_input_bytes, body.size());
  absl::StatusOr<std::vector<document::ResourceDocument>> documents =
      document::ParseDocuments(std::string_view(body.data(), body.size()), options);
  if (!documents.ok()) return documents.status();
  if (documents->empty()) return absl::InvalidArgumentError("body: no document");
  std::vector<Resource> resources;
  resources.reserve(documents->size());
  for (const document::ResourceDocument& doc : *documents) {
    if (!doc.kind.empty() && doc.kind != kind) {
      return absl::InvalidArgumentError(
          absl::StrCat("document ", doc.index + 1, ": unsupported kind \"", doc.kind, "\""));
    }
    Resource& resource = resources.emplace_back();
    if (absl::Status status = document::ToMessage(doc, &resource); !status.ok()) {
      if (documents->size() == 1) return status;
      return absl::InvalidArgumentError(
          absl::StrCat("document ", doc.index + 1, ": ", status.message()));
    }
  }
  return resources;
}

}  // namespace

std::string ProductUrn(absl::string_view domain, absl::string_view name) {
  return absl::StrCat("urn:dp:", domain, ":", name);
}

absl::StatusOr<meshdex::v1::ListProductsRequest> ListProductsRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"domain", "page_size", "page_token"});
  meshdex::v1::ListProductsRequest request;
  request.set_domain(reader.String("domain"));
  request.set_page_size(reader.Integer<int32_t>("page_size"));
  request.set_page_token(reader.String("page_token"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::GetProductRequest> GetProductRequestFrom(absl::string_view domain,
                                                                     absl::string_view name,
                                                                     const QueryParams& query) {
  QueryReader reader(query, {"revision"});
  meshdex::v1::GetProductRequest request;
  request.set_urn(ProductUrn(domain, name));
  request.set_revision(reader.Integer<int64_t>("revision"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::ImportDescriptorRequest> ImportDescriptorRequestFrom(
    const QueryParams& query, std::string body) {
  QueryReader reader(query, {"from", "domain", "dry_run"});
  meshdex::v1::ImportDescriptorRequest request;
  request.set_format(reader.String("from"));
  request.set_domain(reader.String("domain"));
  request.set_dry_run(reader.Bool("dry_run"));
  if (!reader.status().ok()) return reader.status();
  if (request.format().empty()) {
    return absl::InvalidArgumentError("from: required (odcs, dpds, odps, datacontract or auto)");
  }
  request.set_content(std::move(body));
  return request;
}

absl::StatusOr<meshdex::v1::ExportDescriptorRequest> ExportDescriptorRequestFrom(
    absl::string_view domain, absl::string_view name, const QueryParams& query) {
  QueryReader reader(query, {"to", "revision"});
  meshdex::v1::ExportDescriptorRequest request;
  request.set_urn(ProductUrn(domain, name));
  request.set_format(reader.String("to"));
  request.set_revision(reader.Integer<int64_t>("revision"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::ListRevisionsRequest> ListRevisionsRequestFrom(
    absl::string_view domain, absl::string_view name, const QueryParams& query) {
  QueryReader reader(query, {"page_size", "page_token"});
  meshdex::v1::ListRevisionsRequest request;
  request.set_urn(ProductUrn(domain, name));
  request.set_page_size(reader.Integer<int32_t>("page_size"));
  request.set_page_token(reader.String("page_token"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::DeleteProductRequest> DeleteProductRequestFrom(
    absl::string_view domain, absl::string_view name, const QueryParams& query) {
  QueryReader reader(query, {"expected_revision"});
  meshdex::v1::DeleteProductRequest request;
  request.set_urn(ProductUrn(domain, name));
  request.set_expected_revision(reader.Integer<int64_t>("expected_revision"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::SearchRequest> SearchRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"q", "facet", "filter", "page_size", "page_token", "min_sequence",
                             "highlight", "type"});
  meshdex::v1::SearchRequest request;
  request.set_query(reader.String("q"));
  for (std::string& facet : reader.List("facet")) request.add_facets(std::move(facet));
  // filter=field:value, or filter=-field:value to exclude; the value verbatim
  // (commas included), one filter per parameter.
  for (const std::string& text : reader.Each("filter")) {
    absl::StatusOr<meshdex::v1::SearchFilter> filter = ParseSearchFilter(text);
    if (!filter.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("filter: ", filter.status().message()));
    }
    *request.add_filters() = *std::move(filter);
  }
  request.set_page_size(reader.Integer<int32_t>("page_size"));
  request.set_page_token(reader.String("page_token"));
  request.set_min_sequence(reader.Unsigned("min_sequence"));
  request.set_highlight(reader.Bool("highlight"));
  for (std::string& type : reader.List("type")) request.add_types(std::move(type));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::SuggestRequest> SuggestRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"q", "limit"});
  meshdex::v1::SuggestRequest request;
  request.set_prefix(reader.String("q"));
  request.set_limit(reader.Integer<int32_t>("limit"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::ResolveAddressRequest> ResolveAddressRequestFrom(
    const QueryParams& query) {
  QueryReader reader(query, {"address", "namespace", "name"});
  meshdex::v1::ResolveAddressRequest request;
  request.set_address(reader.String("address"));
  const std::string ns = reader.String("namespace");
  const std::string name = reader.String("name");
  if (!ns.empty() || !name.empty()) {
    request.mutable_dataset()->set_namespace_(ns);
    request.mutable_dataset()->set_name(name);
  }
  if (request.address().empty() == !request.has_dataset()) {
    reader.Fail("give either address or namespace and name");
  }
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<GetLineageRequest> LineageRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"node_id", "direction", "depth", "level", "max_nodes"});
  GetLineageRequest request;
  request.set_node_id(reader.String("node_id"));
  GetLineageRequest::Direction direction = GetLineageRequest::DIRECTION_UNSPECIFIED;
  const std::string direction_text = reader.String("direction");
  if (!ParseDirection(direction_text, direction)) {
    reader.Fail(absl::StrCat("direction: \"", direction_text, "\" is not up, down or both"));
  }
  request.set_direction(direction);
  GetLineageRequest::Level level = GetLineageRequest::LEVEL_UNSPECIFIED;
  const std::string level_text = reader.String("level");
  if (!ParseLevel(level_text, level)) {
    reader.Fail(absl::StrCat("level: \"", level_text, "\" is not dataset or product"));
  }
  request.set_level(level);
  request.set_depth(reader.Integer<int32_t>("depth"));
  request.set_max_nodes(reader.Integer<int32_t>("max_nodes"));
  if (request.node_id().empty()) reader.Fail("node_id: required");
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<GetLineageRequest> MarquezLineageRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"nodeId", "depth"}, /*strict=*/false);
  GetLineageRequest request;
  request.set_node_id(reader.String("nodeId"));
  request.set_depth(reader.Integer<int32_t>("depth"));
  request.set_direction(GetLineageRequest::BOTH);
  request.set_level(GetLineageRequest::DATASET);
  if (request.node_id().empty()) reader.Fail("nodeId: required");
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::ListRunsRequest> ListRunsRequestFrom(const QueryParams& query) {
  QueryReader reader(query, {"job_id", "page_size", "page_token"});
  meshdex::v1::ListRunsRequest request;
  request.set_job_id(reader.String("job_id"));
  request.set_page_size(reader.Integer<int32_t>("page_size"));
  request.set_page_token(reader.String("page_token"));
  if (request.job_id().empty()) reader.Fail("job_id: required");
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::ListPoliciesRequest> ListPoliciesRequestFrom(const QueryParams& query) {
  return DomainRequestFrom<meshdex::v1::ListPoliciesRequest>(query);
}

absl::StatusOr<meshdex::v1::GetPolicyRequest> GetPolicyRequestFrom(const PolicyPath& path,
                                                                   const QueryParams& query) {
  QueryReader reader(query, {});
  meshdex::v1::GetPolicyRequest request;
  request.set_domain(path.domain);
  request.set_name(path.name);
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::DeletePolicyRequest> DeletePolicyRequestFrom(
    const PolicyPath& path, const QueryParams& query) {
  QueryReader reader(query, {"expected_revision"});
  meshdex::v1::DeletePolicyRequest request;
  request.set_domain(path.domain);
  request.set_name(path.name);
  request.set_expected_revision(reader.Integer<int64_t>("expected_revision"));
  if (!reader.status().ok()) return reader.status();
  return request;
}

absl::StatusOr<meshdex::v1::GetScorecardRequest> GetScorecardRequestFrom(const QueryParams& query) {
  return DomainRequestFrom<meshdex::v1::GetScorecardRequest>(query);
}

absl::StatusOr<ApplyParams> ApplyParamsFrom(const QueryParams& query) {
  QueryReader reader(query, {"expected_revision", "dry_run"});
  ApplyParams params;
  params.expected_revision = reader.Integer<int64_t>("expected_revision");
  params.dry_run = reader.Bool("dry_run");
  if (!reader.status().ok()) return reader.status();
  return params;
}

absl::StatusOr<std::vector<meshdex::v1::DataProduct>> ProductsFromBody(
    absl::string_view content_type, absl::string_view body) {
  return ResourcesFromBody<meshdex::v1::DataProduct>(content_type, body, "DataProduct");
}

absl::StatusOr<std::vector<meshdex::v1::Policy>> PoliciesFromBody(absl::string_view content_type,
                                                                  absl::string_view body) {
  return ResourcesFromBody<meshdex::v1::Policy>(content_type, body, "Policy");
}

absl::Status BindProductToPath(absl::string_view domain, absl::string_view name,
                               meshdex::v1::DataProduct& product) {
  meshdex::v1::ObjectMeta& metadata = *product.mutable_metadata();
  if (metadata.domain().empty()) metadata.set_domain(std::string(domain));
  if (metadata.name().empty()) metadata.set_name(std::string(name));
  if (metadata.domain() != domain || metadata.name() != name) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata: the body names ", ProductUrn(metadata.domain(), metadata.name()),
                     " but the path names ", ProductUrn(domain, name)));
  }
  return absl::OkStatus();
}

absl::StatusOr<LineageBody> LineageEventsFromBody(absl::string_view body) {
  const absl::string_view text = absl::StripLeadingAsciiWhitespace(body);
  if (text.empty()) return absl::InvalidArgumentError("body: no OpenLineage event");
  LineageBody result;
  if (text.front() != '[') {
    result.events.emplace_back(body);
    return result;
  }
  result.batch = true;
  nlohmann::ordered_json batch =
      nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (batch.is_discarded()) return absl::InvalidArgumentError("body: not valid JSON");
  if (batch.empty()) return absl::InvalidArgumentError("body: empty batch");
  result.events.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("event ", i + 1, ": not a JSON object"));
    }
    result.events.push_back(
        batch[i].dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  }
  return result;
}

absl::StatusOr<std::string> ToJsonBody(const google::protobuf::Message& message) {
  std::string json;
  if (google::protobuf::util::Status status =
          google::protobuf::util::MessageToJsonString(message, &json);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("encoding the response: ", status.ToString()));
  }
  return json;
}

}  // namespace meshdex::http
