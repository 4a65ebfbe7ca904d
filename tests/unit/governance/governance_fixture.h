// Helpers of the governance tests: resources written as YAML and read through
// the document codec, as the server reads them.
#ifndef MESHDEX_TESTS_UNIT_GOVERNANCE_GOVERNANCE_FIXTURE_H_
#define MESHDEX_TESTS_UNIT_GOVERNANCE_GOVERNANCE_FIXTURE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"
#include "proto/document.h"

namespace meshdex::governance::testing {

// The single document of `yaml` as a message; a test failure when it does not parse.
template <typename Message>
Message FromYaml(std::string_view yaml) {
  Message message;
  absl::StatusOr<std::vector<document::ResourceDocument>> documents =
      document::ParseDocuments(yaml);
  if (!documents.ok() || documents->size() != 1) {
    ADD_FAILURE() << "bad fixture: " << documents.status() << "\n" << yaml;
    return message;
  }
  const absl::Status status = document::ToMessage(documents->front(), &message);
  if (!status.ok()) ADD_FAILURE() << "bad fixture: " << status << "\n" << yaml;
  return message;
}

// The DESIGN.md section 2 example product, plus a second output port.
inline constexpr char kShipmentsYaml[] = R"yaml(
apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  domain: logistics
  name: shipments
  labels: {tier: gold, replicas: "3"}
spec:
  title: Shipments
  description: Every parcel movement, as events, within 5 minutes.
  owner: {team: logistics-core, email: logistics@example.com}
  version: 1.4.0
  lifecycle: production
  tags: [shipping, events]
  glossaryTerms: [Shipment]
  outputPorts:
    - name: events
      kind: kafka
      address: kafka://broker.logistics:9092/logistics.shipments.v1
      format: avro
      schema:
        fields:
          - {name: shipment_id, type: string, required: true, description: Parcel id.}
          - {name: customer_email, type: string, classification: pii}
          - {name: status, type: string, classification: internal}
      slo: {freshnessSeconds: 900, availabilityPercent: 99.9}
    - name: daily
      kind: s3
      address: s3://logistics-lake/shipments/daily/
      format: parquet
      schema:
        fields:
          - {name: day, type: date}
  links: {repository: https://git.example.com/logistics/shipments}
)yaml";

inline meshdex::v1::DataProduct Shipments() {
  return FromYaml<meshdex::v1::DataProduct>(kShipmentsYaml);
}

// (path, message) of each violation, for compact expectations.
inline std::vector<std::pair<std::string, std::string>> PathsAndMessages(
    const std::vector<meshdex::v1::Violation>& violations) {
  std::vector<std::pair<std::string, std::string>> result;
  for (const meshdex::v1::Violation& violation : violations) {
    result.emplace_back(violation.path(), violation.message());
  }
  return result;
}

}  // namespace meshdex::governance::testing

#endif  // MESHDEX_TESTS_UNIT_GOVERNANCE_GOVERNANCE_FIXTURE_H_
