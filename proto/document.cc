#include "proto/document.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <exception>
#include <initializer_list>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/charconv.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "proto/utf8.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/yaml.h"

namespace meshdex::document {

namespace internal {

// One node of a parsed document. Nodes live in an Arena and never move, so
// they point at each other with plain pointers; an alias is a second pointer to
// the anchored node (the tree is a DAG, never cyclic).
struct Node {
  enum class Kind : unsigned char { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  // Scalar written plain in YAML, or a JSON number/true/false literal: only
  // such scalars may be read as numbers or booleans without a schema.
  bool plain = false;
  // False while a collection is being built; an alias to it would be a cycle.
  bool complete = true;
  int line = 0;  // 1-based position; 0 when unknown (JSON input)
  int column = 0;
  std::string text;  // scalars only
  // Sequence items, or mapping entries flattened as key0, value0, key1, ...
  // Keys are always scalars.
  std::vector<const Node*> children;
};

}  // namespace internal

namespace {

using internal::Node;
using Kind = internal::Node::Kind;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// Owns every node of one input; documents share it through shared_ptr.
struct Arena {
  std::deque<Node> nodes;
};

// " (line L, column C)", or "" when the position is unknown.
std::string At(int line, int column) {
  if (line <= 0) return "";
  return absl::StrFormat(" (line %d, column %d)", line, column);
}

std::string At(const Node& node) { return At(node.line, node.column); }

// Messages number documents from 1, as the CLI does ("document 1" is index 0).
std::string DocumentError(int index, absl::string_view message) {
  return absl::StrCat("document ", index + 1, ": ", message);
}

// Quoted, shortened scalar text for error messages.
std::string Quote(absl::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  if (text.size() <= kMaxShown) return absl::StrCat("\"", text, "\"");
  return absl::StrCat("\"", utf8::Truncate(text, kMaxShown), "...\"");
}

std::string Describe(const Node& node) {
  switch (node.kind) {
    case Kind::kNull:
      return "null";
    case Kind::kSequence:
      return "a list";
    case Kind::kMapping:
      return "a mapping";
    case Kind::kScalar:
      break;
  }
  return node.plain ? Quote(node.text)
                    : absl::StrCat("the quoted string ", Quote(node.text));
}

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<int>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// -- Syntax tree construction -------------------------------------------------

// A problem found while building the tree. Thrown (never across the API) so it
// can unwind out of yaml-cpp's and nlohmann's parsers.
struct TreeError {
  int line;
  int column;
  std::string message;
  int document = -1;  // -1: the document being parsed
};

// Builds nodes from parser events (YAML or JSON), resolving anchors, aliases
// and `<<` merge keys, rejecting duplicate keys, non-scalar keys, recursive
// aliases, nesting deeper than kMaxNestingDepth and more than kMaxNodes nodes.
class TreeBuilder {
 public:
  using Anchor = std::size_t;  // 0: none (yaml-cpp's anchor_t)

  explicit TreeBuilder(Arena* arena) : arena_(arena) {}

  void BeginDocument() {
    anchors_.clear();
    stack_.clear();
    root_ = nullptr;
  }
  const Node* root() const { return root_; }
  // Items completed so far in a top-level sequence (a JSON array of
  // documents), to say which document a syntax error is in.
  std::size_t CompletedTopLevelItems() const {
    if (stack_.empty() || stack_.front().node->kind != Kind::kSequence)
      return 0;
    return stack_.front().node->children.size();
  }

  void AddScalar(int line, int column, std::string text, bool plain,
                 Anchor anchor) {
    Node* node = NewNode(Kind::kScalar, line, column);
    node->text = std::move(text);
    node->plain = plain;
    Register(anchor, node);
    Attach(node);
  }

  void AddNull(int line, int column, Anchor anchor) {
    Node* node = NewNode(Kind::kNull, line, column);
    Register(anchor, node);
    Attach(node);
  }

  void AddAlias(int line, int column, Anchor anchor) {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw TreeError{line, column, "alias to an unknown anchor"};
    }
    if (!it->second->complete) {
      throw TreeError{
          line, column,
          "alias to a collection that contains it (recursive alias)"};
    }
    Attach(it->second);
  }

  void BeginCollection(Kind kind, int line, int column, Anchor anchor) {
    if (stack_.size() >= static_cast<std::size_t>(kMaxNestingDepth)) {
      throw TreeError{
          line, column,
          absl::StrCat("nesting deeper than ", kMaxNestingDepth, " levels")};
    }
    Node* node = NewNode(kind, line, column);
    node->complete = false;
    Register(anchor, node);
    Frame& frame = stack_.emplace_back();
    frame.node = node;
  }

  void EndCollection() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.node->kind == Kind::kMapping) ApplyMerges(frame);
    frame.node->complete = true;
    Attach(frame.node);
  }

 private:
  struct Frame {
    Node* node = nullptr;
    const Node* pending_key = nullptr;  // mapping key waiting for its value
    absl::flat_hash_set<absl::string_view> keys;
    std::vector<const Node*> merges;  // values of `<<`, applied at the end
  };

  Node* NewNode(Kind kind, int line, int column) {
    if (++node_count_ > kMaxNodes) {
      throw TreeError{
          line, column,
          absl::StrCat("more than ", kMaxNodes, " values in the input")};
    }
    Node& node = arena_->nodes.emplace_back();
    node.kind = kind;
    node.line = line;
    node.column = column;
    return &node;
  }

  void Register(Anchor anchor, const Node* node) {
    if (anchor != 0) anchors_[anchor] = node;
  }

  void Attach(const Node* node) {
    if (stack_.empty()) {
      root_ = node;
      return;
    }
    Frame& frame = stack_.back();
    if (frame.node->kind == Kind::kSequence) {
      frame.node->children.push_back(node);
      return;
    }
    if (frame.pending_key == nullptr) {
      if (node->kind == Kind::kNull) {
        throw TreeError{node->line, node->column, "empty mapping key"};
      }
      if (node->kind != Kind::kScalar) {
        throw TreeError{node->line, node->column,
                        "mapping keys must be scalars"};
      }
      frame.pending_key = node;
      return;
    }
    const Node* key = std::exchange(frame.pending_key, nullptr);
    if (key->plain && key->text == "<<") {
      CheckMergeSource(*key, *node);
      frame.merges.push_back(node);
      return;
    }
    if (!frame.keys.insert(key->text).second) {
      throw TreeError{key->line, key->column,
                      absl::StrCat("duplicate key ", Quote(key->text))};
    }
    frame.node->children.push_back(key);
    frame.node->children.push_back(node);
  }

  static void CheckMergeSource(const Node& key, const Node& source) {
    bool valid = source.kind == Kind::kMapping;
    if (source.kind == Kind::kSequence) {
      valid = std::all_of(
          source.children.begin(), source.children.end(),
          [](const Node* item) { return item->kind == Kind::kMapping; });
    }
    if (!valid) {
      throw TreeError{key.line, key.column,
                      "a merge key (<<) needs a mapping or a list of mappings"};
    }
  }

  // YAML merge keys: entries of the merged mappings that the mapping does not
  // set itself; earlier sources win over later ones.
  static void ApplyMerges(Frame& frame) {
    for (const Node* merge : frame.merges) {
      const std::vector<const Node*> sources =
          merge->kind == Kind::kMapping ? std::vector<const Node*>{merge}
                                        : merge->children;
      for (const Node* source : sources) {
        for (std::size_t i = 0; i < source->children.size(); i += 2) {
          const Node* key = source->children[i];
          if (frame.keys.insert(key->text).second) {
            frame.node->children.push_back(key);
            frame.node->children.push_back(source->children[i + 1]);
          }
        }
      }
    }
  }

  Arena* arena_;
  std::size_t node_count_ = 0;
  std::vector<Frame> stack_;
  absl::flat_hash_map<Anchor, const Node*> anchors_;
  const Node* root_ = nullptr;
};

// Turns parsed roots into resource documents: mappings are documents, a
// sequence is a list of documents (a JSON array), null roots are skipped.
class DocumentCollector {
 public:
  void AddRoot(const Node* root) {
    if (root == nullptr || root->kind == Kind::kNull) return;
    if (root->kind == Kind::kMapping) {
      roots_.push_back(root);
      return;
    }
    if (root->kind == Kind::kSequence) {
      for (const Node* item : root->children) {
        if (item->kind == Kind::kNull) continue;
        if (item->kind != Kind::kMapping) {
          throw TreeError{item->line, item->column,
                          "a list of documents may only contain mappings",
                          size()};
        }
        roots_.push_back(item);
      }
      return;
    }
    throw TreeError{root->line, root->column,
                    "a document must be a mapping (apiVersion, kind, ...), "
                    "not a scalar",
                    size()};
  }

  int size() const { return static_cast<int>(roots_.size()); }
  std::vector<const Node*> TakeRoots() { return std::move(roots_); }

 private:
  std::vector<const Node*> roots_;
};

// -- YAML input
// ----------------------------------------------------------------

struct FlowViolation {
  std::size_t offset;
  std::string message;
};

// yaml-cpp buffers a whole flow collection (`[...]`, `{...}`) as tokens before
// parsing it (~200 bytes per input byte), so a large or deeply nested flow
// collection costs gigabytes. This scanner finds the first flow collection
// that is nested deeper than kMaxNestingDepth or longer than kMaxYamlFlowBytes,
// following just enough YAML syntax (quoted scalars, comments, block scalars,
// where a node may start) not to mistake text for flow indicators.
class FlowCollectionScanner {
 public:
  explicit FlowCollectionScanner(absl::string_view text) : text_(text) {}

  std::optional<FlowViolation> Run() {
    const std::size_t n = text_.size();
    int flow_depth = 0;
    std::size_t flow_start = 0;
    bool node_start = true;  // a node (scalar or collection) may begin here
    bool line_begin = true;
    int owner_column = -1;  // indentation that ends a following block scalar
    while (pos_ < n) {
      if (flow_depth > 0 && pos_ - flow_start > kMaxYamlFlowBytes) {
        return FlowViolation{
            flow_start,
            absl::StrCat("a flow collection ([...] or {...}) longer than ",
                         kMaxYamlFlowBytes,
                         " bytes; write it in block style or send JSON")};
      }
      const char c = text_[pos_];
      if (c == '\n') {
        ++pos_;
        line_start_ = pos_;
        if (flow_depth == 0) node_start = line_begin = true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
        continue;
      }
      const int column = static_cast<int>(pos_ - line_start_);
      if (line_begin && flow_depth == 0) {
        line_begin = false;
        owner_column = column;
        if (column == 0 && IsDocumentMarker(pos_)) {
          pos_ += 3;
          owner_column = -1;
          continue;
        }
        if (column == 0 && c == '%') {  // directive
          pos_ = LineEnd(pos_);
          continue;
        }
      }
      if (c == '#' && (pos_ == 0 || IsBlank(pos_ - 1))) {
        pos_ = LineEnd(pos_);
        continue;
      }
      const bool block_node_start = node_start && flow_depth == 0;
      if ((c == '"' || c == '\'') && node_start) {
        if (block_node_start) owner_column = column;
        AdvanceTo(QuotedEnd(pos_));
        node_start = false;
        continue;
      }
      if ((c == '[' || c == '{') && (node_start || flow_depth > 0)) {
        if (flow_depth == 0) flow_start = pos_;
        if (++flow_depth > kMaxNestingDepth) {
          return FlowViolation{pos_, absl::StrCat("nesting deeper than ",
                                                  kMaxNestingDepth, " levels")};
        }
        node_start = true;
        ++pos_;
        continue;
      }
      if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
        node_start = false;
        ++pos_;
        continue;
      }
      if ((c == ',' && flow_depth > 0) ||
          (c == ':' && (flow_depth > 0 || IsBlank(pos_ + 1)))) {
        node_start = true;
        ++pos_;
        continue;
      }
      if ((c == '-' || c == '?') && node_start && IsBlank(pos_ + 1)) {
        if (flow_depth == 0) owner_column = column;
        ++pos_;
        continue;
      }
      if ((c == '|' || c == '>') && block_node_start) {
        SkipBlockScalar(owner_column);
        line_begin = true;
        continue;
      }
      if ((c == '&' || c == '!' || c == '*') && node_start) {
        while (pos_ < n && !IsBlank(pos_) &&
               !(flow_depth > 0 && IsFlowIndicator(text_[pos_]))) {
          ++pos_;
        }
        node_start = c != '*';
        continue;
      }
      if (block_node_start) owner_column = column;
      node_start = false;
      ++pos_;
    }
    return std::nullopt;
  }

 private:
  bool IsBlank(std::size_t i) const {
    if (i >= text_.size()) return true;
    const char c = text_[i];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
  static bool IsFlowIndicator(char c) {
    return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
  }
  bool IsDocumentMarker(std::size_t i) const {
    const absl::string_view rest = text_.substr(i);
    return (absl::StartsWith(rest, "---") || absl::StartsWith(rest, "...")) &&
           IsBlank(i + 3);
  }
  std::size_t LineEnd(std::size_t i) const {
    const std::size_t end = text_.find('\n', i);
    return end == absl::string_view::npos ? text_.size() : end;
  }
  // Index just past the quoted scalar starting at `i`.
  std::size_t QuotedEnd(std::size_t i) const {
    const char quote = text_[i];
    for (std::size_t j = i + 1; j < text_.size(); ++j) {
      if (quote == '"' && text_[j] == '\\') {
        ++j;
      } else if (text_[j] == quote) {
        if (quote == '\'' && j + 1 < text_.size() && text_[j + 1] == '\'') {
          ++j;  // '' is an escaped quote
        } else {
          return j + 1;
        }
      }
    }
    return text_.size();
  }
  void AdvanceTo(std::size_t end) {
    for (; pos_ < end; ++pos_) {
      if (text_[pos_] == '\n') line_start_ = pos_ + 1;
    }
  }
  // Skips the header line of a block scalar and its content: blank lines and
  // lines indented deeper than the key or `-` that owns it.
  void SkipBlockScalar(int owner_column) {
    const std::size_t n = text_.size();
    pos_ = LineEnd(pos_);
    while (pos_ < n) {
      const std::size_t line = pos_ + 1;
      std::size_t first = line;
      while (first < n && text_[first] == ' ') ++first;
      const bool blank = first >= n || text_[first] == '\n' ||
                         (text_[first] == '\r' && IsBlank(first + 1));
      const int indent = static_cast<int>(first - line);
      if (!blank && (indent <= owner_column ||
                     (indent == 0 && IsDocumentMarker(first)))) {
        pos_ = line;
        line_start_ = line;
        return;
      }
      pos_ = LineEnd(first);
    }
  }

  absl::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
};

// yaml-cpp 0.7 decodes the double-quoted escapes \N and \_ (U+0085, U+00A0)
// to the single bytes 0x85 and 0xA0 instead of their UTF-8 encodings, leaving
// text no JSON or protobuf reader accepts (the input itself was checked to be
// UTF-8). Encodes such a byte where it is not part of a well-formed sequence;
// any other text is returned as it is.
std::string WithEscapesInUtf8(const std::string& text) {
  std::optional<size_t> bad = utf8::FirstInvalidByte(text);
  if (!bad.has_value()) return text;
  std::string fixed = text.substr(0, *bad);
  fixed.reserve(text.size() + 8);
  for (absl::string_view rest = absl::string_view(text).substr(*bad); !rest.empty();) {
    char32_t code_point = 0;
    size_t length = utf8::Decode(rest, &code_point);
    if (length == 0) {
      length = 1;
      if (rest[0] == '\x85' || rest[0] == '\xA0') fixed.push_back('\xC2');
    }
    fixed.append(rest.data(), length);
    rest.remove_prefix(length);
  }
  return fixed;
}

// Feeds yaml-cpp events into a TreeBuilder and completed roots into a
// DocumentCollector.
class YamlEventAdapter : public YAML::EventHandler {
 public:
  YamlEventAdapter(TreeBuilder* builder, DocumentCollector* documents)
      : builder_(builder), documents_(documents) {}

  // Index of the document being parsed (or the next one, between documents).
  int current_document() const { return current_document_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 does not advance past text after a top-level flow
    // collection (`{a: 1},`): it reports empty documents there forever.
    if (mark.pos == last_document_start_) {
      throw TreeError{mark.line + 1, mark.column + 1,
                      "unexpected text after the end of a document"};
    }
    last_document_start_ = mark.pos;
    current_document_ = documents_->size();
    builder_->BeginDocument();
  }
  void OnDocumentEnd() override {
    documents_->AddRoot(builder_->root());
    current_document_ = documents_->size();
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder_->AddNull(mark.line + 1, mark.column + 1, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder_->AddAlias(mark.line + 1, mark.column + 1, anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag,
                YAML::anchor_t anchor, const std::string& value) override {
    // yaml-cpp tags plain scalars "?", quoted and block scalars "!".
    builder_->AddScalar(mark.line + 1, mark.column + 1,
                        WithEscapesInUtf8(value), tag == "?", anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    builder_->BeginCollection(Kind::kSequence, mark.line + 1, mark.column + 1,
                              anchor);
  }
  void OnSequenceEnd() override { builder_->EndCollection(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&,
                  YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    builder_->BeginCollection(Kind::kMapping, mark.line + 1, mark.column + 1,
                              anchor);
  }
  void OnMapEnd() override { builder_->EndCollection(); }

 private:
  TreeBuilder* builder_;
  DocumentCollector* documents_;
  int current_document_ = 0;
  // Input position where the last document started; -1 before the first.
  int last_document_start_ = -1;
};

// yaml-cpp reports indentation with tabs as generic errors; say why.
std::string TabHint(absl::string_view text, int line) {
  if (line <= 0) return "";
  std::size_t start = 0;
  for (int i = 1; i < line && start != absl::string_view::npos; ++i) {
    start = text.find('\n', start);
    if (start != absl::string_view::npos) ++start;
  }
  if (start == absl::string_view::npos) return "";
  const std::size_t indent_end = text.find_first_not_of(" \t", start);
  const absl::string_view indent = text.substr(
      start, indent_end == absl::string_view::npos ? absl::string_view::npos
                                                   : indent_end - start);
  if (!absl::StrContains(indent, '\t')) return "";
  return "; tabs cannot be used for indentation, use spaces";
}

absl::StatusOr<std::vector<const Node*>> ParseYaml(absl::string_view text,
                                                   Arena* arena) {
  const std::optional<FlowViolation> violation =
      FlowCollectionScanner(text).Run();
  // On a violation yaml-cpp only sees the text up to the offending bracket,
  // which is enough to learn which document it is in.
  std::istringstream stream(std::string(
      violation.has_value() ? text.substr(0, violation->offset + 1) : text));
  TreeBuilder builder(arena);
  DocumentCollector documents;
  YamlEventAdapter adapter(&builder, &documents);
  std::optional<std::string> error;
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(adapter)) {
    }
  } catch (const TreeError& e) {
    error =
        DocumentError(e.document >= 0 ? e.document : adapter.current_document(),
                      absl::StrCat(e.message, At(e.line, e.column)));
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line + 1;
    error = DocumentError(
        adapter.current_document(),
        absl::StrCat(e.msg, TabHint(text, line), At(line, e.mark.column + 1)));
  }
  if (violation.has_value()) {
    const absl::string_view before = text.substr(0, violation->offset);
    const std::size_t line_start = before.rfind('\n');
    const int line =
        static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const int column = static_cast<int>(
        violation->offset -
        (line_start == absl::string_view::npos ? 0 : line_start + 1) + 1);
    return absl::InvalidArgumentError(
        DocumentError(adapter.current_document(),
                      absl::StrCat(violation->message, At(line, column))));
  }
  if (error.has_value()) return absl::InvalidArgumentError(*error);
  return documents.TakeRoots();
}

// -- JSON input
// ----------------------------------------------------------------

// nlohmann SAX events into a TreeBuilder. JSON has no positions per value, so
// nodes carry none; the parser itself is iterative, so depth is safe.
class JsonEventAdapter {
 public:
  using json = nlohmann::json;

  explicit JsonEventAdapter(TreeBuilder* builder) : builder_(builder) {}

  const std::optional<std::string>& syntax_error() const {
    return syntax_error_;
  }
  // Bytes read when the syntax error was found.
  std::size_t syntax_error_position() const { return syntax_error_position_; }

  bool null() {
    builder_->AddNull(0, 0, 0);
    return true;
  }
  bool boolean(bool value) {
    builder_->AddScalar(0, 0, value ? "true" : "false", true, 0);
    return true;
  }
  bool number_integer(json::number_integer_t value) {
    builder_->AddScalar(0, 0, absl::StrCat(value), true, 0);
    return true;
  }
  bool number_unsigned(json::number_unsigned_t value) {
    builder_->AddScalar(0, 0, absl::StrCat(value), true, 0);
    return true;
  }
  bool number_float(json::number_float_t, const json::string_t& text) {
    builder_->AddScalar(0, 0, text, true, 0);
    return true;
  }
  bool string(json::string_t& value) {
    builder_->AddScalar(0, 0, std::move(value), false, 0);
    return true;
  }
  bool binary(json::binary_t&) { return false; }  // not produced by JSON text
  bool start_object(std::size_t) {
    builder_->BeginCollection(Kind::kMapping, 0, 0, 0);
    return true;
  }
  bool key(json::string_t& value) { return string(value); }
  bool end_object() {
    builder_->EndCollection();
    return true;
  }
  bool start_array(std::size_t) {
    builder_->BeginCollection(Kind::kSequence, 0, 0, 0);
    return true;
  }
  bool end_array() {
    builder_->EndCollection();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) {
    syntax_error_position_ = position;
    // Drop the "[json.exception.parse_error.101] " prefix.
    absl::string_view message = e.what();
    const std::size_t bracket = message.find("] ");
    if (bracket != absl::string_view::npos) message.remove_prefix(bracket + 2);
    syntax_error_ = std::string(message);
    return false;
  }

 private:
  TreeBuilder* builder_;
  std::optional<std::string> syntax_error_;
  std::size_t syntax_error_position_ = 0;
};

// Parses JSON text. `*syntax_error_position` is set (bytes read) when a failure
// is a JSON syntax error, after which the text may still be YAML; it stays 0
// when the document itself was rejected.
absl::StatusOr<std::vector<const Node*>> ParseJson(
    absl::string_view text, Arena* arena, std::size_t* syntax_error_position) {
  *syntax_error_position = 0;
  TreeBuilder builder(arena);
  DocumentCollector documents;
  JsonEventAdapter adapter(&builder);
  builder.BeginDocument();
  try {
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &adapter)) {
      *syntax_error_position =
          std::max<std::size_t>(adapter.syntax_error_position(), 1);
      return absl::InvalidArgumentError(
          DocumentError(static_cast<int>(builder.CompletedTopLevelItems()),
                        adapter.syntax_error().value_or("invalid JSON")));
    }
    documents.AddRoot(builder.root());
  } catch (const TreeError& e) {
    return absl::InvalidArgumentError(DocumentError(
        e.document >= 0 ? e.document
                        : static_cast<int>(builder.CompletedTopLevelItems()),
        absl::StrCat(e.message, At(e.line, e.column))));
  }
  return documents.TakeRoots();
}

bool LooksLikeJson(absl::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != absl::string_view::npos &&
         (text[first] == '{' || text[first] == '[');
}

// Whether a JSON syntax error found after reading `position` bytes lies past
// the first token inside the opening brackets: then the text is JSON with a
// mistake, else (`{name: x}`) it is more likely flow-style YAML.
bool FailedPastFirstJsonToken(absl::string_view text, std::size_t position) {
  const std::size_t first_token = text.find_first_not_of(" \t\r\n[{");
  return first_token != absl::string_view::npos && position > first_token + 1;
}

// -- Schema-less rendering
// -----------------------------------------------------

bool IsJsonNumber(absl::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

std::optional<bool> ParseBool(absl::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// Writes a node as JSON the way YAML reads without a schema (see
// ResourceDocument::json), expanding aliases within a byte budget.
class GenericJsonWriter {
 public:
  GenericJsonWriter(std::size_t budget, std::string* out)
      : budget_(budget), out_(out) {}

  // `level`: collections enclosing `node`, plus one.
  absl::Status Write(const Node& node, int level) {
    if (out_->size() > budget_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "larger than ", budget_, " bytes once aliases are expanded"));
    }
    if (node.kind == Kind::kSequence || node.kind == Kind::kMapping) {
      if (level > kMaxNestingDepth) {
        return absl::InvalidArgumentError(
            absl::StrCat("nesting deeper than ", kMaxNestingDepth,
                         " levels (through aliases)", At(node)));
      }
    }
    switch (node.kind) {
      case Kind::kNull:
        out_->append("null");
        return absl::OkStatus();
      case Kind::kScalar:
        WriteScalar(node);
        return absl::OkStatus();
      case Kind::kSequence:
        out_->push_back('[');
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          if (i > 0) out_->push_back(',');
          absl::Status status = Write(*node.children[i], level + 1);
          if (!status.ok()) return status;
        }
        out_->push_back(']');
        return absl::OkStatus();
      case Kind::kMapping:
        out_->push_back('{');
        for (std::size_t i = 0; i < node.children.size(); i += 2) {
          if (i > 0) out_->push_back(',');
          AppendJsonString(node.children[i]->text, out_);
          out_->push_back(':');
          absl::Status status = Write(*node.children[i + 1], level + 1);
          if (!status.ok()) return status;
        }
        out_->push_back('}');
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

 private:
  void WriteScalar(const Node& node) {
    if (node.plain) {
      // A number no JSON reader can hold (4.3e814 overflows a double) stays
      // text: readers of `json` would refuse the whole document otherwise.
      if (IsJsonNumber(node.text) && nlohmann::json::accept(node.text.begin(), node.text.end())) {
        out_->append(node.text);
        return;
      }
      if (const std::optional<bool> value = ParseBool(node.text)) {
        out_->append(*value ? "true" : "false");
        return;
      }
    }
    AppendJsonString(node.text, out_);
  }

  std::size_t budget_;
  std::string* out_;
};

// Value of the scalar `names` key of a document ("" when absent or null).
absl::StatusOr<std::string> TopLevelString(
    const Node& root, std::initializer_list<absl::string_view> names) {
  for (std::size_t i = 0; i < root.children.size(); i += 2) {
    const Node& key = *root.children[i];
    if (std::find(names.begin(), names.end(), key.text) == names.end()) {
      continue;
    }
    const Node& value = *root.children[i + 1];
    if (value.kind == Kind::kNull) return std::string();
    if (value.kind != Kind::kScalar) {
      return absl::InvalidArgumentError(absl::StrCat(
          key.text, " must be a string, got ", Describe(value), At(value)));
    }
    return value.text;
  }
  return std::string();
}

// " at offset 22 (line 2, column 4)" for the byte at `offset` of `text`, which
// starts `skipped` bytes into the UTF-8 text (a BOM); for UTF-16/32 input that
// is its UTF-8 re-encoding, so offsets count those bytes. The text before
// `offset` is UTF-8: a column counts its characters.
std::string WhereIs(absl::string_view text, size_t offset, size_t skipped) {
  const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column_start = line_start == absl::string_view::npos ? 0 : line_start + 1;
  const absl::string_view before = text.substr(0, offset);
  const auto characters = std::count_if(before.begin() + column_start, before.end(),
                                        [](char c) { return !utf8::IsContinuation(c); });
  return absl::StrCat(" at offset ", skipped + offset,
                      At(1 + static_cast<int>(std::count(before.begin(), before.end(), '\n')),
                         1 + static_cast<int>(characters)));
}

// INVALID_ARGUMENT when `text` is not YAML or JSON text at the character
// level: bytes that are not UTF-8, or a control character other than tab,
// line feed and carriage return (neither format allows one unescaped). The
// second also keeps yaml-cpp from reading the text as UTF-16 or UTF-32, which
// it guesses from NUL bytes among the first four (text with a byte-order mark
// was transcoded before).
absl::Status CheckCharacters(absl::string_view text, size_t skipped) {
  static constexpr char kControls[] =
      "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0B\x0C\x0E\x0F"
      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F";
  const std::optional<size_t> not_utf8 = utf8::FirstInvalidByte(text);
  const size_t control = text.find_first_of(absl::string_view(kControls, sizeof(kControls) - 1));
  if (control != absl::string_view::npos && control < not_utf8.value_or(text.size())) {
    // A NUL this early is most likely UTF-16 or UTF-32 text without its mark.
    const bool wide = control < 4 && text[control] == '\0';
    return absl::InvalidArgumentError(absl::StrFormat(
        "control character U+%04X%s: YAML and JSON allow only tab, line feed and carriage "
        "return unescaped (%s)",
        static_cast<unsigned char>(text[control]), WhereIs(text, control, skipped),
        wide ? "UTF-16 or UTF-32 text needs its byte-order mark; or save it as UTF-8"
             : "write it as an escape in a double-quoted string"));
  }
  if (not_utf8.has_value()) {
    return absl::InvalidArgumentError(absl::StrFormat("not valid UTF-8: byte 0x%02X%s",
                                                      static_cast<unsigned char>(text[*not_utf8]),
                                                      WhereIs(text, *not_utf8, skipped)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ResourceDocument>> ParseDocumentsOrThrow(
    absl::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_input_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input is ", text.size(), " bytes, more than the limit of ",
        options.max_input_bytes, " bytes"));
  }
  // YAML readers must take UTF-16 and UTF-32 too (PowerShell 5 writes UTF-16
  // by default); told by their byte-order mark, they become UTF-8 here.
  absl::StatusOr<std::optional<std::string>> transcoded = utf8::FromMarkedUtf16Or32(text);
  if (!transcoded.ok()) return transcoded.status();
  if (transcoded->has_value()) text = **transcoded;
  const size_t bom_bytes = absl::StartsWith(text, "\xEF\xBB\xBF") ? 3 : 0;
  text.remove_prefix(bom_bytes);
  // Checked here, once, so that every reader gets the same clear message
  // (protobuf and nlohmann would each report it their own way, or carry stray
  // bytes into keys nothing can read back).
  if (absl::Status characters = CheckCharacters(text, bom_bytes); !characters.ok()) {
    return characters;
  }

  auto arena = std::make_shared<Arena>();
  absl::StatusOr<std::vector<const Node*>> roots;
  if (LooksLikeJson(text)) {
    std::size_t syntax_error_position = 0;
    roots = ParseJson(text, arena.get(), &syntax_error_position);
    if (!roots.ok() && syntax_error_position > 0) {
      // Flow-style YAML also starts with { or [. If it is not YAML either,
      // report the error of the parser that made sense of more of the text.
      arena->nodes.clear();
      absl::StatusOr<std::vector<const Node*>> yaml =
          ParseYaml(text, arena.get());
      if (yaml.ok() || !FailedPastFirstJsonToken(text, syntax_error_position)) {
        roots = std::move(yaml);
      }
    }
  } else {
    roots = ParseYaml(text, arena.get());
  }
  if (!roots.ok()) return roots.status();

  const std::size_t expansion_budget =
      std::max<std::size_t>(4 * options.max_input_bytes, 1 << 20);
  std::vector<ResourceDocument> documents;
  documents.reserve(roots->size());
  for (const Node* root : *roots) {
    ResourceDocument& doc = documents.emplace_back();
    doc.index = static_cast<int>(documents.size() - 1);
    absl::StatusOr<std::string> kind = TopLevelString(*root, {"kind"});
    absl::StatusOr<std::string> api_version =
        TopLevelString(*root, {"apiVersion", "api_version"});
    absl::Status status = kind.ok() ? api_version.status() : kind.status();
    if (status.ok()) {
      status = GenericJsonWriter(expansion_budget, &doc.json).Write(*root, 1);
    }
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          DocumentError(doc.index, status.message()));
    }
    doc.kind = *std::move(kind);
    doc.api_version = *std::move(api_version);
    doc.root = std::shared_ptr<const Node>(arena, root);
  }
  return documents;
}

// -- Conversion to a message
// ---------------------------------------------------

enum class WellKnown {
  kNone,
  kTimestamp,
  kDuration,
  kFieldMask,
  kWrapper,
  kFreeForm
};

WellKnown ClassifyMessage(const Descriptor& type) {
  switch (type.well_known_type()) {
    case Descriptor::WELLKNOWNTYPE_TIMESTAMP:
      return WellKnown::kTimestamp;
    case Descriptor::WELLKNOWNTYPE_DURATION:
      return WellKnown::kDuration;
    case Descriptor::WELLKNOWNTYPE_FIELDMASK:
      return WellKnown::kFieldMask;
    case Descriptor::WELLKNOWNTYPE_DOUBLEVALUE:
    case Descriptor::WELLKNOWNTYPE_FLOATVALUE:
    case Descriptor::WELLKNOWNTYPE_INT64VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT64VALUE:
    case Descriptor::WELLKNOWNTYPE_INT32VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT32VALUE:
    case Descriptor::WELLKNOWNTYPE_STRINGVALUE:
    case Descriptor::WELLKNOWNTYPE_BYTESVALUE:
    case Descriptor::WELLKNOWNTYPE_BOOLVALUE:
      return WellKnown::kWrapper;
    case Descriptor::WELLKNOWNTYPE_ANY:
    case Descriptor::WELLKNOWNTYPE_VALUE:
    case Descriptor::WELLKNOWNTYPE_LISTVALUE:
    case Descriptor::WELLKNOWNTYPE_STRUCT:
      return WellKnown::kFreeForm;
    default:
      return WellKnown::kNone;
  }
}

// A field by its JSON (lowerCamelCase) or proto (snake_case) name.
const FieldDescriptor* FindField(const Descriptor& type,
                                 absl::string_view name) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->json_name() == name || field->name() == name) return field;
  }
  return nullptr;
}

std::size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution =
          diagonal + (a[i - 1] != b[j - 1] ? 1 : 0);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

// "; did you mean \"address\"?" for a near miss, else "".
std::string Suggestion(const Descriptor& type, absl::string_view name) {
  constexpr std::size_t kMaxTypos = 2;
  const FieldDescriptor* best = nullptr;
  std::size_t best_distance = kMaxTypos + 1;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    const std::size_t distance =
        std::min(EditDistance(name, field->json_name()),
                 EditDistance(name, field->name()));
    if (distance < best_distance) {
      best = field;
      best_distance = distance;
    }
  }
  if (best == nullptr || best_distance * 2 > name.size()) return "";
  return absl::StrCat("; did you mean \"", best->json_name(), "\"?");
}

struct IntegerValue {
  bool negative;
  std::uint64_t magnitude;
};

// YAML/JSON integer notation: [-+]?[0-9]+, 0x..., 0o...
std::optional<IntegerValue> ParseIntegerNotation(absl::string_view s) {
  IntegerValue value{false, 0};
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    value.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && s[1] == 'o') {
    base = 8;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::nullopt;
  for (const char c : s) {
    unsigned digit = base;
    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
    if (digit >= base) return std::nullopt;
    if (value.magnitude >
        (std::numeric_limits<std::uint64_t>::max() - digit) / base) {
      return std::nullopt;
    }
    value.magnitude = value.magnitude * base + digit;
  }
  return value;
}

// YAML 1.2 / JSON floating-point notation, plus .inf/.nan and the JSON
// mapping's "Infinity"/"-Infinity"/"NaN". Integer notation is accepted too.
enum class FloatParse { kOk, kNotANumber, kOutOfRange };
FloatParse ParseFloatNotation(absl::string_view s, double* value) {
  absl::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  const double infinity = std::numeric_limits<double>::infinity();
  if (body == ".inf" || body == ".Inf" || body == ".INF" ||
      body == "Infinity") {
    *value = negative ? -infinity : infinity;
    return FloatParse::kOk;
  }
  if (body == ".nan" || body == ".NaN" || body == ".NAN" || body == "NaN") {
    *value = std::numeric_limits<double>::quiet_NaN();
    return FloatParse::kOk;
  }
  std::size_t i = 0;
  std::size_t digit_count = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9')
    ++i, ++digit_count;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9')
      ++i, ++digit_count;
  }
  if (digit_count > 0 && i < body.size() &&
      (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    std::size_t exponent_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9')
      ++i, ++exponent_digits;
    if (exponent_digits == 0) digit_count = 0;
  }
  if (digit_count == 0 || i != body.size()) {
    const std::optional<IntegerValue> integer = ParseIntegerNotation(s);
    if (!integer.has_value()) return FloatParse::kNotANumber;
    const double magnitude = static_cast<double>(integer->magnitude);
    *value = integer->negative ? -magnitude : magnitude;
    return FloatParse::kOk;
  }
  double magnitude = 0;
  const absl::from_chars_result result =
      absl::from_chars(body.data(), body.data() + body.size(), magnitude);
  if (result.ec == std::errc::result_out_of_range)
    return FloatParse::kOutOfRange;
  *value = negative ? -magnitude : magnitude;
  return FloatParse::kOk;
}

// Integer notation, or a floating-point number with an integral value (JSON
// writers may print 900 as 900.0 or 9e2). `*out_of_range` tells a number too
// large for 64 bits from text that is no integer at all.
std::optional<IntegerValue> ParseInteger(absl::string_view s,
                                         bool* out_of_range) {
  *out_of_range = false;
  if (std::optional<IntegerValue> value = ParseIntegerNotation(s)) return value;
  double d = 0;
  switch (ParseFloatNotation(s, &d)) {
    case FloatParse::kNotANumber:
      return std::nullopt;
    case FloatParse::kOutOfRange:
      *out_of_range = true;
      return std::nullopt;
    case FloatParse::kOk:
      break;
  }
  if (std::isnan(d) || (std::isfinite(d) && std::trunc(d) != d)) {
    return std::nullopt;
  }
  constexpr double kTwoTo64 = 18446744073709551616.0;
  if (std::fabs(d) >= kTwoTo64) {  // also infinities
    *out_of_range = true;
    return std::nullopt;
  }
  return IntegerValue{d < 0, static_cast<std::uint64_t>(std::fabs(d))};
}

bool FitsIn(const IntegerValue& value, FieldDescriptor::CppType type) {
  const std::uint64_t m = value.magnitude;
  switch (type) {
    case FieldDescriptor::CPPTYPE_INT32:
      return value.negative ? m <= 2147483648ULL : m <= 2147483647ULL;
    case FieldDescriptor::CPPTYPE_INT64:
      return value.negative ? m <= 9223372036854775808ULL
                            : m <= 9223372036854775807ULL;
    case FieldDescriptor::CPPTYPE_UINT32:
      return (!value.negative || m == 0) && m <= 4294967295ULL;
    default:
      return !value.negative || m == 0;
  }
}

std::string FormatInteger(const IntegerValue& value) {
  return absl::StrCat(value.negative && value.magnitude != 0 ? "-" : "",
                      value.magnitude);
}

// Restores a path to its length on construction when it goes out of scope.
class PathScope {
 public:
  PathScope(std::string* path, absl::string_view suffix)
      : path_(path), saved_size_(path->size()) {
    absl::StrAppend(path_, suffix);
  }
  ~PathScope() { path_->resize(saved_size_); }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;

 private:
  std::string* path_;
  std::size_t saved_size_;
};

// Converts a document tree to the protobuf JSON mapping of a message type,
// checking every value against the descriptor so errors can name the path.
class MessageJsonWriter {
 public:
  absl::StatusOr<std::string> Convert(const Node& root,
                                      const Descriptor& type) {
    absl::Status status = WriteMessage(root, type, /*top_level=*/true);
    if (!status.ok()) return status;
    return std::move(out_);
  }

 private:
  absl::Status Error(const Node& node, absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, path_.empty() ? "" : ": ", message, At(node)));
  }

  // Counts a collection level; fails beyond kMaxNestingDepth.
  absl::Status Enter(const Node& node) {
    if (++level_ > kMaxNestingDepth) {
      return Error(node, absl::StrCat("nesting deeper than ", kMaxNestingDepth,
                                      " levels"));
    }
    return absl::OkStatus();
  }

  std::string FieldSuffix(absl::string_view name) const {
    return path_.empty() ? std::string(name) : absl::StrCat(".", name);
  }

  // Kubernetes object metadata: a document may be a Kubernetes custom
  // resource (deploy/k8s CRDs), whose metadata carries a namespace and fields
  // the API server sets. `namespace` stands for `domain` when the document
  // gives no domain (and must equal it when it does); the server-set fields
  // are ignored whatever their content.
  static bool IsObjectMeta(const Descriptor& type) {
    return type.full_name() == "meshdex.v1.ObjectMeta";
  }

  static bool IsKubernetesOnlyMetadata(absl::string_view key) {
    static constexpr absl::string_view kKeys[] = {
        "annotations",     "uid",
        "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields",
        "finalizers",      "ownerReferences",
        "generateName",    "selfLink"};
    return std::find(std::begin(kKeys), std::end(kKeys), key) !=
           std::end(kKeys);
  }

  // The field `metadata.namespace` is read as: `domain` when the mapping has
  // no domain, nothing (nullptr) when it has the same one.
  absl::StatusOr<const FieldDescriptor*> NamespaceAsDomain(
      const Node& metadata, const Descriptor& type, const Node& value) {
    const FieldDescriptor* domain_field = type.FindFieldByName("domain");
    for (std::size_t i = 0; i < metadata.children.size(); i += 2) {
      const Node& key = *metadata.children[i];
      if (FindField(type, key.text) != domain_field) continue;
      const Node& domain = *metadata.children[i + 1];
      if (value.kind == Kind::kScalar && domain.kind == Kind::kScalar &&
          value.text != domain.text) {
        PathScope scope(&path_, FieldSuffix("namespace"));
        return Error(value, absl::StrCat(Quote(value.text),
                                         " differs from metadata.domain ",
                                         Quote(domain.text)));
      }
      return nullptr;
    }
    return domain_field;
  }

  absl::Status WriteMessage(const Node& node, const Descriptor& type,
                            bool top_level) {
    if (node.kind != Kind::kMapping) {
      return Error(node, absl::StrCat("expected a mapping (", type.name(),
                                      "), got ", Describe(node)));
    }
    if (absl::Status status = Enter(node); !status.ok()) return status;
    absl::flat_hash_map<int, absl::string_view> seen;  // field number -> key
    out_.push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < node.children.size(); i += 2) {
      const Node& key = *node.children[i];
      const Node& value = *node.children[i + 1];
      const FieldDescriptor* field = FindField(type, key.text);
      if (field == nullptr) {
        // The envelope of every document; skipped for messages without it.
        if (top_level && (key.text == "apiVersion" ||
                          key.text == "api_version" || key.text == "kind")) {
          continue;
        }
        if (IsObjectMeta(type) && key.text == "namespace") {
          absl::StatusOr<const FieldDescriptor*> domain =
              NamespaceAsDomain(node, type, value);
          if (!domain.ok()) return domain.status();
          if (*domain == nullptr) continue;
          field = *domain;
        } else if (IsObjectMeta(type) && IsKubernetesOnlyMetadata(key.text)) {
          continue;
        }
      }
      if (field == nullptr) {
        PathScope scope(&path_, FieldSuffix(key.text));
        return Error(key, absl::StrCat("unknown field ", Quote(key.text),
                                       Suggestion(type, key.text)));
      }
      PathScope scope(&path_, FieldSuffix(field->json_name()));
      const auto [previous, inserted] = seen.emplace(field->number(), key.text);
      if (!inserted) {
        return Error(key,
                     absl::StrCat("field given twice (as ", previous->second,
                                  " and ", key.text, ")"));
      }
      if (value.kind == Kind::kNull) continue;
      if (!first) out_.push_back(',');
      first = false;
      AppendJsonString(field->json_name(), &out_);
      out_.push_back(':');
      if (absl::Status status = WriteField(value, *field); !status.ok()) {
        return status;
      }
    }
    out_.push_back('}');
    --level_;
    return absl::OkStatus();
  }

  absl::Status WriteField(const Node& node, const FieldDescriptor& field) {
    if (field.is_map()) return WriteMap(node, field);
    if (!field.is_repeated()) return WriteSingular(node, field);
    if (node.kind != Kind::kSequence) {
      return Error(node, absl::StrCat("expected a list, got ", Describe(node)));
    }
    if (absl::Status status = Enter(node); !status.ok()) return status;
    out_.push_back('[');
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      PathScope scope(&path_, absl::StrCat("[", i, "]"));
      const Node& item = *node.children[i];
      if (item.kind == Kind::kNull) return Error(item, "null in a list");
      if (i > 0) out_.push_back(',');
      if (absl::Status status = WriteSingular(item, field); !status.ok()) {
        return status;
      }
    }
    out_.push_back(']');
    --level_;
    return absl::OkStatus();
  }

  absl::Status WriteMap(const Node& node, const FieldDescriptor& field) {
    if (node.kind != Kind::kMapping) {
      return Error(node,
                   absl::StrCat("expected a mapping, got ", Describe(node)));
    }
    if (absl::Status status = Enter(node); !status.ok()) return status;
    const FieldDescriptor& key_field = *field.message_type()->map_key();
    const FieldDescriptor& value_field = *field.message_type()->map_value();
    out_.push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < node.children.size(); i += 2) {
      const Node& key = *node.children[i];
      const Node& value = *node.children[i + 1];
      PathScope scope(&path_, absl::StrCat("[", Quote(key.text), "]"));
      absl::StatusOr<std::string> json_key = MapKey(key, key_field);
      if (!json_key.ok()) return json_key.status();
      if (value.kind == Kind::kNull) continue;
      if (!first) out_.push_back(',');
      first = false;
      AppendJsonString(*json_key, &out_);
      out_.push_back(':');
      if (absl::Status status = WriteSingular(value, value_field);
          !status.ok()) {
        return status;
      }
    }
    out_.push_back('}');
    --level_;
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> MapKey(const Node& key,
                                     const FieldDescriptor& key_field) {
    switch (key_field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return key.text;
      case FieldDescriptor::CPPTYPE_BOOL:
        if (const std::optional<bool> value = ParseBool(key.text)) {
          return std::string(*value ? "true" : "false");
        }
        return Error(key, absl::StrCat("expected true or false as key, got ",
                                       Quote(key.text)));
      default: {
        bool out_of_range = false;
        const std::optional<IntegerValue> value =
            ParseInteger(key.text, &out_of_range);
        if (!value.has_value() || !FitsIn(*value, key_field.cpp_type())) {
          return Error(key, absl::StrCat("expected an integer key (",
                                         key_field.cpp_type_name(), "), got ",
                                         Quote(key.text)));
        }
        return FormatInteger(*value);
      }
    }
  }

  absl::Status WriteSingular(const Node& node, const FieldDescriptor& field) {
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return WriteMessageValue(node, *field.message_type());
    }
    if (node.kind != Kind::kScalar) {
      return Error(node, absl::StrCat("expected ", ExpectedScalar(field),
                                      ", got ", Describe(node)));
    }
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        AppendJsonString(node.text, &out_);
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_BOOL: {
        const std::optional<bool> value =
            node.plain ? ParseBool(node.text) : std::nullopt;
        if (!value.has_value()) {
          return Error(node, absl::StrCat("expected true or false, got ",
                                          Describe(node)));
        }
        out_.append(*value ? "true" : "false");
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_FLOAT:
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return WriteFloat(node, field);
      case FieldDescriptor::CPPTYPE_ENUM:
        return WriteEnum(node, *field.enum_type());
      default:
        return WriteInteger(node, field.cpp_type());
    }
  }

  static std::string ExpectedScalar(const FieldDescriptor& field) {
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return "a string";
      case FieldDescriptor::CPPTYPE_BOOL:
        return "true or false";
      case FieldDescriptor::CPPTYPE_ENUM:
        return absl::StrCat("a value of ", field.enum_type()->name());
      case FieldDescriptor::CPPTYPE_FLOAT:
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return "a number";
      default:
        return "an integer";
    }
  }

  absl::Status WriteInteger(const Node& node, FieldDescriptor::CppType type) {
    bool out_of_range = false;
    const std::optional<IntegerValue> value =
        ParseInteger(node.text, &out_of_range);
    const std::string type_name = FieldDescriptor::CppTypeName(type);
    if (!value.has_value() && !out_of_range) {
      return Error(node,
                   absl::StrCat("expected an integer, got ", Describe(node)));
    }
    if (!value.has_value() || !FitsIn(*value, type)) {
      return Error(node, absl::StrCat(Quote(node.text), " is out of range for ",
                                      type_name));
    }
    out_.append(FormatInteger(*value));
    return absl::OkStatus();
  }

  absl::Status WriteFloat(const Node& node, const FieldDescriptor& field) {
    double value = 0;
    switch (ParseFloatNotation(node.text, &value)) {
      case FloatParse::kNotANumber:
        return Error(node,
                     absl::StrCat("expected a number, got ", Describe(node)));
      case FloatParse::kOutOfRange:
        return Error(node,
                     absl::StrCat(Quote(node.text), " is out of range for ",
                                  field.cpp_type_name()));
      case FloatParse::kOk:
        break;
    }
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT &&
        std::isfinite(value) &&
        std::fabs(value) > std::numeric_limits<float>::max()) {
      return Error(
          node, absl::StrCat(Quote(node.text), " is out of range for float"));
    }
    if (std::isnan(value)) {
      out_.append("\"NaN\"");
    } else if (std::isinf(value)) {
      out_.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else {
      out_.append(nlohmann::json(value).dump());  // shortest exact form
    }
    return absl::OkStatus();
  }

  absl::Status WriteEnum(const Node& node, const EnumDescriptor& type) {
    bool out_of_range = false;
    if (const std::optional<IntegerValue> number =
            ParseInteger(node.text, &out_of_range)) {
      if (!FitsIn(*number, FieldDescriptor::CPPTYPE_INT32)) {
        return Error(node, absl::StrCat(Quote(node.text),
                                        " is out of range for an enum"));
      }
      out_.append(FormatInteger(*number));
      return absl::OkStatus();
    }
    if (type.FindValueByName(node.text) == nullptr) {
      std::vector<std::string> names;
      for (int i = 0; i < type.value_count(); ++i) {
        names.push_back(type.value(i)->name());
      }
      return Error(
          node,
          absl::StrCat("unknown value ", Quote(node.text), " for ", type.name(),
                       "; expected one of ", absl::StrJoin(names, ", ")));
    }
    AppendJsonString(node.text, &out_);
    return absl::OkStatus();
  }

  absl::Status WriteMessageValue(const Node& node, const Descriptor& type) {
    const WellKnown kind = ClassifyMessage(type);
    if (kind == WellKnown::kNone) {
      return WriteMessage(node, type, /*top_level=*/false);
    }
    if (kind == WellKnown::kWrapper) {
      return WriteSingular(node, *type.FindFieldByName("value"));
    }
    if (kind == WellKnown::kFreeForm) {
      // Struct/Value/ListValue/Any hold arbitrary JSON; read it schema-less.
      absl::Status status =
          GenericJsonWriter(std::numeric_limits<std::size_t>::max(), &out_)
              .Write(node, level_ + 1);
      return status.ok() ? status : Error(node, status.message());
    }
    // Timestamp, Duration and FieldMask are strings in the JSON mapping.
    if (node.kind != Kind::kScalar) {
      return Error(node, absl::StrCat("expected a string (", type.name(),
                                      "), got ", Describe(node)));
    }
    if (kind == WellKnown::kTimestamp) {
      google::protobuf::Timestamp timestamp;
      if (!google::protobuf::util::TimeUtil::FromString(node.text,
                                                        &timestamp)) {
        return Error(node,
                     absl::StrCat("expected an RFC 3339 timestamp such as "
                                  "2024-05-01T12:00:00Z, got ",
                                  Quote(node.text)));
      }
    } else if (kind == WellKnown::kDuration) {
      google::protobuf::Duration duration;
      if (!google::protobuf::util::TimeUtil::FromString(node.text, &duration)) {
        return Error(node,
                     absl::StrCat("expected a duration such as 1.5s, got ",
                                  Quote(node.text)));
      }
    }
    AppendJsonString(node.text, &out_);
    return absl::OkStatus();
  }

  std::string out_;
  std::string path_;
  int level_ = 0;
};

absl::Status ToMessageOrThrow(const ResourceDocument& doc,
                              google::protobuf::Message* message) {
  if (message == nullptr) {
    return absl::InvalidArgumentError("ToMessage needs a message to fill");
  }
  std::shared_ptr<const Node> root = doc.root;
  if (root == nullptr) {
    absl::StatusOr<std::vector<ResourceDocument>> parsed =
        ParseDocumentsOrThrow(doc.json, ParseOptions());
    if (!parsed.ok()) return parsed.status();
    if (parsed->size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected one document, found ", parsed->size()));
    }
    root = parsed->front().root;
  }
  absl::StatusOr<std::string> json =
      MessageJsonWriter().Convert(*root, *message->GetDescriptor());
  if (!json.ok()) return json.status();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status =
      google::protobuf::util::JsonStringToMessage(*json, message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(std::string(status.message()));
  }
  return absl::OkStatus();
}

// -- Output
// --------------------------------------------------------------------

absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message,
                                      bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return json;
}

// What a JSON value printed by protobuf stands for, so values the JSON mapping
// writes as strings (64-bit integers, non-finite floats) can be written back
// as plain YAML numbers.
struct Shape {
  enum class Kind { kFreeForm, kMessage, kList, kMap, kScalar };
  Kind kind = Kind::kFreeForm;
  const Descriptor* message = nullptr;     // kMessage
  const FieldDescriptor* field = nullptr;  // kList, kMap, kScalar
};

Shape ShapeOfSingular(const FieldDescriptor& field) {
  if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return {Shape::Kind::kScalar, nullptr, &field};
  }
  const Descriptor& type = *field.message_type();
  switch (ClassifyMessage(type)) {
    case WellKnown::kNone:
      return {Shape::Kind::kMessage, &type, nullptr};
    case WellKnown::kWrapper:
      return {Shape::Kind::kScalar, nullptr, type.FindFieldByName("value")};
    case WellKnown::kFreeForm:
      return {};
    case WellKnown::kTimestamp:
    case WellKnown::kDuration:
    case WellKnown::kFieldMask:
      break;
  }
  return {Shape::Kind::kScalar, nullptr, &field};
}

Shape ChildShape(const Shape& parent, absl::string_view key) {
  if (parent.kind == Shape::Kind::kMap) {
    return ShapeOfSingular(*parent.field->message_type()->map_value());
  }
  if (parent.kind != Shape::Kind::kMessage) return {};
  const FieldDescriptor* field = FindField(*parent.message, key);
  if (field == nullptr) return {};
  if (field->is_map()) return {Shape::Kind::kMap, nullptr, field};
  if (field->is_repeated()) return {Shape::Kind::kList, nullptr, field};
  return ShapeOfSingular(*field);
}

Shape ItemShape(const Shape& parent) {
  if (parent.kind != Shape::Kind::kList) return {};
  return ShapeOfSingular(*parent.field);
}

// True for plain scalars that YAML 1.1 or 1.2 would read as null, a boolean
// or a number (also dates and sexagesimals): such strings must be quoted.
bool ReadsAsNonString(absl::string_view s) {
  static constexpr absl::string_view kWords[] = {
      "~",     "null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
      "FALSE", "y",    "Y",    "yes",  "Yes",  "YES",  "n",    "N",     "no",
      "No",    "NO",   "on",   "On",   "ON",   "off",  "Off",  "OFF"};
  if (std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords)) {
    return true;
  }
  absl::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-'))
    body.remove_prefix(1);
  for (const absl::string_view special :
       {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"}) {
    if (body == special) return true;
  }
  if (s.empty() || !absl::StrContains("0123456789+-.", s[0])) return false;
  constexpr absl::string_view kNumberChars = "0123456789abcdefABCDEFxXoO+-._:";
  return s.find_first_not_of(kNumberChars) == absl::string_view::npos &&
         std::count(s.begin(), s.end(), '.') <= 1;
}

// Unicode characters YAML treats as line breaks or byte order marks.
constexpr absl::string_view kUnicodeSpecials[] = {
    "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF"};

bool HasControlCharacters(absl::string_view s, bool allow_newline) {
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && !(allow_newline && c == '\n')) || u == 0x7f) return true;
  }
  for (const absl::string_view special : kUnicodeSpecials) {
    if (absl::StrContains(s, special)) return true;
  }
  return false;
}

bool NeedsQuotes(absl::string_view s) {
  if (s.empty() || ReadsAsNonString(s) || HasControlCharacters(s, false)) {
    return true;
  }
  if (absl::StrContains("-?:,[]{}#&*!|>'\"%@`", s.front())) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  if (absl::StartsWith(s, "...") || s == "<<") return true;  // `<<` merges
  return absl::StrContains(s, ": ") || absl::StrContains(s, " #");
}

// A literal block (|) keeps the text readable and exact when it has line
// breaks but no other control characters and its first line is not indented.
bool FitsLiteralBlock(absl::string_view s) {
  if (!absl::StrContains(s, '\n') || HasControlCharacters(s, true))
    return false;
  const std::size_t first = s.find_first_not_of('\n');
  return first != absl::string_view::npos && s[first] != ' ';
}

std::string DoubleQuoted(absl::string_view s) {
  // yaml-cpp decodes the short escapes \N, \L, \P to bytes that are not UTF-8;
  // \u escapes decode correctly.
  static constexpr absl::string_view kSpecialEscapes[] = {"\\u0085", "\\u2028",
                                                          "\\u2029", "\\uFEFF"};
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const unsigned char u = static_cast<unsigned char>(c);
    bool special = false;
    for (std::size_t k = 0; k < std::size(kUnicodeSpecials); ++k) {
      if (absl::StartsWith(s.substr(i), kUnicodeSpecials[k])) {
        absl::StrAppend(&out, kSpecialEscapes[k]);
        i += kUnicodeSpecials[k].size() - 1;
        special = true;
        break;
      }
    }
    if (special) continue;
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<int>(u));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// Writes protobuf's JSON output as block-style YAML.
class YamlWriter {
 public:
  using Json = nlohmann::ordered_json;

  std::string Write(const Json& root, const Shape& shape) {
    if (!root.is_object() || root.empty()) return "{}\n";
    WriteMapping(root, shape, 0, /*continues_line=*/false);
    return std::move(out_);
  }

 private:
  // `continues_line`: the first entry goes right after "- " on the current
  // line instead of on a new indented line.
  void WriteMapping(const Json& object, const Shape& shape, int indent,
                    bool continues_line) {
    bool first = true;
    for (const auto& [key, value] : object.items()) {
      if (!(first && continues_line)) out_.append(indent, ' ');
      first = false;
      out_.append(NeedsQuotes(key) ? DoubleQuoted(key) : key);
      out_.push_back(':');
      WriteValue(value, ChildShape(shape, key), indent, /*in_sequence=*/false);
    }
  }

  void WriteSequence(const Json& array, const Shape& shape, int indent,
                     bool continues_line) {
    bool first = true;
    for (const Json& item : array) {
      if (!(first && continues_line)) out_.append(indent, ' ');
      first = false;
      out_.push_back('-');
      WriteValue(item, ItemShape(shape), indent, /*in_sequence=*/true);
    }
  }

  // Writes what follows "key:" or "-" on a line indented by `indent`.
  void WriteValue(const Json& value, const Shape& shape, int indent,
                  bool in_sequence) {
    if ((value.is_object() || value.is_array()) && value.empty()) {
      out_.append(value.is_object() ? " {}\n" : " []\n");
    } else if (value.is_object() || value.is_array()) {
      out_.push_back(in_sequence ? ' ' : '\n');
      if (value.is_object()) {
        WriteMapping(value, shape, indent + 2, in_sequence);
      } else {
        WriteSequence(value, shape, indent + 2, in_sequence);
      }
    } else if (value.is_string()) {
      WriteString(value.get_ref<const std::string&>(), shape, indent + 2);
    } else {
      absl::StrAppend(&out_, " ", value.dump(), "\n");
    }
  }

  void WriteString(const std::string& s, const Shape& shape,
                   int content_indent) {
    if (shape.kind == Shape::Kind::kScalar) {
      switch (shape.field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT64:
        case FieldDescriptor::CPPTYPE_UINT64:
          absl::StrAppend(&out_, " ", s,
                          "\n");  // digits, printed quoted in JSON
          return;
        case FieldDescriptor::CPPTYPE_FLOAT:
        case FieldDescriptor::CPPTYPE_DOUBLE:
          if (s == "Infinity" || s == "-Infinity" || s == "NaN") {
            absl::StrAppend(
                &out_, " ",
                s == "NaN" ? ".nan" : (s[0] == '-' ? "-.inf" : ".inf"), "\n");
            return;
          }
          break;
        default:
          break;
      }
    }
    if (FitsLiteralBlock(s)) {
      WriteLiteralBlock(s, content_indent);
    } else {
      absl::StrAppend(&out_, " ", NeedsQuotes(s) ? DoubleQuoted(s) : s, "\n");
    }
  }

  void WriteLiteralBlock(absl::string_view s, int content_indent) {
    const std::size_t content_end = s.find_last_not_of('\n') + 1;
    const std::size_t trailing_breaks = s.size() - content_end;
    out_.append(trailing_breaks == 0   ? " |-\n"
                : trailing_breaks == 1 ? " |\n"
                                       : " |+\n");
    for (const absl::string_view line :
         absl::StrSplit(s.substr(0, content_end), '\n')) {
      if (!line.empty())
        absl::StrAppend(&out_, std::string(content_indent, ' '), line);
      out_.push_back('\n');
    }
    if (trailing_breaks > 1) out_.append(trailing_breaks - 1, '\n');
  }

  std::string out_;
};

// protobuf indents pretty JSON by one space per level; use two.
std::string Reindent(absl::string_view json) {
  std::string out;
  out.reserve(json.size() * 3 / 2);
  for (const absl::string_view line : absl::StrSplit(json, '\n')) {
    const std::size_t indent =
        std::min(line.find_first_not_of(' '), line.size());
    absl::StrAppend(&out, std::string(2 * indent, ' '), line.substr(indent),
                    "\n");
  }
  out.pop_back();  // StrSplit yields an empty piece after the final newline
  return out;
}

std::string ErrorJson(absl::string_view message) {
  std::string out = "{\"error\": ";
  AppendJsonString(message, &out);
  out.append("}\n");
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ResourceDocument>> ParseDocuments(
    std::string_view text, const ParseOptions& options) {
  try {
    return ParseDocumentsOrThrow(absl::string_view(text.data(), text.size()),
                                 options);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory parsing documents");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("parsing documents: ", e.what()));
  }
}

absl::Status ToMessage(const ResourceDocument& doc,
                       google::protobuf::Message* message) {
  try {
    return ToMessageOrThrow(doc, message);
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory converting a document");
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("converting a document: ", e.what()));
  }
}

std::string ToJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = PrintJson(message, /*pretty=*/true);
  if (!json.ok()) return ErrorJson(json.status().message());
  return Reindent(*json);
}

std::string ToYaml(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = PrintJson(message, /*pretty=*/false);
  if (!json.ok()) {
    return absl::StrCat("error: ", DoubleQuoted(json.status().message()), "\n");
  }
  try {
    const Shape shape{Shape::Kind::kMessage, message.GetDescriptor(), nullptr};
    return YamlWriter().Write(nlohmann::ordered_json::parse(*json), shape);
  } catch (const std::exception& e) {
    return absl::StrCat("error: ", DoubleQuoted(e.what()), "\n");
  }
}

}  // namespace meshdex::document
