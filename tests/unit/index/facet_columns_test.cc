#include "index/facet_columns.h"

#include <string>

#include <xapian.h>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace meshdex::index {
namespace {

constexpr Xapian::valueno kDomainSlot = 3;
constexpr Xapian::valueno kKindSlot = 4;

Xapian::Document Doc(const std::string& domain, const std::string& kinds) {
  Xapian::Document document;
  if (!domain.empty()) document.add_value(kDomainSlot, domain);
  if (!kinds.empty()) document.add_value(kKindSlot, kinds);
  return document;
}

// A real database: documents 1-4, the third without a domain.
class FacetColumnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = Xapian::WritableDatabase(dir_.Sub("db"), Xapian::DB_CREATE_OR_OPEN);
    writer_.add_document(Doc("sales", "kafka"));
    writer_.add_document(Doc("logistics", "kafka,s3"));
    writer_.add_document(Doc("", "s3"));
    writer_.add_document(Doc("sales", ""));
    writer_.commit();
  }

  Xapian::Database Reader() const { return Xapian::Database(dir_.Sub("db")); }

  testing::TempDir dir_;
  Xapian::WritableDatabase writer_;
  FacetColumns columns_;
};

TEST_F(FacetColumnsTest, ALoadedColumnHoldsEachDocumentsValueList) {
  const FacetColumns::Column& domains = columns_.Get(kDomainSlot, Reader());
  EXPECT_EQ(domains.List(domains.ListOf(1)), "sales");
  EXPECT_EQ(domains.List(domains.ListOf(2)), "logistics");
  EXPECT_EQ(domains.ListOf(3), FacetColumns::Column::kNone);
  EXPECT_EQ(domains.List(FacetColumns::Column::kNone), "");
  // Equal lists share one id; ids past the last document have none.
  EXPECT_EQ(domains.ListOf(1), domains.ListOf(4));
  EXPECT_NE(domains.ListOf(1), domains.ListOf(2));
  EXPECT_EQ(domains.ListOf(5), FacetColumns::Column::kNone);
  EXPECT_EQ(domains.ListOf(1000), FacetColumns::Column::kNone);

  const FacetColumns::Column& kinds = columns_.Get(kKindSlot, Reader());
  EXPECT_EQ(kinds.List(kinds.ListOf(2)), "kafka,s3");
  EXPECT_EQ(kinds.ListOf(4), FacetColumns::Column::kNone);
  // A second Get is the column already loaded.
  EXPECT_EQ(&columns_.Get(kDomainSlot, Reader()), &domains);
}

TEST_F(FacetColumnsTest, AppliedChangesUpdateLoadedColumnsOnly) {
  const FacetColumns::Column& domains = columns_.Get(kDomainSlot, Reader());
  // As the follower commits them: a replaced, a deleted and an added document.
  const Xapian::Document moved = Doc("production", "api");
  writer_.replace_document(1, moved);
  writer_.delete_document(2);
  const Xapian::Document added = Doc("sales", "sql");
  const Xapian::docid added_id = writer_.add_document(added);
  writer_.commit();
  columns_.Apply(1, &moved);
  columns_.Apply(2, nullptr);
  columns_.Apply(added_id, &added);

  EXPECT_EQ(domains.List(domains.ListOf(1)), "production");
  EXPECT_EQ(domains.ListOf(2), FacetColumns::Column::kNone);
  EXPECT_EQ(domains.List(domains.ListOf(added_id)), "sales");
  EXPECT_EQ(domains.ListOf(added_id), domains.ListOf(4));
  // The kind column was not loaded: it is loaded from the database as it now is.
  const FacetColumns::Column& kinds = columns_.Get(kKindSlot, Reader());
  EXPECT_EQ(kinds.List(kinds.ListOf(1)), "api");
  EXPECT_EQ(kinds.ListOf(2), FacetColumns::Column::kNone);
  EXPECT_EQ(kinds.List(kinds.ListOf(added_id)), "sql");
}

TEST_F(FacetColumnsTest, ResetForgetsTheColumnsOfTheOldDatabase) {
  const FacetColumns::Column& before = columns_.Get(kDomainSlot, Reader());
  ASSERT_EQ(before.List(before.ListOf(1)), "sales");
  // A rebuild replaces the database: the same ids now name other documents.
  writer_.replace_document(1, Doc("finance", ""));
  writer_.commit();
  columns_.Reset();
  const FacetColumns::Column& domains = columns_.Get(kDomainSlot, Reader());
  EXPECT_EQ(domains.List(domains.ListOf(1)), "finance");
}

}  // namespace
}  // namespace meshdex::index
