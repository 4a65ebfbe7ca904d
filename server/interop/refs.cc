#include "server/interop/refs.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proto/document.h"
#include "server/interop/mapping.h"

namespace meshdex::interop {
namespace {

namespace fs = std::filesystem;

bool IsLocalFileRef(const std::string& ref) {
  return !ref.empty() && ref.front() != '#' && ref.find("://") == std::string::npos &&
         ref.find('#') == std::string::npos && !absl::StartsWith(ref, "urn:");
}

class RefInliner {
 public:
  explicit RefInliner(fs::path root) : root_(std::move(root)) {}

  absl::StatusOr<Json> Load(const fs::path& file) {
    if (stack_.size() > static_cast<size_t>(kMaxRefDepth)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.string(), ": references nested deeper than ", kMaxRefDepth));
    }
    if (std::find(stack_.begin(), stack_.end(), file) != stack_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(file.string(), ": reference cycle"));
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat(file.string(), ": cannot read"));
    std::ostringstream text;
    text << in.rdbuf();
    bytes_read_ += text.str().size();
    if (bytes_read_ > kMaxInlinedBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          file.string(), ": referenced files exceed ", kMaxInlinedBytes >> 20, " MiB in total"));
    }
    absl::StatusOr<std::vector<document::ResourceDocument>> documents =
        document::ParseDocuments(text.str());
    if (!documents.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(file.string(), ": ", documents.status().message()));
    }
    if (documents->size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.string(), ": holds ", documents->size(), " documents, not one"));
    }
    Json value;
    try {
      value = Json::parse((*documents)[0].json);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat(file.string(), ": ", e.what()));
    }
    stack_.push_back(file);
    absl::Status inlined = Inline(file.parent_path(), &value);
    stack_.pop_back();
    if (!inlined.ok()) return inlined;
    return value;
  }

 private:
  absl::Status Inline(const fs::path& directory, Json* value) {
    if (value->is_array()) {
      for (Json& item : *value) {
        if (absl::Status status = Inline(directory, &item); !status.ok()) return status;
      }
      return absl::OkStatus();
    }
    if (!value->is_object()) return absl::OkStatus();
    const Json& ref = Field(*value, "$ref");
    if (ref.is_string() && IsLocalFileRef(ref.get<std::string>())) {
      const std::string target = ref.get<std::string>();
      absl::StatusOr<fs::path> file = Resolve(directory, target);
      if (!file.ok()) return file.status();
      absl::StatusOr<Json> referenced = Load(*file);
      if (!referenced.ok()) return referenced.status();
      Json siblings = std::move(*value);
      siblings.erase("$ref");
      *value = *std::move(referenced);
      if (value->is_object()) {
        for (auto& [key, sibling] : siblings.items()) {
          if (!value->contains(key)) (*value)[key] = std::move(sibling);
        }
      }
      return absl::OkStatus();
    }
    for (auto& [key, item] : value->items()) {
      if (absl::Status status = Inline(directory, &item); !status.ok()) return status;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<fs::path> Resolve(const fs::path& directory, const std::string& target) {
    std::error_code error;
    const fs::path file = fs::weakly_canonical(directory / target, error);
    if (error) {
      return absl::NotFoundError(absl::StrCat("$ref \"", target, "\": ", error.message()));
    }
    const auto [root_end, file_it] = std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
    if (root_end != root_.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "$ref \"", target, "\": outside the descriptor's directory ", root_.string()));
    }
    return file;
  }

  fs::path root_;
  std::vector<fs::path> stack_;
  size_t bytes_read_ = 0;
};

}  // namespace

absl::StatusOr<std::string> InlineLocalRefs(const std::string& path) {
  std::error_code error;
  const fs::path file = fs::weakly_canonical(path, error);
  if (error) return absl::NotFoundError(absl::StrCat(path, ": ", error.message()));
  absl::StatusOr<Json> document = RefInliner(file.parent_path()).Load(file);
  if (!document.ok()) return document.status();
  return document->dump();
}

}  // namespace meshdex::interop
