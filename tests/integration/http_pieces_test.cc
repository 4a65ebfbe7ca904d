// Unit tests of the gateway's small pure pieces: status mapping and error
// bodies, response compression, and UI asset lookup.
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/http/compression.h"
#include "server/http/errors.h"
#include "server/http/ui_assets.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::http {
namespace {

TEST(HttpErrorsTest, CanonicalCodesMapToHttpStatuses) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kOutOfRange), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 412);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnknown), 500);
}

TEST(HttpErrorsTest, HttpLayerStatusesHaveACode) {
  EXPECT_EQ(StatusCodeForHttp(413), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(StatusCodeForHttp(404), absl::StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForHttp(400), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForHttp(503), absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForHttp(500), absl::StatusCode::kInternal);
}

TEST(HttpErrorsTest, ErrorBodyIsCodeAndMessage) {
  const nlohmann::json body = nlohmann::json::parse(ErrorBody(
      absl::InvalidArgumentError("spec.outputPorts[1].address: unsupported scheme \"ftp\"")));
  EXPECT_EQ(body, nlohmann::json::parse(R"({"code":"INVALID_ARGUMENT",
      "message":"spec.outputPorts[1].address: unsupported scheme \"ftp\""})"));
  // Invalid UTF-8 in a message does not break the body.
  EXPECT_TRUE(nlohmann::json::accept(ErrorBody(absl::NotFoundError("bad \xff byte"))));
}

TEST(HttpCompressionTest, AcceptEncoding) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("x-gzip-not"));
}

TEST(HttpCompressionTest, CompressibleTypes) {
  EXPECT_TRUE(IsCompressible("application/json"));
  EXPECT_TRUE(IsCompressible("text/javascript; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("text/html; charset=utf-8"));
  EXPECT_TRUE(IsCompressible("image/svg+xml"));
  EXPECT_FALSE(IsCompressible("image/png"));
  EXPECT_FALSE(IsCompressible("application/octet-stream"));
}

TEST(HttpCompressionTest, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"urn\":\"urn:dp:sales:orders\"},";
  std::optional<std::string> compressed = Gzip(text);
  ASSERT_TRUE(compressed.has_value());
  ASSERT_GE(compressed->size(), 2u);
  EXPECT_EQ(compressed->substr(0, 2), "\x1f\x8b");
  EXPECT_LT(compressed->size(), text.size() / 10);

  z_stream stream{};
  ASSERT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string inflated(text.size() + 16, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(compressed->data());
  stream.avail_in = static_cast<uInt>(compressed->size());
  stream.next_out = reinterpret_cast<Bytef*>(inflated.data());
  stream.avail_out = static_cast<uInt>(inflated.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  inflated.resize(stream.total_out);
  inflateEnd(&stream);
  EXPECT_EQ(inflated, text);
}

TEST(HttpUiAssetsTest, ContentTypes) {
  EXPECT_EQ(ContentTypeForPath("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("vendor/cytoscape.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeForPath("README"), "application/octet-stream");
}

TEST(HttpUiAssetsTest, PathsCannotLeaveTheUiDirectory) {
  EXPECT_TRUE(IsSafeAssetPath("app.js"));
  EXPECT_TRUE(IsSafeAssetPath("vendor/cytoscape.mjs"));
  EXPECT_FALSE(IsSafeAssetPath(""));
  EXPECT_FALSE(IsSafeAssetPath("../secret"));
  EXPECT_FALSE(IsSafeAssetPath("vendor/../../secret"));
  EXPECT_FALSE(IsSafeAssetPath("/etc/passwd"));
  EXPECT_FALSE(IsSafeAssetPath("./app.js"));
  EXPECT_FALSE(IsSafeAssetPath("vendor//x.js"));
  EXPECT_FALSE(IsSafeAssetPath("a\\b"));
  EXPECT_FALSE(IsSafeAssetPath(absl::string_view("a\0b", 3)));
}

TEST(HttpUiAssetsTest, BuiltInFilesIncludeThePagesAndTheGraphLibrary) {
  UiAssets assets("");
  std::optional<UiAsset> index = assets.Find("index.html");
  ASSERT_TRUE(index.has_value());
  EXPECT_NE(index->body.find("<script type=\"module\""), std::string::npos);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index->etag.rfind("W/\"", 0), 0u);
  std::optional<UiAsset> library = assets.Find("vendor/cytoscape.mjs");
  ASSERT_TRUE(library.has_value());
  EXPECT_GT(library->body.size(), 100000u);
  EXPECT_NE(library->etag, index->etag);
  EXPECT_FALSE(assets.Find("no-such.js").has_value());
  EXPECT_FALSE(assets.Find("../CMakeLists.txt").has_value());
}

TEST(HttpUiAssetsTest, UiDirWinsAndFallsBackToBuiltInFiles) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.Sub("vendor"));
  std::ofstream(dir.Sub("app.js")) << "console.log('dev');";
  // Binary-safe: bytes beyond text and NULs survive.
  const std::string binary("\x89PNG\0\xff", 6);
  std::ofstream(dir.Sub("logo.png"), std::ios::binary) << binary;
  UiAssets assets(dir.path());

  std::optional<UiAsset> app = assets.Find("app.js");
  ASSERT_TRUE(app.has_value());
  EXPECT_EQ(app->body, "console.log('dev');");
  std::optional<UiAsset> logo = assets.Find("logo.png");
  ASSERT_TRUE(logo.has_value());
  EXPECT_EQ(logo->body, binary);
  EXPECT_EQ(logo->content_type, "image/png");

  std::ofstream(dir.Sub("app.js")) << "console.log('changed');";
  EXPECT_NE(assets.Find("app.js")->etag, app->etag);

  std::optional<UiAsset> library = assets.Find("vendor/cytoscape-dagre.mjs");
  ASSERT_TRUE(library.has_value());
  EXPECT_GT(library->body.size(), 10000u);
}

}  // namespace
}  // namespace meshdex::http
