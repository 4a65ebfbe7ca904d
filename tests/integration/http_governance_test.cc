// The governance routes of the HTTP gateway against the real meshdexd (demo
// mesh with its 8 policies, free ports): listing, applying (YAML and JSON,
// created/unchanged, dry run, batches), reading and deleting global and
// domain policies, evaluation that stores nothing, enforced policies refusing
// product writes, scorecards and the governance search filter/facet.
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using Json = nlohmann::json;

// Policies of the demo mesh: the documents of its policy file.
size_t DemoPolicyCount() {
  std::ifstream file(MESHDEX_DEMO_POLICIES);
  size_t count = 0;
  for (std::string line; std::getline(file, line);) count += line == "kind: Policy";
  return count;
}

// A warn policy of the domain "httpgov", which has no products: applying it
// changes no stored status, so the tests stay independent.
constexpr char kDomainPolicyYaml[] = R"(apiVersion: meshdex.io/v1
kind: Policy
metadata: {domain: httpgov, name: titled}
spec:
  description: Products carry a title.
  enforcement: warn
  rules:
    - {path: spec.title, require: true}
)";

// A production product without SLO or owner e-mail: the demo's enforced
// global policy production-needs-slo refuses it.
constexpr char kUngovernedProductYaml[] = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: httpgov, name: no-slo}
spec:
  title: Without an SLO
  description: A production product whose output port declares no freshness SLO.
  owner: {team: http-governance}
  version: 1.0.0
  lifecycle: production
  tags: [governance]
  outputPorts:
    - {name: events, kind: kafka, address: "kafka://broker.httpgov:9092/no-slo", format: avro}
)";

// A global warn policy that governs only a domain without products.
Json GlobalPolicy(const std::string& name) {
  return Json{{"apiVersion", "meshdex.io/v1"},
              {"kind", "Policy"},
              {"metadata", {{"name", name}}},
              {"spec",
               {{"description", "Described products."},
                {"enforcement", "warn"},
                {"appliesTo", {{"domains", {"httpgov-empty"}}}},
                {"rules", {{{"path", "spec.description"}, {"require", true}}}}}}};
}

// "domain/name" of each policy of a ListPoliciesResponse ("/name" if global).
std::set<std::string> PolicyKeys(const Json& list) {
  std::set<std::string> keys;
  for (const Json& policy : list.value("policies", Json::array())) {
    keys.insert(policy["metadata"].value("domain", "") + "/" +
                policy["metadata"]["name"].get<std::string>());
  }
  return keys;
}

class HttpGovernanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = std::make_unique<testing::TempDir>();
    meshdexd_ = std::make_unique<testing::ServerProcess>(temp_->Sub("data"),
                                                         std::vector<std::string>{"--demo"});
    ASSERT_TRUE(meshdexd_->Start());
    http_ = std::make_unique<httplib::Client>("http://" + meshdexd_->http_address());
    http_->set_read_timeout(10, 0);
    http_->set_default_headers({{"Accept-Encoding", "identity"}});
  }
  static void TearDownTestSuite() {
    http_.reset();
    meshdexd_.reset();
    temp_.reset();
  }

  // The answer's body, after checking its status (and, for errors, that
  // the body is exactly {"code","message"}).
  static Json Answer(const httplib::Result& result, int expected_status) {
    if (!result) {
      ADD_FAILURE() << "no answer: " << httplib::to_string(result.error());
      return Json();
    }
    EXPECT_EQ(result->status, expected_status) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    Json body = Json::parse(result->body, nullptr, /*allow_exceptions=*/false);
    if (expected_status >= 400) {
      EXPECT_TRUE(body.is_object() && body.size() == 2 && body["code"].is_string() &&
                  body["message"].is_string())
          << result->body;
    }
    return body;
  }

  static Json Get(const std::string& path, int expected_status = 200) {
    return Answer(http_->Get(path), expected_status);
  }
  static Json Delete(const std::string& path, int expected_status = 200) {
    return Answer(http_->Delete(path), expected_status);
  }
  static Json PostYaml(const std::string& path, const std::string& yaml, int expected_status) {
    return Answer(http_->Post(path, yaml, "application/yaml"), expected_status);
  }
  static Json PostJson(const std::string& path, const Json& json, int expected_status) {
    return Answer(http_->Post(path, json.dump(), "application/json"), expected_status);
  }

  // The store's last sequence, from a dry run (which writes nothing): a
  // search with min_sequence set to it sees every write before.
  static std::string LastSequence() {
    return PostJson("/v1/policies?dry_run=true", GlobalPolicy("sequence-probe"), 200)["sequence"];
  }

  static inline std::unique_ptr<testing::TempDir> temp_;
  static inline std::unique_ptr<testing::ServerProcess> meshdexd_;
  static inline std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpGovernanceTest, ListsEveryPolicyOrThoseInForceInADomain) {
  const size_t demo_policies = DemoPolicyCount();
  ASSERT_GE(demo_policies, 8u);
  const std::set<std::string> all = PolicyKeys(Get("/v1/policies"));
  EXPECT_EQ(all.size(), demo_policies);
  EXPECT_TRUE(all.count("sales/kafka-registry-formats"));
  EXPECT_TRUE(all.count("finance/documented-tables"));

  const std::set<std::string> sales = PolicyKeys(Get("/v1/policies?domain=sales"));
  // All but finance's one.
  EXPECT_EQ(sales.size(), demo_policies - 1);
  EXPECT_TRUE(sales.count("/production-needs-slo"));
  EXPECT_TRUE(sales.count("sales/kafka-registry-formats"));
  EXPECT_FALSE(sales.count("finance/documented-tables"));
  for (const std::string& key : sales) {
    EXPECT_TRUE(key.rfind("/", 0) == 0 || key.rfind("sales/", 0) == 0) << key;
  }

  EXPECT_EQ(Get("/v1/policies?domian=sales", 400)["code"], "INVALID_ARGUMENT");
}

TEST_F(HttpGovernanceTest, AppliesAYamlPolicyOnceThenReportsItUnchanged) {
  const Json created = PostYaml("/v1/policies", kDomainPolicyYaml, 201);
  EXPECT_EQ(created["outcome"], "CREATED");
  EXPECT_EQ(created["policy"]["metadata"]["urn"], "urn:policy:httpgov:titled");
  EXPECT_EQ(created["policy"]["metadata"]["revision"], "1");
  EXPECT_FALSE(created["sequence"].get<std::string>().empty());

  const Json again = PostYaml("/v1/policies", kDomainPolicyYaml, 200);
  EXPECT_EQ(again["outcome"], "UNCHANGED");
  EXPECT_EQ(again["policy"]["metadata"]["revision"], "1");

  const Json stored = Get("/v1/policies/httpgov/titled");
  EXPECT_EQ(stored["spec"]["rules"][0]["path"], "spec.title");
  EXPECT_TRUE(PolicyKeys(Get("/v1/policies?domain=httpgov")).count("httpgov/titled"));
  EXPECT_FALSE(PolicyKeys(Get("/v1/policies?domain=sales")).count("httpgov/titled"));

  EXPECT_EQ(Delete("/v1/policies/httpgov/titled?expected_revision=7", 409)["code"], "ABORTED");
  EXPECT_FALSE(Delete("/v1/policies/httpgov/titled?expected_revision=1")["sequence"]
                   .get<std::string>()
                   .empty());
  EXPECT_EQ(Get("/v1/policies/httpgov/titled", 404)["code"], "NOT_FOUND");
  EXPECT_EQ(Delete("/v1/policies/httpgov/titled", 404)["code"], "NOT_FOUND");
}

TEST_F(HttpGovernanceTest, GlobalPoliciesHaveTheirOwnRoutes) {
  PostJson("/v1/policies", GlobalPolicy("described"), 201);
  const Json global = Get("/v1/policies/described");
  EXPECT_EQ(global["metadata"]["urn"], "urn:policy::described");
  EXPECT_FALSE(global["metadata"].contains("domain"));
  // The same name under a domain is another policy.
  EXPECT_EQ(Get("/v1/policies/httpgov/described", 404)["code"], "NOT_FOUND");
  EXPECT_EQ(Get("/v1/policies/described?revision=1", 400)["code"], "INVALID_ARGUMENT");

  Delete("/v1/policies/described?expected_revision=1");
  EXPECT_EQ(Get("/v1/policies/described", 404)["code"], "NOT_FOUND");
  EXPECT_EQ(Delete("/v1/policies/described", 404)["code"], "NOT_FOUND");
  EXPECT_EQ(Get("/v1/policies/no-such-policy", 404)["code"], "NOT_FOUND");
}

TEST_F(HttpGovernanceTest, DryRunsAndBatchesWorkAsForProducts) {
  const Json checked = PostJson("/v1/policies?dry_run=true", GlobalPolicy("dry"), 200);
  EXPECT_EQ(checked["outcome"], "CREATED");
  Get("/v1/policies/dry", 404);

  const Json batch = Json::array({GlobalPolicy("batch-one"), GlobalPolicy("batch-two")});
  const Json results = PostJson("/v1/policies", batch, 200)["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["outcome"], "CREATED");
  EXPECT_EQ(results[1]["policy"]["metadata"]["urn"], "urn:policy::batch-two");
  EXPECT_EQ(PostJson("/v1/policies?expected_revision=1", batch, 400)["code"], "INVALID_ARGUMENT");

  // One invalid document refuses the whole batch.
  Json bad_batch = Json::array({GlobalPolicy("batch-three"), GlobalPolicy("batch-four")});
  bad_batch[1]["spec"]["enforcement"] = "sometimes";
  const Json refused = PostJson("/v1/policies", bad_batch, 400);
  EXPECT_NE(refused["message"].get<std::string>().find("document 2 (urn:policy::batch-four)"),
            std::string::npos)
      << refused;
  Get("/v1/policies/batch-three", 404);

  for (const char* name : {"batch-one", "batch-two"}) {
    Delete(std::string("/v1/policies/") + name);
  }
}

TEST_F(HttpGovernanceTest, InvalidPoliciesNameTheFieldAndStoreNothing) {
  const std::string bad_regex = R"(kind: Policy
metadata: {name: bad-regex}
spec:
  enforcement: warn
  rules:
    - {path: metadata.name, regex: "(unclosed"}
)";
  const Json refused = PostYaml("/v1/policies", bad_regex, 400);
  EXPECT_EQ(refused["code"], "INVALID_ARGUMENT");
  EXPECT_NE(refused["message"].get<std::string>().find("spec.rules[0].regex"), std::string::npos)
      << refused;
  Get("/v1/policies/bad-regex", 404);

  const Json product = PostYaml("/v1/policies", kUngovernedProductYaml, 400);
  EXPECT_NE(product["message"].get<std::string>().find("unsupported kind \"DataProduct\""),
            std::string::npos)
      << product;
  EXPECT_EQ(Answer(http_->Post("/v1/policies", "name: x", "text/csv"), 400)["code"],
            "INVALID_ARGUMENT");
}

TEST_F(HttpGovernanceTest, EvaluateListsViolationsAndStoresNothing) {
  const Json evaluated = PostYaml("/v1/evaluate", kUngovernedProductYaml, 200);
  std::set<std::string> paths;
  for (const Json& violation : evaluated["violations"]) {
    EXPECT_EQ(violation["policy"], "production-needs-slo") << violation;
    EXPECT_EQ(violation["enforcement"], "enforce") << violation;
    paths.insert(violation["path"].get<std::string>());
  }
  EXPECT_EQ(paths, (std::set<std::string>{"spec.outputPorts[0].slo.freshnessSeconds",
                                          "spec.owner.email"}));
  EXPECT_LT(evaluated["score"].get<double>(), 1.0);
  Get("/v1/products/httpgov/no-slo", 404);

  // A compliant product: no violations, full score.
  std::string compliant = kUngovernedProductYaml;
  compliant.replace(compliant.find("lifecycle: production"), 21, "lifecycle: draft");
  const Json clean = PostYaml("/v1/evaluate", compliant, 200);
  EXPECT_FALSE(clean.contains("violations")) << clean;
  EXPECT_DOUBLE_EQ(clean["score"].get<double>(), 1.0);

  const std::string two = std::string(kUngovernedProductYaml) + "---\n" + compliant;
  EXPECT_NE(PostYaml("/v1/evaluate", two, 400)["message"].get<std::string>().find("one document"),
            std::string::npos);
  std::string invalid = compliant;
  invalid.replace(invalid.find("version: 1.0.0"), 14, "version: one");
  EXPECT_EQ(PostYaml("/v1/evaluate", invalid, 400)["code"], "INVALID_ARGUMENT");
}

TEST_F(HttpGovernanceTest, EnforcedPoliciesRefuseProductWrites) {
  for (const httplib::Result& result :
       {http_->Post("/v1/products", kUngovernedProductYaml, "application/yaml"),
        http_->Put("/v1/products/httpgov/no-slo", kUngovernedProductYaml, "application/yaml")}) {
    const Json refused = Answer(result, 412);
    EXPECT_EQ(refused["code"], "FAILED_PRECONDITION");
    const std::string message = refused["message"];
    EXPECT_NE(message.find("production-needs-slo"), std::string::npos) << message;
    EXPECT_NE(message.find("spec.outputPorts[0].slo.freshnessSeconds"), std::string::npos)
        << message;
    EXPECT_NE(message.find("spec.owner.email"), std::string::npos) << message;
  }
  Get("/v1/products/httpgov/no-slo", 404);
}

TEST_F(HttpGovernanceTest, ScorecardAgreesWithTheDomainsProducts) {
  const Json scorecard = Get("/v1/scorecard?domain=sales");
  std::set<std::string> scored;
  int64_t violating = 0;
  int64_t violations = 0;
  double score_sum = 0;
  for (const Json& product : scorecard["products"]) {
    const std::string urn = product["urn"];
    scored.insert(urn);
    const size_t count = product.value("violations", Json::array()).size();
    violating += count > 0;
    violations += static_cast<int64_t>(count);
    score_sum += product["score"].get<double>();
    const Json stored = Get("/v1/products/sales/" + urn.substr(urn.rfind(':') + 1));
    EXPECT_EQ(stored["status"]["governance"].value("violations", Json::array()).size(), count)
        << urn;
  }
  std::set<std::string> listed;
  const Json sales_products = Get("/v1/products?domain=sales");
  for (const Json& product : sales_products["products"]) {
    listed.insert(product["metadata"]["urn"].get<std::string>());
  }
  EXPECT_EQ(scored, listed);
  EXPECT_TRUE(scored.count("urn:dp:sales:returns"));

  ASSERT_EQ(scorecard["domains"].size(), 1u) << scorecard["domains"];
  const Json& sales = scorecard["domains"][0];
  EXPECT_EQ(sales["domain"], "sales");
  EXPECT_EQ(sales["products"], std::to_string(listed.size()));
  EXPECT_EQ(sales["violatingProducts"], std::to_string(violating));
  EXPECT_EQ(sales["violations"], std::to_string(violations));
  EXPECT_GE(violating, 1);
  EXPECT_NEAR(sales["averageScore"].get<double>(), score_sum / scored.size(), 1e-9);

  EXPECT_GT(Get("/v1/scorecard")["domains"].size(), 1u);
  EXPECT_EQ(Get("/v1/scorecard?page_size=3", 400)["code"], "INVALID_ARGUMENT");
}

TEST_F(HttpGovernanceTest, SearchFiltersAndCountsByGovernance) {
  // A warn violation is stored with the product and searchable at once.
  std::string warned = kUngovernedProductYaml;
  warned.replace(warned.find("lifecycle: production"), 21, "lifecycle: experimental");
  warned.replace(warned.find("name: no-slo"), 12, "name: warned");
  const Json applied = PostYaml("/v1/products", warned, 201);
  const Json recorded = applied["product"]["status"]["governance"]["violations"];
  ASSERT_EQ(recorded.size(), 1u) << applied;
  EXPECT_EQ(recorded[0]["policy"], "experimental-declares-freshness");
  EXPECT_EQ(recorded[0]["enforcement"], "warn");

  std::set<std::string> expected;
  const Json scorecard = Get("/v1/scorecard");
  for (const Json& product : scorecard["products"]) {
    if (product.contains("violations")) expected.insert(product["urn"].get<std::string>());
  }
  ASSERT_TRUE(expected.count("urn:dp:httpgov:warned"));

  const Json found = Get("/v1/search?q=governance:violating&facet=governance&type=product&"
                         "page_size=100&min_sequence=" +
                         LastSequence());
  std::set<std::string> hits;
  for (const Json& hit : found["hits"]) hits.insert(hit["urn"].get<std::string>());
  EXPECT_EQ(hits, expected);
  ASSERT_EQ(found["facets"].size(), 1u) << found["facets"];
  EXPECT_EQ(found["facets"][0]["name"], "governance");
  ASSERT_EQ(found["facets"][0]["values"].size(), 1u) << found["facets"];
  EXPECT_EQ(found["facets"][0]["values"][0]["value"], "violating");
  EXPECT_EQ(found["facets"][0]["values"][0]["count"], std::to_string(expected.size()));

  const Json ok = Get("/v1/search?q=governance:ok&type=product&page_size=100");
  ASSERT_FALSE(ok["hits"].empty());
  for (const Json& hit : ok["hits"]) {
    EXPECT_FALSE(expected.count(hit["urn"].get<std::string>())) << hit;
  }
}

}  // namespace
}  // namespace meshdex
