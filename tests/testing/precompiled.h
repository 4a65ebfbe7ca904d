// The headers nearly every test parses: gtest/gmock, gRPC, protobuf and the
// generated meshdex API. Parsing them is about half of a test's compile time,
// so tests/CMakeLists.txt precompiles them once (target meshdex_test_pch) and
// every test target reuses that one precompiled header.
//
// Only headers whose content no test-specific macro changes belong here (the
// precompiled header is built with none of the tests' own definitions).
#ifndef MESHDEX_TESTS_TESTING_PRECOMPILED_H_
#define MESHDEX_TESTS_TESTING_PRECOMPILED_H_

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"

#endif  // MESHDEX_TESTS_TESTING_PRECOMPILED_H_
