#include "batch/config_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace phonebulk::batch {
namespace {

constexpr char kNational[] = R"({"output_format":"NATIONAL"})";
constexpr char kPlus[] = R"({"output_format":"PLUS_E164"})";

TEST(StoredConfigCacheTest, ParsesATextOnce) {
  StoredConfigCache cache;
  auto first = cache.Parse(kNational);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->output_format.kind, phone::OutputFormat::Kind::kNational);
  auto again = cache.Parse(kNational);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get());  // the same parse, not a new one
  auto other = cache.Parse(kPlus);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->output_format.kind, phone::OutputFormat::Kind::kPlusE164);
}

TEST(StoredConfigCacheTest, ForgetsTheLeastRecentlyUsed) {
  StoredConfigCache cache(2);
  auto national = cache.Parse(kNational);
  ASSERT_TRUE(national.ok());
  ASSERT_TRUE(cache.Parse(kPlus).ok());
  ASSERT_TRUE(cache.Parse(kNational).ok());  // now the most recent
  ASSERT_TRUE(cache.Parse(R"({"output_format":"E164"})").ok());  // drops kPlus
  auto kept = cache.Parse(kNational);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->get(), national->get());
}

TEST(StoredConfigCacheTest, FailuresAreNotRemembered) {
  StoredConfigCache cache;
  EXPECT_FALSE(cache.Parse("{").ok());
  EXPECT_FALSE(cache.Parse("{").ok());
  EXPECT_FALSE(cache.Parse(R"({"output_format":"nope"})").ok());
}

}  // namespace
}  // namespace phonebulk::batch
