// Inlining of local `$ref`s, for descriptors split over several files (an Open
// Data Mesh DPDS descriptor typically refers to one file per port and per API
// definition). Runs where the files are, i.e. in the client: the server only
// ever sees the self-contained result.
//
// An object {"$ref": "ports/a.json", ...siblings} whose reference is a relative
// file path (no URL scheme, no '#' fragment) is replaced by the referenced
// document (YAML or JSON, itself inlined the same way, relative to its own
// directory); siblings the referenced object lacks are kept. Remote
// references (https://...) and in-document ones (#/...) are left as they are.
// Referenced files must lie inside the directory of the root descriptor
// (after resolving symlinks and ..), so a descriptor cannot pull in arbitrary
// files; cycles, nesting deeper than kMaxRefDepth and more than
// kMaxInlinedBytes of files read in total are errors.
//
// Errors: NOT_FOUND / INVALID_ARGUMENT naming the file and the reference.
// Thread-safety: pure function (reads files).
#ifndef MESHDEX_SERVER_INTEROP_REFS_H_
#define MESHDEX_SERVER_INTEROP_REFS_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace meshdex::interop {

inline constexpr int kMaxRefDepth = 16;
inline constexpr std::size_t kMaxInlinedBytes = 8 << 20;

// The descriptor at `path` with its local references inlined, as JSON text.
absl::StatusOr<std::string> InlineLocalRefs(const std::string& path);

}  // namespace meshdex::interop

#endif  // MESHDEX_SERVER_INTEROP_REFS_H_
