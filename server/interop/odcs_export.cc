// DataProduct -> ODCS v3.1.0 contract (YAML), the inverse of odcs_import.cc:
//
//   source-id label | urn -> id;  title | name -> name;  metadata.name -> dataProduct
//   metadata.domain -> domain;  version;  lifecycle -> status (experimental ->
//   development, production -> active);  description -> description.purpose
//   owner -> team {name, members: [{username: email, role: owner}]};  tags
//   links -> authoritativeDefinitions [{type: key, url}]
//   outputPorts[i] -> schema[i] {name, physicalName, physicalType (from kind),
//     description, properties} and servers[i] named like the port: kafka (host +
//     physicalName = topic), postgres (host, port, database, schema + table),
//     mysql (host, port, database + table), any other address as `location`;
//     a port with only a dataset keeps it (and its format) in the schema object's
//     customProperties
//   slo -> slaProperties latency (s) / availability (%) with element = port name
//   inputPorts, glossaryTerms, other labels, dataset overrides -> unmapped
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"
#include "server/interop/interop.h"
#include "server/interop/mappers.h"
#include "yaml-cpp/yaml.h"

namespace meshdex::interop {
namespace {

using OrderedJson = nlohmann::ordered_json;
using meshdex::v1::Port;

constexpr char kOdcsApiVersion[] = "v3.1.0";
constexpr const char* kLogicalTypes[] = {"string", "date",   "timestamp", "time",   "number",
                                         "integer", "object", "array",     "boolean"};

std::string StatusOf(const std::string& lifecycle) {
  if (lifecycle == "experimental") return "development";
  if (lifecycle == "production") return "active";
  return lifecycle;
}

std::string PhysicalTypeOf(const std::string& kind) {
  if (kind == "kafka") return "topic";
  if (kind == "s3") return "s3 object";
  if (kind == "api") return "api";
  if (kind == "file") return "file";
  return "table";
}

// The server type that maps back to `kind` when the server gives a location.
std::string LocationServerType(const std::string& kind) {
  if (kind == "s3" || kind == "api" || kind == "kafka") return kind;
  if (kind == "file") return "local";
  return "custom";
}

// True when plain YAML would read `text` as something other than a string.
bool NeedsQuotes(const std::string& text) {
  static const RE2* const kNonString = new RE2(
      R"(^(?:[-+]?(?:[0-9][0-9_.:eE+-]*|\.[0-9]+|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)|)"
      R"(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$)");
  return text.empty() || RE2::FullMatch(text, *kNonString) ||
         absl::StripAsciiWhitespace(text) != text;
}

void Emit(YAML::Emitter& out, const OrderedJson& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      Emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const OrderedJson& item : value) Emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    // A literal block keeps the text exactly only when it ends with one line feed.
    if (text.size() > 1 && text.back() == '\n' && text[text.size() - 2] != '\n' &&
        absl::StripAsciiWhitespace(text.substr(0, 1)) == text.substr(0, 1)) {
      out << YAML::Literal << text;
    } else if (NeedsQuotes(text) || text.find('\n') != std::string::npos) {
      out << YAML::DoubleQuoted << text;
    } else {
      out << text;
    }
  } else {
    // Numbers and booleans as JSON writes them (shortest round-trip form).
    out << value.dump();
  }
}

class OdcsExporter {
 public:
  explicit OdcsExporter(const meshdex::v1::DataProduct& product) : product_(product) {}

  ExportResult Export() && {
    const meshdex::v1::ObjectMeta& metadata = product_.metadata();
    const meshdex::v1::DataProductSpec& spec = product_.spec();
    OrderedJson contract;
    contract["apiVersion"] = kOdcsApiVersion;
    contract["kind"] = "DataContract";
    const auto source_id = metadata.labels().find(kSourceIdLabel);
    contract["id"] = source_id != metadata.labels().end() ? source_id->second : metadata.urn();
    if (contract["id"].get<std::string>().empty()) {
      contract["id"] = absl::StrCat("urn:dp:", metadata.domain(), ":", metadata.name());
    }
    contract["name"] = spec.title().empty() ? metadata.name() : spec.title();
    contract["version"] = spec.version();
    if (!spec.lifecycle().empty()) contract["status"] = StatusOf(spec.lifecycle());
    contract["domain"] = metadata.domain();
    contract["dataProduct"] = metadata.name();
    if (!spec.description().empty()) contract["description"]["purpose"] = spec.description();
    if (!spec.tags().empty()) contract["tags"] = std::vector<std::string>(spec.tags().begin(), spec.tags().end());
    if (spec.has_owner()) {
      OrderedJson team = OrderedJson::object();
      if (!spec.owner().team().empty()) team["name"] = spec.owner().team();
      if (!spec.owner().email().empty()) {
        team["members"] = OrderedJson::array({{{"username", spec.owner().email()}, {"role", "owner"}}});
      }
      contract["team"] = std::move(team);
    }
    for (const auto& [key, url] : spec.links()) {
      contract["authoritativeDefinitions"].push_back({{"type", key}, {"url", url}});
    }
    for (int i = 0; i < spec.output_ports_size(); ++i) ExportPort(spec.output_ports(i), i, &contract);
    if (!spec.input_ports().empty()) unmapped_.push_back("spec.inputPorts");
    if (!spec.glossary_terms().empty()) unmapped_.push_back("spec.glossaryTerms");
    for (const auto& [key, value] : metadata.labels()) {
      if (key != kSourceIdLabel && key != kSourceFormatLabel) {
        unmapped_.push_back(absl::StrCat("metadata.labels[\"", key, "\"]"));
      }
    }
    YAML::Emitter out;
    out.SetIndent(2);
    Emit(out, contract);
    ExportResult result;
    result.content = absl::StrCat(out.c_str(), "\n");
    std::sort(unmapped_.begin(), unmapped_.end());
    result.unmapped = std::move(unmapped_);
    return result;
  }

 private:
  void ExportPort(const Port& port, int index, OrderedJson* contract) {
    OrderedJson object;
    object["name"] = port.name();
    object["physicalType"] = PhysicalTypeOf(port.kind());
    if (!port.description().empty()) object["description"] = port.description();
    OrderedJson server;
    server["server"] = port.name();
    std::string table;
    if (!port.address().empty()) {
      table = ServerOf(port, &server);
      if (port.has_dataset()) {
        unmapped_.push_back(absl::StrCat("spec.outputPorts[", index, "].dataset"));
      }
    } else if (port.has_dataset()) {
      table = port.dataset().name();
      object["customProperties"] = OrderedJson::array(
          {{{"property", kDatasetNamespaceProperty}, {"value", port.dataset().namespace_()}},
           {{"property", kDatasetNameProperty}, {"value", port.dataset().name()}}});
    }
    if (!table.empty()) object["physicalName"] = table;
    for (const meshdex::v1::SchemaField& field : port.schema().fields()) {
      OrderedJson property;
      property["name"] = field.name();
      const bool logical = std::find(std::begin(kLogicalTypes), std::end(kLogicalTypes),
                                     field.type()) != std::end(kLogicalTypes);
      property[logical ? "logicalType" : "physicalType"] = field.type();
      property["required"] = field.required();
      if (!field.description().empty()) property["description"] = field.description();
      if (!field.classification().empty()) property["classification"] = field.classification();
      object["properties"].push_back(std::move(property));
    }
    if (port.address().empty() && !port.format().empty()) {
      object["customProperties"].push_back(
          {{"property", kFormatProperty}, {"value", port.format()}});
    }
    (*contract)["schema"].push_back(std::move(object));
    if (!port.address().empty()) {
      if (!port.format().empty()) server["format"] = port.format();
      (*contract)["servers"].push_back(std::move(server));
    }
    if (port.slo().freshness_seconds() > 0) {
      (*contract)["slaProperties"].push_back({{"property", "latency"},
                                              {"value", port.slo().freshness_seconds()},
                                              {"unit", "s"},
                                              {"element", port.name()}});
    }
    if (port.slo().availability_percent() > 0) {
      (*contract)["slaProperties"].push_back({{"property", "availability"},
                                              {"value", port.slo().availability_percent()},
                                              {"unit", "%"},
                                              {"element", port.name()}});
    }
  }

  // Fills the server of an addressed port; returns the physical name of its
  // schema object (the topic or table the server's fields do not hold).
  static std::string ServerOf(const Port& port, OrderedJson* server) {
    static const RE2* const kUrl = new RE2(R"(^([a-zA-Z][a-zA-Z0-9+.-]*)://([^/]+)/(.+)$)");
    static const RE2* const kHostPort = new RE2(R"(^(.*?)(?::([0-9]+))?$)");
    std::string scheme, authority, path;
    if (RE2::FullMatch(port.address(), *kUrl, &scheme, &authority, &path)) {
      scheme = absl::AsciiStrToLower(scheme);
      std::string host, host_port;
      RE2::FullMatch(authority, *kHostPort, &host, &host_port);
      const std::vector<std::string> parts = absl::StrSplit(path, '.');
      if (scheme == "kafka" && port.kind() == "kafka") {
        (*server)["type"] = "kafka";
        (*server)["host"] = authority;
        return path;
      }
      if ((scheme == "postgres" || scheme == "postgresql") && port.kind() == "sql" &&
          parts.size() == 3) {
        (*server)["type"] = "postgres";
        (*server)["host"] = host;
        if (!host_port.empty()) (*server)["port"] = std::stoi(host_port);
        (*server)["database"] = parts[0];
        (*server)["schema"] = parts[1];
        return parts[2];
      }
      if (scheme == "mysql" && port.kind() == "sql" && parts.size() == 2) {
        (*server)["type"] = "mysql";
        (*server)["host"] = host;
        if (!host_port.empty()) (*server)["port"] = std::stoi(host_port);
        (*server)["database"] = parts[0];
        return parts[1];
      }
    }
    (*server)["type"] = LocationServerType(port.kind());
    (*server)["location"] = port.address();
    return "";
  }

  const meshdex::v1::DataProduct& product_;
  std::vector<std::string> unmapped_;
};

}  // namespace

ExportResult ExportOdcs(const meshdex::v1::DataProduct& product) {
  return OdcsExporter(product).Export();
}

}  // namespace meshdex::interop
