#include "server/interop/interop.h"

#include <exception>
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
  return absl::InvalidArgumentError(absl::StrCat(
      "format: \"", std::string(name), "\" is not one of odcs, dpds, odps, datacontract"));
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
  }
  return "unknown";
}

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
      return absl::InvalidArgumentError(absl::StrCat(
          "domain: \"", options.domain, "\" must match ^[a-z][a-z0-9-]{0,62}$"));
    }
  }
  switch (format) {
    case Format::kOdcs:
      return ImportOdcs(document, options);
    case Format::kDpds:
      return ImportDpds(document, options);
    case Format::kOdps:
      return ImportOdps(document, options);
    case Format::kDataContract:
      return ImportDataContract(document, options);
  }
  return absl::InvalidArgumentError("format: unknown");
}

}  // namespace meshdex::interop
