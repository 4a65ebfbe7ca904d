// Data Contract Specification (datacontract.com, 0.9.x and 1.x) -> DataProduct.
//
//   id urn:datacontract:<domain>:<name> -> metadata.domain, metadata.name (slugs); another id
//                            -> metadata.name from its last ':' part, else info.title
//   id -> label interop.meshdex.io/source-id;  info.title -> spec.title
//   info.version -> spec.version;  info.status -> spec.lifecycle
//   info.description, terms.usage, terms.limitations -> spec.description (paragraphs)
//   info.owner -> spec.owner.team;  info.contact.email -> spec.owner.email
//   info.contact.url -> spec.links.contact;  info.links, links -> spec.links;  tags -> spec.tags
//   models.<m>               -> spec.outputPorts[] named m (at most 64); description, else
//                               title; kind, format and address from its server (the one
//                               named m, else the production one, else the first; `{model}`
//                               in a location stands for m), else dataset datacontract:<id> / m
//   models.<m>.fields.<f>    -> schema.fields (type, required, description, else title,
//                               classification; pii: true -> classification pii when none is
//                               given); a $ref to #/definitions/<d> is resolved first (the
//                               field's own keys win); nested fields and array items' fields
//                               flatten to parent.child
//   servicelevels.availability.percentage -> slo.availabilityPercent of every port;
//   servicelevels.freshness.threshold (else latency.threshold) -> slo.freshnessSeconds
//   quality, examples, terms.policies/billing/noticePeriod, other service levels -> unmapped
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "server/interop/mappers.h"
#include "server/interop/product_builder.h"

namespace meshdex::interop {
namespace {

using meshdex::v1::Port;

constexpr char kDefinitionRefPrefix[] = "#/definitions/";
// Definitions may refer to definitions; deeper chains (or cycles) stop here.
constexpr int kMaxDefinitionDepth = 8;
constexpr char kModelPath[] = "models.*";
constexpr char kFieldKeyPath[] = "fields.*";

// The parts of an id urn:datacontract:<domain>:<name> (empty domain for any
// other id; then the name is the id's last ':' part).
struct IdParts {
  std::string domain;
  std::string name;
};

IdParts SplitId(const std::string& id) {
  const std::vector<std::string> parts = absl::StrSplit(id, ':');
  if (parts.size() == 4 && parts[0] == "urn" && parts[1] == "datacontract") {
    return {parts[2], parts[3]};
  }
  return {"", parts.back()};
}

class DataContractMapper {
 public:
  DataContractMapper(const Json& contract, const ImportOptions& options)
      : contract_(contract),
        domain_option_(options.domain),
        builder_(Format::kDataContract, options) {}

  absl::StatusOr<ImportResult> Map() && {
    const std::string id = Text(Field(contract_, "id"));
    const Json& info = Field(contract_, "info");
    const IdParts id_parts = SplitId(id);
    absl::Status identity =
        builder_.SetIdentity({{"id", id_parts.domain}},
                             {{"id", id_parts.name}, {"info.title", Text(Field(info, "title"))}},
                             {{"info.version", Text(Field(info, "version"))}});
    if (!identity.ok()) return identity;
    RecordIdParts(id, id_parts);
    builder_.SetSourceId(id);
    builder_.SetTitle(Text(Field(info, "title")));
    builder_.SetLifecycle(Field(info, "status"), "info.status");
    MapDescription(info);
    MapOwner(info);
    AddLinks(Field(info, "links"), "info.links");
    AddLinks(Field(contract_, "links"), "links");
    builder_.AddTags(Field(contract_, "tags"), "tags");
    MapModels();
    MapServiceLevels();
    ReportUnusedServers();
    builder_.record().OtherKeys(
        info, "info", {"title", "version", "status", "description", "owner", "contact", "links"});
    builder_.record().OtherKeys(contract_, "",
                                {"dataContractSpecification", "id", "info", "servers", "terms",
                                 "models", "definitions", "servicelevels", "links", "tags"});
    return std::move(builder_).Finish();
  }

 private:
  // SetIdentity records a value it changed; a part of the id taken as it is
  // is a derivation too.
  void RecordIdParts(const std::string& id, const IdParts& parts) {
    const meshdex::v1::ObjectMeta& metadata = builder_.product().metadata();
    if (domain_option_.empty() && !parts.domain.empty() && metadata.domain() == parts.domain) {
      builder_.record().Derived(
          absl::StrCat("metadata.domain: \"", parts.domain, "\" from id \"", id, "\""));
    }
    if (parts.name != id && metadata.name() == parts.name) {
      builder_.record().Derived(
          absl::StrCat("metadata.name: \"", parts.name, "\" from id \"", id, "\""));
    }
  }

  void MapDescription(const Json& info) {
    const Json& terms = Field(contract_, "terms");
    Json description = Json::object();
    const std::pair<const Json*, const char*> parts[] = {
        {&Field(info, "description"), "purpose"},
        {&Field(terms, "usage"), "usage"},
        {&Field(terms, "limitations"), "limitations"}};
    for (const auto& [value, key] : parts) {
      const std::string text = TrimmedText(*value);
      if (!text.empty()) description[key] = text;
    }
    if (!description.empty()) builder_.SetDescription(description, "info.description");
    builder_.record().OtherKeys(terms, "terms", {"usage", "limitations"});
  }

  void MapOwner(const Json& info) {
    const std::string team = TrimmedText(Field(info, "owner"));
    if (!team.empty()) builder_.spec().mutable_owner()->set_team(team);
    const Json& contact = Field(info, "contact");
    const std::string email = TrimmedText(Field(contact, "email"));
    if (LooksLikeEmail(email)) {
      builder_.spec().mutable_owner()->set_email(email);
    } else if (!email.empty()) {
      builder_.record().Unmapped(
          absl::StrCat("info.contact.email: \"", email, "\" is not an email address"));
    }
    const std::string url = TrimmedText(Field(contact, "url"));
    if (!url.empty()) (*builder_.spec().mutable_links())["contact"] = url;
    builder_.record().OtherKeys(contact, "info.contact", {"email", "url"});
  }

  // spec.links from a map of name -> url; the keys become slugs, as ODCS
  // export and import write them.
  void AddLinks(const Json& links, const std::string& path) {
    if (!links.is_object()) return;
    for (const auto& [name, url] : links.items()) {
      const std::string item_path = Join(path, name);
      std::optional<std::string> key = Slug(name);
      if (!url.is_string() || url.get<std::string>().empty() || !key.has_value() ||
          builder_.spec().links().contains(*key)) {
        builder_.record().Unmapped(item_path);
        continue;
      }
      if (*key != name) {
        builder_.record().Derived(absl::StrCat("spec.links: \"", *key, "\" from ", item_path));
      }
      (*builder_.spec().mutable_links())[*key] = url.get<std::string>();
    }
  }

  void MapModels() {
    const Json& models = Field(contract_, "models");
    if (!models.is_object()) return;
    int index = 0;
    for (const auto& [name, model] : models.items()) {
      const std::string model_path = Join("models", name);
      if (index++ >= kMaxOutputPorts) {
        builder_.record().Unmapped(absl::StrCat(model_path, ": beyond meshdex's ", kMaxOutputPorts,
                                                " output ports per product"));
        continue;
      }
      MapModel(name, model, model_path);
    }
  }

  void MapModel(const std::string& name, const Json& model, const std::string& model_path) {
    const int port_index = builder_.spec().output_ports_size();
    const std::string port_path = absl::StrCat("spec.outputPorts[", port_index, "]");
    Port& port = *builder_.spec().add_output_ports();
    port.set_name(builder_.UniquePortName(name, "", model_path, /*output=*/true));
    port.set_description(TrimmedText(Field(model, "description")));
    if (port.description().empty()) port.set_description(TrimmedText(Field(model, "title")));
    const Json* server = ServerFor(name);
    std::optional<std::string> kind;
    if (server != nullptr) {
      kind = PortKindOf(Text(Field(*server, "type")));
      port.set_format(Text(Field(*server, "format")));
      std::optional<std::string> address = ServerAddress(*server, name);
      if (address.has_value()) {
        builder_.SetAddress(absl::StrReplaceAll(*address, {{"{model}", name}}), model_path, port);
      }
    }
    if (!kind.has_value()) kind = PortKindOf(Text(Field(model, "type")));
    if (!kind.has_value()) {
      kind = "sql";
      builder_.record().Derived(absl::StrCat(port_path, ".kind: \"sql\" (", model_path,
                                             " has no server or type meshdex knows)"));
    }
    port.set_kind(*kind);
    if (port.address().empty()) {
      builder_.DeriveDataset(Text(Field(contract_, "id")), name, port_index,
                             absl::StrCat(model_path, " has no server address meshdex can read"),
                             port);
    }
    std::set<std::string> field_names;
    MapFields(Field(model, "fields"), "", Join(kModelPath, kFieldKeyPath),
              Join(model_path, "fields"), port, field_names);
    builder_.record().OtherKeys(model, kModelPath, {"description", "title", "type", "fields"});
  }

  // The server of a model (see ChooseServer).
  const Json* ServerFor(const std::string& model_name) {
    const Json& servers = Field(contract_, "servers");
    if (!servers.is_object() || servers.empty()) return nullptr;
    std::vector<NamedServer> named;
    for (const auto& [name, server] : servers.items()) named.push_back({name, &server});
    const NamedServer& chosen = named[ChooseServer(named, model_name)];
    used_servers_.insert(chosen.name);
    return chosen.server;
  }

  // A field with its `$ref` to a definition resolved: the definition's keys,
  // overridden by the field's own. An unresolvable reference is reported and
  // the field keeps its own keys.
  Json Resolved(const Json& field, const std::string& path) {
    Json resolved = field;
    for (int depth = 0; depth < kMaxDefinitionDepth; ++depth) {
      const std::string ref = Text(Field(resolved, "$ref"));
      if (ref.empty()) return resolved;
      resolved.erase("$ref");
      const Json* definition = nullptr;
      if (absl::StartsWith(ref, kDefinitionRefPrefix)) {
        definition =
            &Field(Field(contract_, "definitions"), ref.substr(sizeof(kDefinitionRefPrefix) - 1));
      }
      if (definition == nullptr || !definition->is_object()) {
        builder_.record().Unmapped(
            absl::StrCat(path, ".$ref: \"", ref, "\" names no definition in this contract"));
        return resolved;
      }
      for (const auto& [key, value] : definition->items()) {
        if (!resolved.contains(key)) resolved[key] = value;
      }
    }
    builder_.record().Unmapped(absl::StrCat(
        path, ".$ref: definitions refer to each other more than ", kMaxDefinitionDepth, " deep"));
    resolved.erase("$ref");
    return resolved;
  }

  // Appends the fields of the map `fields` (nested ones as parent.child);
  // `path` is its wildcard path, `map_path` its own.
  void MapFields(const Json& fields, const std::string& prefix, const std::string& path,
                 const std::string& map_path, Port& port, std::set<std::string>& names) {
    if (!fields.is_object()) return;
    for (const auto& [key, raw] : fields.items()) {
      const std::string name = prefix + key;
      const std::string item_path = Join(map_path, key);
      if (port.schema().fields_size() >= kMaxFieldsPerPort || !names.insert(name).second) {
        builder_.record().Unmapped(absl::StrCat(item_path, ": \"", name, "\" repeated or beyond ",
                                                kMaxFieldsPerPort, " fields"));
        continue;
      }
      const Json field = Resolved(raw, item_path);
      MapField(name, field, item_path, port);
      builder_.record().OtherKeys(
          field, path,
          {"type", "required", "description", "title", "classification", "pii", "fields", "items"});
      MapFields(Field(field, "fields"), name + ".", Join(path, kFieldKeyPath),
                Join(item_path, "fields"), port, names);
      // An array's items: a record's fields flatten like an object's; what
      // a list of scalars holds has no place in a meshdex field.
      if (const Json& items = Field(field, "items"); !items.is_null()) {
        const std::string items_path = Join(item_path, "items");
        const Json resolved_items = Resolved(items, items_path);
        if (Field(resolved_items, "fields").is_object()) {
          MapFields(Field(resolved_items, "fields"), name + ".", Join(path, "items.fields.*"),
                    Join(items_path, "fields"), port, names);
        } else {
          builder_.record().Unmapped(Join(path, "items"));
        }
      }
    }
  }

  void MapField(const std::string& name, const Json& source, const std::string& path, Port& port) {
    meshdex::v1::SchemaField& field = *port.mutable_schema()->add_fields();
    field.set_name(name);
    std::string type = TrimmedText(Field(source, "type"));
    if (type.empty()) {
      type = Field(source, "fields").is_object() ? "object" : "any";
      builder_.record().Derived(
          absl::StrCat("field ", name, ".type: \"", type, "\" (", path, " gives no type)"));
    }
    field.set_type(type);
    field.set_required(IsTrue(Field(source, "required")));
    field.set_description(TrimmedText(Field(source, "description")));
    if (field.description().empty()) field.set_description(TrimmedText(Field(source, "title")));
    const std::string classification = TrimmedText(Field(source, "classification"));
    const bool pii = IsTrue(Field(source, "pii"));
    if (!classification.empty()) {
      std::optional<std::string> mapped = Classification(classification);
      if (mapped.has_value()) {
        field.set_classification(*mapped);
      } else {
        builder_.record().Unmapped(absl::StrCat(path, ".classification: \"", classification,
                                                "\" is not a meshdex classification"));
      }
      if (pii && field.classification() != "pii") {
        builder_.record().Unmapped(
            absl::StrCat(path, ".pii: true (classification \"", classification, "\" kept)"));
      }
    } else if (pii) {
      field.set_classification("pii");
      builder_.record().Derived(
          absl::StrCat("field ", name, ".classification: \"pii\" (", path, ".pii is true)"));
    }
  }

  void MapServiceLevels() {
    const Json& levels = Field(contract_, "servicelevels");
    if (!levels.is_object()) return;
    const Json& availability = Field(levels, "availability");
    if (!availability.is_null()) {
      const std::string percentage = TrimmedText(Field(availability, "percentage"));
      absl::string_view number = percentage;
      const bool is_percent = absl::ConsumeSuffix(&number, "%");
      std::optional<double> value = Number(Json(std::string(number)));
      if (value.has_value() && *value >= 0) {
        const double percent = AvailabilityPercent(*value, is_percent);
        for (Port& port : *builder_.spec().mutable_output_ports()) {
          port.mutable_slo()->set_availability_percent(percent);
        }
      } else {
        builder_.record().Unmapped("servicelevels.availability");
      }
      builder_.record().OtherKeys(availability, "servicelevels.availability", {"percentage"});
    }
    // Freshness bounds the age of the data; latency, its delay after the
    // source, is the bound when no freshness is given.
    bool mapped_age = false;
    for (const char* level : {"freshness", "latency"}) {
      const Json& entry = Field(levels, level);
      if (entry.is_null()) continue;
      const std::string path = Join("servicelevels", level);
      std::optional<int64_t> seconds =
          mapped_age ? std::nullopt : CompactDurationSeconds(TrimmedText(Field(entry, "threshold")));
      if (!seconds.has_value()) {
        builder_.record().Unmapped(path);
        continue;
      }
      for (Port& port : *builder_.spec().mutable_output_ports()) {
        port.mutable_slo()->set_freshness_seconds(*seconds);
      }
      mapped_age = true;
      builder_.record().OtherKeys(entry, path, {"threshold"});
    }
    builder_.record().OtherKeys(levels, "servicelevels", {"availability", "freshness", "latency"});
  }

  void ReportUnusedServers() {
    const Json& servers = Field(contract_, "servers");
    if (!servers.is_object()) return;
    for (const auto& [name, server] : servers.items()) {
      if (used_servers_.count(name) == 0) {
        builder_.record().Unmapped(absl::StrCat(Join("servers", name), ": serves no model"));
        continue;
      }
      builder_.record().OtherKeys(
          server, "servers.*",
          {"type", "host", "port", "database", "schema", "location", "format", "environment",
           "account", "project", "dataset", "topic"});
    }
  }

  const Json& contract_;
  const std::string domain_option_;
  ProductBuilder builder_;
  std::set<std::string> used_servers_;
};

}  // namespace

absl::StatusOr<ImportResult> ImportDataContract(const Json& document,
                                                const ImportOptions& options) {
  if (Text(Field(document, "dataContractSpecification")).empty()) {
    return absl::InvalidArgumentError(
        "dataContractSpecification: missing; a Data Contract Specification document names its "
        "version there (e.g. 1.2.1)");
  }
  return DataContractMapper(document, options).Map();
}

}  // namespace meshdex::interop
