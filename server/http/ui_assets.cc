#include "server/http/ui_assets.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace meshdex::http {
namespace {

// FNV-1a, 64 bits: an ETag for files read from disk (no collision resistance
// needed, only change detection).
std::string ContentHash(absl::string_view content) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : content) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::string ContentTypeForPath(absl::string_view path) {
  const size_t dot = path.rfind('.');
  const std::string extension =
      dot == absl::string_view::npos ? "" : absl::AsciiStrToLower(path.substr(dot + 1));
  if (extension == "html") return "text/html; charset=utf-8";
  if (extension == "js" || extension == "mjs") return "text/javascript; charset=utf-8";
  if (extension == "css") return "text/css; charset=utf-8";
  if (extension == "json" || extension == "map") return "application/json";
  if (extension == "svg") return "image/svg+xml";
  if (extension == "png") return "image/png";
  if (extension == "ico") return "image/x-icon";
  if (extension == "woff2") return "font/woff2";
  if (extension == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool IsSafeAssetPath(absl::string_view path) {
  if (path.empty() || path.front() == '/' || absl::StrContains(path, '\\') ||
      absl::StrContains(path, absl::string_view("\0", 1))) {
    return false;
  }
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment == "." || segment == "..") return false;
  }
  return true;
}

UiAssets::UiAssets(std::string ui_dir) : ui_dir_(std::move(ui_dir)) {}

std::optional<UiAsset> UiAssets::Find(absl::string_view path) const {
  if (!IsSafeAssetPath(path)) return std::nullopt;
  if (!ui_dir_.empty()) {
    std::optional<std::string> content =
        ReadFile(std::filesystem::path(ui_dir_) / std::string(path));
    if (content.has_value()) {
      return UiAsset{ContentTypeForPath(path), absl::StrCat("W/\"", ContentHash(*content), "\""),
                     *std::move(content)};
    }
  }
  for (size_t i = 0; i < kEmbeddedUiFileCount; ++i) {
    const EmbeddedUiFile& file = kEmbeddedUiFiles[i];
    if (path == file.path) {
      return UiAsset{ContentTypeForPath(path), absl::StrCat("W/\"", file.sha256, "\""),
                     std::string(file.data, file.size)};
    }
  }
  return std::nullopt;
}

}  // namespace meshdex::http
