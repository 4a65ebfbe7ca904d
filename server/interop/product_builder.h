// ProductBuilder: the part of every import mapper that does not depend on the
// foreign format: identity (domain, name, version) with its derivations,
// lifecycle, description, owner, tags, links and unique port names, each
// recording what it derived or could not map in one MappingRecord.
//
// Invariant: after a successful SetIdentity the product has a domain and a
// name matching meshdex's identifier pattern and a semantic version.
//
// Thread-safety: a builder is used by one mapping on one thread.
#ifndef MESHDEX_SERVER_INTEROP_PRODUCT_BUILDER_H_
#define MESHDEX_SERVER_INTEROP_PRODUCT_BUILDER_H_

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "meshdex/v1/resources.pb.h"
#include "server/interop/interop.h"
#include "server/interop/mapping.h"

namespace meshdex::interop {

// A document value that may supply a meshdex field, with its document path.
struct Candidate {
  std::string path;
  std::string value;
};

class ProductBuilder {
 public:
  ProductBuilder(Format format, const ImportOptions& options);

  MappingRecord& record() { return record_; }
  meshdex::v1::DataProduct& product() { return product_; }
  meshdex::v1::DataProductSpec& spec() { return *product_.mutable_spec(); }

  // Domain: the option, else the first candidate that makes an identifier;
  // name: the first candidate that does. Version: the first candidate that is
  // (or becomes) a semantic version, else 0.1.0. Every value not taken as
  // written is recorded as derived. INVALID_ARGUMENT naming metadata.domain /
  // metadata.name when no candidate works.
  absl::Status SetIdentity(const std::vector<Candidate>& domains,
                           const std::vector<Candidate>& names,
                           const std::vector<Candidate>& versions);

  // spec.title, unless it only repeats metadata.name (call after SetIdentity).
  void SetTitle(const std::string& title);

  // Remembers the document's own identifier as the source-id label.
  void SetSourceId(const std::string& id);

  // The header both Bitol standards (ODCS v3, ODPS) share: status, description,
  // team, support, tags and authoritativeDefinitions (see the setters below).
  void MapBitolHeader(const Json& document);

  // spec.lifecycle from a status word; unknown words are unmapped.
  void SetLifecycle(const Json& status, const std::string& path);

  // spec.description from a string, or from {purpose, usage, limitations}
  // (purpose first, then "Usage: ..." and "Limitations: ..." paragraphs).
  void SetDescription(const Json& description, const std::string& path);

  // spec.owner from a team: an object {name, members[]} (ODCS v3.1, ODPS) or
  // a list of members (ODCS v3.0 team, v2 stakeholders). The team name is
  // owner.team; the first member whose role mentions "owner" and whose
  // username (or email) is an email address gives owner.email.
  void SetOwnerFromTeam(const Json& team, const std::string& path);

  // owner.email, when still empty, from the first support channel that is an
  // email address (a mailto: url or an email channel), recorded as derived.
  void OwnerEmailFromSupport(const Json& support, const std::string& path);

  // Appends tags (whitespace folded to '-', duplicates dropped).
  void AddTags(const Json& tags, const std::string& path);

  // spec.links[<type>] = url for each {type, url} authoritative definition.
  void AddLinks(const Json& definitions, const std::string& path);

  // port.address = `address` when the catalog can read it
  // (catalog::NormalizeAddress); otherwise it is recorded as unmapped at
  // `path` with the reason, and the port keeps no address.
  void SetAddress(const std::string& address, const std::string& path, meshdex::v1::Port& port);

  // For an output port no address names: dataset <format>:<source id> (or
  // <format>:<domain>.<name> without one) / `name`, recorded as derived at
  // spec.outputPorts[`index`] with `reason`.
  void DeriveDataset(const std::string& source_id, const std::string& name, int index,
                     const std::string& reason, meshdex::v1::Port& port);

  // A port name unique among the product's output (resp. input) ports: the
  // slug of `raw` (or `fallback` when `raw` has none), with "-2", "-3"...
  // appended on repeats; records a derivation when it differs from `raw`.
  std::string UniquePortName(const std::string& raw, const std::string& fallback,
                             const std::string& path, bool output);

  ImportResult Finish() &&;

 private:
  Format format_;
  ImportOptions options_;
  MappingRecord record_;
  meshdex::v1::DataProduct product_;
  std::set<std::string> output_port_names_;
  std::set<std::string> input_port_names_;
};

}  // namespace meshdex::interop

#endif  // MESHDEX_SERVER_INTEROP_PRODUCT_BUILDER_H_
