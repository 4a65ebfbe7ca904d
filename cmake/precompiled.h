// The third-party and generated headers most of meshdex's own code parses:
// the standard library, Abseil, protobuf, gRPC, the generated API, RocksDB,
// Xapian and nlohmann/json. Parsing them is half or more of a file's compile
// time, so cmake/PrecompiledHeaders.cmake precompiles them once (target
// meshdex_pch) and the libraries and tools reuse that one precompiled header.
//
// Only headers whose content no target's own definitions change belong here:
// the precompiled header is built with none of them (spdlog and cpp-httplib,
// configured by definitions, stay out).
#ifndef MESHDEX_CMAKE_PRECOMPILED_H_
#define MESHDEX_CMAKE_PRECOMPILED_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/grpcpp.h"
#include "meshdex/v1/admin.grpc.pb.h"
#include "meshdex/v1/catalog.grpc.pb.h"
#include "meshdex/v1/governance.grpc.pb.h"
#include "meshdex/v1/lineage.grpc.pb.h"
#include "meshdex/v1/search.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "xapian.h"

#endif  // MESHDEX_CMAKE_PRECOMPILED_H_
