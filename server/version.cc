#include "server/version.h"

namespace meshdex::server {

// MESHDEX_BUILD_VERSION is defined for this file only (server/CMakeLists.txt),
// so a new commit recompiles one file.
const char* BuildVersion() { return MESHDEX_BUILD_VERSION; }

}  // namespace meshdex::server
