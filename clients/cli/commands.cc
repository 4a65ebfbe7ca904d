#include "clients/cli/commands.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "grpcpp/client_context.h"
#include "proto/document.h"

namespace meshdex::cli {
namespace {

using meshdex::v1::DataProduct;

bool IsDescriptorFile(const std::filesystem::path& path) {
  std::string ext = absl::AsciiStrToLower(path.extension().string());
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Expands `-`, files and directories (their *.yaml|*.yml|*.json, sorted) into
// (source name, text) pairs. Returns false after printing an error.
bool ReadInputs(const std::vector<std::string>& inputs,
                std::vector<std::pair<std::string, std::string>>* texts) {
  for (const std::string& input : inputs) {
    if (input == "-") {
      std::stringstream buffer;
      buffer << std::cin.rdbuf();
      texts->emplace_back("<stdin>", buffer.str());
      continue;
    }
    std::error_code error;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(input, error)) {
      for (const auto& entry : std::filesystem::directory_iterator(input, error)) {
        if (entry.is_regular_file() && IsDescriptorFile(entry.path())) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(input);
    }
    for (const std::filesystem::path& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::cerr << "error: cannot read " << file.string() << "\n";
        return false;
      }
      std::stringstream buffer;
      buffer << in.rdbuf();
      texts->emplace_back(file.string(), buffer.str());
    }
  }
  return true;
}

void PrintProductTable(const std::vector<const DataProduct*>& products) {
  Table table({"URN", "VERSION", "LIFECYCLE", "REV", "OWNER", "TITLE"});
  for (const DataProduct* product : products) {
    table.AddRow({product->metadata().urn(), product->spec().version(), product->spec().lifecycle(),
                  absl::StrCat(product->metadata().revision()), product->spec().owner().team(),
                  product->spec().title()});
  }
  table.Print(std::cout);
}

void PrintPorts(const char* heading, const google::protobuf::RepeatedPtrField<meshdex::v1::Port>& ports) {
  if (ports.empty()) return;
  std::cout << heading << ":\n";
  for (const meshdex::v1::Port& port : ports) {
    std::cout << "  " << port.name() << " (" << port.kind()
              << (port.format().empty() ? "" : ", " + port.format()) << ")  " << port.address()
              << "\n";
    if (!port.description().empty()) std::cout << "    " << port.description() << "\n";
    if (port.has_slo()) {
      std::cout << "    SLO: freshness " << port.slo().freshness_seconds() << " s, availability "
                << port.slo().availability_percent() << " %\n";
    }
    if (port.schema().fields().empty()) continue;
    Table fields({"    FIELD", "TYPE", "REQUIRED", "CLASSIFICATION", "DESCRIPTION"});
    for (const meshdex::v1::SchemaField& field : port.schema().fields()) {
      fields.AddRow({"    " + field.name(), field.type(), field.required() ? "yes" : "",
                     field.classification(), field.description()});
    }
    fields.Print(std::cout);
  }
}

}  // namespace

std::unique_ptr<grpc::ClientContext> CallContext(const Session& session, bool deadline) {
  if (!deadline) return session.client->NewContext(std::nullopt);
  return session.client->NewContext();
}

int ReportError(const grpc::Status& status, const std::string& what) {
  std::cerr << "error: " << (what.empty() ? "" : what + ": ")
            << absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())) << ": "
            << status.error_message() << "\n";
  return 1;
}

std::string OutcomeWord(meshdex::v1::ApplyOutcome outcome) {
  switch (outcome) {
    case meshdex::v1::CREATED: return "created";
    case meshdex::v1::UPDATED: return "updated";
    case meshdex::v1::UNCHANGED: return "unchanged";
    default: return "applied";
  }
}

bool ReadDocuments(const std::vector<std::string>& inputs, std::vector<SourcedDocument>* docs) {
  std::vector<std::pair<std::string, std::string>> texts;
  if (!ReadInputs(inputs, &texts)) return false;
  bool ok = true;
  for (const auto& [source, text] : texts) {
    absl::StatusOr<std::vector<document::ResourceDocument>> parsed = document::ParseDocuments(text);
    if (!parsed.ok()) {
      std::cerr << "error: " << source << ": " << parsed.status().message() << "\n";
      ok = false;
      continue;
    }
    for (document::ResourceDocument& doc : *parsed) {
      std::string where = absl::StrCat(source, " (document ", doc.index + 1, ")");
      docs->push_back({std::move(where), std::move(doc)});
    }
  }
  return ok;
}

bool ToMessageOrReport(const SourcedDocument& source, google::protobuf::Message* message) {
  if (absl::Status status = document::ToMessage(source.doc, message); !status.ok()) {
    std::cerr << "error: " << source.where << ": " << status.message() << "\n";
    return false;
  }
  return true;
}

int ApplyCommand(Session& session, const std::vector<std::string>& files, bool dry_run) {
  std::vector<SourcedDocument> docs;
  if (!ReadDocuments(files, &docs)) return 1;
  return ApplyDocuments(session, docs, dry_run);
}

int ApplyDocuments(Session& session, const std::vector<SourcedDocument>& docs, bool dry_run) {
  // Convert everything first: a typo anywhere applies nothing.
  bool parse_failed = false;
  std::vector<std::pair<std::string, meshdex::v1::Policy>> policies;
  std::vector<std::pair<std::string, DataProduct>> products;
  for (const SourcedDocument& source : docs) {
    if (source.doc.kind == "Policy") {
      meshdex::v1::Policy policy;
      if (!ToMessageOrReport(source, &policy)) parse_failed = true;
      policies.emplace_back(source.where, std::move(policy));
    } else if (source.doc.kind.empty() || source.doc.kind == "DataProduct") {
      DataProduct product;
      if (!ToMessageOrReport(source, &product)) parse_failed = true;
      products.emplace_back(source.where, std::move(product));
    } else {
      std::cerr << "error: " << source.where << ": unsupported kind \"" << source.doc.kind
                << "\" (DataProduct or Policy)\n";
      parse_failed = true;
    }
  }
  if (parse_failed) return 1;
  if (policies.empty() && products.empty()) {
    std::cerr << "error: no documents found in the input\n";
    return 1;
  }

  int exit_code = 0;
  bool first = true;
  for (auto& [where, policy] : policies) {
    meshdex::v1::ApplyPolicyRequest request;
    *request.mutable_policy() = std::move(policy);
    request.set_dry_run(dry_run);
    meshdex::v1::ApplyPolicyResponse response;
    grpc::Status status =
        session.governance->ApplyPolicy(CallContext(session).get(), request, &response);
    if (!status.ok()) {
      exit_code = ReportError(status, where);
      continue;
    }
    if (session.format == OutputFormat::kTable) {
      std::cout << "policy " << response.policy().metadata().urn() << " "
                << OutcomeWord(response.outcome()) << " (revision "
                << response.policy().metadata().revision() << ")" << (dry_run ? " [dry run]" : "")
                << "\n";
    } else {
      PrintMessage(response.policy(), session.format, std::cout, !first);
    }
    first = false;
  }
  for (auto& [where, product] : products) {
    meshdex::v1::ApplyProductRequest request;
    *request.mutable_product() = std::move(product);
    request.set_dry_run(dry_run);
    meshdex::v1::ApplyProductResponse response;
    grpc::Status status = session.catalog->ApplyProduct(CallContext(session).get(), request, &response);
    if (!status.ok()) {
      exit_code = ReportError(status, where);
      continue;
    }
    for (const std::string& warning : response.warnings()) {
      std::cerr << "warning: " << response.product().metadata().urn() << ": " << warning << "\n";
    }
    if (session.format == OutputFormat::kTable) {
      std::cout << response.product().metadata().urn() << " " << OutcomeWord(response.outcome())
                << " (revision " << response.product().metadata().revision() << ")"
                << (dry_run ? " [dry run]" : "") << "\n";
    } else {
      PrintMessage(response.product(), session.format, std::cout, !first);
    }
    first = false;
  }
  return exit_code;
}

int GetProductsCommand(Session& session, const std::string& domain) {
  std::vector<DataProduct> products;
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    meshdex::v1::ListProductsRequest request;
    request.set_domain(domain);
    request.set_page_size(1000);
    request.set_page_token(token);
    meshdex::v1::ListProductsResponse response;
    grpc::Status status = session.catalog->ListProducts(CallContext(session).get(), request, &response);
    if (!status.ok()) return ReportError(status);
    for (DataProduct& product : *response.mutable_products()) products.push_back(std::move(product));
    token = response.next_page_token();
    if (token.empty()) break;
  }
  if (session.format == OutputFormat::kTable) {
    std::vector<const DataProduct*> rows;
    for (const DataProduct& product : products) rows.push_back(&product);
    PrintProductTable(rows);
    return 0;
  }
  meshdex::v1::ListProductsResponse all;
  for (DataProduct& product : products) *all.add_products() = std::move(product);
  PrintMessage(all, session.format, std::cout);
  return 0;
}

int GetProductCommand(Session& session, const std::string& urn, int64_t revision) {
  meshdex::v1::GetProductRequest request;
  request.set_urn(urn);
  request.set_revision(revision);
  DataProduct product;
  grpc::Status status = session.catalog->GetProduct(CallContext(session).get(), request, &product);
  if (!status.ok()) return ReportError(status);
  if (session.format == OutputFormat::kTable) {
    PrintProductTable({&product});
  } else {
    PrintMessage(product, session.format, std::cout);
  }
  return 0;
}

int DescribeCommand(Session& session, const std::string& urn) {
  if (session.format != OutputFormat::kTable) return GetProductCommand(session, urn, 0);
  meshdex::v1::GetProductRequest request;
  request.set_urn(urn);
  DataProduct product;
  grpc::Status status = session.catalog->GetProduct(CallContext(session).get(), request, &product);
  if (!status.ok()) return ReportError(status);
  const auto& meta = product.metadata();
  const auto& spec = product.spec();
  std::cout << "URN:         " << meta.urn() << "\n"
            << "Title:       " << spec.title() << "\n"
            << "Version:     " << spec.version() << "   Lifecycle: " << spec.lifecycle()
            << "   Revision: " << meta.revision() << "\n"
            << "Owner:       " << spec.owner().team()
            << (spec.owner().email().empty() ? "" : " <" + spec.owner().email() + ">") << "\n"
            << "Created:     " << FormatTime(meta.create_time())
            << "   Updated: " << FormatTime(meta.update_time()) << "\n";
  if (product.status().has_trust()) {
    const meshdex::v1::TrustStatus& trust = product.status().trust();
    std::cout << "Trust:       " << meshdex::v1::TrustState_Name(trust.state())
              << "   last successful run: " << FormatTime(trust.last_successful_run()) << "\n";
  }
  if (product.status().has_governance()) {
    const meshdex::v1::GovernanceStatus& governance = product.status().governance();
    std::cout << "Governance:  score " << absl::StrFormat("%.2f", governance.score()) << ", "
              << governance.violations_size()
              << (governance.violations_size() == 1 ? " violation" : " violations") << "\n";
    for (const meshdex::v1::Violation& violation : governance.violations()) {
      std::cout << "  - " << violation.policy() << " (" << violation.enforcement()
                << "): " << violation.path() << ": " << violation.message() << "\n";
    }
  }
  if (!spec.tags().empty()) std::cout << "Tags:        " << absl::StrJoin(spec.tags(), ", ") << "\n";
  if (!spec.glossary_terms().empty()) {
    std::cout << "Glossary:    " << absl::StrJoin(spec.glossary_terms(), ", ") << "\n";
  }
  if (!meta.labels().empty()) {
    std::vector<std::string> labels;
    for (const auto& [key, value] : meta.labels()) labels.push_back(key + "=" + value);
    std::sort(labels.begin(), labels.end());
    std::cout << "Labels:      " << absl::StrJoin(labels, ", ") << "\n";
  }
  if (!spec.description().empty()) std::cout << "\n" << spec.description() << "\n";
  std::cout << "\n";
  PrintPorts("Output ports", spec.output_ports());
  PrintPorts("Input ports", spec.input_ports());
  if (!spec.links().empty()) {
    std::vector<std::string> links;
    for (const auto& [key, value] : spec.links()) links.push_back("  " + key + ": " + value);
    std::sort(links.begin(), links.end());
    std::cout << "Links:\n" << absl::StrJoin(links, "\n") << "\n";
  }
  return 0;
}

int DeleteCommand(Session& session, const std::string& urn, int64_t expected_revision) {
  meshdex::v1::DeleteProductRequest request;
  request.set_urn(urn);
  request.set_expected_revision(expected_revision);
  meshdex::v1::DeleteProductResponse response;
  grpc::Status status = session.catalog->DeleteProduct(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format == OutputFormat::kTable) {
    std::cout << urn << " deleted (sequence " << response.sequence() << ")\n";
  } else {
    PrintMessage(response, session.format, std::cout);
  }
  return 0;
}

int HistoryCommand(Session& session, const std::string& urn) {
  meshdex::v1::ListRevisionsResponse all;
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    meshdex::v1::ListRevisionsRequest request;
    request.set_urn(urn);
    request.set_page_size(1000);
    request.set_page_token(token);
    meshdex::v1::ListRevisionsResponse response;
    grpc::Status status = session.catalog->ListRevisions(CallContext(session).get(), request, &response);
    if (!status.ok()) return ReportError(status);
    for (DataProduct& revision : *response.mutable_revisions()) {
      *all.add_revisions() = std::move(revision);
    }
    token = response.next_page_token();
    if (token.empty()) break;
  }
  if (session.format != OutputFormat::kTable) {
    PrintMessage(all, session.format, std::cout);
    return 0;
  }
  Table table({"REVISION", "VERSION", "LIFECYCLE", "TIME", "CHANGE"});
  for (const DataProduct& revision : all.revisions()) {
    bool deleted = revision.metadata().has_delete_time();
    table.AddRow({absl::StrCat(revision.metadata().revision()), revision.spec().version(),
                  revision.spec().lifecycle(), FormatTime(revision.metadata().update_time()),
                  deleted ? "deleted" : (revision.metadata().revision() == 1 ? "created" : "updated")});
  }
  table.Print(std::cout);
  return 0;
}

int ResolveCommand(Session& session, const std::string& address) {
  meshdex::v1::ResolveAddressRequest request;
  request.set_address(address);
  meshdex::v1::ResolveAddressResponse response;
  grpc::Status status = session.catalog->ResolveAddress(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  Table table({"PRODUCT", "PORT", "DATASET NAMESPACE", "DATASET NAME"});
  table.AddRow({response.product_urn(), response.port_name(), response.dataset_namespace(),
                response.dataset_name()});
  table.Print(std::cout);
  return 0;
}

int WatchCommand(Session& session, uint64_t from_sequence) {
  // No deadline: a watch runs until stopped.
  std::unique_ptr<grpc::ClientContext> context = CallContext(session, /*deadline=*/false);
  meshdex::v1::WatchRequest request;
  request.set_from_sequence(from_sequence);
  auto reader = session.catalog->Watch(context.get(), request);
  meshdex::v1::ChangeEvent event;
  while (reader->Read(&event)) {
    if (session.format == OutputFormat::kTable) {
      std::cout << event.sequence() << "  " << FormatTime(event.time()) << "  "
                << meshdex::v1::ChangeEvent::Type_Name(event.type()) << "  " << event.urn()
                << "  revision " << event.revision() << std::endl;
    } else {
      PrintMessage(event, session.format, std::cout, session.format == OutputFormat::kYaml);
      std::cout.flush();
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return ReportError(status);
  return 0;
}

int SearchCommand(Session& session, const std::string& query,
                  const std::vector<std::string>& facets,
                  const std::vector<meshdex::v1::SearchFilter>& filters, int page_size,
                  const std::string& page_token) {
  meshdex::v1::SearchRequest request;
  request.set_query(query);
  for (const std::string& facet : facets) request.add_facets(facet);
  for (const meshdex::v1::SearchFilter& filter : filters) *request.add_filters() = filter;
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  meshdex::v1::SearchResponse response;
  grpc::Status status = session.search->Search(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  if (!response.did_you_mean().empty()) {
    std::cout << "Did you mean: " << response.did_you_mean() << "\n\n";
  }
  Table hits({"TYPE", "URN", "DOMAIN", "TITLE", "SCORE"});
  for (const meshdex::v1::SearchHit& hit : response.hits()) {
    hits.AddRow({hit.type(), hit.urn(), hit.domain(), hit.title(), absl::StrFormat("%.2f", hit.score())});
  }
  hits.Print(std::cout);
  std::cout << "\n" << response.hits_size() << " shown of about " << response.total_estimate()
            << " matches\n";
  for (const meshdex::v1::Facet& facet : response.facets()) {
    std::vector<std::string> values;
    for (const meshdex::v1::FacetValue& value : facet.values()) {
      values.push_back(absl::StrCat(value.value(), " (", value.count(), ")"));
    }
    std::cout << facet.name() << ": " << absl::StrJoin(values, ", ") << "\n";
  }
  if (!response.next_page_token().empty()) {
    std::cout << "Next page: --page-token " << response.next_page_token() << "\n";
  }
  return 0;
}

int SuggestCommand(Session& session, const std::string& prefix, int limit) {
  meshdex::v1::SuggestRequest request;
  request.set_prefix(prefix);
  request.set_limit(limit);
  meshdex::v1::SuggestResponse response;
  grpc::Status status = session.search->Suggest(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  Table table({"SUGGESTION", "TYPE", "URN"});
  for (const meshdex::v1::Suggestion& suggestion : response.suggestions()) {
    table.AddRow({suggestion.text(), suggestion.type(), suggestion.urn()});
  }
  table.Print(std::cout);
  return 0;
}

}  // namespace meshdex::cli
