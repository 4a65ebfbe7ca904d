// meshdex-crdgen: writes the Kubernetes CustomResourceDefinitions of the
// meshdex resources (DataProduct, Policy) from the .proto files themselves, so
// the CRD schema cannot drift from the messages meshdexd parses.
//
//   meshdex-crdgen --descriptor_set=FILE --out_dir=DIR
//
// FILE is a FileDescriptorSet written by `protoc --include_imports
// --include_source_info --descriptor_set_out` (source info gives the field
// comments, which become the schema descriptions `kubectl explain` shows).
// One file per resource is written to DIR (crd-<plural>.yaml). The output is
// deterministic: the build regenerates it and a test diffs it against the
// committed copies in deploy/k8s/.
//
// Mapping (the protobuf JSON mapping, which is what a document is): field
// names are the JSON (lowerCamelCase) names; strings, bools and numbers map to
// their OpenAPI types (64-bit integers as integer/int64), enums to strings
// listing the value names, repeated fields to arrays, map<string,V> to objects
// with additionalProperties, google.protobuf.Timestamp to date-time strings.
// `metadata` is left to Kubernetes (a CRD may not constrain it beyond
// name/generateName); meshdex's own metadata rules are checked on apply.
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "yaml-cpp/yaml.h"

ABSL_FLAG(std::string, descriptor_set, "", "FileDescriptorSet of proto/meshdex/v1 (with imports and source info).");
ABSL_FLAG(std::string, out_dir, "", "Directory the CRD files are written to.");

namespace meshdex::crdgen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::SourceLocation;

constexpr char kGroup[] = "meshdex.io";
constexpr char kVersion[] = "v1";

// One custom resource: the message and its Kubernetes names.
struct Resource {
  std::string message;  // full proto name
  std::string kind;
  std::string plural;
  std::vector<std::string> short_names;
  // Columns `kubectl get` prints besides NAME and AGE: {name, JSON path}.
  std::vector<std::pair<std::string, std::string>> columns;
  // Whether the resource has a server-computed `status` (a status
  // subresource, so `kubectl apply` of a spec never overwrites it).
  bool has_status = false;
};

// The comment above (or after) a declaration, as one line of prose.
std::string Description(const SourceLocation& location) {
  std::string text = location.leading_comments.empty() ? location.trailing_comments
                                                       : location.leading_comments;
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    lines.emplace_back(absl::StripAsciiWhitespace(line));
  }
  return absl::StrJoin(lines, " ");
}

template <typename D>
void AddDescription(const D& descriptor, YAML::Node& schema) {
  SourceLocation location;
  if (!descriptor.GetSourceLocation(&location)) return;
  if (std::string description = Description(location); !description.empty()) {
    schema["description"] = description;
  }
}

YAML::Node MessageSchema(const Descriptor& message);

// The schema of one value of `field` (an element, for repeated fields).
YAML::Node ValueSchema(const FieldDescriptor& field) {
  YAML::Node schema;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      schema["type"] = "string";
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      schema["type"] = "boolean";
      break;
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_UINT32:
      schema["type"] = "integer";
      schema["format"] = "int32";
      break;
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      schema["type"] = "integer";
      schema["format"] = "int64";
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE:
      schema["type"] = "number";
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      schema["type"] = "string";
      for (int i = 0; i < field.enum_type()->value_count(); ++i) {
        schema["enum"].push_back(field.enum_type()->value(i)->name());
      }
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (field.message_type()->full_name() == "google.protobuf.Timestamp") {
        schema["type"] = "string";
        schema["format"] = "date-time";
      } else {
        schema = MessageSchema(*field.message_type());
      }
      break;
  }
  return schema;
}

YAML::Node FieldSchema(const FieldDescriptor& field) {
  YAML::Node schema;
  AddDescription(field, schema);
  if (field.is_map()) {
    schema["type"] = "object";
    schema["additionalProperties"] = ValueSchema(*field.message_type()->map_value());
  } else if (field.is_repeated()) {
    schema["type"] = "array";
    schema["items"] = ValueSchema(field);
  } else {
    for (const auto& entry : ValueSchema(field)) {
      // A message's own description yields to the field's.
      if (schema[entry.first.as<std::string>()]) continue;
      schema[entry.first.as<std::string>()] = entry.second;
    }
  }
  return schema;
}

YAML::Node MessageSchema(const Descriptor& message) {
  YAML::Node schema;
  AddDescription(message, schema);
  schema["type"] = "object";
  YAML::Node properties(YAML::NodeType::Map);
  for (int i = 0; i < message.field_count(); ++i) {
    properties[message.field(i)->json_name()] = FieldSchema(*message.field(i));
  }
  schema["properties"] = properties;
  return schema;
}

// The resource's top-level schema: apiVersion/kind/metadata as Kubernetes
// wants them, every other field from the message.
YAML::Node ResourceSchema(const Descriptor& message) {
  YAML::Node schema = MessageSchema(message);
  YAML::Node properties = schema["properties"];
  properties["metadata"] = YAML::Node(YAML::NodeType::Map);
  properties["metadata"]["type"] = "object";
  schema["required"].push_back("spec");
  return schema;
}

YAML::Node Crd(const Resource& resource, const Descriptor& message) {
  YAML::Node crd;
  crd["apiVersion"] = "apiextensions.k8s.io/v1";
  crd["kind"] = "CustomResourceDefinition";
  crd["metadata"]["name"] = absl::StrCat(resource.plural, ".", kGroup);
  crd["metadata"]["annotations"]["meshdex.io/generated-from"] =
      absl::StrCat(message.file()->name(), " ", message.full_name(), " by meshdex-crdgen");
  YAML::Node spec = crd["spec"];
  spec["group"] = kGroup;
  spec["scope"] = "Namespaced";
  spec["names"]["kind"] = resource.kind;
  spec["names"]["listKind"] = absl::StrCat(resource.kind, "List");
  spec["names"]["plural"] = resource.plural;
  spec["names"]["singular"] = absl::AsciiStrToLower(resource.kind);
  for (const std::string& short_name : resource.short_names) {
    spec["names"]["shortNames"].push_back(short_name);
  }
  spec["names"]["categories"].push_back("meshdex");
  YAML::Node version;
  version["name"] = kVersion;
  version["served"] = true;
  version["storage"] = true;
  version["schema"]["openAPIV3Schema"] = ResourceSchema(message);
  if (resource.has_status) version["subresources"]["status"] = YAML::Node(YAML::NodeType::Map);
  for (const auto& [name, path] : resource.columns) {
    YAML::Node column;
    column["name"] = name;
    column["type"] = "string";
    column["jsonPath"] = path;
    version["additionalPrinterColumns"].push_back(column);
  }
  spec["versions"].push_back(version);
  return crd;
}

absl::StatusOr<const DescriptorPool*> LoadPool(const std::string& path, DescriptorPool& pool) {
  std::ifstream in(path, std::ios::binary);
  google::protobuf::FileDescriptorSet files;
  if (!in || !files.ParseFromIstream(&in)) {
    return absl::InvalidArgumentError(absl::StrCat("--descriptor_set: cannot read ", path));
  }
  for (const google::protobuf::FileDescriptorProto& file : files.file()) {
    if (pool.BuildFile(file) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("--descriptor_set: bad file ", file.name()));
    }
  }
  return &pool;
}

absl::Status Run() {
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) return absl::InvalidArgumentError("--out_dir is required");
  DescriptorPool pool;
  absl::StatusOr<const DescriptorPool*> loaded = LoadPool(absl::GetFlag(FLAGS_descriptor_set), pool);
  if (!loaded.ok()) return loaded.status();
  const std::vector<Resource> resources = {
      {"meshdex.v1.DataProduct", "DataProduct", "dataproducts", {"dp"},
       {{"Title", ".spec.title"}, {"Version", ".spec.version"}, {"Lifecycle", ".spec.lifecycle"}},
       true},
      {"meshdex.v1.Policy", "Policy", "policies", {"mdpolicy"},
       {{"Enforcement", ".spec.enforcement"}}, false},
  };
  for (const Resource& resource : resources) {
    const Descriptor* message = pool.FindMessageTypeByName(resource.message);
    if (message == nullptr) {
      return absl::NotFoundError(absl::StrCat(resource.message, " is not in the descriptor set"));
    }
    YAML::Emitter out;
    out.SetIndent(2);
    out << Crd(resource, *message);
    const std::string path = absl::StrCat(out_dir, "/crd-", resource.plural, ".yaml");
    std::ofstream file(path, std::ios::trunc);
    file << "# Generated from " << message->file()->name()
         << " by meshdex-crdgen (deploy/crdgen); do not edit.\n"
         << "# Regenerate: cmake --build <build dir> --target update-crds\n"
         << out.c_str() << "\n";
    if (!file.good()) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace meshdex::crdgen

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes the meshdex CRDs.\nUsage: meshdex-crdgen --descriptor_set=FILE --out_dir=DIR");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = meshdex::crdgen::Run(); !status.ok()) {
    std::cerr << "meshdex-crdgen: " << status << "\n";
    return 1;
  }
  return 0;
}
