// UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates, nothing
// beyond U+10FFFF): the one decoder behind every layer's checks, so that the
// document codec, validation, the audit log and the index agree on what is
// text and where a sequence ends.
//
// Thread-safety: stateless functions; safe everywhere.
#ifndef MESHDEX_PROTO_UTF8_H_
#define MESHDEX_PROTO_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace meshdex::utf8 {

// True for a byte that continues a multi-byte sequence (10xxxxxx): it starts
// no character.
inline bool IsContinuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

// Decodes the well-formed sequence at the start of `text` into *code_point and
// returns its length in bytes; 0 (and *code_point unspecified) when `text` is
// empty or does not start with one.
size_t Decode(absl::string_view text, char32_t* code_point);

// The offset of the first byte of `text` that does not start a well-formed
// sequence, or nullopt when all of `text` is UTF-8.
std::optional<size_t> FirstInvalidByte(absl::string_view text);

// `text` with every byte that starts no well-formed sequence replaced by
// U+FFFD; `text` itself when it is all UTF-8.
std::string ReplaceInvalid(absl::string_view text);

// Appends the UTF-8 encoding of `code_point` (at most U+10FFFF, no surrogate).
void Append(char32_t code_point, std::string* out);

// Text that starts with a UTF-16 or UTF-32 byte-order mark, re-encoded as
// UTF-8 without the mark; nullopt when `text` has no such mark (it is left as
// it is, UTF-8 or not). INVALID_ARGUMENT, naming the encoding and the offset,
// when the marked text is cut short or holds an unpaired surrogate or a value
// beyond U+10FFFF.
absl::StatusOr<std::optional<std::string>> FromMarkedUtf16Or32(absl::string_view text);

// The longest prefix of `text` of at most `max_bytes` that does not cut a
// multi-byte sequence in two.
absl::string_view Truncate(absl::string_view text, size_t max_bytes);

}  // namespace meshdex::utf8

#endif  // MESHDEX_PROTO_UTF8_H_
