// The resource messages a fuzz input holds: what the document fuzz targets
// share before each checks its own kind of message.
//
// Thread-safety: a stateless function.
#ifndef MESHDEX_TESTS_FUZZ_FUZZ_DOCUMENTS_H_
#define MESHDEX_TESTS_FUZZ_FUZZ_DOCUMENTS_H_

#include <string_view>
#include <utility>
#include <vector>

#include "proto/document.h"

namespace meshdex::fuzzing {

// The documents of `text` that convert to Message, in order; none when the
// text does not parse. Refusing a document is a valid outcome for fuzz input:
// the parse and the conversion run either way, which is what is fuzzed.
template <typename Message>
std::vector<Message> MessagesIn(std::string_view text) {
  std::vector<Message> messages;
  auto documents = document::ParseDocuments(text);
  if (!documents.ok()) return messages;
  for (const document::ResourceDocument& doc : *documents) {
    Message message;
    if (document::ToMessage(doc, &message).ok()) messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace meshdex::fuzzing

#endif  // MESHDEX_TESTS_FUZZ_FUZZ_DOCUMENTS_H_
