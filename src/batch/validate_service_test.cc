// The real-time use case on a real SQLite file with a fake clock, so cache
// ageing (cache_value_days) needs no waiting.

#include "batch/validate_service.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "batch/result_codec.h"
#include "phone/countries.h"
#include "phone/validator.h"
#include "store/test_backend.h"

namespace phonebulk::batch {
namespace {

constexpr char kGbNumber[] = "+441206250380";
constexpr char kGbE164[] = "441206250380";

class ValidateServiceTest : public store::testing::SqliteAcmeTest {
 protected:
  ValidateServiceTest() : SqliteAcmeTest(10) {}

  void SetUpOnStore() override {
    service_ =
        std::make_unique<ValidateService>(store_->cache(), store_->accounts(),
                                          Engine{validator_, nullptr}, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
  }

  static ValidateRequest Request(std::string number, int cache_days = 0) {
    ValidateRequest request;
    request.number = std::move(number);
    request.cache_value_days = cache_days;
    return request;
  }
  absl::StatusOr<ValidateAnswer> Validate(const ValidateRequest& request) {
    return service_->Validate(account_id_, request);
  }

  // Replaces the stored answer for `request` (whose number normalises to
  // `e164`) with one whose formatted number is `marker`, so a test can tell
  // a cached answer from a fresh one.
  void PlantMarker(const ValidateRequest& request, std::string_view e164,
                   const std::string& marker) {
    phone::PhoneResult planted =
        validator_.Validate(request.number, request.config.country_iso,
                            request.config.output_format);
    planted.formatted_phone_number = marker;
    ASSERT_TRUE(store_->cache()
                    .PutCachedResult(ValidateService::CacheKey(request, e164),
                                     EncodeResult(planted), clock_.Now())
                    .ok());
  }

  FakeClock clock_;
  phone::Validator validator_{phone::Countries::Default()};
  std::unique_ptr<ValidateService> service_;
};

TEST_F(ValidateServiceTest, FreshAnswerIsChargedOneCredit) {
  auto answer = Validate(Request(kGbNumber));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->from_cache);
  EXPECT_EQ(answer->credits_charged, 1);
  EXPECT_EQ(answer->result.validated_phone_number, kGbE164);
  EXPECT_EQ(answer->result.country_iso, "GBR");
  EXPECT_EQ(answer->result.confidence, phone::Confidence::kUnknown);
  EXPECT_EQ(Credits(), 9);
}

TEST_F(ValidateServiceTest, EveryCallIsChargedCachedOrNot) {
  for (int i = 0; i < 3; ++i) {
    auto answer = Validate(Request(kGbNumber, /*cache_days=*/30));
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->from_cache, i > 0) << "call " << i;
    EXPECT_EQ(answer->credits_charged, 1);
  }
  EXPECT_EQ(Credits(), 7);
}

TEST_F(ValidateServiceTest, InvalidNumbersCostACreditToo) {
  auto answer = Validate(Request("not a number"));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->result.confidence, phone::Confidence::kUnverified);
  EXPECT_EQ(Credits(), 9);
}

TEST_F(ValidateServiceTest, PortedDateWithoutASourceCostsNothingExtra) {
  ValidateRequest request = Request(kGbNumber);
  request.config.get_ported_date = true;
  auto answer = Validate(request);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->result.ported_date, "unknown");
  EXPECT_EQ(answer->credits_charged, 1);
}

TEST_F(ValidateServiceTest, CachedAnswerWithinDaysIsServed) {
  ASSERT_TRUE(Validate(Request(kGbNumber)).ok());
  PlantMarker(Request(kGbNumber), kGbE164, "from-the-cache");
  clock_.Advance(absl::Hours(24 * 7) - absl::Seconds(1));
  auto answer = Validate(Request(kGbNumber, /*cache_days=*/7));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(answer->from_cache);
  EXPECT_EQ(answer->result.formatted_phone_number, "from-the-cache");
  EXPECT_EQ(Credits(), 8);
}

TEST_F(ValidateServiceTest, StaleAnswerAfterDaysIsReplaced) {
  PlantMarker(Request(kGbNumber), kGbE164, "stale");
  clock_.Advance(absl::Hours(24 * 7) + absl::Seconds(1));
  auto answer = Validate(Request(kGbNumber, /*cache_days=*/7));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->from_cache);
  EXPECT_EQ(answer->result.formatted_phone_number, kGbE164);
  // The fresh answer replaced the stale entry.
  auto again = Validate(Request(kGbNumber, /*cache_days=*/1));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(again->result.formatted_phone_number, kGbE164);
}

TEST_F(ValidateServiceTest, ZeroOrAbsentDaysIsAlwaysFresh) {
  PlantMarker(Request(kGbNumber), kGbE164, "cached");
  auto answer = Validate(Request(kGbNumber, /*cache_days=*/0));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->from_cache);
  EXPECT_EQ(answer->result.formatted_phone_number, kGbE164);
}

TEST_F(ValidateServiceTest, WritingsOfOneNumberShareAnEntry) {
  ValidateRequest international = Request("+44 1206 250380", 1);
  international.config.country_iso = "GBR";
  ASSERT_TRUE(Validate(international).ok());
  ValidateRequest national = Request("01206 250380", 1);
  national.config.country_iso = "GBR";
  auto answer = Validate(national);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_TRUE(answer->from_cache);
  EXPECT_EQ(answer->result.validated_phone_number, kGbE164);
}

TEST_F(ValidateServiceTest, OtherOptionsDoNotShareAnEntry) {
  ASSERT_TRUE(Validate(Request(kGbNumber)).ok());
  ValidateRequest national = Request(kGbNumber, 30);
  national.config.output_format.kind = phone::OutputFormat::Kind::kNational;
  auto answer = Validate(national);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_FALSE(answer->from_cache);
  EXPECT_EQ(answer->result.formatted_phone_number, "01206 250380");
}

TEST_F(ValidateServiceTest, CacheKeysSeparateEveryOption) {
  std::vector<ValidateRequest> requests(8, Request(kGbNumber));
  requests[1].config.country_iso = "GBR";
  requests[2].config.output_format.kind = phone::OutputFormat::Kind::kNational;
  requests[3].config.get_ported_date = true;
  requests[4].get_disposable_number = true;
  requests[5].config.supplementary_live_status = SupplementaryLiveStatus{};
  requests[6].config.supplementary_live_status =
      SupplementaryLiveStatus{{"GBR"}, {}};
  requests[7].config.supplementary_live_status =
      SupplementaryLiveStatus{{}, {"GBR"}};
  std::set<std::string> keys;
  for (const ValidateRequest& r : requests) {
    keys.insert(ValidateService::CacheKey(r, kGbE164));
  }
  EXPECT_EQ(keys.size(), requests.size());
  // The raw text of an unparseable number never meets an E.164 form.
  EXPECT_NE(ValidateService::CacheKey(Request(kGbE164), ""),
            ValidateService::CacheKey(Request("x"), kGbE164));
  // cache_value_days says how old an answer may be, not what it is.
  EXPECT_EQ(ValidateService::CacheKey(Request(kGbNumber, 0), kGbE164),
            ValidateService::CacheKey(Request(kGbNumber, 9), kGbE164));
}

TEST_F(ValidateServiceTest, InsufficientCreditsAreResourceExhausted) {
  ASSERT_TRUE(store_->accounts().AddCredits("acme", -10).ok());
  auto answer = Validate(Request(kGbNumber, 30));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(std::string(answer.status().message()),
            "not enough credits for this call: the balance is 0 credits and "
            "1 is needed; add credits with 'phonebulk account credit'");
  EXPECT_EQ(Credits(), 0);
  // An answer that was not given is not kept either.
  auto cached = store_->cache().GetCachedResult(
      ValidateService::CacheKey(Request(kGbNumber), kGbE164),
      absl::InfinitePast());
  ASSERT_TRUE(cached.ok());
  EXPECT_FALSE(cached->has_value());
}

TEST_F(ValidateServiceTest, PassedDeadlineIsDeadlineExceededAndFree) {
  auto answer = service_->Validate(account_id_, Request(kGbNumber), {},
                                   clock_.Now() - absl::Milliseconds(1));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(Credits(), 10);
  auto in_time = service_->Validate(account_id_, Request(kGbNumber), {},
                                    clock_.Now() + absl::Seconds(2));
  EXPECT_TRUE(in_time.ok()) << in_time.status();
}

}  // namespace
}  // namespace phonebulk::batch
