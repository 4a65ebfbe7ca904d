// The HTTP/JSON gateway against the real meshdexd (demo mesh, free ports):
// status codes and error bodies, JSON and YAML resource bodies, the body-size
// limit (413 before the body is read), slow clients, 16 concurrent clients,
// the UI routes, and /metrics after traffic on both transports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace meshdex {
namespace {

using Json = nlohmann::json;

constexpr int kDemoProducts = 18;

// host:port -> (host, port)
std::pair<std::string, int> SplitAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  return {address.substr(0, colon), std::stoi(address.substr(colon + 1))};
}

Json ParseJson(const std::string& text) { return Json::parse(text, nullptr, false); }

// A product descriptor (JSON) with a unique address per name.
Json Product(const std::string& domain, const std::string& name,
             const std::string& version = "1.0.0") {
  return Json{{"apiVersion", "meshdex.io/v1"},
              {"kind", "DataProduct"},
              {"metadata", {{"domain", domain}, {"name", name}}},
              {"spec",
               {{"title", "Title of " + name},
                {"description", "A product written by the HTTP gateway test."},
                {"owner", {{"team", "http-test"}, {"email", "http@example.com"}}},
                {"version", version},
                {"lifecycle", "experimental"},
                {"tags", {"http"}},
                {"outputPorts",
                 {{{"name", "events"},
                   {"kind", "kafka"},
                   {"address", "kafka://broker.http:9092/" + domain + "." + name}}}}}}};
}

// Reads one sample of the exposition `text`; -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// A raw TCP connection, for what an HTTP client library would not send:
// headers without their body, stalled requests.
class RawConnection {
 public:
  explicit RawConnection(const std::string& address) {
    auto [host, port] = SplitAddress(address);
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawConnection() { close(fd_); }

  bool connected() const { return connected_; }
  bool Send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads until a whole response (headers and the body its Content-Length
  // announces) arrived, the peer closes, or the receive timeout passes.
  std::string ReadResponse() {
    std::string response;
    char buffer[4096];
    while (true) {
      const size_t header_end = response.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::smatch length;
        const std::string headers = response.substr(0, header_end);
        if (std::regex_search(headers, length,
                              std::regex("Content-Length: (\\d+)", std::regex::icase)) &&
            response.size() >= header_end + 4 + std::stoul(length[1])) {
          return response;
        }
      }
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return response;
      response.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class HttpGatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new testing::ServerProcess(dir_->Sub("data"), {"--demo"});
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static httplib::Client Client() {
    auto [host, port] = SplitAddress(server_->http_address());
    httplib::Client client(host, port);
    client.set_read_timeout(10, 0);
    return client;
  }

  // Asserts the error shape and returns the code.
  static std::string ErrorCode(const httplib::Result& result, int http_status) {
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    if (!result) return "";
    EXPECT_EQ(result->status, http_status) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    Json body = ParseJson(result->body);
    EXPECT_TRUE(body.is_object()) << result->body;
    if (!body.is_object()) return "";
    EXPECT_EQ(body.size(), 2u) << result->body;
    EXPECT_TRUE(body["message"].is_string() && !body["message"].get<std::string>().empty());
    return body.value("code", "");
  }

  // "min_sequence=N" for the last write so far: a search with it sees
  // everything written before (the index may still be catching up).
  static std::string AfterLastWrite() {
    httplib::Result metrics = Client().Get("/metrics");
    const double last = metrics ? Sample(metrics->body, "meshdex_changelog_last_sequence") : 0;
    return "min_sequence=" + std::to_string(static_cast<uint64_t>(std::max(last, 0.0)));
  }

  static httplib::Result Post(const std::string& path, const std::string& body,
                              const std::string& content_type = "application/json") {
    return Client().Post(path, body, content_type);
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::ServerProcess* server_ = nullptr;
};

TEST_F(HttpGatewayTest, HealthAndReadiness) {
  httplib::Result health = Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(ParseJson(health->body)["status"], "ok");
  // Ready once the index has caught up with the store; a search waiting for
  // the last sequence returns when it has.
  httplib::Result before = Client().Get("/readyz");
  ASSERT_TRUE(before);
  if (before->status != 200) {
    EXPECT_EQ(ErrorCode(before, 503), "UNAVAILABLE");
  }
  httplib::Result caught_up = Client().Get("/v1/search?" + AfterLastWrite());
  ASSERT_TRUE(caught_up);
  ASSERT_EQ(caught_up->status, 200) << caught_up->body;
  httplib::Result ready = Client().Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ParseJson(ready->body)["status"], "ready");
}

TEST_F(HttpGatewayTest, GetProductAndErrorsForMissingOnes) {
  httplib::Result found = Client().Get("/v1/products/logistics/shipments");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200);
  Json product = ParseJson(found->body);
  EXPECT_EQ(product["metadata"]["urn"], "urn:dp:logistics:shipments");
  EXPECT_EQ(product["spec"]["outputPorts"][0]["name"], "events");

  EXPECT_EQ(ErrorCode(Client().Get("/v1/products/logistics/no-such-product"), 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/products/logistics/shipments?revision=abc"), 400),
            "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/products/logistics/shipments?revison=1"), 400),
            "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/no/such/route"), 404), "NOT_FOUND");
}

TEST_F(HttpGatewayTest, ListProductsPagesThroughTheCatalog) {
  std::set<std::string> urns;
  std::string token;
  int pages = 0;
  do {
    httplib::Result page = Client().Get("/v1/products?page_size=5&page_token=" + token);
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200) << page->body;
    Json body = ParseJson(page->body);
    for (const Json& product : body["products"]) urns.insert(product["metadata"]["urn"]);
    token = body.value("nextPageToken", "");
    ++pages;
  } while (!token.empty() && pages < 100);
  EXPECT_GE(urns.size(), static_cast<size_t>(kDemoProducts));
  EXPECT_GE(pages, 4);

  httplib::Result sales = Client().Get("/v1/products?domain=sales");
  ASSERT_TRUE(sales);
  const Json sales_body = ParseJson(sales->body);
  for (const Json& product : sales_body["products"]) {
    EXPECT_EQ(product["metadata"]["domain"], "sales");
  }
  EXPECT_EQ(ErrorCode(Client().Get("/v1/products?page_size=many"), 400), "INVALID_ARGUMENT");
}

TEST_F(HttpGatewayTest, ApplyUpdateConflictAndDeleteOverJson) {
  const std::string path = "/v1/products/httptest/lifecycle";
  Json product = Product("httptest", "lifecycle");
  httplib::Result created = Post("/v1/products", product.dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  Json response = ParseJson(created->body);
  EXPECT_EQ(response["outcome"], "CREATED");
  EXPECT_EQ(response["product"]["metadata"]["revision"], "1");
  EXPECT_FALSE(response["sequence"].get<std::string>().empty());

  httplib::Result unchanged = Post("/v1/products", product.dump());
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->status, 200);
  EXPECT_EQ(ParseJson(unchanged->body)["outcome"], "UNCHANGED");

  product["spec"]["version"] = "1.1.0";
  httplib::Result updated =
      Client().Put(path + "?expected_revision=1", product.dump(), "application/json");
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;
  EXPECT_EQ(ParseJson(updated->body)["outcome"], "UPDATED");

  product["spec"]["version"] = "1.2.0";
  EXPECT_EQ(
      ErrorCode(Client().Put(path + "?expected_revision=1", product.dump(), "application/json"),
                409),
      "ABORTED");
  EXPECT_EQ(ErrorCode(Client().Put("/v1/products/httptest/other-name", product.dump(),
                                   "application/json"),
                      400),
            "INVALID_ARGUMENT");

  httplib::Result deleted = Client().Delete(path);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 200);
  EXPECT_FALSE(ParseJson(deleted->body)["sequence"].get<std::string>().empty());
  EXPECT_EQ(ErrorCode(Client().Get(path), 404), "NOT_FOUND");

  httplib::Result history = Client().Get(path + "/revisions");
  ASSERT_TRUE(history);
  Json revisions = ParseJson(history->body)["revisions"];
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_TRUE(revisions[2]["metadata"].contains("deleteTime"));
}

TEST_F(HttpGatewayTest, PutTakesDomainAndNameFromThePathWhenTheBodyOmitsThem) {
  Json product = Product("httptest", "from-path");
  product["metadata"].erase("domain");
  product["metadata"].erase("name");
  httplib::Result created =
      Client().Put("/v1/products/httptest/from-path", product.dump(), "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(ParseJson(created->body)["product"]["metadata"]["urn"], "urn:dp:httptest:from-path");
}

TEST_F(HttpGatewayTest, InvalidDescriptorsNameTheFieldAndStoreNothing) {
  Json product = Product("httptest", "invalid");
  product["spec"]["outputPorts"][0]["address"] = "ftp://files.example.com/x";
  httplib::Result rejected = Post("/v1/products", product.dump());
  EXPECT_EQ(ErrorCode(rejected, 400), "INVALID_ARGUMENT");
  EXPECT_NE(rejected->body.find("spec.outputPorts[0].address"), std::string::npos)
      << rejected->body;

  EXPECT_EQ(ErrorCode(Post("/v1/products", "{\"spec\": "), 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(Post("/v1/products", Product("httptest", "x").dump(), "text/csv"), 400),
            "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(Post("/v1/products", "--b\r\n\r\nx\r\n--b--\r\n",
                           "multipart/form-data; boundary=b"),
                      400),
            "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/products/httptest/invalid"), 404), "NOT_FOUND");
}

TEST_F(HttpGatewayTest, ASecondOwnerOfADatasetConflicts) {
  Json first = Product("httptest", "owner-one");
  ASSERT_EQ(Post("/v1/products", first.dump())->status, 201);
  Json second = Product("httptest", "owner-two");
  second["spec"]["outputPorts"][0]["address"] = first["spec"]["outputPorts"][0]["address"];
  httplib::Result conflict = Post("/v1/products", second.dump());
  EXPECT_EQ(ErrorCode(conflict, 409), "ALREADY_EXISTS");
  EXPECT_NE(conflict->body.find("urn:dp:httptest:owner-one"), std::string::npos) << conflict->body;
}

TEST_F(HttpGatewayTest, YamlBodiesWithSeveralDocuments) {
  const std::string yaml = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: httpyaml, name: first}
spec:
  title: First
  owner: {team: yaml}
  version: 1.0.0
  outputPorts:
    - {name: out, kind: kafka, address: "kafka://broker.yaml:9092/first"}
---
apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: httpyaml, name: second}
spec:
  title: Second
  owner: {team: yaml}
  version: 2.0.0
)";
  httplib::Result applied = Post("/v1/products", yaml, "application/yaml");
  ASSERT_TRUE(applied);
  ASSERT_EQ(applied->status, 200) << applied->body;
  Json results = ParseJson(applied->body)["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["outcome"], "CREATED");
  EXPECT_EQ(results[1]["product"]["metadata"]["urn"], "urn:dp:httpyaml:second");
  httplib::Result second = Client().Get("/v1/products/httpyaml/second");
  ASSERT_TRUE(second);
  EXPECT_EQ(ParseJson(second->body)["spec"]["version"], "2.0.0");

  // One bad document rejects the batch before anything is stored.
  const std::string bad_batch = R"(apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: httpyaml, name: third}
spec: {title: Third, owner: {team: yaml}, version: 1.0.0}
---
apiVersion: meshdex.io/v1
kind: DataProduct
metadata: {domain: httpyaml, name: fourth}
spec: {title: Fourth, owner: {team: yaml}, version: not-semver}
)";
  httplib::Result rejected = Post("/v1/products", bad_batch, "application/yaml; charset=utf-8");
  EXPECT_EQ(ErrorCode(rejected, 400), "INVALID_ARGUMENT");
  EXPECT_NE(rejected->body.find("document 2"), std::string::npos) << rejected->body;
  EXPECT_EQ(ErrorCode(Client().Get("/v1/products/httpyaml/third"), 404), "NOT_FOUND");

  httplib::Result policy =
      Post("/v1/products", "kind: Policy\nmetadata: {name: p}\n", "application/yaml");
  EXPECT_EQ(ErrorCode(policy, 400), "INVALID_ARGUMENT");
  EXPECT_NE(policy->body.find("unsupported kind"), std::string::npos);
  EXPECT_EQ(ErrorCode(Post("/v1/products", "metadata: [unclosed", "application/yaml"), 400),
            "INVALID_ARGUMENT");
}

TEST_F(HttpGatewayTest, DryRunStoresNothing) {
  httplib::Result checked = Post("/v1/products?dry_run=true", Product("httptest", "dry").dump());
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->status, 200) << checked->body;
  EXPECT_EQ(ErrorCode(Client().Get("/v1/products/httptest/dry"), 404), "NOT_FOUND");
}

TEST_F(HttpGatewayTest, SearchSuggestAndResolve) {
  httplib::Result search =
      Client().Get("/v1/search?q=shipments&type=product&facet=domain,lifecycle&highlight=true&" +
                   AfterLastWrite());
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200) << search->body;
  Json results = ParseJson(search->body);
  ASSERT_FALSE(results["hits"].empty());
  EXPECT_EQ(results["hits"][0]["urn"], "urn:dp:logistics:shipments");
  ASSERT_EQ(results["facets"].size(), 2u);
  EXPECT_EQ(results["facets"][0]["name"], "domain");

  // Read-your-writes through min_sequence.
  httplib::Result created = Post("/v1/products", Product("httptest", "zanzibar-feed").dump());
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201);
  const std::string sequence = ParseJson(created->body)["sequence"];
  httplib::Result fresh = Client().Get("/v1/search?q=zanzibar&min_sequence=" + sequence);
  ASSERT_TRUE(fresh);
  ASSERT_EQ(fresh->status, 200) << fresh->body;
  ASSERT_EQ(ParseJson(fresh->body)["hits"].size(), 1u);
  EXPECT_EQ(ParseJson(fresh->body)["hits"][0]["urn"], "urn:dp:httptest:zanzibar-feed");

  EXPECT_EQ(ErrorCode(Client().Get("/v1/search?q=x&page_token=not-a-token"), 400),
            "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/search?highlight=maybe"), 400), "INVALID_ARGUMENT");

  // Structured filters: filter=field:value, -field:value excludes.
  httplib::Result filtered =
      Client().Get("/v1/search?q=zanzibar&filter=domain:httptest&" + AfterLastWrite());
  ASSERT_TRUE(filtered);
  ASSERT_EQ(filtered->status, 200) << filtered->body;
  ASSERT_EQ(ParseJson(filtered->body)["hits"].size(), 1u);
  EXPECT_EQ(ParseJson(filtered->body)["hits"][0]["urn"], "urn:dp:httptest:zanzibar-feed");
  httplib::Result elsewhere =
      Client().Get("/v1/search?q=zanzibar&filter=domain:logistics&" + AfterLastWrite());
  ASSERT_TRUE(elsewhere);
  ASSERT_EQ(elsewhere->status, 200) << elsewhere->body;
  EXPECT_EQ(ParseJson(elsewhere->body)["hits"].size(), 0u);
  httplib::Result excluded =
      Client().Get("/v1/search?q=zanzibar&filter=-domain:httptest&" + AfterLastWrite());
  ASSERT_TRUE(excluded);
  ASSERT_EQ(excluded->status, 200) << excluded->body;
  EXPECT_EQ(ParseJson(excluded->body)["hits"].size(), 0u);
  httplib::Result unknown = Client().Get("/v1/search?filter=colour:red");
  EXPECT_EQ(ErrorCode(unknown, 400), "INVALID_ARGUMENT");
  EXPECT_NE(unknown->body.find("filters[0].field"), std::string::npos) << unknown->body;

  httplib::Result suggest = Client().Get("/v1/suggest?q=shipm");
  ASSERT_TRUE(suggest);
  ASSERT_EQ(suggest->status, 200);
  EXPECT_FALSE(ParseJson(suggest->body)["suggestions"].empty()) << suggest->body;

  httplib::Result resolved =
      Client().Get("/v1/resolve?address=kafka://Broker.Logistics:9092/logistics.shipments.v1");
  ASSERT_TRUE(resolved);
  ASSERT_EQ(resolved->status, 200) << resolved->body;
  EXPECT_EQ(ParseJson(resolved->body)["productUrn"], "urn:dp:logistics:shipments");
  EXPECT_EQ(ParseJson(resolved->body)["portName"], "events");
  httplib::Result by_dataset = Client().Get(
      "/v1/resolve?namespace=kafka%3A%2F%2Fbroker.logistics%3A9092&name=logistics.shipments.v1");
  ASSERT_TRUE(by_dataset);
  EXPECT_EQ(ParseJson(by_dataset->body)["productUrn"], "urn:dp:logistics:shipments");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/resolve?address=kafka://nowhere:9092/t"), 404),
            "NOT_FOUND");
  EXPECT_EQ(ErrorCode(Client().Get("/v1/resolve"), 400), "INVALID_ARGUMENT");
}

TEST_F(HttpGatewayTest, OpenLineageHttpTransportIngestsAndServesTheGraph) {
  // The OpenLineage HTTP transport posts one RunEvent per request.
  const std::string event = R"({
    "eventType": "COMPLETE", "eventTime": "2026-11-25T10:00:00.000Z",
    "run": {"runId": "3f1a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"},
    "job": {"namespace": "http-test", "name": "copy"},
    "inputs": [{"namespace": "s3://raw", "name": "in"}],
    "outputs": [{"namespace": "s3://clean", "name": "out", "facets": {
      "schema": {"_producer": "https://example.com/test",
                 "_schemaURL": "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json",
                 "fields": [{"name": "id", "type": "BIGINT", "description": "row id"}]},
      "documentation": {"_producer": "https://example.com/test",
                        "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json",
                        "description": "Cleaned rows"}}}],
    "producer": "https://example.com/test",
    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"})";
  httplib::Result created = Post("/api/v1/lineage", event);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;

  // Marquez-shaped graph around the output dataset.
  httplib::Result graph = Client().Get("/api/v1/lineage?nodeId=dataset:s3://clean:out&depth=2",
                                       {{"Accept-Encoding", "identity"}});
  ASSERT_TRUE(graph);
  ASSERT_EQ(graph->status, 200) << graph->body;
  std::set<std::string> ids;
  const Json body = ParseJson(graph->body);
  ASSERT_TRUE(body.contains("graph")) << graph->body.substr(0, 200);
  for (const Json& node : body["graph"]) ids.insert(node["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"dataset:s3://clean:out", "job:http-test:copy",
                                        "dataset:s3://raw:in"}));
  // Nodes carry what the store holds about them, as Marquez's node data.
  for (const Json& node : body["graph"]) {
    if (node["id"] == "dataset:s3://clean:out") {
      EXPECT_EQ(node["data"]["fields"], Json::parse(R"([{"name": "id", "type": "BIGINT",
                                                         "tags": [], "description": "row id"}])"));
      EXPECT_EQ(node["data"]["description"], "Cleaned rows");
      EXPECT_EQ(node["data"]["lastModifiedAt"], "2026-11-25T10:00:00Z");
    } else if (node["id"] == "job:http-test:copy") {
      EXPECT_EQ(node["data"]["type"], "BATCH");
      EXPECT_EQ(node["data"]["latestRun"]["id"], "3f1a2b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b");
      EXPECT_EQ(node["data"]["latestRun"]["state"], "COMPLETED");
    }
  }

  // An invalid event is a 400 naming what is wrong, and stores nothing.
  httplib::Result bad = Post("/api/v1/lineage", R"({"eventType":"COMPLETE"})");
  EXPECT_EQ(ErrorCode(bad, 400), "INVALID_ARGUMENT");
  EXPECT_NE(ParseJson(bad->body)["message"].get<std::string>().find("eventTime: required"),
            std::string::npos);
}

TEST_F(HttpGatewayTest, OversizedBodyIsRefusedBeforeItIsRead) {
  // Only the headers are sent: the 413 must come without waiting for the
  // 9 MiB the request announces.
  RawConnection connection(server_->http_address());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send(
      "POST /v1/products HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: 9437184\r\n\r\n"));
  const std::string response = connection.ReadResponse();
  ASSERT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_NE(response.find("\"code\":\"RESOURCE_EXHAUSTED\""), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;

  // The same with Expect: 100-continue: refused instead of "100 Continue".
  RawConnection expecting(server_->http_address());
  ASSERT_TRUE(
      expecting.Send("PUT /v1/products/a/b HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                     "Content-Length: 9437184\r\n\r\n"));
  EXPECT_EQ(expecting.ReadResponse().rfind("HTTP/1.1 413", 0), 0u);
}

TEST_F(HttpGatewayTest, SixteenConcurrentClientsOfTwentyFiveRequests) {
  constexpr int kClients = 16;
  constexpr int kRequests = 25;
  const std::vector<std::string> paths = {
      "/v1/products/logistics/shipments", "/v1/search?q=orders&facet=domain",    "/v1/suggest?q=sh",
      "/v1/products?domain=finance",      "/v1/products/sales/orders/revisions", "/healthz"};
  // Search and suggest answer 503 until the index has the demo mesh: wait
  // for it, so that every request below must succeed.
  httplib::Result indexed = Client().Get("/v1/search?" + AfterLastWrite());
  ASSERT_TRUE(indexed);
  ASSERT_EQ(indexed->status, 200) << indexed->body;
  std::atomic<int> ok{0};
  std::vector<std::string> failures(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client = Client();
      client.set_keep_alive(true);
      for (int i = 0; i < kRequests; ++i) {
        const std::string& path = paths[(c + i) % paths.size()];
        httplib::Result result = client.Get(path);
        if (result && result->status == 200) {
          ++ok;
        } else if (failures[c].empty()) {
          failures[c] = path + ": " +
                        (result ? std::to_string(result->status) + " " + result->body
                                : httplib::to_string(result.error()));
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
}

TEST_F(HttpGatewayTest, UiPagesAssetsAndRevalidation) {
  httplib::Result index = Client().Get("/");
  ASSERT_TRUE(index);
  ASSERT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("/ui/app.js"), std::string::npos);
  EXPECT_NE(index->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  for (const char* page :
       {"/products/logistics/shipments", "/datasets/kafka%3A%2F%2Fbroker%3A9092/topic"}) {
    httplib::Result result = Client().Get(page);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << page;
    EXPECT_EQ(result->body, index->body) << page;
  }

  httplib::Result script = Client().Get("/ui/app.js");
  ASSERT_TRUE(script);
  ASSERT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  const std::string etag = script->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  httplib::Result revalidated = Client().Get("/ui/app.js", {{"If-None-Match", etag}});
  ASSERT_TRUE(revalidated);
  EXPECT_EQ(revalidated->status, 304);
  EXPECT_TRUE(revalidated->body.empty());

  httplib::Result graph_library = Client().Get("/ui/vendor/cytoscape.mjs");
  ASSERT_TRUE(graph_library);
  EXPECT_EQ(graph_library->status, 200);
  EXPECT_GT(graph_library->body.size(), 100000u);

  EXPECT_EQ(ErrorCode(Client().Get("/ui/../CMakeLists.txt"), 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode(Client().Get("/ui/no-such-file.js"), 404), "NOT_FOUND");
}

TEST_F(HttpGatewayTest, ResponsesAreGzippedForClientsThatAcceptIt) {
  httplib::Client client = Client();
  client.set_decompress(false);
  httplib::Result gzipped =
      client.Get("/ui/vendor/cytoscape.mjs", {{"Accept-Encoding", "gzip, br"}});
  ASSERT_TRUE(gzipped);
  EXPECT_EQ(gzipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gzipped->body.substr(0, 2), "\x1f\x8b");
  httplib::Result plain = client.Get("/ui/vendor/cytoscape.mjs", {{"Accept-Encoding", "br"}});
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_LT(gzipped->body.size(), plain->body.size() / 2);

  // httplib's client inflates the body again: the JSON arrives intact.
  httplib::Result search = Client().Get(
      "/v1/search?q=&page_size=20&type=product&" + AfterLastWrite(), {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(search);
  EXPECT_EQ(search->get_header_value("Content-Encoding"), "gzip");
  EXPECT_GE(ParseJson(search->body)["hits"].size(), static_cast<size_t>(kDemoProducts));
}

TEST_F(HttpGatewayTest, MetricsCountRequestsOnBothTransports) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Client().Get("/v1/products/sales/orders")->status, 200);
  ASSERT_EQ(Client().Get("/v1/products/sales/no-such")->status, 404);
  ASSERT_EQ(Client().Get("/nowhere")->status, 404);
  auto stub = meshdex::v1::CatalogService::NewStub(server_->Channel());
  for (int i = 0; i < 2; ++i) {
    meshdex::v1::GetProductRequest request;
    request.set_urn("urn:dp:sales:orders");
    meshdex::v1::DataProduct product;
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetProduct(&context, request, &product).ok());
  }

  httplib::Result metrics = Client().Get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics->body;
  EXPECT_GE(
      Sample(
          text,
          R"(meshdex_http_requests_total{method="GET",route="/v1/products/{domain}/{name}",code="200"})"),
      3);
  EXPECT_GE(
      Sample(
          text,
          R"(meshdex_http_requests_total{method="GET",route="/v1/products/{domain}/{name}",code="404"})"),
      1);
  EXPECT_GE(Sample(text, R"(meshdex_http_requests_total{method="GET",route="other",code="404"})"),
            1);
  EXPECT_GE(
      Sample(
          text,
          R"(meshdex_http_request_duration_seconds_count{method="GET",route="/v1/products/{domain}/{name}",code="200"})"),
      3);
  EXPECT_GE(
      Sample(
          text,
          R"(meshdex_http_request_duration_seconds_bucket{method="GET",route="/v1/products/{domain}/{name}",code="200",le="+Inf"})"),
      3);
  EXPECT_EQ(
      Sample(
          text,
          R"(meshdex_grpc_requests_total{service="meshdex.v1.CatalogService",method="GetProduct",code="OK"})"),
      2);
  EXPECT_EQ(
      Sample(
          text,
          R"(meshdex_grpc_request_duration_seconds_count{service="meshdex.v1.CatalogService",method="GetProduct",code="OK"})"),
      2);
  EXPECT_GE(Sample(text, "meshdex_products"), kDemoProducts);
  // The demo's lineage runs read and write datasets.
  EXPECT_GT(Sample(text, "meshdex_datasets"), kDemoProducts);
  EXPECT_GE(Sample(text, "meshdex_changelog_last_sequence"), kDemoProducts);
  EXPECT_GE(Sample(text, "meshdex_index_applied_sequence"), 0);
  EXPECT_GE(Sample(text, "meshdex_index_lag_sequences"), 0);
  EXPECT_GE(Sample(text, "meshdex_index_lag_seconds"), 0);
  EXPECT_GT(Sample(text, "meshdex_store_disk_bytes"), 0);
  EXPECT_GT(Sample(text, "meshdex_index_disk_bytes"), 0);
  EXPECT_GT(Sample(text, "meshdex_process_resident_memory_bytes"), 1 << 20);
  EXPECT_NE(text.find("# TYPE meshdex_http_request_duration_seconds histogram"), std::string::npos);
}

// Servers with their own flags.
class HttpGatewayLimitsTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(HttpGatewayLimitsTest, ChunkedBodyOverTheLimitIsCutOff) {
  testing::ServerProcess server(dir_.Sub("data"), {"--http_max_body_bytes=4096"});
  ASSERT_TRUE(server.Start());
  // A chunked body (no Content-Length) that grows past 4 KiB and never
  // ends: the 413 comes as soon as the limit is passed.
  RawConnection connection(server.http_address());
  ASSERT_TRUE(connection.connected());
  std::string request =
      "POST /v1/products HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "400\r\n" + std::string(1024, ' ') + "\r\n";
  ASSERT_TRUE(connection.Send(request));
  const std::string response = connection.ReadResponse();
  ASSERT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_NE(response.find("\"code\":\"RESOURCE_EXHAUSTED\""), std::string::npos) << response;

  auto [host, port] = SplitAddress(server.http_address());
  // A body under the limit is served as usual.
  httplib::Client small(host, port);
  httplib::Result fine =
      small.Post("/v1/products", Product("limits", "small").dump(), "application/json");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 201) << fine->body;
}

TEST_F(HttpGatewayLimitsTest, StalledClientsDoNotHoldTheWorkers) {
  testing::ServerProcess server(dir_.Sub("data"), {"--http_threads=2", "--http_io_timeout_ms=300"});
  ASSERT_TRUE(server.Start());
  // As many connections as workers, each stuck in the middle of its headers.
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 2; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(server.http_address()));
    ASSERT_TRUE(stalled.back()->Send("GET /healthz HTTP/1.1\r\nHost: te"));
  }
  // The workers drop them after the I/O timeout and serve this request; the
  // client gives up after 10 s, far beyond that.
  auto [host, port] = SplitAddress(server.http_address());
  httplib::Client client(host, port);
  client.set_read_timeout(10, 0);
  httplib::Result result = client.Get("/healthz");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
}

TEST_F(HttpGatewayLimitsTest, UiDirOverridesTheBuiltInFiles) {
  const std::string ui_dir = dir_.Sub("ui");
  std::filesystem::create_directories(ui_dir);
  std::ofstream(ui_dir + "/index.html") << "<!doctype html><title>development copy</title>";
  testing::ServerProcess server(dir_.Sub("data"), {"--ui_dir=" + ui_dir});
  ASSERT_TRUE(server.Start());
  auto [host, port] = SplitAddress(server.http_address());
  httplib::Client client(host, port);
  httplib::Result index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_NE(index->body.find("development copy"), std::string::npos);
  // Files the directory lacks come from the binary.
  httplib::Result script = client.Get("/ui/vendor/cytoscape-dagre.mjs");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
}

}  // namespace
}  // namespace meshdex
