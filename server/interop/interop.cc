#include "server/interop/interop.h"

#include <algorithm>
#include <exception>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/document.h"
#include "server/interop/mappers.h"

namespace meshdex::interop {

absl::StatusOr<Format> ParseFormat(std::string_view name) {
  const std::string word = absl::AsciiStrToLower(std::string(name));
  if (word == "odcs") return Format::kOdcs;
  if (word == "dpds") return Format::kDpds;
  if (word == "odps") return Format::kOdps;
  if (word == "datacontract") return Format::kDataContract;
  if (word == "auto") return Format::kAuto;
  return absl::InvalidArgumentError(absl::StrCat(
      "format: \"", std::string(name), "\" is not one of odcs, dpds, odps, datacontract, auto"));
}

std::string FormatName(Format format) {
  switch (format) {
    case Format::kOdcs:
      return "odcs";
    case Format::kDpds:
      return "dpds";
    case Format::kOdps:
      return "odps";
    case Format::kDataContract:
      return "datacontract";
    case Format::kAuto:
      return "auto";
  }
  return "unknown";
}

namespace {

// The standard a document follows, and the key that told it.
absl::StatusOr<std::pair<Format, std::string>> DetectFormat(const Json& document) {
  if (document.contains("dataContractSpecification")) {
    return std::make_pair(Format::kDataContract, std::string("dataContractSpecification"));
  }
  if (document.contains("dataProductDescriptor")) {
    return std::make_pair(Format::kDpds, std::string("dataProductDescriptor"));
  }
  const std::string kind = Text(Field(document, "kind"));
  if (kind == "DataContract")
    return std::make_pair(Format::kOdcs, std::string("kind DataContract"));
  if (kind == "DataProduct" &&
      (document.contains("outputPorts") || document.contains("inputPorts"))) {
    return std::make_pair(Format::kOdps, std::string("kind DataProduct with ports"));
  }
  if (kind == "DataProduct" && document.contains("spec")) {
    return absl::InvalidArgumentError(
        "format: the document is a meshdex DataProduct, not a foreign descriptor; apply it "
        "(meshdexctl apply -f) instead of importing it");
  }
  return absl::InvalidArgumentError(
      "format: cannot tell the descriptor's standard (it has no dataContractSpecification, "
      "dataProductDescriptor, kind DataContract or kind DataProduct with ports); name it: odcs, "
      "dpds, odps or datacontract");
}

absl::StatusOr<ImportResult> Import(Format format, const Json& document,
                                    const ImportOptions& options) {
  switch (format) {
    case Format::kOdcs:
      return ImportOdcs(document, options);
    case Format::kDpds:
      return ImportDpds(document, options);
    case Format::kOdps:
      return ImportOdps(document, options);
    case Format::kDataContract:
      return ImportDataContract(document, options);
    case Format::kAuto:
      break;
  }
  return absl::InvalidArgumentError("format: unknown");
}

}  // namespace

absl::StatusOr<ImportResult> ImportDescriptor(Format format, std::string_view content,
                                              const ImportOptions& options) {
  absl::StatusOr<std::vector<document::ResourceDocument>> documents =
      document::ParseDocuments(content);
  if (!documents.ok()) return documents.status();
  if (documents->size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "content: holds ", documents->size(), " documents; import takes exactly one descriptor"));
  }
  Json document;
  try {
    document = Json::parse((*documents)[0].json);
  } catch (const std::exception& e) {
    // ParseDocuments wrote this JSON itself, so this is not the user's syntax.
    return absl::InternalError(absl::StrCat("content: re-reading the parsed document: ", e.what()));
  }
  if (!options.domain.empty()) {
    std::optional<std::string> slug = Slug(options.domain);
    if (!slug.has_value() || *slug != options.domain) {
      return absl::InvalidArgumentError(
          absl::StrCat("domain: \"", options.domain, "\" must match ^[a-z][a-z0-9-]{0,62}$"));
    }
  }
  std::string detected_by;
  if (format == Format::kAuto) {
    absl::StatusOr<std::pair<Format, std::string>> detected = DetectFormat(document);
    if (!detected.ok()) return detected.status();
    std::tie(format, detected_by) = *std::move(detected);
  }
  absl::StatusOr<ImportResult> result;
  try {
    result = Import(format, document, options);
  } catch (const Json::exception& e) {
    // The mappers check every value's type before using it; reaching here
    // is a mapper bug, which must fail this request, not the server.
    return absl::InternalError(
        absl::StrCat("format ", FormatName(format), ": mapping the document failed: ", e.what()));
  }
  if (result.ok() && !detected_by.empty()) {
    result->derived.push_back(
        absl::StrCat("format: \"", FormatName(format), "\" (detected by ", detected_by, ")"));
    std::sort(result->derived.begin(), result->derived.end());
  }
  return result;
}

}  // namespace meshdex::interop
