// meshdexctl governance commands: policy apply|list|get|delete, evaluate,
// scorecard.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cli/commands.h"
#include "grpcpp/client_context.h"

namespace meshdex::cli {
namespace {

constexpr char kEnforce[] = "enforce";

// (domain, name) of "<name>" or "<domain>/<name>".
std::pair<std::string, std::string> SplitPolicyName(const std::string& policy) {
  const size_t slash = policy.find('/');
  if (slash == std::string::npos) return {"", policy};
  return {policy.substr(0, slash), policy.substr(slash + 1)};
}

std::string DisplayName(const meshdex::v1::Policy& policy) {
  return policy.metadata().domain().empty()
             ? policy.metadata().name()
             : absl::StrCat(policy.metadata().domain(), "/", policy.metadata().name());
}

std::string Score(double score) { return absl::StrFormat("%.2f", score); }

void PrintViolations(const google::protobuf::RepeatedPtrField<meshdex::v1::Violation>& violations) {
  Table table({"POLICY", "ENFORCEMENT", "PATH", "MESSAGE"});
  for (const meshdex::v1::Violation& violation : violations) {
    table.AddRow({violation.policy(), violation.enforcement(), violation.path(), violation.message()});
  }
  table.Print(std::cout);
}

}  // namespace

int PolicyApplyCommand(Session& session, const std::vector<std::string>& files, bool dry_run) {
  std::vector<SourcedDocument> docs;
  if (!ReadDocuments(files, &docs)) return 1;
  for (const SourcedDocument& source : docs) {
    if (!source.doc.kind.empty() && source.doc.kind != "Policy") {
      std::cerr << "error: " << source.where << ": kind \"" << source.doc.kind
                << "\" is not a Policy (use meshdexctl apply for mixed files)\n";
      return 1;
    }
  }
  return ApplyDocuments(session, docs, dry_run);
}

int PolicyListCommand(Session& session, const std::string& domain) {
  meshdex::v1::ListPoliciesRequest request;
  request.set_domain(domain);
  meshdex::v1::ListPoliciesResponse response;
  grpc::Status status =
      session.governance->ListPolicies(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  Table table({"POLICY", "ENFORCEMENT", "RULES", "REV", "APPLIES TO", "DESCRIPTION"});
  for (const meshdex::v1::Policy& policy : response.policies()) {
    const meshdex::v1::PolicyAppliesTo& applies = policy.spec().applies_to();
    std::vector<std::string> filters;
    if (!applies.lifecycles().empty()) {
      filters.push_back(absl::StrCat("lifecycles=", absl::StrJoin(applies.lifecycles(), ",")));
    }
    if (!applies.domains().empty()) {
      filters.push_back(absl::StrCat("domains=", absl::StrJoin(applies.domains(), ",")));
    }
    if (!applies.kinds().empty()) {
      filters.push_back(absl::StrCat("kinds=", absl::StrJoin(applies.kinds(), ",")));
    }
    table.AddRow({DisplayName(policy), policy.spec().enforcement(),
                  absl::StrCat(policy.spec().rules_size()),
                  absl::StrCat(policy.metadata().revision()),
                  filters.empty() ? "all" : absl::StrJoin(filters, " "),
                  policy.spec().description()});
  }
  table.Print(std::cout);
  return 0;
}

int PolicyGetCommand(Session& session, const std::string& policy) {
  meshdex::v1::GetPolicyRequest request;
  std::tie(*request.mutable_domain(), *request.mutable_name()) = SplitPolicyName(policy);
  meshdex::v1::Policy response;
  grpc::Status status = session.governance->GetPolicy(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  // A policy reads best as the document it was written as.
  PrintMessage(response,
               session.format == OutputFormat::kTable ? OutputFormat::kYaml : session.format,
               std::cout);
  return 0;
}

int PolicyDeleteCommand(Session& session, const std::string& policy, int64_t expected_revision) {
  meshdex::v1::DeletePolicyRequest request;
  std::tie(*request.mutable_domain(), *request.mutable_name()) = SplitPolicyName(policy);
  request.set_expected_revision(expected_revision);
  meshdex::v1::DeletePolicyResponse response;
  grpc::Status status =
      session.governance->DeletePolicy(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  std::cout << "policy " << policy << " deleted (sequence " << response.sequence() << ")\n";
  return 0;
}

int EvaluateCommand(Session& session, const std::vector<std::string>& files) {
  std::vector<SourcedDocument> docs;
  if (!ReadDocuments(files, &docs)) return 1;
  if (docs.empty()) {
    std::cerr << "error: no documents found in the input\n";
    return 1;
  }
  int exit_code = 0;
  bool first = true;
  for (const SourcedDocument& source : docs) {
    if (!source.doc.kind.empty() && source.doc.kind != "DataProduct") {
      std::cerr << "error: " << source.where << ": kind \"" << source.doc.kind
                << "\" cannot be evaluated (DataProduct only)\n";
      exit_code = 1;
      continue;
    }
    meshdex::v1::EvaluateRequest request;
    if (!ToMessageOrReport(source, request.mutable_product())) {
      exit_code = 1;
      continue;
    }
    meshdex::v1::EvaluateResponse response;
    grpc::Status status =
        session.governance->Evaluate(CallContext(session).get(), request, &response);
    if (!status.ok()) {
      exit_code = ReportError(status, source.where);
      continue;
    }
    int enforced = 0;
    for (const meshdex::v1::Violation& violation : response.violations()) {
      if (violation.enforcement() == kEnforce) ++enforced;
    }
    if (enforced > 0) exit_code = 1;
    if (session.format != OutputFormat::kTable) {
      PrintMessage(response, session.format, std::cout, !first);
      first = false;
      continue;
    }
    std::cout << source.where << ": score " << Score(response.score()) << ", "
              << response.violations_size()
              << (response.violations_size() == 1 ? " violation" : " violations")
              << (enforced > 0 ? absl::StrCat(", ", enforced, " would refuse the write")
                               : std::string())
              << "\n";
    if (!response.violations().empty()) PrintViolations(response.violations());
  }
  return exit_code;
}

int ScorecardCommand(Session& session, const std::string& domain) {
  meshdex::v1::GetScorecardRequest request;
  request.set_domain(domain);
  meshdex::v1::Scorecard response;
  grpc::Status status =
      session.governance->GetScorecard(CallContext(session).get(), request, &response);
  if (!status.ok()) return ReportError(status);
  if (session.format != OutputFormat::kTable) {
    PrintMessage(response, session.format, std::cout);
    return 0;
  }
  Table domains({"DOMAIN", "PRODUCTS", "VIOLATING", "VIOLATIONS", "AVERAGE SCORE"});
  for (const meshdex::v1::DomainScore& score : response.domains()) {
    domains.AddRow({score.domain(), absl::StrCat(score.products()),
                    absl::StrCat(score.violating_products()), absl::StrCat(score.violations()),
                    Score(score.average_score())});
  }
  domains.Print(std::cout);
  std::cout << "\n";
  Table products({"URN", "SCORE", "VIOLATIONS"});
  for (const meshdex::v1::ProductScore& score : response.products()) {
    std::vector<std::string> policies;
    for (const meshdex::v1::Violation& violation : score.violations()) {
      policies.push_back(absl::StrCat(violation.policy(), " ", violation.path()));
    }
    products.AddRow({score.urn(), Score(score.score()), absl::StrJoin(policies, "; ")});
  }
  products.Print(std::cout);
  return 0;
}

}  // namespace meshdex::cli
