#include "proto/utf8.h"

namespace meshdex::utf8 {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

size_t Decode(absl::string_view text, char32_t* code_point) {
  if (text.empty()) return 0;
  const auto lead = static_cast<unsigned char>(text[0]);
  size_t length = 0;
  char32_t smallest = 0;  // below it the form is overlong
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, smallest = 0x80, *code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, smallest = 0x800, *code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, smallest = 0x10000, *code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if (!IsContinuation(text[i])) return 0;
    *code_point = (*code_point << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  }
  const bool surrogate = *code_point >= 0xD800 && *code_point <= 0xDFFF;
  if (*code_point < smallest || *code_point > 0x10FFFF || surrogate) return 0;
  return length;
}

std::optional<size_t> FirstInvalidByte(absl::string_view text) {
  for (size_t offset = 0; offset < text.size();) {
    if (static_cast<unsigned char>(text[offset]) < 0x80) {  // ASCII, the common case
      ++offset;
      continue;
    }
    char32_t code_point = 0;
    const size_t length = Decode(text.substr(offset), &code_point);
    if (length == 0) return offset;
    offset += length;
  }
  return std::nullopt;
}

std::string ReplaceInvalid(absl::string_view text) {
  std::optional<size_t> bad = FirstInvalidByte(text);
  if (!bad.has_value()) return std::string(text);
  std::string valid(text.substr(0, *bad));
  valid.reserve(text.size() + 8);
  text.remove_prefix(*bad);
  while (!text.empty()) {
    char32_t code_point = 0;
    const size_t length = Decode(text, &code_point);
    if (length == 0) {
      valid.append("\xEF\xBF\xBD");
      text.remove_prefix(1);
    } else {
      valid.append(text.data(), length);
      text.remove_prefix(length);
    }
  }
  return valid;
}

absl::string_view Truncate(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && IsContinuation(text[end])) --end;
  return text.substr(0, end);
}

}  // namespace meshdex::utf8
