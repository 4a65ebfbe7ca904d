// The demo mesh's YAML files, embedded at build time from server/demo/*.yaml
// (see embed_demo.cmake).
#ifndef MESHDEX_SERVER_DEMO_FILES_H_
#define MESHDEX_SERVER_DEMO_FILES_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace meshdex::server {

struct DemoFile {
  absl::string_view name;
  absl::string_view content;
};

extern const std::vector<DemoFile> kDemoFiles;

}  // namespace meshdex::server

#endif  // MESHDEX_SERVER_DEMO_FILES_H_
