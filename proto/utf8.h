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

#include "absl/strings/string_view.h"

namespace meshdex::utf8 {

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

// The longest prefix of `text` of at most `max_bytes` that does not cut a
// multi-byte sequence in two.
absl::string_view Truncate(absl::string_view text, size_t max_bytes);

}  // namespace meshdex::utf8

#endif  // MESHDEX_PROTO_UTF8_H_
