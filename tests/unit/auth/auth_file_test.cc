#include "server/auth/auth_file.h"

#include <ostream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/sha256.h"

namespace meshdex::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// Digests of distinct tokens, for files that only need valid hashes.
const std::string kHashA = Sha256Hex("token-a");
const std::string kHashB = Sha256Hex("token-b");

TEST(Sha256Test, MatchesKnownDigests) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const Sha256Digest digest = Sha256("abc");
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[31], 0xad);
}

TEST(ParseAuthFileTest, ReadsEveryRoleKind) {
  const std::string yaml = absl::StrCat(R"(
# Tokens of the staging catalog.
tokens:
  - principal: root
    sha256: )",
                                        kHashA, R"(
    roles: [admin]
  - principal: alice
    sha256: )",
                                        absl::AsciiStrToUpper(kHashB), R"(
    roles: [reader, owner:logistics, owner:sales-eu]
  - principal: airflow
    sha256: )",
                                        Sha256Hex("token-c"), R"(
    roles:
      - ingest
)");
  absl::StatusOr<std::vector<TokenEntry>> entries = ParseAuthFile(yaml);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 3u);

  const TokenEntry& root = (*entries)[0];
  EXPECT_EQ(root.sha256, Sha256("token-a"));
  EXPECT_EQ(root.principal.name, "root");
  EXPECT_TRUE(root.principal.admin);
  EXPECT_FALSE(root.principal.reader);
  EXPECT_FALSE(root.principal.ingest);
  EXPECT_THAT(root.principal.owned_domains, IsEmpty());

  const TokenEntry& alice = (*entries)[1];
  EXPECT_EQ(alice.sha256, Sha256("token-b")) << "upper-case hex digits are accepted";
  EXPECT_EQ(alice.principal.name, "alice");
  EXPECT_FALSE(alice.principal.admin);
  EXPECT_TRUE(alice.principal.reader);
  EXPECT_FALSE(alice.principal.ingest);
  EXPECT_THAT(alice.principal.owned_domains, ElementsAre("logistics", "sales-eu"));
  EXPECT_EQ(alice.principal.Describe(), "alice (owner:logistics, owner:sales-eu, reader)");

  const TokenEntry& airflow = (*entries)[2];
  EXPECT_EQ(airflow.sha256, Sha256("token-c"));
  EXPECT_TRUE(airflow.principal.ingest);
  EXPECT_FALSE(airflow.principal.admin);
  EXPECT_FALSE(airflow.principal.reader);
  EXPECT_EQ(airflow.principal.Describe(), "airflow (ingest)");
}

TEST(ParseAuthFileTest, OnePrincipalMayHaveSeveralTokens) {
  const std::string yaml =
      absl::StrCat("tokens:\n", "  - {principal: ci, sha256: ", kHashA, ", roles: [reader]}\n",
                   "  - {principal: ci, sha256: ", kHashB, ", roles: [reader]}\n");
  absl::StatusOr<std::vector<TokenEntry>> entries = ParseAuthFile(yaml);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].principal.name, "ci");
  EXPECT_EQ((*entries)[1].principal.name, "ci");
}

struct BadFile {
  std::string name;
  std::string yaml;
  std::string message;  // the whole expected message
};

std::ostream& operator<<(std::ostream& os, const BadFile& bad) { return os << bad.name; }

// One entry of the tokens list, in block style.
std::string Entry(absl::string_view principal, absl::string_view sha256, absl::string_view roles) {
  return absl::StrCat("  - principal: ", principal, "\n    sha256: ", sha256,
                      "\n    roles: ", roles, "\n");
}

std::string OneToken(absl::string_view principal, absl::string_view sha256,
                     absl::string_view roles) {
  return absl::StrCat("tokens:\n", Entry(principal, sha256, roles));
}

class BadAuthFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadAuthFileTest, IsInvalidArgumentNamingThePath) {
  absl::StatusOr<std::vector<TokenEntry>> entries = ParseAuthFile(GetParam().yaml);
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(entries.status().message(), GetParam().message);
}

const std::string kRoles = "(admin, reader, ingest, owner:<domain>)";

INSTANTIATE_TEST_SUITE_P(
    AuthFile, BadAuthFileTest,
    ::testing::Values(
        BadFile{"EmptyFile", "# nothing yet\n", "tokens: required (the auth file is empty)"},
        BadFile{"NotAMap", "- a\n- b\n", "the auth file must be a YAML map with the key tokens"},
        BadFile{"UnknownTopLevelKey", absl::StrCat(OneToken("a", kHashA, "[admin]"), "users: []\n"),
                "users: unknown key (tokens)"},
        BadFile{"TokensMissingValue", "tokens:\n", "tokens: required"},
        BadFile{"TokensNotAList", "tokens: {principal: a}\n", "tokens: must be a list"},
        BadFile{"NoTokens", "tokens: []\n", "tokens: at least one token required"},
        BadFile{"EntryNotAMap",
                absl::StrCat(OneToken("a", kHashA, "[admin]"), "  - just-a-string\n"),
                "tokens[1]: must be a map with principal, sha256 and roles"},
        BadFile{"UnknownEntryKey",
                absl::StrCat("tokens:\n  - {principal: a, sha256: ", kHashA,
                             ", roles: [admin], token: x}\n"),
                "tokens[0].token: unknown key (principal, sha256, roles)"},
        BadFile{"PrincipalMissing",
                absl::StrCat(OneToken("a", kHashA, "[admin]"), "  - sha256: ", kHashB,
                             "\n    roles: [reader]\n"),
                "tokens[1].principal: required"},
        BadFile{"PrincipalEmpty", OneToken("\"\"", kHashA, "[admin]"),
                "tokens[0].principal: required"},
        BadFile{"PrincipalNotAString", OneToken("[a, b]", kHashA, "[admin]"),
                "tokens[0].principal: must be a string"},
        BadFile{"PrincipalWithControlCharacter", OneToken("\"a\\nb\"", kHashA, "[admin]"),
                "tokens[0].principal: must be at most 128 bytes without control characters"},
        BadFile{"Sha256Missing", "tokens:\n  - principal: a\n    roles: [admin]\n",
                "tokens[0].sha256: required"},
        BadFile{"Sha256TooShort",
                absl::StrCat(OneToken("a", kHashA, "[admin]"), Entry("b", kHashB, "[admin]"),
                             Entry("c", kHashA.substr(1), "[admin]")),
                "tokens[2].sha256: must be 64 hex digits"},
        BadFile{"Sha256NotHex", OneToken("a", absl::StrCat("z", kHashA.substr(1)), "[admin]"),
                "tokens[0].sha256: must be 64 hex digits"},
        BadFile{"Sha256NotAScalar", OneToken("a", "[1, 2]", "[admin]"),
                "tokens[0].sha256: must be 64 hex digits"},
        BadFile{"DuplicateSha256",
                absl::StrCat(OneToken("a", kHashA, "[admin]"), Entry("b", kHashB, "[reader]"),
                             Entry("c", absl::AsciiStrToUpper(kHashA), "[reader]")),
                "tokens[2].sha256: same hash as tokens[0].sha256 (every token must be distinct)"},
        BadFile{"RolesMissing",
                absl::StrCat("tokens:\n  - principal: a\n    sha256: ", kHashA, "\n"),
                absl::StrCat("tokens[0].roles: required ", kRoles)},
        BadFile{"RolesNotAList", OneToken("a", kHashA, "admin"),
                "tokens[0].roles: must be a list of roles"},
        BadFile{"RolesEmpty", OneToken("a", kHashA, "[]"),
                absl::StrCat("tokens[0].roles: at least one role ", kRoles)},
        BadFile{"UnknownRole", OneToken("a", kHashA, "[reader, writer]"),
                absl::StrCat("tokens[0].roles[1]: unknown role \"writer\" ", kRoles)},
        BadFile{"OwnerWithoutDomain", OneToken("a", kHashA, "[reader, \"owner:\"]"),
                absl::StrCat("tokens[0].roles[1]: unknown role \"owner:\" ", kRoles)},
        BadFile{"OwnerOfBadDomain", OneToken("a", kHashA, "[owner:Sales]"),
                "tokens[0].roles[0]: domain of \"owner:Sales\" must match ^[a-z][a-z0-9-]{0,62}$"},
        BadFile{"OwnerOfTooLongDomain",
                OneToken("a", kHashA, absl::StrCat("[owner:", std::string(64, 'd'), "]")),
                absl::StrCat("tokens[0].roles[0]: domain of \"owner:", std::string(58, 'd'),
                             "\"... must match ^[a-z][a-z0-9-]{0,62}$")},
        BadFile{"RoleNotAString", OneToken("a", kHashA, "[{admin: true}]"),
                "tokens[0].roles[0]: must be a string"},
        BadFile{"DuplicateRole", OneToken("a", kHashA, "[reader, admin, reader]"),
                "tokens[0].roles[2]: duplicate role \"reader\""},
        BadFile{"NotYaml", "tokens: [\n",
                "invalid YAML at line 2, column 1: end of sequence flow not found"}),
    [](const ::testing::TestParamInfo<BadFile>& info) { return info.param.name; });

TEST(ParseAuthFileTest, NeverQuotesADigestBack) {
  // A token pasted where its digest belongs must not end up in a log.
  const std::string pasted_token = "s3cr3t-Pasted-Token";
  absl::StatusOr<std::vector<TokenEntry>> entries =
      ParseAuthFile(OneToken("a", pasted_token, "[admin]"));
  ASSERT_FALSE(entries.ok());
  const std::string message(entries.status().message());
  EXPECT_THAT(message, StartsWith("tokens[0].sha256: "));
  EXPECT_THAT(message, Not(HasSubstr(pasted_token)));
}

}  // namespace
}  // namespace meshdex::auth
