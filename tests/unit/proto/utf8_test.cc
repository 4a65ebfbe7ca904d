#include "proto/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace meshdex::utf8 {
namespace {

TEST(Utf8Test, DecodesEachSequenceLength) {
  char32_t c = 0;
  EXPECT_EQ(Decode("a", &c), 1u);
  EXPECT_EQ(c, U'a');
  EXPECT_EQ(Decode("\xC3\xA9x", &c), 2u);  // é
  EXPECT_EQ(c, U'\u00E9');
  EXPECT_EQ(Decode("\xE2\x80\xA6", &c), 3u);  // …
  EXPECT_EQ(c, U'\u2026');
  EXPECT_EQ(Decode("\xF0\x9F\x93\xA6", &c), 4u);  // 📦
  EXPECT_EQ(c, U'\U0001F4E6');
}

TEST(Utf8Test, RefusesWhatRfc3629Forbids) {
  char32_t c = 0;
  EXPECT_EQ(Decode("", &c), 0u);
  EXPECT_EQ(Decode("\x80", &c), 0u);              // a continuation byte alone
  EXPECT_EQ(Decode("\xC3", &c), 0u);              // cut short
  EXPECT_EQ(Decode("\xC3(", &c), 0u);             // not followed by a continuation
  EXPECT_EQ(Decode("\xC0\xAF", &c), 0u);          // overlong '/'
  EXPECT_EQ(Decode("\xE0\x80\xAF", &c), 0u);      // overlong '/' in three bytes
  EXPECT_EQ(Decode("\xED\xA0\x80", &c), 0u);      // UTF-16 surrogate D800
  EXPECT_EQ(Decode("\xF4\x90\x80\x80", &c), 0u);  // beyond U+10FFFF
  EXPECT_EQ(Decode("\xFF", &c), 0u);
}

TEST(Utf8Test, FirstInvalidByteIsTheOffsetOfTheFirstBadSequence) {
  EXPECT_EQ(FirstInvalidByte(""), std::nullopt);
  EXPECT_EQ(FirstInvalidByte("caf\xC3\xA9 \xE2\x80\xA6"), std::nullopt);
  EXPECT_EQ(FirstInvalidByte("caf\xE9"), 3u);  // Latin-1 é
  EXPECT_EQ(FirstInvalidByte("\xC3\xA9\xC3"), 2u);
}

TEST(Utf8Test, ReplaceInvalidKeepsValidTextAndMarksEachBadByte) {
  EXPECT_EQ(ReplaceInvalid("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ReplaceInvalid("a\xFF\xFE"
                           "b\xC3\xA9"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b\xC3\xA9");
  EXPECT_EQ(ReplaceInvalid("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8Test, AppendEncodesEachLength) {
  std::string out;
  for (char32_t c : {U'a', U'\u00E9', U'\u2026', U'\U0001F4E6'}) Append(c, &out);
  EXPECT_EQ(out, "a\xC3\xA9\xE2\x80\xA6\xF0\x9F\x93\xA6");
}

TEST(Utf8Test, MarkedUtf16AndUtf32BecomeUtf8) {
  using std::string_literals::operator""s;
  EXPECT_EQ(FromMarkedUtf16Or32("plain"s).value(), std::nullopt);
  EXPECT_EQ(FromMarkedUtf16Or32("\xEF\xBB\xBFutf-8 mark"s).value(), std::nullopt);
  EXPECT_EQ(FromMarkedUtf16Or32("\xFF\xFE"
                                "a\0\xE9\0\x3D\xD8\xE6\xDC"s)
                .value(),
            "a\xC3\xA9\xF0\x9F\x93\xA6");
  EXPECT_EQ(FromMarkedUtf16Or32("\xFE\xFF\0a\x20\x26"s).value(), "a\xE2\x80\xA6");
  EXPECT_EQ(FromMarkedUtf16Or32("\xFF\xFE\0\0a\0\0\0\xE6\xF4\x01\0"s).value(), "a\xF0\x9F\x93\xA6");
  EXPECT_EQ(FromMarkedUtf16Or32("\0\0\xFE\xFF\0\0\0a"s).value(), "a");
  // A low surrogate first, a high one at the end, a surrogate in UTF-32.
  EXPECT_EQ(FromMarkedUtf16Or32("\xFF\xFE\x00\xDC"
                                "a\0"s)
                .status()
                .message(),
            "UTF-16LE text (byte-order mark): unpaired surrogate at offset 2");
  EXPECT_EQ(FromMarkedUtf16Or32("\xFF\xFE"
                                "a\0\x00\xD8"s)
                .status()
                .message(),
            "UTF-16LE text (byte-order mark): unpaired surrogate at offset 4");
  EXPECT_EQ(FromMarkedUtf16Or32("\0\0\xFE\xFF\0\0\xD8\0"s).status().message(),
            "UTF-32BE text (byte-order mark): unpaired surrogate at offset 4");
  EXPECT_EQ(FromMarkedUtf16Or32("\xFF\xFE\0\0a\0\0"s).status().message(),
            "UTF-32LE text (byte-order mark): cut short at offset 4");
}

TEST(Utf8Test, TruncateNeverCutsASequenceInTwo) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("abcdef", 3), "abc");
  EXPECT_EQ(Truncate("ab\xE2\x80\xA6", 4), "ab");  // … would be cut after its second byte
  EXPECT_EQ(Truncate("ab\xE2\x80\xA6z", 5), "ab\xE2\x80\xA6");
  EXPECT_EQ(Truncate("\xC3\xA9", 1), "");
}

}  // namespace
}  // namespace meshdex::utf8
