// RulePath: a path over a message by protobuf JSON names, as written in
// policy rules ("spec.outputPorts[*].slo.freshnessSeconds").
//
// Syntax: segments separated by '.'; each segment is a lowerCamelCase JSON
// field name optionally followed by one or more `[*]` (every element of a
// list) or `[n]` (element n, 0-based). A map field (metadata.labels,
// spec.links) takes the map key as the next segment ("metadata.labels.tier");
// keys cannot contain '.', '[' or ']'. Parse checks the path against a
// descriptor, so a parsed path only names fields that exist and only indexes
// lists.
//
// Expand walks a message by reflection and yields one PathValue per concrete
// location, in document order. `[*]` expands over the elements that exist
// (none -> no location); every other step yields a location even when the
// value is absent, so a missing intermediate object still reports the full
// concrete path. As in the protobuf JSON mapping, a singular field at its
// default value (0, "", false) and an unset message are absent.
//
// Thread-safety: a RulePath is immutable after Parse; Expand is const and may
// run concurrently on shared messages.
#ifndef MESHDEX_SERVER_GOVERNANCE_PATH_H_
#define MESHDEX_SERVER_GOVERNANCE_PATH_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace meshdex::governance {

// A value found at one concrete location of a message.
struct PathValue {
  enum class Kind {
    kAbsent,    // nothing there (unset field, index out of range, missing key)
    kMessage,   // `message` is the value
    kScalar,    // a string/number/bool/enum: `field` of `message`, element `index` if repeated
    kRepeated,  // a list or map: the repeated `field` of `message`
  };
  Kind kind = Kind::kAbsent;
  // Concrete path with indices filled in, e.g. "spec.outputPorts[1].slo".
  std::string path;
  // The index each `[*]` step of the path took, in order.
  std::vector<int> wildcard_indices;
  const google::protobuf::Message* message = nullptr;
  const google::protobuf::FieldDescriptor* field = nullptr;
  // kScalar: the element's index when `field` is repeated, else -1.
  int index = -1;
};

class RulePath {
 public:
  // What the values at the end of the path are.
  enum class Shape {
    kMessage,      // an object
    kScalar,       // a string, number, bool or enum
    kScalarList,   // a list of scalars
    kMessageList,  // a list of objects
    kMap,          // a map (its keys are the next segment)
  };

  // One step of a parsed path.
  struct Step {
    enum class Kind { kField, kMapKey, kEachElement, kElement };
    Kind kind = Kind::kField;
    // kField: the field of the current message. kMapKey: the map entry's
    // value field.
    const google::protobuf::FieldDescriptor* field = nullptr;
    std::string key;  // kMapKey
    int index = 0;    // kElement

    bool operator==(const Step& other) const;
    bool operator!=(const Step& other) const { return !(*this == other); }
  };

  // Longest accepted path text and largest accepted `[n]`.
  static constexpr size_t kMaxLength = 1024;
  static constexpr int kMaxIndex = 999999;

  // Parses `text` against `root` (e.g. DataProduct). INVALID_ARGUMENT for an
  // empty path or segment, an unknown field, `[..]` on a non-list, a
  // malformed `[..]`, descending into a scalar or into a list without `[..]`,
  // a path longer than kMaxLength; the message names the place, e.g.
  // `unknown field "slos" in spec.outputPorts[*]`.
  static absl::StatusOr<RulePath> Parse(absl::string_view text,
                                        const google::protobuf::Descriptor& root);

  // The path as parsed (canonical: it is the input text).
  const std::string& text() const { return text_; }
  const std::vector<Step>& steps() const { return steps_; }
  Shape shape() const { return shape_; }
  // Number of `[*]` steps.
  size_t wildcard_count() const;

  // The concrete locations of this path in `root`, which must be of the
  // descriptor the path was parsed against. The first `fixed_wildcards.size()`
  // `[*]` steps take the given indices instead of expanding (an index beyond
  // the list yields an absent location).
  std::vector<PathValue> Expand(const google::protobuf::Message& root,
                                absl::Span<const int> fixed_wildcards = {}) const;

 private:
  RulePath(std::string text, std::vector<Step> steps, Shape shape)
      : text_(std::move(text)), steps_(std::move(steps)), shape_(shape) {}

  std::string text_;
  std::vector<Step> steps_;
  Shape shape_;
};

}  // namespace meshdex::governance

#endif  // MESHDEX_SERVER_GOVERNANCE_PATH_H_
