// Fuzz target: a resource document as a user or a transport would send it —
// YAML/JSON text -> documents -> DataProduct -> validation -> address claims.
// Any input must yield OK or an error status; never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proto/document.h"
#include "server/catalog/address.h"
#include "server/catalog/validation.h"
#include "tests/fuzz/fuzz_documents.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const meshdex::v1::DataProduct& product :
       meshdex::fuzzing::MessagesIn<meshdex::v1::DataProduct>(text)) {
    // Whatever parsed must render.
    meshdex::document::ToYaml(product);
    meshdex::document::ToJson(product);
    if (!meshdex::catalog::ValidateProduct(product).ok()) continue;
    for (const meshdex::v1::Port& port : product.spec().output_ports()) {
      (void)meshdex::catalog::PortDataset(port);
    }
  }
  return 0;
}
