// UiAssets: the files of the web UI (clients/web/src, plus the npm libraries
// its pages import under vendor/), served below /ui/. They are compiled into
// meshdexd at build time (server/http/embed_ui.cmake), so the server is one
// deployable unit; with a ui_dir (meshdexd --ui_dir, for development) files
// are read from that directory on every request instead, and what it lacks
// still comes from the built-in copy.
//
// Each asset carries its content type and an ETag (a content hash; weak, as
// the gateway may send it gzip-encoded), so responses can be revalidated
// with If-None-Match.
//
// Thread-safety: immutable after construction; Find is thread-safe.
#ifndef MESHDEX_SERVER_HTTP_UI_ASSETS_H_
#define MESHDEX_SERVER_HTTP_UI_ASSETS_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace meshdex::http {

// One file compiled into the binary (generated table, ui_files.cc).
struct EmbeddedUiFile {
  const char* path;  // relative, e.g. "index.html", "vendor/cytoscape.mjs"
  const char* data;
  size_t size;
  const char* sha256;  // hex digest of the content
};
extern const EmbeddedUiFile kEmbeddedUiFiles[];
extern const size_t kEmbeddedUiFileCount;

struct UiAsset {
  std::string content_type;
  // Weak and quoted, e.g. W/"3f2a...".
  std::string etag;
  std::string body;
};

class UiAssets {
 public:
  // `ui_dir` empty: only the built-in files.
  explicit UiAssets(std::string ui_dir);

  // The asset at `path` (relative, '/'-separated); nullopt when there is none
  // or the path could leave the UI directory ("..", absolute, backslashes).
  std::optional<UiAsset> Find(absl::string_view path) const;

 private:
  const std::string ui_dir_;
};

// Content type from the file extension (text types with charset=utf-8);
// application/octet-stream when unknown.
std::string ContentTypeForPath(absl::string_view path);

// Whether `path` is a safe relative asset path: non-empty, no "." or ".."
// segments, no leading '/', no backslash or NUL.
bool IsSafeAssetPath(absl::string_view path);

}  // namespace meshdex::http

#endif  // MESHDEX_SERVER_HTTP_UI_ASSETS_H_
