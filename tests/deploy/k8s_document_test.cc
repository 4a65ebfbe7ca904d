// Kubernetes custom resources as meshdex documents: the document codec
// (proto/document.h, shared by meshdexctl apply and the HTTP gateway) reads
// metadata.namespace as the domain and ignores the metadata the Kubernetes
// API server adds, so the YAML a domain team gives `kubectl apply` (and what
// `kubectl get -o yaml` prints) is also a valid `meshdexctl apply` input.
#include <string>

#include "gtest/gtest.h"
#include "meshdex/v1/resources.pb.h"
#include "proto/document.h"

namespace meshdex {
namespace {

absl::StatusOr<meshdex::v1::DataProduct> ReadProduct(const std::string& yaml) {
  absl::StatusOr<std::vector<document::ResourceDocument>> docs = document::ParseDocuments(yaml);
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1) return absl::InvalidArgumentError("want one document");
  meshdex::v1::DataProduct product;
  if (absl::Status status = document::ToMessage(docs->front(), &product); !status.ok()) return status;
  return product;
}

constexpr char kSpec[] = R"(spec:
  title: Shipments
  version: 1.0.0
  outputPorts:
    - {name: events, kind: kafka, address: "kafka://broker:9092/shipments"}
)";

TEST(K8sDocumentTest, NamespaceIsTheDomainWhenNoDomainIsGiven) {
  absl::StatusOr<meshdex::v1::DataProduct> product = ReadProduct(std::string(R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  name: shipments
  namespace: logistics
  labels: {tier: gold}
)") + kSpec);
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->metadata().domain(), "logistics");
  EXPECT_EQ(product->metadata().name(), "shipments");
  EXPECT_EQ(product->metadata().labels().at("tier"), "gold");
}

TEST(K8sDocumentTest, NamespaceEqualToTheDomainIsAccepted) {
  absl::StatusOr<meshdex::v1::DataProduct> product = ReadProduct(
      std::string("metadata: {name: shipments, namespace: logistics, domain: logistics}\n") + kSpec);
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->metadata().domain(), "logistics");
}

TEST(K8sDocumentTest, NamespaceDifferentFromTheDomainIsRejectedWithThePath) {
  absl::StatusOr<meshdex::v1::DataProduct> product = ReadProduct(
      std::string("metadata: {domain: logistics, name: shipments, namespace: sales}\n") + kSpec);
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(product.status().message().find("metadata.namespace: \"sales\" differs from "
                                            "metadata.domain \"logistics\""),
            std::string::npos)
      << product.status();
}

// What `kubectl get dataproduct shipments -o yaml` prints: the API server's
// metadata and a status subresource.
TEST(K8sDocumentTest, KubectlGetOutputIsAccepted) {
  absl::StatusOr<meshdex::v1::DataProduct> product = ReadProduct(std::string(R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"meshdex.io/v1","kind":"DataProduct"}
  creationTimestamp: "2026-11-26T01:00:00Z"
  generation: 3
  name: shipments
  namespace: logistics
  resourceVersion: "81234"
  uid: 0b5e3a5e-8a47-4d6b-9f2c-1b7d3c1e2f00
  finalizers: [meshdex.io/catalog]
  managedFields:
    - {apiVersion: meshdex.io/v1, fieldsType: FieldsV1, manager: kubectl, operation: Update}
  ownerReferences: []
status:
  governance: {score: 1}
)") + kSpec);
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->metadata().domain(), "logistics");
  EXPECT_EQ(product->spec().output_ports(0).address(), "kafka://broker:9092/shipments");
}

// Only the API server's fields are ignored: a misspelt meshdex field is
// still an error naming its path.
TEST(K8sDocumentTest, UnknownMetadataFieldsStillFail) {
  absl::StatusOr<meshdex::v1::DataProduct> product = ReadProduct(
      std::string("metadata: {domain: logistics, name: shipments, lables: {a: b}}\n") + kSpec);
  ASSERT_FALSE(product.ok());
  EXPECT_NE(product.status().message().find("metadata.lables: unknown field"), std::string::npos)
      << product.status();
}

// Kubernetes-only keys are metadata keys, not keys anywhere.
TEST(K8sDocumentTest, KubernetesKeysOutsideMetadataStillFail) {
  absl::StatusOr<meshdex::v1::DataProduct> product =
      ReadProduct(std::string("metadata: {domain: logistics, name: shipments}\n") + kSpec +
                  "  annotations: {a: b}\n");
  ASSERT_FALSE(product.ok());
  EXPECT_NE(product.status().message().find("spec.annotations: unknown field"), std::string::npos)
      << product.status();
}

TEST(K8sDocumentTest, PolicyNamespaceIsItsDomain) {
  absl::StatusOr<std::vector<document::ResourceDocument>> docs = document::ParseDocuments(
      "apiVersion: meshdex.io/v1\nkind: Policy\nmetadata: {name: needs-owner, namespace: sales, "
      "uid: x}\nspec: {enforcement: warn, rules: [{path: spec.owner.team, require: true}]}\n");
  ASSERT_TRUE(docs.ok()) << docs.status();
  meshdex::v1::Policy policy;
  ASSERT_TRUE(document::ToMessage(docs->front(), &policy).ok());
  EXPECT_EQ(policy.metadata().domain(), "sales");
}

}  // namespace
}  // namespace meshdex
