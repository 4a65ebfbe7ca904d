// Fuzz target: a foreign descriptor as `meshdexctl import` or POST /v1/import
// would send it — YAML/JSON text through the format detection (auto) and every
// import mapper (ODCS, DPDS, ODPS, Data Contract Specification), then
// validation and the ODCS export.
// Any input must yield a product or an error status; never a crash, a hang or
// a leak. And a property: a mapped product the catalog accepts exports to an
// ODCS contract that imports again.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/catalog/validation.h"
#include "server/interop/interop.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using meshdex::interop::Format;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (Format format :
       {Format::kAuto, Format::kOdcs, Format::kDpds, Format::kOdps, Format::kDataContract}) {
    absl::StatusOr<meshdex::interop::ImportResult> imported =
        meshdex::interop::ImportDescriptor(format, text, {.domain = "fuzz"});
    if (imported.status().code() == absl::StatusCode::kInternal) {
      // A mapper threw (ImportDescriptor turns that into INTERNAL): a bug.
      std::fprintf(stderr, "%s\n", std::string(imported.status().message()).c_str());
      std::abort();
    }
    if (!imported.ok() || !meshdex::catalog::ValidateProduct(imported->product).ok()) continue;
    const meshdex::interop::ExportResult exported = meshdex::interop::ExportOdcs(imported->product);
    absl::StatusOr<meshdex::interop::ImportResult> again =
        meshdex::interop::ImportDescriptor(Format::kOdcs, exported.content);
    if (!again.ok()) {
      std::fprintf(stderr, "the ODCS export of a valid %s import does not import: %s\n%s\n",
                   meshdex::interop::FormatName(format).c_str(),
                   std::string(again.status().message()).c_str(), exported.content.c_str());
      std::abort();
    }
  }
  return 0;
}
