#include "server/demo.h"

#include "absl/strings/str_cat.h"
#include "proto/document.h"
#include "server/demo_files.h"

namespace meshdex::server {

absl::StatusOr<int> LoadDemoMesh(catalog::Catalog& catalog) {
  int applied = 0;
  for (const DemoFile& file : kDemoFiles) {
    absl::StatusOr<std::vector<document::ResourceDocument>> documents =
        document::ParseDocuments(std::string_view(file.content.data(), file.content.size()));
    if (!documents.ok()) {
      return absl::InternalError(absl::StrCat("demo ", file.name, ": ", documents.status().message()));
    }
    for (const document::ResourceDocument& doc : *documents) {
      meshdex::v1::ApplyProductRequest request;
      if (absl::Status status = document::ToMessage(doc, request.mutable_product()); !status.ok()) {
        return absl::InternalError(absl::StrCat("demo ", file.name, ": ", status.message()));
      }
      absl::StatusOr<meshdex::v1::ApplyProductResponse> response = catalog.ApplyProduct(request);
      if (!response.ok()) {
        return absl::InternalError(absl::StrCat("demo ", file.name, ": ", response.status().message()));
      }
      ++applied;
    }
  }
  return applied;
}

}  // namespace meshdex::server
