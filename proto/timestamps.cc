#include "proto/timestamps.h"

#include <google/protobuf/util/time_util.h>

namespace meshdex {

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

}  // namespace meshdex
