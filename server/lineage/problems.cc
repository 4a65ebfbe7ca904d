#include "server/lineage/problems.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace meshdex::lineage {
namespace {

bool IsIdentifier(absl::string_view name) {
  if (name.empty() || !(absl::ascii_isalpha(name.front()) || name.front() == '_')) return false;
  for (char c : name) {
    if (!(absl::ascii_isalnum(c) || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string MemberPath(absl::string_view path, absl::string_view name) {
  if (IsIdentifier(name)) return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
  return absl::StrCat(path, "[\"", absl::CEscape(name), "\"]");
}

std::string ElementPath(absl::string_view path, size_t index) {
  return absl::StrCat(path, "[", index, "]");
}

void Problems::Add(absl::string_view path, absl::string_view reason) {
  if (listed_.size() < limit_) listed_.push_back(absl::StrCat(path, ": ", reason));
  ++count_;
}

absl::Status Problems::ToStatus() const {
  if (count_ == 0) return absl::OkStatus();
  std::string message = absl::StrJoin(listed_, "; ");
  if (count_ > listed_.size()) {
    absl::StrAppend(&message, "; and ", count_ - listed_.size(), " more problems");
  }
  return absl::InvalidArgumentError(message);
}

void CheckIdentityPart(absl::string_view path, absl::string_view value, size_t max_bytes,
                       Problems& problems) {
  if (value.empty()) {
    problems.Add(path, "must not be empty");
    return;
  }
  if (value.size() > max_bytes) {
    problems.Add(path, absl::StrCat("longer than ", max_bytes, " bytes"));
    return;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const auto byte = static_cast<unsigned char>(value[i]);
    const bool c1_control = byte == 0xC2 && i + 1 < value.size() &&
                            static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
                            static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (byte < 0x20 || byte == 0x7F || c1_control) {
      problems.Add(path, "must not contain control characters");
      return;
    }
  }
}

}  // namespace meshdex::lineage
