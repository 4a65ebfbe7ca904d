// Conversions between absl::Time and google.protobuf.Timestamp, the time type
// of every meshdex record and API message. One definition for all layers.
//
// Thread-safety: stateless functions; safe everywhere.
#ifndef MESHDEX_PROTO_TIMESTAMPS_H_
#define MESHDEX_PROTO_TIMESTAMPS_H_

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"

namespace meshdex {

// Nanosecond precision; a time beyond what int64 nanoseconds since the epoch
// hold (years 1678-2262) saturates to that range, as absl::ToUnixNanos does.
google::protobuf::Timestamp ToTimestamp(absl::Time time);

}  // namespace meshdex

#endif  // MESHDEX_PROTO_TIMESTAMPS_H_
