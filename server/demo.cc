#include "server/demo.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "proto/document.h"
#include "server/demo_files.h"
#include "server/demo_lineage.h"

namespace meshdex::server {

namespace {

// Applies every demo document of `kind` with `apply`, which takes the
// document and returns the error of a rejected one.
absl::StatusOr<int> ApplyDemoDocuments(
    absl::string_view kind,
    const std::function<absl::Status(const document::ResourceDocument&)>& apply) {
  int applied = 0;
  for (const DemoFile& file : kDemoFiles) {
    absl::StatusOr<std::vector<document::ResourceDocument>> documents =
        document::ParseDocuments(std::string_view(file.content.data(), file.content.size()));
    if (!documents.ok()) {
      return absl::InternalError(absl::StrCat("demo ", file.name, ": ", documents.status().message()));
    }
    for (const document::ResourceDocument& doc : *documents) {
      if (doc.kind != kind) continue;
      if (absl::Status status = apply(doc); !status.ok()) {
        return absl::InternalError(absl::StrCat("demo ", file.name, ": ", status.message()));
      }
      ++applied;
    }
  }
  return applied;
}

}  // namespace

absl::StatusOr<DemoLoad> LoadDemoMesh(catalog::Catalog& catalog,
                                      governance::Governance& governance) {
  DemoLoad load;
  absl::StatusOr<int> policies =
      ApplyDemoDocuments("Policy", [&](const document::ResourceDocument& doc) {
        meshdex::v1::ApplyPolicyRequest request;
        if (absl::Status status = document::ToMessage(doc, request.mutable_policy()); !status.ok()) {
          return status;
        }
        return governance.ApplyPolicy(request).status();
      });
  if (!policies.ok()) return policies.status();
  load.policies = *policies;
  absl::StatusOr<int> products =
      ApplyDemoDocuments("DataProduct", [&](const document::ResourceDocument& doc) {
        meshdex::v1::ApplyProductRequest request;
        if (absl::Status status = document::ToMessage(doc, request.mutable_product());
            !status.ok()) {
          return status;
        }
        return catalog.ApplyProduct(request).status();
      });
  if (!products.ok()) return products.status();
  load.products = *products;
  return load;
}

absl::StatusOr<int> LoadDemoLineage(const catalog::Catalog& catalog, lineage::Lineage& lineage,
                                    absl::Time now) {
  meshdex::v1::ListProductsRequest request;
  request.set_page_size(catalog::Catalog::kMaxPageSize);
  absl::StatusOr<meshdex::v1::ListProductsResponse> listed = catalog.ListProducts(request);
  if (!listed.ok()) return listed.status();
  const std::vector<meshdex::v1::DataProduct> products(listed->products().begin(),
                                                       listed->products().end());
  const std::vector<std::string> events = DemoLineageEvents(products, now);
  lineage::Lineage::IngestStream stream = lineage.StartIngest();
  for (const std::string& event : events) {
    if (!stream.Add(event)) break;
  }
  absl::StatusOr<meshdex::v1::IngestEventsResponse> response = stream.Finish();
  if (!response.ok()) return response.status();
  if (response->has_rejected_index()) {
    return absl::InternalError(absl::StrCat("demo lineage event ", response->rejected_index(),
                                            " rejected: ", response->rejected_reason()));
  }
  return static_cast<int>(response->accepted());
}

}  // namespace meshdex::server
