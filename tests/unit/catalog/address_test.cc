#include "server/catalog/address.h"

#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace meshdex::catalog {
namespace {

using ::testing::HasSubstr;

struct GoodAddress {
  std::string address;
  std::string expected_namespace;
  std::string expected_name;
};

std::ostream& operator<<(std::ostream& os, const GoodAddress& row) { return os << row.address; }

class NormalizeGoodAddressTest : public ::testing::TestWithParam<GoodAddress> {};

TEST_P(NormalizeGoodAddressTest, YieldsOpenLineageDataset) {
  const GoodAddress& row = GetParam();
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = NormalizeAddress(row.address);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->namespace_(), row.expected_namespace);
  EXPECT_EQ(dataset->name(), row.expected_name);
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormalizeGoodAddressTest,
    ::testing::Values(
        // Kafka: default port filled, scheme and host folded, topic case kept.
        GoodAddress{"kafka://broker.logistics:9092/logistics.shipments.v1",
                    "kafka://broker.logistics:9092", "logistics.shipments.v1"},
        GoodAddress{"kafka://broker/orders", "kafka://broker:9092", "orders"},
        GoodAddress{"KAFKA://Broker.Sales/Orders_V1/", "kafka://broker.sales:9092", "Orders_V1"},
        GoodAddress{"kafka://10.0.0.7:19092/t", "kafka://10.0.0.7:19092", "t"},
        GoodAddress{"kafka://[::1]/t", "kafka://[::1]:9092", "t"},
        // Object stores: bucket is the namespace, key case kept, s3a/s3n fold.
        GoodAddress{"s3://bucket/a/b", "s3://bucket", "a/b"},
        GoodAddress{"s3a://Lake/Raw/Events/", "s3://lake", "Raw/Events"},
        GoodAddress{"s3n://lake/x", "s3://lake", "x"},
        GoodAddress{"gs://bucket/path/to/table", "gs://bucket", "path/to/table"},
        GoodAddress{"abfss://Raw@Acct.dfs.core.windows.net/sales/orders",
                    "abfss://raw@acct.dfs.core.windows.net", "sales/orders"},
        // SQL engines.
        GoodAddress{"postgres://db.internal/shop.public.orders", "postgres://db.internal:5432",
                    "shop.public.orders"},
        GoodAddress{"postgresql://DB.internal:5433/Shop.Public.Orders",
                    "postgres://db.internal:5433", "Shop.Public.Orders"},
        GoodAddress{"mysql://mysql.internal/shop.orders", "mysql://mysql.internal:3306",
                    "shop.orders"},
        GoodAddress{"mysql://mysql.internal:3306/shop.orders", "mysql://mysql.internal:3306",
                    "shop.orders"},
        GoodAddress{"bigquery://my-project.sales.orders", "bigquery", "my-project.sales.orders"},
        GoodAddress{"bigquery:my-project.sales.orders", "bigquery", "my-project.sales.orders"},
        GoodAddress{"BigQuery:proj.DataSet.Table", "bigquery", "proj.DataSet.Table"},
        GoodAddress{"snowflake://Org-Acct/ANALYTICS.PUBLIC.ORDERS", "snowflake://org-acct",
                    "ANALYTICS.PUBLIC.ORDERS"},
        // HDFS keeps the absolute path.
        GoodAddress{"hdfs://namenode/data/events/", "hdfs://namenode:8020", "/data/events"},
        GoodAddress{"hdfs://namenode:9000/data", "hdfs://namenode:9000", "/data"},
        // APIs: URL-style default ports are dropped.
        GoodAddress{"https://API.example.com/v1/shipments", "https://api.example.com",
                    "v1/shipments"},
        GoodAddress{"https://api.example.com:443/v1/shipments/", "https://api.example.com",
                    "v1/shipments"},
        GoodAddress{"https://api.example.com:8443/v1", "https://api.example.com:8443", "v1"},
        GoodAddress{"http://api.internal:80/status", "http://api.internal", "status"},
        // Local files.
        GoodAddress{"file:///var/data/Exports/", "file", "/var/data/Exports"},
        GoodAddress{"file://localhost/tmp/x.csv", "file", "/tmp/x.csv"},
        GoodAddress{"file:/tmp/x.csv", "file", "/tmp/x.csv"}));

struct BadAddress {
  std::string address;
  std::string expected_message;  // a substring of the error
};

std::ostream& operator<<(std::ostream& os, const BadAddress& row) { return os << row.address; }

class NormalizeBadAddressTest : public ::testing::TestWithParam<BadAddress> {};

TEST_P(NormalizeBadAddressTest, IsInvalidArgumentWithReason) {
  const BadAddress& row = GetParam();
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = NormalizeAddress(row.address);
  ASSERT_FALSE(dataset.ok()) << row.address << " -> " << dataset->namespace_() << " "
                             << dataset->name();
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(dataset.status().message()), HasSubstr(row.expected_message));
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormalizeBadAddressTest,
    ::testing::Values(
        BadAddress{"", "address is empty"}, BadAddress{"broker/topic", "no scheme"},
        BadAddress{"://broker/topic", "no scheme"},
        BadAddress{"9kafka://broker/topic", "no scheme"},
        BadAddress{"ftp://files.example.com/x", "unsupported scheme \"ftp\""},
        BadAddress{"FTP://files.example.com/x", "unsupported scheme \"ftp\""},
        BadAddress{"kafka:broker/topic", "expected \"kafka://\""},
        BadAddress{"kafka:///topic", "missing host"},
        BadAddress{"kafka://:9092/topic", "missing host"},
        BadAddress{"kafka://broker:9092", "missing topic"},
        BadAddress{"kafka://broker:9092/", "missing topic"},
        BadAddress{"kafka://broker/a/b", "invalid topic"},
        BadAddress{"kafka://broker:http/t", "invalid port \"http\""},
        BadAddress{"kafka://broker:70000/t", "invalid port"},
        BadAddress{"kafka://broker:0/t", "invalid port"},
        BadAddress{"kafka://broker:+80/t", "invalid port"},
        BadAddress{"kafka://b1:9092,b2:9092/t", "single host"},
        BadAddress{"kafka://bro$ker/t", "invalid host"},
        BadAddress{"kafka://broker/my topic", "whitespace or control characters"},
        BadAddress{"kafka://broker/t\n", "whitespace or control characters"},
        BadAddress{"kafka://broker/t\x7f", "whitespace or control characters"},
        BadAddress{"kafka://user:secret@broker/t", "must not embed credentials"},
        BadAddress{"https://token@api.example.com/v1", "must not embed credentials"},
        BadAddress{"postgres://app:pw@db/shop.public.orders", "must not embed credentials"},
        BadAddress{"abfss://raw:key@acct.dfs.core.windows.net/x", "must not embed credentials"},
        BadAddress{"abfss://acct.dfs.core.windows.net/x", "container@account"},
        BadAddress{"s3://bucket", "missing object path"},
        BadAddress{"s3://bucket/", "missing object path"},
        BadAddress{"s3://bucket:9000/x", "take no port"}, BadAddress{"gs:///path", "missing host"},
        BadAddress{"postgres://db/shop.orders", "db.schema.table"},
        BadAddress{"postgres://db/shop..orders", "db.schema.table"},
        BadAddress{"postgres://db/shop/public.orders.x", "db.schema.table"},
        BadAddress{"postgres://db", "missing table"}, BadAddress{"mysql://db/orders", "db.table"},
        BadAddress{"mysql://db/shop.public.orders", "db.table"},
        BadAddress{"bigquery:sales.orders", "project.dataset.table"},
        BadAddress{"bigquery://", "missing table"},
        BadAddress{"snowflake://acct/orders", "db.schema.table"},
        BadAddress{"hdfs://namenode", "missing path"},
        BadAddress{"hdfs://namenode/", "missing path"},
        BadAddress{"https://api.example.com", "missing path"},
        BadAddress{"https://api.example.com/v1?page=2", "query or fragment"},
        BadAddress{"https://api.example.com/v1#top", "query or fragment"},
        BadAddress{"file://server/share/x", "take no host"},
        BadAddress{"file:relative/x", "must be absolute"}, BadAddress{"file:///", "missing path"},
        BadAddress{"s3://bucket/" + std::string(2048, 'k'), "longer than the limit of 2048"}));

TEST(NormalizeAddressTest, ErrorMessageCarriesNoPath) {
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = NormalizeAddress("ftp://x/y");
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().message(), "unsupported scheme \"ftp\"");
}

TEST(NormalizeAddressTest, SpellingsOfOneDatasetAreEqual) {
  const char* const spellings[] = {"kafka://broker/orders", "kafka://BROKER:9092/orders",
                                   "Kafka://broker:9092/orders/", "kafka://broker:09092/orders"};
  for (const char* spelling : spellings) {
    absl::StatusOr<meshdex::v1::DatasetRef> dataset = NormalizeAddress(spelling);
    ASSERT_TRUE(dataset.ok()) << spelling << ": " << dataset.status();
    EXPECT_EQ(dataset->namespace_(), "kafka://broker:9092") << spelling;
    EXPECT_EQ(dataset->name(), "orders") << spelling;
  }
}

TEST(NormalizeAddressTest, AcceptsAddressAtTheLengthLimit) {
  const std::string prefix = "s3://bucket/";
  const std::string address = prefix + std::string(kMaxAddressLength - prefix.size(), 'k');
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = NormalizeAddress(address);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->name().size(), kMaxAddressLength - prefix.size());
}

meshdex::v1::Port PortWith(std::string address) {
  meshdex::v1::Port port;
  port.set_name("events");
  port.set_kind("kafka");
  port.set_address(std::move(address));
  return port;
}

TEST(PortDatasetTest, DerivesFromAddress) {
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = PortDataset(PortWith("kafka://b/t"));
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->namespace_(), "kafka://b:9092");
  EXPECT_EQ(dataset->name(), "t");
}

TEST(PortDatasetTest, ExplicitDatasetWinsVerbatim) {
  meshdex::v1::Port port = PortWith("kafka://b/t");
  port.mutable_dataset()->set_namespace_("Custom-NS");
  port.mutable_dataset()->set_name("My.Table");
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = PortDataset(port);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->namespace_(), "Custom-NS");
  EXPECT_EQ(dataset->name(), "My.Table");
}

TEST(PortDatasetTest, ExplicitDatasetWinsOverBadAddress) {
  meshdex::v1::Port port = PortWith("ftp://x/y");
  port.mutable_dataset()->set_namespace_("ns");
  port.mutable_dataset()->set_name("n");
  EXPECT_TRUE(PortDataset(port).ok());
}

TEST(PortDatasetTest, ExplicitDatasetNeedsBothFields) {
  meshdex::v1::Port port = PortWith("kafka://b/t");
  port.mutable_dataset()->set_namespace_("ns");
  absl::StatusOr<meshdex::v1::DatasetRef> dataset = PortDataset(port);
  ASSERT_FALSE(dataset.ok());
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dataset.status().message(), "dataset.name: required");

  port.mutable_dataset()->clear_namespace_();
  port.mutable_dataset()->set_name("n");
  EXPECT_EQ(PortDataset(port).status().message(), "dataset.namespace: required");
}

TEST(PortDatasetTest, ExplicitDatasetRejectsControlCharacters) {
  meshdex::v1::Port port;
  port.mutable_dataset()->set_namespace_("ns");
  port.mutable_dataset()->set_name(std::string("a\0b", 3));
  EXPECT_THAT(std::string(PortDataset(port).status().message()),
              HasSubstr("dataset.name: must not contain control characters"));
}

TEST(PortDatasetTest, AddressErrorsCarryTheRelativePath) {
  EXPECT_EQ(PortDataset(PortWith("ftp://x/y")).status().message(),
            "address: unsupported scheme \"ftp\"");
  EXPECT_EQ(PortDataset(PortWith("")).status().message(),
            "address: required unless dataset is given");
}

}  // namespace
}  // namespace meshdex::catalog
