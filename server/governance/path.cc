#include "server/governance/path.h"

#include <utility>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace meshdex::governance {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindByJsonName(const Descriptor& message, absl::string_view name) {
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor* field = message.field(i);
    if (field->json_name() == name) return field;
  }
  return nullptr;
}

// Where the parse stands: the shape of the values reached so far and the
// field or message type that produced them.
struct ParseState {
  RulePath::Shape shape = RulePath::Shape::kMessage;
  const Descriptor* message = nullptr;     // kMessage
  const FieldDescriptor* field = nullptr;  // kScalarList, kMessageList, kMap
};

ParseState StateOfField(const FieldDescriptor& field) {
  if (field.is_map()) return {RulePath::Shape::kMap, nullptr, &field};
  if (field.is_repeated()) {
    return field.message_type() != nullptr
               ? ParseState{RulePath::Shape::kMessageList, nullptr, &field}
               : ParseState{RulePath::Shape::kScalarList, nullptr, &field};
  }
  if (field.message_type() != nullptr) {
    return {RulePath::Shape::kMessage, field.message_type(), nullptr};
  }
  return {RulePath::Shape::kScalar, nullptr, nullptr};
}

ParseState StateOfElement(const FieldDescriptor& list) {
  if (list.message_type() != nullptr) {
    return {RulePath::Shape::kMessage, list.message_type(), nullptr};
  }
  return {RulePath::Shape::kScalar, nullptr, nullptr};
}

absl::Status PathError(absl::string_view reason) {
  return absl::InvalidArgumentError(reason);
}

// "<index>" of a `[<index>]`: "*" or a decimal without leading zeros.
absl::StatusOr<RulePath::Step> ParseBracket(absl::string_view content,
                                            absl::string_view prefix) {
  RulePath::Step step;
  if (content == "*") {
    step.kind = RulePath::Step::Kind::kEachElement;
    return step;
  }
  int index = 0;
  const bool digits_only = !content.empty() && content.size() <= 6 &&
                           absl::c_all_of(content, [](char c) { return absl::ascii_isdigit(c); });
  if (!digits_only || (content.size() > 1 && content[0] == '0') ||
      !absl::SimpleAtoi(content, &index) || index > RulePath::kMaxIndex) {
    return PathError(absl::StrCat("bad index [", content, "] after ", prefix,
                                  ": expected [*] or [n] with 0 <= n <= ", RulePath::kMaxIndex));
  }
  step.kind = RulePath::Step::Kind::kElement;
  step.index = index;
  return step;
}

std::string AppendName(absl::string_view path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

// Text of a map entry's key, to compare with a path segment.
std::string MapKeyText(const Message& entry) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  const Reflection& reflection = *entry.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return reflection.GetString(entry, key);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(reflection.GetInt32(entry, key));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(reflection.GetInt64(entry, key));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(reflection.GetUInt32(entry, key));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(reflection.GetUInt64(entry, key));
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection.GetBool(entry, key) ? "true" : "false";
    default:
      return "";
  }
}

PathValue Absent(PathValue from, std::string path) {
  PathValue absent;
  absent.path = std::move(path);
  absent.wildcard_indices = std::move(from.wildcard_indices);
  return absent;
}

// Element `index` of the repeated field `value` holds, or absent.
PathValue Element(PathValue value, int index) {
  std::string path = absl::StrCat(value.path, "[", index, "]");
  const Reflection& reflection = *value.message->GetReflection();
  if (index >= reflection.FieldSize(*value.message, value.field)) {
    return Absent(std::move(value), std::move(path));
  }
  value.path = std::move(path);
  if (value.field->message_type() != nullptr) {
    value.message = &reflection.GetRepeatedMessage(*value.message, value.field, index);
    value.kind = PathValue::Kind::kMessage;
    value.field = nullptr;
  } else {
    value.kind = PathValue::Kind::kScalar;
    value.index = index;
  }
  return value;
}

PathValue Field(PathValue value, const FieldDescriptor& field) {
  std::string path = AppendName(value.path, field.json_name());
  if (value.kind != PathValue::Kind::kMessage) return Absent(std::move(value), std::move(path));
  const Message& message = *value.message;
  const Reflection& reflection = *message.GetReflection();
  if (!field.is_repeated() && !reflection.HasField(message, &field)) {
    return Absent(std::move(value), std::move(path));
  }
  value.path = std::move(path);
  if (field.is_repeated()) {
    value.kind = PathValue::Kind::kRepeated;
    value.field = &field;
  } else if (field.message_type() != nullptr) {
    value.message = &reflection.GetMessage(message, &field);
  } else {
    value.kind = PathValue::Kind::kScalar;
    value.field = &field;
  }
  return value;
}

PathValue MapValue(PathValue value, const RulePath::Step& step) {
  std::string path = AppendName(value.path, step.key);
  if (value.kind != PathValue::Kind::kRepeated) return Absent(std::move(value), std::move(path));
  const Reflection& reflection = *value.message->GetReflection();
  const int size = reflection.FieldSize(*value.message, value.field);
  for (int i = 0; i < size; ++i) {
    const Message& entry = reflection.GetRepeatedMessage(*value.message, value.field, i);
    if (MapKeyText(entry) != step.key) continue;
    value.path = std::move(path);
    if (step.field->message_type() != nullptr) {
      value.kind = PathValue::Kind::kMessage;
      value.message = &entry.GetReflection()->GetMessage(entry, step.field);
      value.field = nullptr;
    } else {
      value.kind = PathValue::Kind::kScalar;
      value.message = &entry;
      value.field = step.field;
    }
    return value;
  }
  return Absent(std::move(value), std::move(path));
}

}  // namespace

bool RulePath::Step::operator==(const Step& other) const {
  return kind == other.kind && field == other.field && key == other.key && index == other.index;
}

absl::StatusOr<RulePath> RulePath::Parse(absl::string_view text, const Descriptor& root) {
  if (text.empty()) return PathError("empty path");
  if (text.size() > kMaxLength) {
    return PathError(absl::StrCat("path longer than ", kMaxLength, " characters"));
  }
  std::vector<Step> steps;
  ParseState state{Shape::kMessage, &root, nullptr};
  std::string prefix;  // the text parsed so far, for messages
  for (absl::string_view segment : absl::StrSplit(text, '.')) {
    const size_t bracket = segment.find('[');
    const absl::string_view name = segment.substr(0, bracket);
    if (name.empty()) {
      return PathError(absl::StrCat("empty segment in \"", text, "\""));
    }
    if (name.find(']') != absl::string_view::npos) {
      return PathError(absl::StrCat("unexpected \"]\" in segment \"", segment, "\""));
    }
    Step step;
    switch (state.shape) {
      case Shape::kMessage: {
        step.field = FindByJsonName(*state.message, name);
        if (step.field == nullptr) {
          std::string reason = absl::StrCat(
              "unknown field \"", name, "\" in ",
              prefix.empty() ? std::string(state.message->name()) : prefix);
          const FieldDescriptor* by_proto_name = state.message->FindFieldByName(std::string(name));
          if (by_proto_name != nullptr) {
            absl::StrAppend(&reason, " (did you mean \"", by_proto_name->json_name(), "\"?)");
          }
          return PathError(reason);
        }
        state = StateOfField(*step.field);
        break;
      }
      case Shape::kMap:
        step.kind = Step::Kind::kMapKey;
        step.key = std::string(name);
        step.field = state.field->message_type()->map_value();
        state = StateOfField(*step.field);
        break;
      case Shape::kScalar:
        return PathError(absl::StrCat(prefix, " is a value, not an object: it has no field \"",
                                      name, "\""));
      case Shape::kScalarList:
      case Shape::kMessageList:
        return PathError(absl::StrCat(prefix, " is a list: select elements with [*] or [n] before \"",
                                      name, "\""));
    }
    steps.push_back(std::move(step));
    prefix = AppendName(prefix, name);

    absl::string_view brackets = segment.substr(name.size());
    while (!brackets.empty()) {
      if (brackets[0] != '[') {
        return PathError(absl::StrCat("unexpected \"", brackets.substr(0, 1), "\" after ", prefix));
      }
      const size_t close = brackets.find(']');
      if (close == absl::string_view::npos) {
        return PathError(absl::StrCat("unclosed \"[\" after ", prefix));
      }
      if (state.shape == Shape::kMap) {
        return PathError(absl::StrCat(prefix, " is a map, not a list: name a key as the next segment"));
      }
      if (state.shape != Shape::kScalarList && state.shape != Shape::kMessageList) {
        return PathError(absl::StrCat(prefix, " is not a list: cannot apply ",
                                      brackets.substr(0, close + 1)));
      }
      absl::StatusOr<Step> element = ParseBracket(brackets.substr(1, close - 1), prefix);
      if (!element.ok()) return element.status();
      steps.push_back(*std::move(element));
      state = StateOfElement(*state.field);
      absl::StrAppend(&prefix, brackets.substr(0, close + 1));
      brackets.remove_prefix(close + 1);
    }
  }
  return RulePath(std::string(text), std::move(steps), state.shape);
}

size_t RulePath::wildcard_count() const {
  size_t count = 0;
  for (const Step& step : steps_) count += step.kind == Step::Kind::kEachElement ? 1 : 0;
  return count;
}

std::vector<PathValue> RulePath::Expand(const Message& root,
                                        absl::Span<const int> fixed_wildcards) const {
  PathValue start;
  start.kind = PathValue::Kind::kMessage;
  start.message = &root;
  std::vector<PathValue> values = {std::move(start)};
  size_t wildcards_seen = 0;
  for (const Step& step : steps_) {
    std::vector<PathValue> next;
    next.reserve(values.size());
    for (PathValue& value : values) {
      switch (step.kind) {
        case Step::Kind::kField:
          next.push_back(Field(std::move(value), *step.field));
          break;
        case Step::Kind::kMapKey:
          next.push_back(MapValue(std::move(value), step));
          break;
        case Step::Kind::kElement:
          if (value.kind == PathValue::Kind::kRepeated) {
            next.push_back(Element(std::move(value), step.index));
          } else {
            std::string path = absl::StrCat(value.path, "[", step.index, "]");
            next.push_back(Absent(std::move(value), std::move(path)));
          }
          break;
        case Step::Kind::kEachElement:
          if (wildcards_seen < fixed_wildcards.size()) {
            const int index = fixed_wildcards[wildcards_seen];
            value.wildcard_indices.push_back(index);
            if (value.kind == PathValue::Kind::kRepeated) {
              next.push_back(Element(std::move(value), index));
            } else {
              std::string path = absl::StrCat(value.path, "[", index, "]");
              next.push_back(Absent(std::move(value), std::move(path)));
            }
          } else if (value.kind == PathValue::Kind::kRepeated) {
            const int size = value.message->GetReflection()->FieldSize(*value.message, value.field);
            for (int i = 0; i < size; ++i) {
              PathValue element = value;
              element.wildcard_indices.push_back(i);
              next.push_back(Element(std::move(element), i));
            }
          }
          break;
      }
    }
    if (step.kind == Step::Kind::kEachElement) ++wildcards_seen;
    values = std::move(next);
  }
  return values;
}

}  // namespace meshdex::governance
