// Accounts and tokens, on every backend (see store/test_backend.h).

#include <gtest/gtest.h>

#include <limits>

#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

using AccountsTest = testing::StoreTest;

TEST_P(AccountsTest, EnsureCreatesOnceAndUpdatesRateLimitOnlyWhenGiven) {
  auto created = store_->accounts().EnsureAccount("acme", std::nullopt);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->name, "acme");
  EXPECT_EQ(created->credits, 0);
  EXPECT_EQ(created->rate_limit_per_minute, 150);

  auto again = store_->accounts().EnsureAccount("acme", 20);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, created->id);
  EXPECT_EQ(again->rate_limit_per_minute, 20);
  EXPECT_EQ(store_->accounts()
                .EnsureAccount("acme", std::nullopt)
                ->rate_limit_per_minute,
            20);

  auto other = store_->accounts().EnsureAccount("zeta", 5);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->rate_limit_per_minute, 5);
  EXPECT_NE(other->id, created->id);

  EXPECT_EQ(store_->accounts().GetAccount("acme")->id, created->id);
  EXPECT_EQ(store_->accounts().GetAccountById(other->id)->name, "zeta");
  EXPECT_EQ(store_->accounts().GetAccount("nobody").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->accounts().GetAccountById(12345).status().code(),
            absl::StatusCode::kNotFound);
  auto all = store_->accounts().ListAccounts();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "acme");
  EXPECT_EQ((*all)[1].name, "zeta");
}

TEST_P(AccountsTest, AddCreditsNeverGoesBelowZero) {
  ASSERT_TRUE(store_->accounts().EnsureAccount("acme", std::nullopt).ok());
  EXPECT_EQ(store_->accounts().AddCredits("acme", 100)->credits, 100);
  EXPECT_EQ(store_->accounts().AddCredits("acme", -30)->credits, 70);
  auto too_much = store_->accounts().AddCredits("acme", -71);
  EXPECT_EQ(too_much.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->accounts().GetAccount("acme")->credits, 70);
  EXPECT_EQ(store_->accounts().AddCredits("nobody", 1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(AccountsTest, AddCreditsNeverWrapsPastInt64Max) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(store_->accounts().EnsureAccount("acme", std::nullopt).ok());
  ASSERT_EQ(store_->accounts().AddCredits("acme", kMax)->credits, kMax);
  auto more = store_->accounts().AddCredits("acme", 1);
  EXPECT_EQ(more.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(more.status().message().find("may not exceed"),
            absl::string_view::npos)
      << more.status();
  EXPECT_EQ(store_->accounts().GetAccount("acme")->credits, kMax);
  // Taking INT64_MIN from a zero balance names its true size.
  ASSERT_TRUE(store_->accounts().EnsureAccount("zero", std::nullopt).ok());
  auto take = store_->accounts().AddCredits(
      "zero", std::numeric_limits<int64_t>::min());
  EXPECT_EQ(take.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(take.status().message().find("cannot take 9223372036854775808"),
            absl::string_view::npos)
      << take.status();
}

Token MakeToken(int64_t account_id, std::string hash, std::string prefix) {
  Token t;
  t.account_id = account_id;
  t.hash_hex = std::move(hash);
  t.display_prefix = std::move(prefix);
  return t;
}

TEST_P(AccountsTest, TokensRoundTrip) {
  auto acme = store_->accounts().EnsureAccount("acme", std::nullopt);
  ASSERT_TRUE(acme.ok());
  Token t = MakeToken(acme->id, std::string(64, 'a'), "pb_aaaa");
  t.products = kProductPhoneBulk;
  t.allow_ips = {"10.0.0.0/8", "192.168.1.1/32"};
  t.allow_domains = {"example.com"};
  auto inserted = store_->accounts().InsertToken(t);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_GT(inserted->id, 0);
  EXPECT_EQ(inserted->account_name, "acme");

  auto found = store_->accounts().FindTokenByHash(std::string(64, 'a'));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, inserted->id);
  EXPECT_EQ(found->account_id, acme->id);
  EXPECT_EQ(found->display_prefix, "pb_aaaa");
  EXPECT_EQ(found->products, kProductPhoneBulk);
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(found->allow_ips, t.allow_ips);
  EXPECT_EQ(found->allow_domains, t.allow_domains);

  EXPECT_EQ(store_->accounts().InsertToken(t).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->accounts()
                .InsertToken(MakeToken(999, "bb", "pb_b"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->accounts().FindTokenByHash("nope").status().code(),
            absl::StatusCode::kNotFound);
  Token bad = MakeToken(acme->id, "cc", "pb_c");
  bad.allow_domains = {"a.com\nb.com"};
  EXPECT_EQ(store_->accounts().InsertToken(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(AccountsTest, SetTokenDisabledByHashOrUniquePrefix) {
  auto acme = store_->accounts().EnsureAccount("acme", std::nullopt);
  ASSERT_TRUE(acme.ok());
  ASSERT_TRUE(
      store_->accounts().InsertToken(MakeToken(acme->id, "h1", "pb_one")).ok());
  ASSERT_TRUE(
      store_->accounts().InsertToken(MakeToken(acme->id, "h2", "pb_dup")).ok());
  ASSERT_TRUE(
      store_->accounts().InsertToken(MakeToken(acme->id, "h3", "pb_dup")).ok());

  ASSERT_TRUE(store_->accounts().SetTokenDisabled("h1", true).ok());
  EXPECT_TRUE(store_->accounts().FindTokenByHash("h1")->disabled);
  ASSERT_TRUE(store_->accounts().SetTokenDisabled("pb_one", false).ok());
  EXPECT_FALSE(store_->accounts().FindTokenByHash("h1")->disabled);

  EXPECT_EQ(store_->accounts().SetTokenDisabled("pb_dup", true).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(store_->accounts().FindTokenByHash("h2")->disabled);
  ASSERT_TRUE(store_->accounts().SetTokenDisabled("h3", true).ok());
  EXPECT_TRUE(store_->accounts().FindTokenByHash("h3")->disabled);
  EXPECT_EQ(store_->accounts().SetTokenDisabled("pb_none", true).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->accounts().SetTokenDisabled("", true).code(),
            absl::StatusCode::kNotFound);

  auto all = store_->accounts().ListTokens();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].hash_hex, "h1");
  EXPECT_EQ((*all)[2].hash_hex, "h3");
  EXPECT_TRUE((*all)[2].disabled);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
