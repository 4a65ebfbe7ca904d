// Open Data Mesh DPDS (Data Product Descriptor Specification) -> DataProduct.
//
//   info.domain                    -> metadata.domain (slug)
//   info.name | fullyQualifiedName -> metadata.name (slug; the FQN's name segment)
//   info.version -> spec.version;  info.displayName|name -> spec.title
//   info.description -> spec.description;  info.fullyQualifiedName -> source-id label
//   info.owner{id,name}            -> spec.owner (id when an email, name as team)
//   tags -> spec.tags
//   interfaceComponents.outputPorts[i] / inputPorts[i] -> spec.outputPorts / inputPorts:
//     name, description; kind from promises.api.specification (asyncapi -> its
//     protocol, datastoreapi -> sql, openapi -> api) or platform/serviceType;
//     address from the inlined API definition (AsyncAPI production server +
//     first channel, DatastoreAPI production host + database.schema.table,
//     OpenAPI first server url), else an explicit dataset dpds / port FQN;
//     schema fields from an inline DatastoreAPI table definition (columns) or
//     AsyncAPI message payload (JSON Schema properties or Avro fields);
//     promises.slo.definition x-qualitySlo.freshness / x-operationalSlo.availability -> slo
//   observability/discovery/control ports, internalComponents -> unmapped
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/catalog/address.h"
#include "server/interop/mappers.h"
#include "server/interop/product_builder.h"

namespace meshdex::interop {
namespace {

using meshdex::v1::Port;

// The entry named `preferred` of an object, else its first entry; null when empty.
const Json& PreferredEntry(const Json& object, std::string_view preferred) {
  const Json& named = Field(object, preferred);
  if (!named.is_null()) return named;
  if (object.is_object() && !object.empty()) return object.begin().value();
  return Field(Json(), "");
}

// "tripExecution" from "urn:dpds:com.company-xyz:dataproducts:tripExecution:1".
std::string FqnName(const std::string& fqn) {
  std::vector<std::string> parts = absl::StrSplit(fqn, ':');
  for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
    int ignored = 0;
    if (!part->empty() && !absl::SimpleAtoi(*part, &ignored)) return *part;
  }
  return "";
}

void AddField(Port* port, std::string name, std::string type, bool required,
              std::string description) {
  meshdex::v1::SchemaField& field = *port->mutable_schema()->add_fields();
  field.set_name(std::move(name));
  field.set_type(type.empty() ? "any" : std::move(type));
  field.set_required(required);
  field.set_description(std::move(description));
}

// Fields of a JSON Schema object or an Avro record; false when it is neither.
bool AddPayloadFields(const Json& payload, Port* port) {
  const Json& properties = Field(payload, "properties");
  if (properties.is_object()) {
    const Json& required = Field(payload, "required");
    for (const auto& [name, schema] : properties.items()) {
      const bool is_required =
          required.is_array() && std::find(required.begin(), required.end(), name) != required.end();
      AddField(port, name, Text(Field(schema, "type")), is_required,
               Text(Field(schema, "description")));
    }
    return true;
  }
  const Json& fields = Field(payload, "fields");
  if (!fields.is_array()) return false;
  for (const Json& field : fields) {
    const Json& type = Field(field, "type");
    // Avro: a union with null is optional; the other branch is the type.
    bool nullable = false;
    std::string type_name = Text(type);
    if (type.is_array()) {
      for (const Json& branch : type) {
        if (Text(branch) == "null") {
          nullable = true;
        } else if (type_name.empty()) {
          type_name = branch.is_object() ? Text(Field(branch, "type")) : Text(branch);
        }
      }
    } else if (type.is_object()) {
      type_name = Text(Field(type, "type"));
    }
    AddField(port, Text(Field(field, "name")), type_name, !nullable, Text(Field(field, "doc")));
  }
  return true;
}

class DpdsMapper {
 public:
  DpdsMapper(const Json& descriptor, const ImportOptions& options)
      : descriptor_(descriptor), builder_(Format::kDpds, options) {}

  absl::StatusOr<ImportResult> Map() && {
    const Json& info = Field(descriptor_, "info");
    const std::string fqn = Text(Field(info, "fullyQualifiedName"));
    absl::Status identity = builder_.SetIdentity(
        {{"info.domain", Text(Field(info, "domain"))}},
        {{"info.name", Text(Field(info, "name"))}, {"info.fullyQualifiedName", FqnName(fqn)}},
        {{"info.version", Text(Field(info, "version"))}});
    if (!identity.ok()) return identity;
    builder_.SetSourceId(fqn);
    product_fqn_ = fqn;
    const std::string display_name = Text(Field(info, "displayName"));
    builder_.SetTitle(display_name.empty() ? Text(Field(info, "name")) : display_name);
    builder_.SetDescription(Field(info, "description"), "info.description");
    MapOwner(Field(info, "owner"));
    builder_.AddTags(Field(descriptor_, "tags"), "tags");
    builder_.record().OtherKeys(info, "info",
                                {"fullyQualifiedName", "name", "version", "domain", "owner",
                                 "displayName", "description"});
    const Json& interface = Field(descriptor_, "interfaceComponents");
    MapPorts(interface, "interfaceComponents", "outputPorts", true);
    MapPorts(interface, "interfaceComponents", "inputPorts", false);
    builder_.record().OtherKeys(interface, "interfaceComponents", {"outputPorts", "inputPorts"});
    builder_.record().OtherKeys(descriptor_, "",
                                {"dataProductDescriptor", "info", "interfaceComponents", "tags"});
    return std::move(builder_).Finish();
  }

 private:
  void MapOwner(const Json& owner) {
    const std::string id = Text(Field(owner, "id"));
    const std::string name = Text(Field(owner, "name"));
    if (LooksLikeEmail(id)) {
      builder_.spec().mutable_owner()->set_email(id);
    } else if (!id.empty()) {
      builder_.record().Unmapped(absl::StrCat("info.owner.id: \"", id, "\" is not an email"));
    }
    builder_.spec().mutable_owner()->set_team(name.empty() ? id : name);
    builder_.record().OtherKeys(owner, "info.owner", {"id", "name"});
  }

  // Maps interface[list_key]. A port whose reference inlined a whole
  // descriptor (some published examples keep each port in one) contributes
  // that descriptor's ports of the same list.
  void MapPorts(const Json& interface, const std::string& interface_path,
                const std::string& list_key, bool output) {
    const Json& ports = Field(interface, list_key);
    const std::string path = Join(interface_path, list_key);
    if (!ports.is_array()) return;
    for (size_t i = 0; i < ports.size(); ++i) {
      const Json& port = ports[i];
      const std::string port_path = absl::StrCat(path, "[", i, "]");
      const Json& nested = Field(port, "interfaceComponents");
      if (nested.is_object()) {
        builder_.record().Unmapped(absl::StrCat(port_path, ": a whole descriptor; only its ",
                                                list_key, " are taken"));
        MapPorts(nested, Join(port_path, "interfaceComponents"), list_key, output);
        continue;
      }
      const std::string ref = Text(Field(port, "$ref"));
      if (!ref.empty() && Text(Field(port, "name")).empty()) {
        builder_.record().Unmapped(absl::StrCat(
            port_path, ".$ref: \"", ref,
            "\" not resolved (import the descriptor file with meshdexctl, which inlines local "
            "references)"));
        continue;
      }
      MapPort(port, port_path, absl::StrCat(path, "[*]"), output);
    }
  }

  void MapPort(const Json& source, const std::string& path, const std::string& any_path,
               bool output) {
    meshdex::v1::DataProductSpec& spec = builder_.spec();
    const int index = output ? spec.output_ports_size() : spec.input_ports_size();
    Port& port = output ? *spec.add_output_ports() : *spec.add_input_ports();
    const std::string name = Text(Field(source, "name"));
    port.set_name(builder_.UniquePortName(name, FqnName(Text(Field(source, "fullyQualifiedName"))),
                                          Join(path, "name"), output));
    port.set_description(Text(Field(source, "description")));
    const std::string port_meshdex_path =
        absl::StrCat(output ? "spec.outputPorts[" : "spec.inputPorts[", index, "]");

    const Json& promises = Field(source, "promises");
    const Json& api = Field(promises, "api");
    const Json& definition = Field(api, "definition");
    const std::string specification = absl::AsciiStrToLower(Text(Field(api, "specification")));
    std::optional<std::string> kind;
    if (Field(definition, "asyncapi").is_string()) {
      MapAsyncApi(definition, Join(path, "promises.api.definition"), &port, &kind);
    } else if (Field(definition, "datastoreapi").is_string()) {
      MapDatastoreApi(definition, Text(Field(promises, "platform")),
                      Join(path, "promises.api.definition"), &port);
      kind = "sql";
    } else if (Field(definition, "openapi").is_string() || Field(definition, "swagger").is_string()) {
      const Json& servers = Field(definition, "servers");
      if (servers.is_array() && !servers.empty()) SetAddress(Text(Field(servers[0], "url")), &port);
      kind = "api";
    } else if (!Text(Field(definition, "$ref")).empty()) {
      builder_.record().Unmapped(absl::StrCat(Join(path, "promises.api.definition.$ref"), ": \"",
                                              Text(Field(definition, "$ref")),
                                              "\" not resolved"));
    }
    if (!kind.has_value()) kind = PortKindOf(specification);
    if (!kind.has_value()) kind = PortKindOf(Text(Field(promises, "platform")));
    if (!kind.has_value()) kind = PortKindOf(Text(Field(promises, "serviceType")));
    if (!kind.has_value()) {
      kind = "api";
      builder_.record().Derived(
          absl::StrCat(port_meshdex_path, ".kind: \"api\" (", path, " promises no known platform)"));
    }
    port.set_kind(*kind);
    if (port.address().empty() && output) {
      const std::string port_fqn = Text(Field(source, "fullyQualifiedName"));
      port.mutable_dataset()->set_namespace_("dpds");
      port.mutable_dataset()->set_name(
          port_fqn.empty() ? absl::StrCat(product_fqn_.empty()
                                              ? builder_.product().metadata().domain() + ":" +
                                                    builder_.product().metadata().name()
                                              : product_fqn_,
                                          ":outputports:", name)
                           : port_fqn);
      builder_.record().Derived(absl::StrCat(port_meshdex_path, ".dataset: dpds / ",
                                             port.dataset().name(), " (", path,
                                             " gives no address meshdex can read)"));
    }
    MapSlo(Field(Field(promises, "slo"), "definition"), Join(any_path, "promises.slo"), &port);
    builder_.record().OtherKeys(promises, Join(any_path, "promises"),
                                {"platform", "serviceType", "api", "slo"});
    builder_.record().OtherKeys(source, any_path,
                                {"name", "fullyQualifiedName", "description", "promises", "$ref"});
  }

  void SetAddress(const std::string& address, Port* port) {
    if (!address.empty() && catalog::NormalizeAddress(address).ok()) port->set_address(address);
  }

  void MapAsyncApi(const Json& definition, const std::string& path, Port* port,
                   std::optional<std::string>* kind) {
    const Json& server = PreferredEntry(Field(definition, "servers"), "production");
    const std::string protocol = absl::AsciiStrToLower(Text(Field(server, "protocol")));
    *kind = PortKindOf(protocol);
    const Json& channels = Field(definition, "channels");
    if (!channels.is_object() || channels.empty()) return;
    const std::string channel = channels.begin().key();
    // Kafka bootstrap "url"s are host:port, sometimes written as a URL.
    std::string host = Text(Field(server, "url"));
    if (const size_t scheme = host.find("://"); scheme != std::string::npos) {
      host = host.substr(scheme + 3);
    }
    host = host.substr(0, host.find('/'));
    if (protocol == "kafka" && !host.empty()) {
      SetAddress(absl::StrCat("kafka://", host, "/", channel), port);
    }
    const Json& channel_body = channels.begin().value();
    for (const char* operation : {"subscribe", "publish"}) {
      const Json& payload = Field(Field(Field(channel_body, operation), "message"), "payload");
      if (payload.is_null()) continue;
      if (!AddPayloadFields(payload, port)) {
        builder_.record().Unmapped(absl::StrCat(path, ".channels[\"", channel, "\"].", operation,
                                                ".message.payload: ",
                                                Text(Field(payload, "$ref")).empty()
                                                    ? "not a JSON Schema or Avro record"
                                                    : "remote schema not fetched"));
      }
      break;
    }
    if (channels.size() > 1) {
      builder_.record().Unmapped(
          absl::StrCat(path, ".channels: only the first of ", channels.size(),
                       " channels is the port's address"));
    }
  }

  void MapDatastoreApi(const Json& definition, const std::string& platform,
                       const std::string& path, Port* port) {
    const Json& service = PreferredEntry(Field(definition, "services"), "production");
    const std::string host = Text(Field(Field(service, "serverVariables"), "host"));
    const Json& schema = Field(definition, "schema");
    const Json& tables = Field(schema, "tables");
    if (!tables.is_array() || tables.empty()) return;
    const std::string table = Text(Field(tables[0], "name"));
    const std::string database = Text(Field(schema, "databaseName"));
    const std::string schema_name = Text(Field(schema, "schemaName"));
    std::string dbms = absl::AsciiStrToLower(platform);
    if (absl::StrContains(dbms, "postgres") && !host.empty() && !database.empty()) {
      SetAddress(absl::StrCat("postgres://", host, "/", database, ".",
                              schema_name.empty() ? "public" : schema_name, ".", table),
                 port);
    } else if (absl::StrContains(dbms, "mysql") && !host.empty() && !database.empty()) {
      SetAddress(absl::StrCat("mysql://", host, "/", database, ".", table), port);
    }
    const Json& table_definition = Field(tables[0], "definition");
    const Json& columns = Field(table_definition, "columns");
    if (columns.is_array()) {
      for (const Json& column : columns) {
        const std::string constraint = Text(Field(column, "columnConstraint"));
        std::string description = Text(Field(column, "description"));
        if (description.empty()) description = Text(Field(column, "displayName"));
        AddField(port, Text(Field(column, "name")), Text(Field(column, "dataType")),
                 constraint == "NOT_NULL" || constraint == "PRIMARY_KEY", description);
      }
    } else if (!Text(Field(table_definition, "$ref")).empty()) {
      builder_.record().Unmapped(absl::StrCat(path, ".schema.tables[0].definition.$ref: \"",
                                              Text(Field(table_definition, "$ref")),
                                              "\" remote schema not fetched"));
    }
    if (tables.size() > 1) {
      builder_.record().Unmapped(absl::StrCat(path, ".schema.tables: only the first of ",
                                              tables.size(), " tables is the port's address"));
    }
  }

  void MapSlo(const Json& definition, const std::string& path, Port* port) {
    const Json& quality = Field(definition, "x-qualitySlo");
    if (std::optional<int64_t> seconds = CompactDurationSeconds(Text(Field(quality, "freshness")))) {
      port->mutable_slo()->set_freshness_seconds(*seconds);
    }
    double availability = 0;
    if (absl::SimpleAtod(Text(Field(Field(definition, "x-operationalSlo"), "availability")),
                         &availability) &&
        availability >= 0) {
      port->mutable_slo()->set_availability_percent(AvailabilityPercent(availability, false));
    }
    if (!definition.is_null() && !port->has_slo()) builder_.record().Unmapped(path);
  }

  const Json& descriptor_;
  ProductBuilder builder_;
  std::string product_fqn_;
};

}  // namespace

absl::StatusOr<ImportResult> ImportDpds(const Json& document, const ImportOptions& options) {
  if (!document.contains("dataProductDescriptor") && !document.contains("info")) {
    return absl::InvalidArgumentError(
        "dataProductDescriptor: not an Open Data Mesh data product descriptor (no "
        "dataProductDescriptor or info)");
  }
  return DpdsMapper(document, options).Map();
}

}  // namespace meshdex::interop
