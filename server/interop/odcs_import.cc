// ODCS (Open Data Contract Standard) v3 and v2 -> DataProduct.
//
//   id                       -> label interop.meshdex.io/source-id; last name candidate
//   domain | tenant          -> metadata.domain (slug)
//   dataProduct | name | id  -> metadata.name (slug); name (else dataProduct) -> spec.title
//   version                  -> spec.version;  status -> spec.lifecycle
//   description{purpose,usage,limitations} -> spec.description
//   team / members (owner role) -> spec.owner;  support email -> owner.email fallback
//   tags -> spec.tags;  authoritativeDefinitions -> spec.links
//   schema[i]                -> spec.outputPorts[i] (name, description); its address is
//                               built from the matching server (same name, else the
//                               production one, else the first) and physicalName, else
//                               an explicit dataset odcs:<contract id> / physicalName
//   schema[i].properties[j]  -> schema.fields (name, logicalType|physicalType -> type,
//                               required, description|businessName, classification);
//                               nested properties flatten to parent.child
//   slaProperties latency    -> slo.freshnessSeconds; availability -> slo.availabilityPercent
//                               (the port named by `element`, else every port)
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/interop/mappers.h"
#include "server/interop/product_builder.h"

namespace meshdex::interop {
namespace {

using meshdex::v1::Port;

constexpr char kSchemaPath[] = "schema[*]";
constexpr char kPropertyKeyPath[] = "properties[*]";

// The value of the custom property `name` in a customProperties list.
std::string CustomProperty(const Json& properties, std::string_view name) {
  if (!properties.is_array()) return "";
  for (const Json& property : properties) {
    if (Text(Field(property, "property")) == name) return Text(Field(property, "value"));
  }
  return "";
}

// Rewrites an ODCS v2 contract into the v3 shape the mapper reads; the keys
// it does not know stay where they are, so they are still reported.
Json V2ToV3(const Json& v2) {
  static const std::pair<const char*, const char*> kRenamed[] = {
      {"uuid", "id"}, {"datasetDomain", "domain"}, {"quantumName", "dataProduct"},
      {"datasetName", "name"}, {"stakeholders", "team"}};
  Json v3 = Json::object();
  for (const auto& item : v2.items()) {
    const std::string& key = item.key();
    const auto renamed = std::find_if(std::begin(kRenamed), std::end(kRenamed),
                                      [&](const auto& entry) { return key == entry.first; });
    v3[renamed == std::end(kRenamed) ? key : renamed->second] = item.value();
  }
  v3.erase("dataset");
  Json schema = Json::array();
  for (const Json& table : Field(v2, "dataset").is_array() ? Field(v2, "dataset") : Json::array()) {
    // What is not a table object is passed on as it is, for the v3 mapper
    // to treat (and report) like a schema element that is not an object.
    if (!table.is_object()) {
      schema.push_back(table);
      continue;
    }
    Json object = table;
    object.erase("table");
    object.erase("columns");
    object["name"] = Field(table, "table");
    Json properties = Json::array();
    for (const Json& column : Field(table, "columns").is_array() ? Field(table, "columns")
                                                                  : Json::array()) {
      if (!column.is_object()) {
        properties.push_back(column);
        continue;
      }
      Json property = column;
      property.erase("column");
      property.erase("isNullable");
      property["name"] = Field(column, "column");
      if (Field(column, "isNullable").is_boolean()) {
        property["required"] = !Field(column, "isNullable").get<bool>();
      }
      properties.push_back(std::move(property));
    }
    object["properties"] = std::move(properties);
    schema.push_back(std::move(object));
  }
  v3["schema"] = std::move(schema);
  // v2 keeps one server's coordinates at the top level.
  Json server = Json::object();
  static const std::pair<const char*, const char*> kServerKeys[] = {
      {"sourcePlatform", "type"}, {"server", "host"}, {"database", "database"},
      {"project", "project"}, {"driver", "driver"}};
  for (const auto& [from, to] : kServerKeys) {
    if (v2.contains(from)) {
      server[to] = v2[from];
      v3.erase(from);
    }
  }
  if (!server.empty()) v3["servers"] = Json::array({server});
  if (v2.contains("productDl")) {
    v3["support"] = Json::array({{{"channel", v2["productDl"]}, {"tool", "email"}}});
    v3.erase("productDl");
  }
  return v3;
}

std::string V3PathToV2(std::string path) {
  return absl::StrReplaceAll(path, {{"schema[", "dataset["},
                                    {"].properties[", "].columns["},
                                    {"servers[0].type", "sourcePlatform"},
                                    {"team[", "stakeholders["}});
}

// Maps one contract (v3 shape).
class OdcsMapper {
 public:
  OdcsMapper(const Json& contract, const ImportOptions& options)
      : contract_(contract), builder_(Format::kOdcs, options) {}

  absl::StatusOr<ImportResult> Map() && {
    const std::string id = Text(Field(contract_, "id"));
    absl::Status identity = builder_.SetIdentity(
        {{"domain", Text(Field(contract_, "domain"))}, {"tenant", Text(Field(contract_, "tenant"))}},
        {{"dataProduct", Text(Field(contract_, "dataProduct"))},
         {"name", Text(Field(contract_, "name"))},
         {"id", id}},
        {{"version", Text(Field(contract_, "version"))}});
    if (!identity.ok()) return identity;
    builder_.SetSourceId(id);
    const std::string title = Text(Field(contract_, "name"));
    builder_.SetTitle(title.empty() ? Text(Field(contract_, "dataProduct")) : title);
    builder_.MapBitolHeader(contract_);
    MapSchema();
    MapSla();
    ReportUnusedServers();
    builder_.record().OtherKeys(
        contract_, "",
        {"apiVersion", "kind", "id", "name", "version", "status", "domain", "dataProduct",
         "tenant", "description", "team", "support", "tags", "authoritativeDefinitions",
         "schema", "servers", "slaProperties", "slaDefaultElement"});
    return std::move(builder_).Finish();
  }

 private:
  void MapSchema() {
    const Json& schema = Field(contract_, "schema");
    if (!schema.is_array()) return;
    for (size_t i = 0; i < schema.size(); ++i) {
      const Json& object = schema[i];
      if (static_cast<int>(i) >= kMaxOutputPorts) {
        builder_.record().Unmapped(absl::StrCat("schema[", i, "]: \"", Text(Field(object, "name")),
                                                "\" beyond meshdex's ", kMaxOutputPorts,
                                                " output ports per product"));
        continue;
      }
      MapObject(object, i);
    }
  }

  void MapObject(const Json& object, size_t index) {
    const std::string object_path = absl::StrCat("schema[", index, "]");
    const std::string name = Text(Field(object, "name"));
    const std::string physical_name = Text(Field(object, "physicalName"));
    Port& port = *builder_.spec().add_output_ports();
    port.set_name(builder_.UniquePortName(name, physical_name, Join(object_path, "name"),
                                          /*output=*/true));
    port_sources_.emplace_back(name, &port);
    port.set_description(Text(Field(object, "description")));
    if (port.description().empty()) port.set_description(Text(Field(object, "businessName")));
    const std::string table = physical_name.empty() ? name : physical_name;
    SetLocation(object, table, object_path, &port);
    std::set<std::string> field_names;
    MapProperties(Field(object, "properties"), "", absl::StrCat(kSchemaPath, ".", kPropertyKeyPath),
                  Join(object_path, "properties"), &port, &field_names);
    builder_.record().OtherKeys(object, kSchemaPath,
                                {"name", "physicalName", "physicalType", "logicalType",
                                 "description", "businessName", "properties", "customProperties"});
  }

  // Kind, address (or explicit dataset) and format of a schema object's port.
  void SetLocation(const Json& object, const std::string& table, const std::string& object_path,
                   Port* port) {
    const Json& custom = Field(object, "customProperties");
    std::string dataset_namespace = CustomProperty(custom, kDatasetNamespaceProperty);
    std::string dataset_name = CustomProperty(custom, kDatasetNameProperty);
    const bool explicit_dataset = !dataset_namespace.empty() && !dataset_name.empty();
    const Json* server = explicit_dataset ? nullptr : ServerFor(Text(Field(object, "name")));
    const std::string physical_type = Text(Field(object, "physicalType"));
    std::optional<std::string> kind;
    port->set_format(CustomProperty(custom, kFormatProperty));
    if (server != nullptr) {
      kind = PortKindOf(Text(Field(*server, "type")));
      if (const std::string format = Text(Field(*server, "format")); !format.empty()) {
        port->set_format(format);
      }
      std::optional<std::string> address = ServerAddress(*server, table);
      if (address.has_value()) builder_.SetAddress(*address, object_path, *port);
    }
    if (!kind.has_value()) kind = PortKindOf(physical_type);
    if (!kind.has_value()) {
      kind = "sql";
      builder_.record().Derived(absl::StrCat("spec.outputPorts[", port_sources_.size() - 1,
                                             "].kind: \"sql\" (", object_path,
                                             " names no server or physical type meshdex knows)"));
    }
    port->set_kind(*kind);
    if (!port->address().empty()) return;
    if (!explicit_dataset) {
      builder_.DeriveDataset(
          Text(Field(contract_, "id")), table, static_cast<int>(port_sources_.size()) - 1,
          absl::StrCat(object_path, " has no server address meshdex can read"), *port);
      return;
    }
    port->mutable_dataset()->set_namespace_(dataset_namespace);
    port->mutable_dataset()->set_name(dataset_name);
  }

  // The server of a schema object (see ChooseServer).
  const Json* ServerFor(const std::string& object_name) {
    const Json& servers = Field(contract_, "servers");
    if (!servers.is_array() || servers.empty()) return nullptr;
    std::vector<NamedServer> named;
    for (const Json& server : servers) named.push_back({Text(Field(server, "server")), &server});
    const size_t chosen = ChooseServer(named, object_name);
    used_servers_.insert(chosen);
    return &servers[chosen];
  }

  // Appends the fields of `properties` (nested ones as parent.child); `path`
  // is its wildcard path, `list_path` its own.
  void MapProperties(const Json& properties, const std::string& prefix, const std::string& path,
                     const std::string& list_path, Port* port, std::set<std::string>* names) {
    if (!properties.is_array()) return;
    for (size_t j = 0; j < properties.size(); ++j) {
      const Json& property = properties[j];
      const std::string name = prefix + Text(Field(property, "name"));
      const std::string item_path = absl::StrCat(list_path, "[", j, "]");
      if (port->schema().fields_size() >= kMaxFieldsPerPort || !names->insert(name).second ||
          name.empty()) {
        builder_.record().Unmapped(absl::StrCat(
            item_path, ": ", name.empty() ? "no name" : "\"" + name + "\" repeated or beyond " +
                                                        std::to_string(kMaxFieldsPerPort) +
                                                        " fields"));
        continue;
      }
      meshdex::v1::SchemaField& field = *port->mutable_schema()->add_fields();
      field.set_name(name);
      std::string type = Text(Field(property, "logicalType"));
      if (type.empty()) type = Text(Field(property, "physicalType"));
      if (type.empty()) {
        type = Field(property, "properties").is_array() ? "object" : "any";
        builder_.record().Derived(absl::StrCat("field ", name, ".type: \"", type, "\" (", item_path,
                                               " gives no logicalType or physicalType)"));
      }
      field.set_type(type);
      field.set_required(IsTrue(Field(property, "required")));
      field.set_description(Text(Field(property, "description")));
      if (field.description().empty()) field.set_description(Text(Field(property, "businessName")));
      const std::string classification = Text(Field(property, "classification"));
      if (!classification.empty()) {
        std::optional<std::string> mapped = Classification(classification);
        if (mapped.has_value()) {
          field.set_classification(*mapped);
        } else {
          builder_.record().Unmapped(absl::StrCat(item_path, ".classification: \"", classification,
                                                  "\" is not a meshdex classification"));
        }
      }
      builder_.record().OtherKeys(property, path,
                                  {"name", "logicalType", "physicalType", "required",
                                   "description", "businessName", "classification", "properties"});
      MapProperties(Field(property, "properties"), name + ".", path + "." + kPropertyKeyPath,
                    Join(item_path, "properties"), port, names);
    }
  }

  void MapSla() {
    const Json& sla = Field(contract_, "slaProperties");
    if (!sla.is_array()) return;
    for (size_t i = 0; i < sla.size(); ++i) {
      const Json& entry = sla[i];
      const std::string property = absl::AsciiStrToLower(Text(Field(entry, "property")));
      const std::string entry_path = absl::StrCat("slaProperties[", i, "]");
      std::optional<double> value = Number(Field(entry, "value"));
      bool mapped = false;
      if (property == "latency" && value.has_value()) {
        std::optional<int64_t> seconds = DurationSeconds(*value, Text(Field(entry, "unit")));
        if (seconds.has_value()) {
          for (Port* port : PortsOf(entry)) port->mutable_slo()->set_freshness_seconds(*seconds);
          mapped = true;
        }
      } else if (property == "availability" && value.has_value() && *value >= 0) {
        const double percent = AvailabilityPercent(*value, Text(Field(entry, "unit")) == "%");
        for (Port* port : PortsOf(entry)) port->mutable_slo()->set_availability_percent(percent);
        mapped = true;
      }
      if (!mapped) {
        builder_.record().Unmapped(
            absl::StrCat(entry_path, ": \"", Text(Field(entry, "property")), "\""));
      }
    }
  }

  // The ports an SLA entry concerns: the one whose schema object `element`
  // (or v2 `column`) names, else all of them.
  std::vector<Port*> PortsOf(const Json& entry) {
    std::string element = Text(Field(entry, "element"));
    if (element.empty()) element = Text(Field(entry, "column"));
    const std::string object_name = element.substr(0, element.find('.'));
    std::vector<Port*> all;
    for (const auto& [source, port] : port_sources_) {
      if (source == object_name) return {port};
      all.push_back(port);
    }
    return all;
  }

  void ReportUnusedServers() {
    const Json& servers = Field(contract_, "servers");
    if (!servers.is_array()) return;
    for (size_t i = 0; i < servers.size(); ++i) {
      if (used_servers_.count(i) == 0) {
        builder_.record().Unmapped(absl::StrCat("servers[", i, "]: \"",
                                                Text(Field(servers[i], "server")),
                                                "\" serves no schema object"));
        continue;
      }
      builder_.record().OtherKeys(servers[i], "servers[*]",
                                  {"server", "type", "host", "port", "database", "schema",
                                   "location", "format", "environment", "account", "project",
                                   "dataset", "topic"});
    }
  }

  const Json& contract_;
  ProductBuilder builder_;
  // (schema object name, its port); ports live in the product, which only
  // grows while mapping, and RepeatedPtrField elements do not move.
  std::vector<std::pair<std::string, Port*>> port_sources_;
  std::set<size_t> used_servers_;
};

bool IsV2(const Json& contract) {
  const std::string api_version = Text(Field(contract, "apiVersion"));
  return absl::StartsWith(api_version, "v2") || absl::StartsWith(api_version, "2") ||
         (contract.contains("dataset") && !contract.contains("schema"));
}

}  // namespace

absl::StatusOr<ImportResult> ImportOdcs(const Json& document, const ImportOptions& options) {
  const std::string kind = Text(Field(document, "kind"));
  if (!kind.empty() && kind != "DataContract") {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: \"", kind, "\" is not an ODCS DataContract"));
  }
  if (!IsV2(document)) return OdcsMapper(document, options).Map();
  const Json v3 = V2ToV3(document);
  absl::StatusOr<ImportResult> result = OdcsMapper(v3, options).Map();
  if (!result.ok()) return result;
  for (std::string& path : result->unmapped) path = V3PathToV2(std::move(path));
  for (std::string& path : result->derived) path = V3PathToV2(std::move(path));
  return result;
}

}  // namespace meshdex::interop
