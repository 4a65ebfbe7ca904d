// The memory allocator meshdexd runs on, for its startup log line.
//
// Release meshdexd links jemalloc (server/CMakeLists.txt, MESHDEX_JEMALLOC):
// the catalog's hot paths allocate many small, short-lived objects across
// threads (decoded products, index documents, gRPC buffers), where glibc's
// malloc spent ~40% of a GetProduct handler (arena locks, consolidation) and
// held more memory. Sanitizer builds keep the sanitizer's allocator.
//
// Thread-safety: thread-safe.
#ifndef MESHDEX_SERVER_ALLOCATOR_H_
#define MESHDEX_SERVER_ALLOCATOR_H_

#include <string>

namespace meshdex::server {

// "jemalloc <version>" when meshdexd runs on jemalloc, else "system malloc".
std::string AllocatorName();

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_ALLOCATOR_H_
