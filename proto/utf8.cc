#include "proto/utf8.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace meshdex::utf8 {
namespace {

bool IsSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

// A UTF-16 or UTF-32 encoding, as a byte-order mark names it.
struct WideEncoding {
  const char* name;
  size_t unit_bytes;  // 2 or 4; the mark is one unit
  bool big_endian;
};

std::optional<WideEncoding> MarkedEncoding(absl::string_view text) {
  // UTF-32LE's mark starts with UTF-16LE's: test it first.
  if (absl::StartsWith(text, absl::string_view("\xFF\xFE\0\0", 4))) {
    return WideEncoding{"UTF-32LE", 4, false};
  }
  if (absl::StartsWith(text, absl::string_view("\0\0\xFE\xFF", 4))) {
    return WideEncoding{"UTF-32BE", 4, true};
  }
  if (absl::StartsWith(text, "\xFF\xFE")) return WideEncoding{"UTF-16LE", 2, false};
  if (absl::StartsWith(text, "\xFE\xFF")) return WideEncoding{"UTF-16BE", 2, true};
  return std::nullopt;
}

// The code unit of `encoding` at the start of `bytes` (at least one unit long).
char32_t CodeUnit(absl::string_view bytes, const WideEncoding& encoding) {
  char32_t unit = 0;
  for (size_t i = 0; i < encoding.unit_bytes; ++i) {
    const size_t byte = encoding.big_endian ? i : encoding.unit_bytes - 1 - i;
    unit = (unit << 8) | static_cast<unsigned char>(bytes[byte]);
  }
  return unit;
}

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
  if (*code_point < smallest || *code_point > 0x10FFFF || IsSurrogate(*code_point)) return 0;
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

void Append(char32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

absl::StatusOr<std::optional<std::string>> FromMarkedUtf16Or32(absl::string_view text) {
  const std::optional<WideEncoding> encoding = MarkedEncoding(text);
  if (!encoding.has_value()) return std::nullopt;
  const size_t unit = encoding->unit_bytes;
  const auto error = [&](size_t offset, absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(encoding->name, " text (byte-order mark): ", what, " at offset ", offset));
  };
  std::string out;
  out.reserve(text.size() / unit * 3 / 2);
  for (size_t offset = unit; offset < text.size();) {
    const size_t start = offset;
    if (text.size() - offset < unit) return error(start, "cut short");
    char32_t code_point = CodeUnit(text.substr(offset), *encoding);
    offset += unit;
    if (unit == 2 && code_point >= 0xD800 && code_point <= 0xDBFF && text.size() - offset >= 2) {
      const char32_t low = CodeUnit(text.substr(offset), *encoding);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        offset += 2;
      }
    }
    if (IsSurrogate(code_point)) return error(start, "unpaired surrogate");
    if (code_point > 0x10FFFF) return error(start, "value beyond U+10FFFF");
    Append(code_point, &out);
  }
  return out;
}

absl::string_view Truncate(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && IsContinuation(text[end])) --end;
  return text.substr(0, end);
}

}  // namespace meshdex::utf8
