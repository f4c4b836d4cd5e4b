#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time_format.h"

namespace phonebulk {
namespace {

TEST(TimeFormatTest, FormatsMicrosecondsAndZ) {
  absl::Time t =
      absl::FromUnixMicros(1757466123004005);  // 2025-09-10T01:02:03.004005Z
  EXPECT_EQ(FormatIsoTime(t), "2025-09-10T01:02:03.004005Z");
  EXPECT_EQ(FormatIsoTime(absl::FromUnixSeconds(0)),
            "1970-01-01T00:00:00.000000Z");
}

TEST(TimeFormatTest, ParsesDurations) {
  struct Case {
    const char* text;
    std::optional<absl::Duration> want;
  } cases[] = {
      {"PT25M", absl::Minutes(25)},
      {"PT1M", absl::Minutes(1)},
      {"PT24H", absl::Hours(24)},
      {"PT1H30M", absl::Minutes(90)},
      {"P1D", absl::Hours(24)},
      {"PT90S", absl::Seconds(90)},
      {"P1DT1H", absl::Hours(25)},
      {"", std::nullopt},
      {"P", std::nullopt},
      {"PT", std::nullopt},
      {"PT1M1H", std::nullopt},
      {"25M", std::nullopt},
      {"PT-1M", std::nullopt},
      {"PT1.5M", std::nullopt},
      {"PT1M2", std::nullopt},
      {"P1H", std::nullopt},
      {"PT9999999999M", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseIsoDuration(c.text), c.want) << c.text;
  }
}

TEST(CryptoTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, UuidsAreV4AndDistinct) {
  std::string a = NewUuidV4();
  std::string b = NewUuidV4();
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsUuid(a));
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_TRUE(IsUuid("123E4567-E89B-12D3-A456-426614174000"));
}

// RFC 4231 test case 2 and RFC 4648 section 10 vectors.
TEST(CryptoTest, HmacAndBase64KnownVectors) {
  EXPECT_EQ(Base64Encode(HmacSha256("Jefe", "what do ya want for nothing?")),
            Base64Encode(std::string(
                "\x5b\xdc\xc1\x46\xbf\x60\x75\x4e\x6a\x04\x24\x26\x08\x95"
                "\x75\xc7\x5a\x00\x3f\x08\x9d\x27\x39\x83\x9d\xec\x58\xb9"
                "\x64\xec\x38\x43",
                32)));
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
      {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(encoded, &decoded)) << encoded;
    EXPECT_EQ(decoded, plain);
  }
  std::string out;
  for (const char* bad : {"Zg=", "Z===", "Zm9v\n", "Zm=v", "Zm9v!A==", "=Zm9"}) {
    EXPECT_FALSE(Base64Decode(bad, &out)) << bad;
  }
  EXPECT_EQ(RandomBytes(24).size(), 24u);
  EXPECT_NE(RandomBytes(24), RandomBytes(24));
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_EQ(RandomHex(16).size(), 32u);
}

}  // namespace
// Regression (issue 10, clean text): error bodies, logs and validate --json
// echoed raw non-UTF-8 bytes and terminal escapes, and 7 KB values in full.
TEST(SafeTextTest, CleansEveryKindOfHostileText) {
  struct Case {
    std::string in;
    std::string want;
  };
  const Case cases[] = {
      {"plain /path ok", "plain /path ok"},
      {"caf\xC3\xA9 \xE2\x82\xAC", "caf\xC3\xA9 \xE2\x82\xAC"},
      {"a\nb\rc\td", "a\\nb\\rc\\td"},
      {"\x1B[31mred", "\\x1b[31mred"},
      {"del\x7F", "del\\x7f"},
      {"bad\xFFx", "bad\xEF\xBF\xBDx"},
      {"trunc\xE2\x82", "trunc\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"overlong\xC0\xAF", "overlong\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"surrogate\xED\xA0\x80",
       "surrogate\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"c1\xC2\x9B", "c1\\u009b"},
      {"bidi\xE2\x80\xAE", "bidi\\u202e"},
      {"q\"uote\\", "q\"uote\\"},
      {std::string("nul\0x", 5), "nul\\x00x"},
  };
  for (const Case& c : cases) {
    std::string out = SafeText(c.in);
    EXPECT_EQ(out, c.want) << c.in;
    EXPECT_TRUE(IsValidUtf8(out)) << c.in;
  }
}

TEST(SafeTextTest, CutsLongTextAtACodePointWithAMarker) {
  std::string long_path = "/" + std::string(7000, 'a');
  std::string out = SafeText(long_path);
  EXPECT_EQ(out.size(), kSafeTextMaxBytes);
  EXPECT_TRUE(out.ends_with("..."));
  // Multi-byte characters are never split, whatever the limit.
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\xE2\x82\xAC";
  for (size_t limit = 0; limit < 40; ++limit) {
    std::string cut = SafeText(euros, limit);
    EXPECT_LE(cut.size(), limit);
    EXPECT_TRUE(IsValidUtf8(cut)) << limit;
  }
  EXPECT_EQ(SafeText("abcdef", 6), "abcdef");
  EXPECT_EQ(SafeText("abcdefg", 6), "abc...");
  // An escape is never cut in half.
  EXPECT_EQ(SafeText("ab\x1b" "cdefgh", 8), "ab...");
}

TEST(SafeTextTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

}  // namespace phonebulk
