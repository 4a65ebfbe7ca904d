#include "server/governance/compatibility.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace meshdex::governance {
namespace {

using meshdex::v1::Port;
using meshdex::v1::SchemaField;
using meshdex::v1::Violation;

struct VersionCore {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
};

// MAJOR.MINOR.PATCH of a semantic version (the semver.org regular expression).
std::optional<VersionCore> ParseVersion(absl::string_view version) {
  static const RE2* const kSemver = new RE2(R"((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
                                            R"((?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))"
                                            R"((?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?)"
                                            R"((?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?)");
  std::string major, minor, patch;
  if (!RE2::FullMatch(re2::StringPiece(version.data(), version.size()), *kSemver, &major, &minor,
                      &patch)) {
    return std::nullopt;
  }
  VersionCore core;
  if (!absl::SimpleAtoi(major, &core.major) || !absl::SimpleAtoi(minor, &core.minor) ||
      !absl::SimpleAtoi(patch, &core.patch)) {
    return std::nullopt;  // a component beyond 64 bits
  }
  return core;
}

std::string Quote(absl::string_view text) { return absl::StrCat("\"", absl::CEscape(text), "\""); }

// Index of the element named `name`, or -1.
template <typename T>
int IndexOfName(const google::protobuf::RepeatedPtrField<T>& elements, const std::string& name) {
  for (int i = 0; i < elements.size(); ++i) {
    if (elements[i].name() == name) return i;
  }
  return -1;
}

}  // namespace

bool IsMajorVersionBump(absl::string_view previous, absl::string_view next) {
  const std::optional<VersionCore> from = ParseVersion(previous);
  const std::optional<VersionCore> to = ParseVersion(next);
  if (!from || !to) return false;
  if (from->major > 0 || to->major > from->major) return to->major > from->major;
  if (from->minor > 0 || to->minor > from->minor) return to->minor > from->minor;
  return to->patch > from->patch;
}

std::vector<Violation> CheckSchemaCompatibility(const meshdex::v1::DataProduct& previous,
                                                const meshdex::v1::DataProduct& next) {
  const std::string& from = previous.spec().version();
  const std::string& to = next.spec().version();
  std::vector<Violation> violations;
  if (IsMajorVersionBump(from, to)) return violations;
  const std::string consequence =
      absl::StrCat(": breaking change needs a major version bump (", from, " -> ", to, ")");
  auto add = [&](std::string path, absl::string_view change) {
    Violation& violation = violations.emplace_back();
    violation.set_policy(kSchemaCompatibilityPolicy);
    violation.set_path(std::move(path));
    violation.set_message(absl::StrCat(change, consequence));
    violation.set_enforcement("enforce");
  };

  const auto& next_ports = next.spec().output_ports();
  for (const Port& old_port : previous.spec().output_ports()) {
    const std::string port = absl::StrCat("port ", Quote(old_port.name()));
    const int port_index = IndexOfName(next_ports, old_port.name());
    if (port_index < 0) {
      add("spec.outputPorts", absl::StrCat(port, " removed"));
      continue;
    }
    const auto& old_fields = old_port.schema().fields();
    const auto& new_fields = next_ports[port_index].schema().fields();
    if (old_fields.empty()) continue;
    const std::string fields_path = absl::StrCat("spec.outputPorts[", port_index, "].schema.fields");
    for (const SchemaField& old_field : old_fields) {
      const std::string field = absl::StrCat(port, " field ", Quote(old_field.name()));
      const int field_index = IndexOfName(new_fields, old_field.name());
      if (field_index < 0) {
        add(fields_path, absl::StrCat(field, " removed"));
        continue;
      }
      const SchemaField& new_field = new_fields[field_index];
      const std::string field_path = absl::StrCat(fields_path, "[", field_index, "]");
      if (new_field.type() != old_field.type()) {
        add(absl::StrCat(field_path, ".type"),
            absl::StrCat(field, " type changed from ", Quote(old_field.type()), " to ",
                         Quote(new_field.type())));
      }
      if (new_field.required() && !old_field.required()) {
        add(absl::StrCat(field_path, ".required"), absl::StrCat(field, " made required"));
      }
    }
    for (int i = 0; i < new_fields.size(); ++i) {
      if (new_fields[i].required() && IndexOfName(old_fields, new_fields[i].name()) < 0) {
        add(absl::StrCat(fields_path, "[", i, "]"),
            absl::StrCat(port, " field ", Quote(new_fields[i].name()), " added as required"));
      }
    }
  }
  return violations;
}

}  // namespace meshdex::governance
