// Fuzz target: a resource document as a user or a transport would send it —
// YAML/JSON text -> documents -> DataProduct -> validation -> address claims.
// Any input must yield OK or an error status; never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proto/document.h"
#include "server/catalog/address.h"
#include "server/catalog/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<meshdex::document::ResourceDocument>> documents =
      meshdex::document::ParseDocuments(text);
  if (!documents.ok()) return 0;
  for (const meshdex::document::ResourceDocument& doc : *documents) {
    meshdex::v1::DataProduct product;
    if (!meshdex::document::ToMessage(doc, &product).ok()) continue;
    // Whatever parsed must render and parse back.
    meshdex::document::ToYaml(product);
    meshdex::document::ToJson(product);
    if (!meshdex::catalog::ValidateProduct(product).ok()) continue;
    for (const meshdex::v1::Port& port : product.spec().output_ports()) {
      (void)meshdex::catalog::PortDataset(port);
    }
  }
  return 0;
}
