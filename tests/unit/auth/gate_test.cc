#include "server/auth/gate.h"

#include <atomic>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/sha256.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kRootToken[] = "root-token-0b7e";
constexpr char kAliceToken[] = "alice-token-5c1d";
constexpr char kAirflowToken[] = "airflow-token-93fa";
constexpr char kViewerToken[] = "viewer-token-27aa";
// Looks like nothing else in any message, so finding it anywhere is a leak.
constexpr char kDistinctiveToken[] = "Zq9xDistinctiveT0ken7Kx";

std::string Entry(absl::string_view principal, absl::string_view token, absl::string_view roles) {
  return absl::StrCat("  - principal: ", principal, "\n    sha256: ", Sha256Hex(token),
                      "\n    roles: ", roles, "\n");
}

const std::string kStandardFile = absl::StrCat(
    "tokens:\n", Entry("root", kRootToken, "[admin]"),
    Entry("alice", kAliceToken, "[owner:logistics, reader]"),
    Entry("airflow", kAirflowToken, "[ingest]"), Entry("viewer", kViewerToken, "[reader]"));

void WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  ASSERT_TRUE(out.good()) << path;
}

std::string Bearer(absl::string_view token) { return absl::StrCat("Bearer ", token); }

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(path_, kStandardFile);
    absl::StatusOr<std::unique_ptr<Gate>> gate = Gate::FromFile(path_);
    ASSERT_TRUE(gate.ok()) << gate.status();
    gate_ = *std::move(gate);
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.Sub("auth.yaml");
  std::unique_ptr<Gate> gate_;
};

TEST_F(GateTest, IsEnabled) { EXPECT_TRUE(gate_->enabled()); }

TEST_F(GateTest, EachKnownTokenIsItsPrincipal) {
  absl::StatusOr<Principal> root = gate_->Authenticate(Bearer(kRootToken));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->name, "root");
  EXPECT_TRUE(root->admin);
  EXPECT_EQ(root->Describe(), "root (admin)");

  absl::StatusOr<Principal> alice = gate_->Authenticate(Bearer(kAliceToken));
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_EQ(alice->name, "alice");
  EXPECT_FALSE(alice->admin);
  EXPECT_TRUE(alice->reader);
  EXPECT_THAT(alice->owned_domains, ElementsAre("logistics"));
  EXPECT_EQ(alice->Describe(), "alice (owner:logistics, reader)");

  absl::StatusOr<Principal> airflow = gate_->Authenticate(Bearer(kAirflowToken));
  ASSERT_TRUE(airflow.ok()) << airflow.status();
  EXPECT_EQ(airflow->Describe(), "airflow (ingest)");
  EXPECT_TRUE(airflow->ingest);

  absl::StatusOr<Principal> viewer = gate_->Authenticate(Bearer(kViewerToken));
  ASSERT_TRUE(viewer.ok()) << viewer.status();
  EXPECT_EQ(viewer->Describe(), "viewer (reader)");
  EXPECT_THAT(viewer->owned_domains, IsEmpty());
}

TEST_F(GateTest, SchemeIsCaseInsensitiveAndSpacesAreTolerated) {
  for (const std::string& header :
       {absl::StrCat("bearer ", kAliceToken), absl::StrCat("BEARER ", kAliceToken),
        absl::StrCat("  Bearer   ", kAliceToken, "  "), absl::StrCat("Bearer\t", kAliceToken)}) {
    absl::StatusOr<Principal> principal = gate_->Authenticate(header);
    ASSERT_TRUE(principal.ok()) << header << ": " << principal.status();
    EXPECT_EQ(principal->name, "alice") << header;
  }
}

TEST_F(GateTest, MissingTokenIsUnauthenticated) {
  for (absl::string_view header : {"", "   "}) {
    absl::StatusOr<Principal> principal = gate_->Authenticate(header);
    ASSERT_FALSE(principal.ok());
    EXPECT_EQ(principal.status(),
              absl::UnauthenticatedError("missing bearer token (authorization: Bearer <token>)"));
  }
}

TEST_F(GateTest, MalformedHeaderIsUnauthenticated) {
  for (const std::string& header :
       {std::string("Bearer"), std::string("Bearer   "), std::string(kAliceToken),
        absl::StrCat("Basic ", kAliceToken), absl::StrCat("Bearer ", kAliceToken, " extra"),
        absl::StrCat("Bearer: ", kAliceToken), absl::StrCat("Bearer ", kAliceToken, "\x01")}) {
    absl::StatusOr<Principal> principal = gate_->Authenticate(header);
    ASSERT_FALSE(principal.ok()) << header;
    EXPECT_EQ(principal.status(), absl::UnauthenticatedError(
                                      "malformed authorization header (expected: Bearer <token>)"))
        << header;
  }
}

TEST_F(GateTest, UnknownTokenIsUnauthenticated) {
  // Near misses of a known token: a prefix, an extension, another case.
  for (const std::string& token :
       {std::string("nobody"), std::string(kAliceToken).substr(1), absl::StrCat(kAliceToken, "x"),
        std::string("ALICE-TOKEN-5C1D")}) {
    absl::StatusOr<Principal> principal = gate_->Authenticate(Bearer(token));
    ASSERT_FALSE(principal.ok()) << token;
    EXPECT_EQ(principal.status(), absl::UnauthenticatedError("unknown token")) << token;
  }
}

TEST_F(GateTest, TheHashIsNotAToken) {
  absl::StatusOr<Principal> principal = gate_->Authenticate(Bearer(Sha256Hex(kRootToken)));
  EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(GateTest, NoMessageContainsTheToken) {
  const std::string token = kDistinctiveToken;
  std::vector<absl::Status> errors;
  for (const std::string& header : {Bearer(token), token, absl::StrCat("Basic ", token),
                                    absl::StrCat("Bearer ", token, " ", token)}) {
    errors.push_back(gate_->Authenticate(header).status());
  }
  // A known principal denied: the token it came with must not show either.
  WriteFile(path_, absl::StrCat(kStandardFile, Entry("mallory", token, "[reader]")));
  ASSERT_TRUE(gate_->Reload().ok());
  absl::StatusOr<Principal> mallory = gate_->Authenticate(Bearer(token));
  ASSERT_TRUE(mallory.ok()) << mallory.status();
  errors.push_back(Gate::Authorize(*mallory, Action::kWriteProduct, "sales"));
  errors.push_back(Gate::Authorize(*mallory, Action::kAdmin, ""));
  // The token pasted into the file instead of its hash.
  WriteFile(path_, absl::StrCat("tokens:\n  - principal: mallory\n    sha256: ", token,
                                "\n    roles: [reader]\n"));
  errors.push_back(gate_->Reload());
  errors.push_back(Gate::FromFile(path_).status());

  for (const absl::Status& error : errors) {
    EXPECT_FALSE(error.ok());
    EXPECT_THAT(std::string(error.message()), Not(HasSubstr(token))) << error;
    EXPECT_THAT(std::string(error.message()), Not(HasSubstr(Sha256Hex(token)))) << error;
  }
  EXPECT_THAT(mallory->Describe(), Not(HasSubstr(token)));
}

// ---------------------------------------------------------------------------
// Authorize: every role x action x (own domain, other domain, global).

Principal WithRole(absl::string_view role) {
  Principal principal;
  principal.name = "p";
  if (role == "admin") principal.admin = true;
  if (role == "reader") principal.reader = true;
  if (role == "ingest") principal.ingest = true;
  if (role == "owner:logistics") principal.owned_domains = {"logistics"};
  return principal;
}

struct Decision {
  std::string role;  // "" = a principal without roles
  Action action;
  bool own;     // allowed in "logistics", the domain owner:logistics owns
  bool other;   // allowed in "sales"
  bool global;  // allowed with no domain
};

std::ostream& operator<<(std::ostream& os, const Decision& d) {
  return os << "[" << d.role << "] " << ActionName(d.action);
}

class AuthorizeTest : public ::testing::TestWithParam<Decision> {};

TEST_P(AuthorizeTest, DecidesPerRoleActionAndDomain) {
  const Decision& decision = GetParam();
  const Principal principal = WithRole(decision.role);
  const struct {
    absl::string_view domain;
    bool allowed;
  } cases[] = {{"logistics", decision.own}, {"sales", decision.other}, {"", decision.global}};
  for (const auto& c : cases) {
    const absl::Status status = Gate::Authorize(principal, decision.action, c.domain);
    if (c.allowed) {
      EXPECT_TRUE(status.ok()) << "domain \"" << c.domain << "\": " << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied)
          << "domain \"" << c.domain << "\"";
      EXPECT_THAT(std::string(status.message()),
                  StartsWith(absl::StrCat(principal.Describe(), " may not ")));
    }
  }
}

constexpr bool T = true;
constexpr bool F = false;

INSTANTIATE_TEST_SUITE_P(
    Roles, AuthorizeTest,
    ::testing::Values(
        // admin: everything.
        Decision{"admin", Action::kRead, T, T, T},
        Decision{"admin", Action::kWriteProduct, T, T, T},
        Decision{"admin", Action::kWritePolicy, T, T, T},
        Decision{"admin", Action::kIngest, T, T, T},
        Decision{"admin", Action::kAdmin, T, T, T},
        // reader: reads only.
        Decision{"reader", Action::kRead, T, T, T},
        Decision{"reader", Action::kWriteProduct, F, F, F},
        Decision{"reader", Action::kWritePolicy, F, F, F},
        Decision{"reader", Action::kIngest, F, F, F},
        Decision{"reader", Action::kAdmin, F, F, F},
        // ingest: lineage ingest plus read.
        Decision{"ingest", Action::kRead, T, T, T},
        Decision{"ingest", Action::kWriteProduct, F, F, F},
        Decision{"ingest", Action::kWritePolicy, F, F, F},
        Decision{"ingest", Action::kIngest, T, T, T},
        Decision{"ingest", Action::kAdmin, F, F, F},
        // owner:logistics: products and policies of logistics, plus read.
        Decision{"owner:logistics", Action::kRead, T, T, T},
        Decision{"owner:logistics", Action::kWriteProduct, T, F, F},
        Decision{"owner:logistics", Action::kWritePolicy, T, F, F},
        Decision{"owner:logistics", Action::kIngest, F, F, F},
        Decision{"owner:logistics", Action::kAdmin, F, F, F},
        // No roles: nothing.
        Decision{"", Action::kRead, F, F, F},
        Decision{"", Action::kWriteProduct, F, F, F},
        Decision{"", Action::kWritePolicy, F, F, F},
        Decision{"", Action::kIngest, F, F, F},
        Decision{"", Action::kAdmin, F, F, F}));

TEST(AuthorizeMessageTest, NamesPrincipalActionDomainAndWhatIsNeeded) {
  const Principal alice = WithRole("owner:logistics");
  EXPECT_EQ(Gate::Authorize(alice, Action::kWriteProduct, "sales"),
            absl::PermissionDeniedError("p (owner:logistics) may not write products in domain "
                                        "sales (needs owner:sales or admin)"));
  EXPECT_EQ(Gate::Authorize(alice, Action::kWritePolicy, ""),
            absl::PermissionDeniedError(
                "p (owner:logistics) may not write global policies (needs admin)"));
  EXPECT_EQ(Gate::Authorize(alice, Action::kIngest, "logistics"),
            absl::PermissionDeniedError(
                "p (owner:logistics) may not ingest lineage (needs ingest or admin)"));
  EXPECT_EQ(Gate::Authorize(WithRole("reader"), Action::kAdmin, ""),
            absl::PermissionDeniedError("p (reader) may not use admin operations (needs admin)"));
  EXPECT_EQ(Gate::Authorize(WithRole(""), Action::kRead, ""),
            absl::PermissionDeniedError(
                "p (no roles) may not read (needs reader, ingest, an owner role or admin)"));
}

TEST(AuthorizeMessageTest, OwnerOfSeveralDomainsWritesEachOfThem) {
  Principal principal = WithRole("");
  principal.owned_domains = {"logistics", "sales"};
  EXPECT_TRUE(Gate::Authorize(principal, Action::kWriteProduct, "logistics").ok());
  EXPECT_TRUE(Gate::Authorize(principal, Action::kWriteProduct, "sales").ok());
  EXPECT_EQ(Gate::Authorize(principal, Action::kWriteProduct, "production").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(ActionNameTest, NamesEveryAction) {
  EXPECT_EQ(ActionName(Action::kRead), "read");
  EXPECT_EQ(ActionName(Action::kWriteProduct), "write products");
  EXPECT_EQ(ActionName(Action::kWritePolicy), "write policies");
  EXPECT_EQ(ActionName(Action::kIngest), "ingest lineage");
  EXPECT_EQ(ActionName(Action::kAdmin), "use admin operations");
}

// ---------------------------------------------------------------------------
// Loading and reloading.

TEST_F(GateTest, ReloadPicksUpAChangedFile) {
  WriteFile(path_, absl::StrCat("tokens:\n", Entry("root", kRootToken, "[reader]"),
                                Entry("newcomer", kDistinctiveToken, "[owner:sales]")));
  ASSERT_TRUE(gate_->Reload().ok());

  absl::StatusOr<Principal> root = gate_->Authenticate(Bearer(kRootToken));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->Describe(), "root (reader)") << "roles changed with the file";
  absl::StatusOr<Principal> newcomer = gate_->Authenticate(Bearer(kDistinctiveToken));
  ASSERT_TRUE(newcomer.ok()) << newcomer.status();
  EXPECT_EQ(newcomer->Describe(), "newcomer (owner:sales)");
  EXPECT_EQ(gate_->Authenticate(Bearer(kAliceToken)).status(),
            absl::UnauthenticatedError("unknown token"))
      << "a token removed from the file no longer works";
}

TEST_F(GateTest, ReloadOfAnInvalidFileKeepsTheTokens) {
  WriteFile(path_, absl::StrCat("tokens:\n", Entry("newcomer", kDistinctiveToken, "[superuser]")));
  const absl::Status reloaded = gate_->Reload();
  EXPECT_EQ(reloaded.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reloaded.message(),
            absl::StrCat("auth file ", path_,
                         ": tokens[0].roles[0]: unknown role \"superuser\" (admin, reader, ingest, "
                         "owner:<domain>)"));

  absl::StatusOr<Principal> alice = gate_->Authenticate(Bearer(kAliceToken));
  ASSERT_TRUE(alice.ok()) << alice.status();
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(gate_->Authenticate(Bearer(kDistinctiveToken)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(GateTest, ReloadOfAVanishedFileKeepsTheTokens) {
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  const absl::Status reloaded = gate_->Reload();
  EXPECT_EQ(reloaded.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(reloaded.message()), HasSubstr(path_));
  EXPECT_TRUE(gate_->Authenticate(Bearer(kRootToken)).ok());
}

TEST(GateFromFileTest, ErrorsNameTheFile) {
  testing::TempDir dir;
  const std::string missing = dir.Sub("missing.yaml");
  const absl::Status not_found = Gate::FromFile(missing).status();
  EXPECT_EQ(not_found.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(not_found.message()), StartsWith(absl::StrCat("auth file ", missing)));

  const std::string invalid = dir.Sub("invalid.yaml");
  WriteFile(invalid, "tokens: []\n");
  EXPECT_EQ(Gate::FromFile(invalid).status(),
            absl::InvalidArgumentError(
                absl::StrCat("auth file ", invalid, ": tokens: at least one token required")));

  EXPECT_EQ(Gate::FromFile("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DisabledGateTest, AdmitsEveryoneAsLocalAdmin) {
  std::unique_ptr<Gate> gate = Gate::Disabled();
  EXPECT_FALSE(gate->enabled());
  for (const std::string& header : {std::string(), Bearer("anything"), std::string("garbage")}) {
    absl::StatusOr<Principal> principal = gate->Authenticate(header);
    ASSERT_TRUE(principal.ok()) << header << ": " << principal.status();
    EXPECT_EQ(principal->name, "local");
    EXPECT_TRUE(principal->admin);
    EXPECT_EQ(principal->Describe(), "local (admin)");
    for (Action action : {Action::kRead, Action::kWriteProduct, Action::kWritePolicy,
                          Action::kIngest, Action::kAdmin}) {
      for (absl::string_view domain : {"logistics", ""}) {
        EXPECT_TRUE(Gate::Authorize(*principal, action, domain).ok());
      }
    }
  }
  EXPECT_TRUE(gate->Reload().ok());
}

// Four threads authenticate while the file alternates between two versions
// and is reloaded 50 times: alice is in both versions, bob only in the first,
// carol only in the second, with the same token as bob's but other roles.
TEST_F(GateTest, AuthenticatesWhileReloading) {
  constexpr char kRotatingToken[] = "rotating-token-61be";
  const std::string first = absl::StrCat("tokens:\n", Entry("alice", kAliceToken, "[reader]"),
                                         Entry("bob", kRotatingToken, "[ingest]"));
  const std::string second = absl::StrCat("tokens:\n", Entry("carol", kRotatingToken, "[admin]"),
                                          Entry("alice", kAliceToken, "[reader]"));
  WriteFile(path_, first);
  ASSERT_TRUE(gate_->Reload().ok());

  constexpr int kReloads = 50;
  constexpr int kMinChecksPerThread = 200;
  std::atomic<bool> reloading{true};
  std::atomic<int> failures{0};
  std::atomic<int> seen_bob{0};
  std::atomic<int> seen_carol{0};
  auto authenticate = [&] {
    for (int i = 0; i < kMinChecksPerThread || reloading.load(); ++i) {
      absl::StatusOr<Principal> alice = gate_->Authenticate(Bearer(kAliceToken));
      if (!alice.ok() || alice->Describe() != "alice (reader)") ++failures;
      absl::StatusOr<Principal> rotating = gate_->Authenticate(Bearer(kRotatingToken));
      if (!rotating.ok()) {
        ++failures;
      } else if (rotating->Describe() == "bob (ingest)") {
        ++seen_bob;
      } else if (rotating->Describe() == "carol (admin)") {
        ++seen_carol;
      } else {
        ++failures;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(authenticate);
  int failed_reloads = 0;
  for (int i = 0; i < kReloads; ++i) {
    WriteFile(path_, i % 2 == 0 ? second : first);
    if (!gate_->Reload().ok()) ++failed_reloads;
  }
  reloading = false;
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failed_reloads, 0);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(seen_bob.load() + seen_carol.load(), 4 * kMinChecksPerThread);
  // The last reload (i = 49) loaded `first`.
  EXPECT_EQ(gate_->Authenticate(Bearer(kRotatingToken))->name, "bob");
}

}  // namespace
}  // namespace meshdex::auth
