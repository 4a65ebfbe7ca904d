// Bitol ODPS (Open Data Product Standard) -> DataProduct.
//
//   domain | tenant -> metadata.domain (slug);  name | id -> metadata.name (slug)
//   name -> spec.title;  version -> spec.version;  status -> spec.lifecycle
//   id -> source-id label;  description{purpose,usage,limitations} -> spec.description
//   team (owner role) -> spec.owner;  support email -> owner.email fallback
//   tags -> spec.tags;  authoritativeDefinitions -> spec.links
//   outputPorts[i] / inputPorts[i] -> spec.outputPorts / inputPorts: name (repeats of
//     one name, i.e. versions of a port, get -2, -3...), description, kind from
//     type (tables -> sql, topic -> kafka...), dataset odcs / contractId (the ODCS
//     contract the port serves, also what an imported ODCS contract is labelled with)
//   managementPorts, customProperties, sbom, inputContracts -> unmapped
#include <optional>

#include "absl/strings/str_cat.h"
#include "server/interop/mappers.h"
#include "server/interop/product_builder.h"

namespace meshdex::interop {
namespace {

class OdpsMapper {
 public:
  OdpsMapper(const Json& document, const ImportOptions& options)
      : document_(document), builder_(Format::kOdps, options) {}

  absl::StatusOr<ImportResult> Map() && {
    const std::string id = Text(Field(document_, "id"));
    const std::string name = Text(Field(document_, "name"));
    absl::Status identity = builder_.SetIdentity(
        {{"domain", Text(Field(document_, "domain"))}, {"tenant", Text(Field(document_, "tenant"))}},
        {{"name", name}, {"id", id}}, {{"version", Text(Field(document_, "version"))}});
    if (!identity.ok()) return identity;
    builder_.SetSourceId(id);
    builder_.SetTitle(name);
    builder_.MapBitolHeader(document_);
    MapPorts(Field(document_, "outputPorts"), "outputPorts", /*output=*/true);
    MapPorts(Field(document_, "inputPorts"), "inputPorts", /*output=*/false);
    builder_.record().OtherKeys(document_, "",
                                {"apiVersion", "kind", "id", "name", "version", "status",
                                 "domain", "tenant", "description", "team", "support", "tags",
                                 "authoritativeDefinitions", "outputPorts", "inputPorts"});
    return std::move(builder_).Finish();
  }

 private:
  void MapPorts(const Json& ports, const std::string& path, bool output) {
    if (!ports.is_array()) return;
    meshdex::v1::DataProductSpec& spec = builder_.spec();
    for (size_t i = 0; i < ports.size(); ++i) {
      const Json& source = ports[i];
      const std::string port_path = absl::StrCat(path, "[", i, "]");
      const std::string meshdex_path =
          absl::StrCat(output ? "spec.outputPorts[" : "spec.inputPorts[", i, "]");
      meshdex::v1::Port& port = output ? *spec.add_output_ports() : *spec.add_input_ports();
      const std::string contract_id = Text(Field(source, "contractId"));
      port.set_name(builder_.UniquePortName(Text(Field(source, "name")), contract_id,
                                            Join(port_path, "name"), output));
      port.set_description(Text(Field(source, "description")));
      const std::string type = Text(Field(source, "type"));
      std::optional<std::string> kind = PortKindOf(type);
      if (!kind.has_value()) {
        kind = output ? "sql" : "api";
        builder_.record().Derived(absl::StrCat(meshdex_path, ".kind: \"", *kind, "\" (", port_path,
                                               type.empty() ? " has no type)"
                                                            : " type \"" + type + "\" is unknown)"));
      }
      port.set_kind(*kind);
      if (!contract_id.empty()) {
        port.mutable_dataset()->set_namespace_("odcs");
        port.mutable_dataset()->set_name(contract_id);
      } else if (output) {
        // The contract id is what names the dataset; without one, the product does.
        builder_.DeriveDataset("", port.name(), static_cast<int>(i),
                               absl::StrCat(port_path, " names no contractId"), port);
      }
      builder_.record().OtherKeys(source, absl::StrCat(path, "[*]"),
                                  {"name", "description", "type", "contractId"});
    }
  }

  const Json& document_;
  ProductBuilder builder_;
};

}  // namespace

absl::StatusOr<ImportResult> ImportOdps(const Json& document, const ImportOptions& options) {
  const std::string kind = Text(Field(document, "kind"));
  if (kind != "DataProduct") {
    return absl::InvalidArgumentError(absl::StrCat(
        "kind: ", kind.empty() ? "missing" : "\"" + kind + "\"", ", an ODPS document has kind DataProduct"));
  }
  return OdpsMapper(document, options).Map();
}

}  // namespace meshdex::interop
