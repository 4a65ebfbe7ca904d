// Resource-document codec: reads and writes the YAML/JSON form of meshdex
// resources (DataProduct, later Policy). The document IS the protobuf JSON
// mapping of the message (lowerCamelCase names), so a document is parsed into a
// syntax tree, converted to JSON guided by the target message's descriptor and
// read with protobuf's JSON parser.
//
// Input is YAML (several documents separated by `---`, empty ones skipped) or
// JSON (an object, or an array of objects = several documents). Anchors,
// aliases and `<<` merge keys are resolved; duplicate keys are rejected; input
// size, nesting depth and node count are bounded so hostile input yields
// INVALID_ARGUMENT instead of exhausting the stack or memory.
//
// Thread-safety: all functions are pure; a ResourceDocument is immutable and
// may be shared between threads. No function throws.

#ifndef MESHDEX_PROTO_DOCUMENT_H_
#define MESHDEX_PROTO_DOCUMENT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace meshdex::document {

namespace internal {
// Syntax-tree node of a parsed document; defined in document.cc.
struct Node;
}  // namespace internal

// Limits applied by ParseDocuments.
inline constexpr std::size_t kDefaultMaxInputBytes = 8 << 20;
// Collections (mappings and sequences) nested deeper than this are rejected,
// also when the nesting comes from expanding aliases.
inline constexpr int kMaxNestingDepth = 64;
// Scalars, mappings and sequences in one input, to bound memory.
inline constexpr std::size_t kMaxNodes = 1 << 20;
// A YAML flow collection (`[...]` or `{...}`) longer than this is rejected:
// yaml-cpp buffers a whole flow collection before parsing it, at ~200 bytes of
// memory per input byte. JSON input is not affected.
inline constexpr std::size_t kMaxYamlFlowBytes = 256 << 10;

struct ParseOptions {
  std::size_t max_input_bytes = kDefaultMaxInputBytes;
};

// One resource document of an input.
struct ResourceDocument {
  // 0-based position among the documents ParseDocuments returned. Messages
  // number documents from 1 (index 0 is "document 1"), as the CLI does.
  int index = 0;
  // Value of `kind` ("" when absent).
  std::string kind;
  // Value of `apiVersion` ("" when absent).
  std::string api_version;
  // The document as compact JSON, typed the way plain YAML reads without a
  // schema: a plain scalar that is a JSON literal (a number exactly as
  // written, true/false, null) keeps that type, every other scalar is a
  // string (a number beyond a double's range too). For logs and for
  // transports that forward JSON; ToMessage reads `root` and only falls back
  // to parsing this text when `root` is null.
  std::string json;
  // The parsed tree ToMessage reads; keeps every scalar's text as written.
  std::shared_ptr<const internal::Node> root;
};

// Splits YAML or JSON text into documents. Returns INVALID_ARGUMENT, naming the
// document ("document 2: ...") and the line/column, for syntax errors, input
// larger than options.max_input_bytes, nesting deeper than kMaxNestingDepth,
// more than kMaxNodes nodes, duplicate keys, and documents that are not
// mappings. Empty input yields zero documents.
absl::StatusOr<std::vector<ResourceDocument>> ParseDocuments(
    std::string_view text, const ParseOptions& options = {});

// Replaces `*message` with the content of `doc`, converting the tree guided by
// the message's descriptor and then parsing it with protobuf's JSON parser
// (unknown fields are errors):
//  - string fields take a scalar's text exactly as written (`version: 1.10`
//    is "1.10", `name: 0123` is "0123");
//  - bool fields take true/false; integer and floating-point fields take
//    numbers (also quoted, as in the protobuf JSON mapping; `.inf`/`.nan` too);
//    enum fields take a value name or number;
//  - repeated fields need sequences, maps and messages need mappings,
//    google.protobuf.Timestamp/Duration need RFC 3339 / "1.5s" strings;
//  - fields may be named in lowerCamelCase or snake_case; null means absent;
//  - top-level `apiVersion`/`kind` are skipped when the message lacks them;
//  - Kubernetes object metadata (a document may be a custom resource of the
//    deploy/k8s CRDs): in a meshdex.v1.ObjectMeta, `namespace` is read as
//    `domain` when no domain is given (a different domain is an error), and
//    the fields the Kubernetes API server sets (annotations, uid,
//    resourceVersion, generation, creationTimestamp, deletionTimestamp,
//    deletionGracePeriodSeconds, managedFields, finalizers, ownerReferences,
//    generateName, selfLink) are ignored.
// Errors are INVALID_ARGUMENT naming the path in lowerCamelCase with [i]
// indices, e.g. `spec.outputPorts[0].adress: unknown field "adress"`, followed
// by the line and column when known.
absl::Status ToMessage(const ResourceDocument& doc,
                       google::protobuf::Message* message);

// Pretty JSON (2-space indent, trailing newline) from protobuf's JSON printer:
// lowerCamelCase names, fields left at their default value omitted. If the
// printer fails (only for values outside the JSON mapping, such as a Timestamp
// beyond year 9999) the result is `{"error": "<reason>"}`.
std::string ToJson(const google::protobuf::Message& message);

// Block-style YAML with the same content and field order as ToJson. Strings are
// quoted only when plain YAML would read them as something else (numbers,
// booleans, null, leading indicators...); multi-line strings use literal
// blocks; 64-bit integers are written as plain numbers. ParseDocuments +
// ToMessage read the result back into an equal message.
std::string ToYaml(const google::protobuf::Message& message);

}  // namespace meshdex::document

#endif  // MESHDEX_PROTO_DOCUMENT_H_
