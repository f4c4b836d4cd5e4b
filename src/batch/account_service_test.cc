// The two small domain services the API and the pipeline use instead of the
// store: AccountService (who a token is, the shared request count) and
// PortingFileSource (the porting file as a lookup source), on a real SQLite
// file.

#include "batch/account_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "batch/porting_source.h"
#include "common/crypto.h"
#include "store/test_backend.h"

namespace phonebulk::batch {
namespace {

class DomainServicesTest : public store::testing::SqliteAcmeTest {
 protected:
  DomainServicesTest() : SqliteAcmeTest(10) {}

  // Stores a token for "acme" and returns its hash.
  std::string AddToken(const std::string& secret) {
    store::Token token;
    token.account_id = account_id_;
    token.hash_hex = Sha256Hex(secret);
    token.display_prefix = secret.substr(0, 4);
    EXPECT_TRUE(store_->accounts().InsertToken(token).ok());
    return token.hash_hex;
  }
};

TEST_F(DomainServicesTest, IdentifyNamesTheTokenAndItsAccount) {
  AccountService accounts(store_->accounts());
  const std::string hash = AddToken("pb_live_secret");
  auto caller = accounts.Identify(hash);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->token.hash_hex, hash);
  EXPECT_EQ(caller->account.id, account_id_);
  EXPECT_EQ(caller->account.name, "acme");
  EXPECT_EQ(caller->account.credits, 10);
}

TEST_F(DomainServicesTest, IdentifyRefusesAnUnknownToken) {
  AccountService accounts(store_->accounts());
  AddToken("pb_live_secret");
  EXPECT_EQ(accounts.Identify(Sha256Hex("pb_live_other")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DomainServicesTest, IdentifyReportsALostDatabase) {
  AccountService accounts(store_->accounts());
  const std::string hash = AddToken("pb_live_secret");
  std::filesystem::remove(file());
  // Not NotFound: a lost database must not look like a wrong token.
  EXPECT_EQ(accounts.Identify(hash).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(DomainServicesTest, ASingleProcessStoreLeavesCountingToTheCaller) {
  AccountService accounts(store_->accounts());
  auto count = accounts.CountRequest(account_id_, absl::Now(), 10);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_FALSE(count->has_value());
}

// The porting file answers the numbers it lists like a live source (ported,
// operator, network, date), and nothing for the others.
TEST_F(DomainServicesTest, PortingFileAnswersTheNumbersItLists) {
  auto importer = store_->porting().BeginPortingImport(/*replace=*/true);
  ASSERT_TRUE(importer.ok());
  store::PortingRecord listed{"447400123456", "Vodafone", "23415",
                              absl::FromUnixSeconds(1566345600)};
  store::PortingRecord undated{"447400123457", "", "", std::nullopt};
  ASSERT_TRUE((*importer)->Add(listed).ok());
  ASSERT_TRUE((*importer)->Add(undated).ok());
  ASSERT_TRUE((*importer)->Finish().ok());

  PortingFileSource source(store_->porting());
  const std::vector<std::string> numbers = {"447400123456", "447400999999",
                                            "447400123457"};
  auto answers = source.Lookup(numbers, absl::InfiniteFuture());
  ASSERT_EQ(answers.size(), 3u);
  ASSERT_TRUE(answers[0].has_value());
  EXPECT_EQ(answers[0]->number, "447400123456");
  EXPECT_EQ(answers[0]->ported, true);
  EXPECT_EQ(answers[0]->operator_name, "Vodafone");
  EXPECT_EQ(answers[0]->mccmnc, "23415");
  EXPECT_EQ(answers[0]->ported_date, "2019-08-21T00:00:00.000000Z");
  EXPECT_EQ(answers[0]->status, lookup::LiveStatus::kUnknown);
  EXPECT_FALSE(answers[1].has_value());
  ASSERT_TRUE(answers[2].has_value());
  EXPECT_EQ(answers[2]->ported, true);
  EXPECT_EQ(answers[2]->ported_date, "");
  EXPECT_EQ(source.stats().calls, 1);
  EXPECT_EQ(source.stats().answers, 2);
  EXPECT_EQ(source.stats().failures, 0);
}

// A storage error answers nothing and is counted: the offline answer stands.
TEST_F(DomainServicesTest, PortingFileAnswersNothingWhenTheStoreFails) {
  PortingFileSource source(store_->porting());
  std::filesystem::remove(file());
  const std::vector<std::string> numbers = {"447400123456"};
  auto answers = source.Lookup(numbers, absl::InfiniteFuture());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(answers[0].has_value());
  EXPECT_EQ(source.stats().failures, 1);
  EXPECT_EQ(source.stats().answers, 0);
}

}  // namespace
}  // namespace phonebulk::batch
