#include "server/interop/product_builder.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/catalog/address.h"

namespace meshdex::interop {
namespace {

constexpr char kDefaultVersion[] = "0.1.0";

std::string Quoted(const std::string& text) { return absl::StrCat("\"", text, "\""); }

// "<field>: "<value>" from <path> "<source>"", the form of every derivation.
std::string DerivedFrom(const std::string& field, const std::string& value, const std::string& path,
                        const std::string& source) {
  return absl::StrCat(field, ": ", Quoted(value), " from ", path, " ", Quoted(source));
}

}  // namespace

ProductBuilder::ProductBuilder(Format format, const ImportOptions& options)
    : format_(format), options_(options) {
  product_.set_api_version("meshdex.io/v1");
  product_.set_kind("DataProduct");
  (*product_.mutable_metadata()->mutable_labels())[kSourceFormatLabel] = FormatName(format);
}

absl::Status ProductBuilder::SetIdentity(const std::vector<Candidate>& domains,
                                         const std::vector<Candidate>& names,
                                         const std::vector<Candidate>& versions) {
  meshdex::v1::ObjectMeta& metadata = *product_.mutable_metadata();
  if (!options_.domain.empty()) {
    metadata.set_domain(options_.domain);
  } else {
    for (const Candidate& candidate : domains) {
      std::optional<std::string> slug = Slug(candidate.value);
      if (!slug.has_value()) continue;
      if (*slug != candidate.value) {
        record_.Derived(DerivedFrom("metadata.domain", *slug, candidate.path, candidate.value));
      }
      metadata.set_domain(*slug);
      break;
    }
  }
  if (metadata.domain().empty()) {
    std::string tried;
    for (const Candidate& candidate : domains) {
      absl::StrAppend(&tried, tried.empty() ? "" : ", ", candidate.path);
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.domain: the ", FormatName(format_), " document names no domain",
        tried.empty() ? "" : absl::StrCat(" (looked at ", tried, ")"), "; pass a domain"));
  }
  for (const Candidate& candidate : names) {
    std::optional<std::string> slug = Slug(candidate.value);
    if (!slug.has_value()) continue;
    if (*slug != candidate.value) {
      record_.Derived(DerivedFrom("metadata.name", *slug, candidate.path, candidate.value));
    }
    metadata.set_name(*slug);
    break;
  }
  if (metadata.name().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata.name: the ", FormatName(format_),
        " document has no name or id to name the product after"));
  }
  for (const Candidate& candidate : versions) {
    std::optional<std::string> version = SemanticVersion(candidate.value);
    if (!version.has_value()) {
      if (!candidate.value.empty()) {
        record_.Unmapped(absl::StrCat(candidate.path, ": ", Quoted(candidate.value),
                                      " is not a semantic version"));
      }
      continue;
    }
    if (*version != candidate.value) {
      record_.Derived(DerivedFrom("spec.version", *version, candidate.path, candidate.value));
    }
    spec().set_version(*version);
    break;
  }
  if (spec().version().empty()) {
    spec().set_version(kDefaultVersion);
    record_.Derived(absl::StrCat("spec.version: ", Quoted(kDefaultVersion),
                                 " (the document gives no usable version)"));
  }
  return absl::OkStatus();
}

void ProductBuilder::SetTitle(const std::string& title) {
  if (title != product_.metadata().name()) spec().set_title(title);
}

void ProductBuilder::SetSourceId(const std::string& id) {
  if (id.empty()) return;
  (*product_.mutable_metadata()->mutable_labels())[kSourceIdLabel] = std::string(id);
}

void ProductBuilder::MapBitolHeader(const Json& document) {
  SetLifecycle(Field(document, "status"), "status");
  SetDescription(Field(document, "description"), "description");
  SetOwnerFromTeam(Field(document, "team"), "team");
  OwnerEmailFromSupport(Field(document, "support"), "support");
  AddTags(Field(document, "tags"), "tags");
  AddLinks(Field(document, "authoritativeDefinitions"), "authoritativeDefinitions");
}

void ProductBuilder::SetLifecycle(const Json& status, const std::string& path) {
  const std::string word = Text(status);
  if (word.empty()) return;
  std::optional<std::string> lifecycle = Lifecycle(word);
  if (!lifecycle.has_value()) {
    record_.Unmapped(absl::StrCat(path, ": ", Quoted(word), " has no meshdex lifecycle"));
    return;
  }
  if (*lifecycle != word) {
    record_.Derived(DerivedFrom("spec.lifecycle", *lifecycle, path, word));
  }
  spec().set_lifecycle(*lifecycle);
}

void ProductBuilder::SetDescription(const Json& description, const std::string& path) {
  if (description.is_string()) {
    spec().set_description(description.get<std::string>());
    return;
  }
  if (!description.is_object()) return;
  std::string text = Text(Field(description, "purpose"));
  const std::pair<const char*, const char*> paragraphs[] = {{"usage", "Usage: "},
                                                            {"limitations", "Limitations: "}};
  for (const auto& [key, heading] : paragraphs) {
    const std::string paragraph = Text(Field(description, key));
    if (paragraph.empty()) continue;
    absl::StrAppend(&text, text.empty() ? "" : "\n\n", heading, paragraph);
  }
  spec().set_description(text);
  record_.OtherKeys(description, path, {"purpose", "usage", "limitations"});
}

void ProductBuilder::SetOwnerFromTeam(const Json& team, const std::string& path) {
  const Json* members = &team;
  std::string members_path(path);
  if (team.is_object()) {
    const std::string name = Text(Field(team, "name"));
    if (!name.empty()) spec().mutable_owner()->set_team(name);
    members = &Field(team, "members");
    members_path = Join(path, "members");
    record_.OtherKeys(team, path, {"name", "members"});
  }
  if (!members->is_array()) return;
  for (size_t i = 0; i < members->size(); ++i) {
    const Json& member = (*members)[i];
    const std::string role = absl::AsciiStrToLower(Text(Field(member, "role")));
    if (!absl::StrContains(role, "owner") || !spec().owner().email().empty()) continue;
    for (const char* key : {"email", "username"}) {
      const std::string candidate = Text(Field(member, key));
      if (!LooksLikeEmail(candidate)) continue;
      spec().mutable_owner()->set_email(candidate);
      break;
    }
  }
  // Who else is on the team (and when) has no place in a meshdex owner.
  if (!members->empty()) record_.Unmapped(absl::StrCat(members_path, "[*]"));
}

void ProductBuilder::OwnerEmailFromSupport(const Json& support, const std::string& path) {
  if (!support.is_array()) return;
  for (size_t i = 0; i < support.size(); ++i) {
    const Json& channel = support[i];
    std::string email = Text(Field(channel, "url"));
    if (absl::StartsWithIgnoreCase(email, "mailto:")) {
      email = email.substr(7);
    } else if (absl::AsciiStrToLower(Text(Field(channel, "tool"))) == "email") {
      email = Text(Field(channel, "channel"));
    }
    if (!LooksLikeEmail(email)) continue;
    if (spec().owner().email().empty()) {
      spec().mutable_owner()->set_email(email);
      record_.Derived(DerivedFrom("spec.owner.email", email, absl::StrCat(path, "[", i, "]"),
                                  Text(Field(channel, "channel"))));
    }
  }
  if (!support.empty()) record_.Unmapped(absl::StrCat(path, "[*]"));
}

void ProductBuilder::AddTags(const Json& tags, const std::string& path) {
  if (!tags.is_array()) return;
  for (const Json& tag : tags) {
    std::string text = Text(tag);
    absl::StripAsciiWhitespace(&text);
    if (text.empty()) continue;
    std::string token = absl::StrReplaceAll(text, {{" ", "-"}, {"\t", "-"}});
    if (token != text) record_.Derived(DerivedFrom("spec.tags", token, path, text));
    const auto& existing = spec().tags();
    if (std::find(existing.begin(), existing.end(), token) == existing.end()) {
      spec().add_tags(token);
    }
  }
}

void ProductBuilder::AddLinks(const Json& definitions, const std::string& path) {
  if (!definitions.is_array()) return;
  for (size_t i = 0; i < definitions.size(); ++i) {
    const Json& definition = definitions[i];
    const std::string url = Text(Field(definition, "url"));
    std::optional<std::string> key = Slug(Text(Field(definition, "type")));
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    if (url.empty() || !key.has_value() || spec().links().contains(*key)) {
      record_.Unmapped(item_path);
      continue;
    }
    (*spec().mutable_links())[*key] = url;
    record_.OtherKeys(definition, absl::StrCat(path, "[*]"), {"type", "url"});
  }
}

void ProductBuilder::SetAddress(const std::string& address, const std::string& path,
                                meshdex::v1::Port& port) {
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = catalog::NormalizeAddress(address);
  if (!dataset.ok()) {
    record_.Unmapped(absl::StrCat(path, ": server address ", Quoted(address),
                                  " is unusable: ", dataset.status().message()));
    return;
  }
  port.set_address(address);
}

void ProductBuilder::DeriveDataset(const std::string& source_id, const std::string& name, int index,
                                   const std::string& reason, meshdex::v1::Port& port) {
  const meshdex::v1::ObjectMeta& metadata = product_.metadata();
  const std::string dataset_namespace = absl::StrCat(
      FormatName(format_), ":",
      source_id.empty() ? absl::StrCat(metadata.domain(), ".", metadata.name()) : source_id);
  port.mutable_dataset()->set_namespace_(dataset_namespace);
  port.mutable_dataset()->set_name(name);
  record_.Derived(absl::StrCat("spec.outputPorts[", index, "].dataset: ", dataset_namespace, " / ",
                               name, " (", reason, ")"));
}

std::string ProductBuilder::UniquePortName(const std::string& raw, const std::string& fallback,
                                           const std::string& path, bool output) {
  std::set<std::string>& taken = output ? output_port_names_ : input_port_names_;
  std::optional<std::string> slug = Slug(raw, /*allow_underscore=*/true, "port-");
  if (!slug.has_value()) slug = Slug(fallback, /*allow_underscore=*/true, "port-");
  std::string base = slug.value_or("port");
  std::string name = base;
  for (int n = 2; taken.count(name) > 0; ++n) {
    std::string suffix = absl::StrCat("-", n);
    name = absl::StrCat(base.substr(0, 63 - suffix.size()), suffix);
  }
  taken.insert(name);
  if (name != raw) {
    record_.Derived(DerivedFrom(absl::StrCat(output ? "spec.outputPorts" : "spec.inputPorts",
                                             "[", taken.size() - 1, "].name"),
                                name, path, raw));
  }
  return name;
}

ImportResult ProductBuilder::Finish() && {
  ImportResult result;
  result.product = std::move(product_);
  result.unmapped = record_.unmapped();
  result.derived = record_.derived();
  return result;
}

}  // namespace meshdex::interop
