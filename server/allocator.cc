#include "server/allocator.h"

#include <cstddef>

#ifdef MESHDEX_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace meshdex::server {

std::string AllocatorName() {
#ifdef MESHDEX_JEMALLOC
  const char* version = nullptr;
  size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
    return std::string("jemalloc ") + version;
  }
  return "jemalloc";
#else
  return "system malloc";
#endif
}

}  // namespace meshdex::server
