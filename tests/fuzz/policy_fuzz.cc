// Fuzz target: a governance policy as a user would apply it — YAML/JSON text
// -> documents -> Policy -> ValidatePolicy -> PolicySet::Compile -> Evaluate
// against two fixed products (a full production one, a bare draft).
// Any input must yield OK or INVALID_ARGUMENT; a policy ValidatePolicy accepts
// must compile; never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "proto/document.h"
#include "server/governance/policy_engine.h"
#include "tests/fuzz/fuzz_documents.h"

namespace {

// Lists, maps, nested wildcards and absent values for rule paths to reach.
constexpr std::string_view kProducts = R"(
apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  domain: sales
  name: customers
  labels: {tier: gold, data-residency: eu}
spec:
  title: Customer Master Data
  description: The golden record of every customer.
  owner: {team: sales-crm, email: crm-data@example.com}
  version: 5.0.1
  lifecycle: production
  tags: [customers, crm, gdpr]
  glossaryTerms: [Customer, Consent]
  outputPorts:
    - name: table
      kind: sql
      address: postgres://pg.sales:5432/sales.crm.customers
      format: table
      schema:
        fields:
          - {name: customer_id, type: varchar(36), required: true}
          - {name: email, type: text, required: true, classification: pii}
          - {name: phone, type: text}
      slo: {freshnessSeconds: 3600, availabilityPercent: 99.9}
    - name: Events
      kind: kafka
      address: kafka://broker:9092/sales.customers
      format: avro
  inputPorts:
    - {name: signups, kind: api, address: https://shop.example.com/api/v2/accounts}
  links: {repository: https://git.example.com/sales/customer-master}
---
apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: logistics, name: draft}
spec: {title: "", lifecycle: draft}
)";

std::vector<meshdex::v1::DataProduct>* products = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  products = new std::vector<meshdex::v1::DataProduct>;
  auto documents = meshdex::document::ParseDocuments(kProducts);
  if (!documents.ok()) std::abort();
  for (const meshdex::document::ResourceDocument& doc : *documents) {
    if (!meshdex::document::ToMessage(doc, &products->emplace_back()).ok()) std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const meshdex::v1::Policy& policy : meshdex::fuzzing::MessagesIn<meshdex::v1::Policy>(text)) {
    meshdex::document::ToYaml(policy);
    absl::Status valid = meshdex::governance::ValidatePolicy(policy);
    if (!valid.ok()) {
      if (valid.code() != absl::StatusCode::kInvalidArgument) std::abort();
      continue;
    }
    auto set = meshdex::governance::PolicySet::Compile({policy});
    if (!set.ok()) {
      std::fprintf(stderr, "valid policy does not compile: %s\n", set.status().ToString().c_str());
      std::abort();
    }
    for (const meshdex::v1::DataProduct& product : *products) {
      meshdex::governance::Evaluation evaluation = (*set)->Evaluate(product);
      const double score = evaluation.score();
      if (!(score >= 0.0 && score <= 1.0)) std::abort();
      evaluation.ToStatus();
    }
  }
  return 0;
}
