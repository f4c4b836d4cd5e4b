#include <gtest/gtest.h>

#include "common/crypto.h"
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

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_EQ(RandomHex(16).size(), 32u);
}

}  // namespace
}  // namespace phonebulk
