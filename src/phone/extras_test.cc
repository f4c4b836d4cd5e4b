#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "phone/disposable.h"
#include "phone/email_gateways.h"
#include "phone/geocoder.h"

namespace phonebulk::phone {
namespace {

// ---------------------------------------------------------------------------
// Geocoder. Expected values are what libgeocoding 8.12.57 (C++) answers in
// English; its area data is the same as python3-phonenumbers 8.12.57's
// geocoder.description_for_number, but for numbers that are not
// geographic the C++ library falls back to the country name where Python
// answers "" (see the +61 and +1 800 cases).

TEST(GeocoderTest, DescribesKnownNumbers) {
  struct Case {
    const char* digits;
    const char* want;
  };
  const Case cases[] = {
      {"441206250380", "Colchester"},      // UK fixed line, area 01206
      {"12026298914", "Washington D.C."},  // NANP area code 202
      {"12125551234", "New York, NY"},     // NANP area code 212
      {"81312345678", "Tokyo"},            // Japan fixed line, area 03
      {"4915123456789", "Germany"},        // German mobile: country only
      {"33612345678", "France"},           // French mobile: country only
      // Australian mobile: not geographic, so the country (Python: "").
      {"61412345678", "Australia"},
      // Toll free is not geographic either: the country again.
      {"18005550199", "United States"},
      {"447911123456", "Guernsey"},  // UK mobile range 07911 12
      {"12269724276", "Ontario"},    // NANP area code 226
      {"", ""},
      {"abc", ""},
      {"4412062503801234567890", ""},  // too long
      {"999123456", ""},               // no such country code
  };
  const Geocoder& geocoder = Geocoder::Default();
  for (const Case& c : cases) {
    EXPECT_EQ(geocoder.Describe(c.digits), c.want) << c.digits;
  }
}

TEST(GeocoderTest, DefaultIsSharedAcrossThreads) {
  const Geocoder& geocoder = Geocoder::Default();
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (geocoder.Describe("441206250380") != "Colchester") ++wrong;
        if (geocoder.Describe("12026298914") != "Washington D.C.") ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

// ---------------------------------------------------------------------------
// Email gateways

constexpr char kGatewayHeader[] =
    "country_alpha3\toperator_name\tsms_domain\tmms_domain\tsource\n";

TEST(EmailGatewaysTest, BuiltInFindsVerizonAndBell) {
  const EmailGateways& gateways = EmailGateways::BuiltIn();
  const auto* verizon = gateways.Find("USA", "Verizon");
  ASSERT_NE(verizon, nullptr);
  EXPECT_EQ(verizon->sms_domain, "vtext.com");
  EXPECT_EQ(verizon->mms_domain, "vzwpix.com");
  const auto* bell = gateways.Find("CAN", "Bell");
  ASSERT_NE(bell, nullptr);
  EXPECT_EQ(bell->sms_domain, "txt.bell.ca");
  EXPECT_EQ(bell->mms_domain, "");
}

TEST(EmailGatewaysTest, LookupIgnoresCaseButNotCountry) {
  const EmailGateways& gateways = EmailGateways::BuiltIn();
  EXPECT_NE(gateways.Find("usa", "VERIZON"), nullptr);
  EXPECT_NE(gateways.Find("USA", "verizon"), nullptr);
  // Same name, other country: libphonenumber names an "AT&T" in St Vincent
  // (+1 784), which must never get a US operator's gateway.
  EXPECT_EQ(gateways.Find("CAN", "Verizon"), nullptr);
  EXPECT_EQ(gateways.Find("USA", "Verizon Wireless"), nullptr);
  EXPECT_EQ(gateways.Find("USA", ""), nullptr);
  EXPECT_EQ(gateways.Find("", "Verizon"), nullptr);
}

TEST(EmailGatewaysTest, ParsesCommentsAndEmptyMms) {
  std::string text =
      std::string("# comment\n\n") + kGatewayHeader +
      "CAN\tExample Mobile\tsms.example.ca\t\tExample help page\r\n"
      "# another comment\n";
  auto parsed = EmailGateways::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const auto* gw = (*parsed)->Find("CAN", "example mobile");
  ASSERT_NE(gw, nullptr);
  EXPECT_EQ(gw->sms_domain, "sms.example.ca");
  EXPECT_EQ(gw->mms_domain, "");
}

TEST(EmailGatewaysTest, RejectsBadRowsNamingTheLine) {
  struct Case {
    std::string body;
    std::string want;  // substring of the error
  };
  const Case cases[] = {
      {"XYZ\tOp\ta.com\t\tsrc\n", "line 2: 'XYZ' is not an ISO 3166"},
      {"USA\tOp\ta.com\tsrc\n", "line 2: expected 5 tab-separated columns"},
      {"USA\t\ta.com\t\tsrc\n", "line 2: operator_name is empty"},
      {"USA\tOp\t\t\tsrc\n", "line 2: no sms or mms domain"},
      {"USA\tOp\tnot a domain\t\tsrc\n", "line 2: 'not a domain' is not"},
      {"USA\tOp\ta.com\t\t\n", "line 2: source is empty"},
      {"USA\tOp\ta.com\t\tsrc\nUSA\top\tb.com\t\tsrc\n",
       "line 3: duplicate operator"},
  };
  for (const Case& c : cases) {
    auto parsed = EmailGateways::Parse(kGatewayHeader + c.body);
    ASSERT_FALSE(parsed.ok()) << c.body;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(parsed.status().message()).find(c.want),
              std::string::npos)
        << parsed.status() << " wanted " << c.want;
  }
  // Columns in another order fail on the header rather than misread.
  auto swapped = EmailGateways::Parse(
      "operator_name\tcountry_alpha3\tsms_domain\tmms_domain\tsource\n");
  EXPECT_FALSE(swapped.ok());
  EXPECT_FALSE(EmailGateways::Parse("").ok());
}

// ---------------------------------------------------------------------------
// DisposableList

TEST(DisposableListTest, MatchesRangesAndOperators) {
  auto parsed = DisposableList::Parse(
      "# test list\n"
      "range 4470000          # UK personal numbering, for the test\n"
      "range +1555\n"
      "RANGE 4470000\n"  // duplicate: counted once
      "\n"
      "operator USA  Example   Mobile   # blanks collapse\n"
      "operator can Example Mobile\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const DisposableList& list = **parsed;
  EXPECT_EQ(list.size(), 4u);
  struct Case {
    const char* digits;
    const char* country;
    const char* op;
    bool want;
  };
  const Case cases[] = {
      {"447000012345", "GBR", "", true},
      {"4470000", "GBR", "", true},
      {"447000", "GBR", "", false},  // shorter than the range
      {"447000112345", "GBR", "", false},
      {"15551234567", "USA", "", true},
      {"12025551234", "USA", "example mobile", true},
      {"12025551234", "USA", "EXAMPLE MOBILE", true},
      {"12025551234", "CAN", "Example Mobile", true},
      {"12025551234", "MEX", "Example Mobile", false},  // other country
      {"12025551234", "USA", "Example", false},
      {"12025551234", "USA", "", false},
      {"", "", "", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(list.Contains(c.digits, c.country, c.op), c.want)
        << c.digits << " " << c.country << " " << c.op;
  }
}

TEST(DisposableListTest, EmptyAndCommentOnlyListsAreValid) {
  for (const char* text : {"", "\n\n", "# only a comment\n   # indented\n"}) {
    auto parsed = DisposableList::Parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ((*parsed)->size(), 0u);
    EXPECT_FALSE((*parsed)->Contains("447000012345", "GBR", "Any"));
  }
}

TEST(DisposableListTest, ReportsEveryBadLineByNumber) {
  auto parsed = DisposableList::Parse(
      "range 4470000\n"           // 1 ok
      "range\n"                   // 2
      "range 44 70\n"             // 3
      "range 44a\n"               // 4
      "range 1234567890123456\n"  // 5: 16 digits
      "operator XYZ Some Op\n"    // 6
      "operator USA\n"            // 7
      "number 4470000\n"          // 8
      "range +\n");               // 9
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  std::string message(parsed.status().message());
  for (const char* want :
       {"line 2: 'range' takes one", "line 3: 'range' takes one",
        "line 4: '44a' is not an E.164 digit prefix",
        "line 5: '1234567890123456' is not",
        "line 6: 'XYZ' is not an ISO 3166 alpha-3 code",
        "line 7: 'operator' takes a country", "line 8: unknown entry 'number'",
        "line 9: '+' is not"}) {
    EXPECT_NE(message.find(want), std::string::npos)
        << "missing '" << want << "' in: " << message;
  }
  EXPECT_EQ(message.find("line 1:"), std::string::npos);
}

TEST(DisposableListTest, CapsTheErrorReport) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "bogus\n";
  auto parsed = DisposableList::Parse(text);
  ASSERT_FALSE(parsed.ok());
  std::string message(parsed.status().message());
  EXPECT_NE(message.find("line 10:"), std::string::npos);
  EXPECT_EQ(message.find("line 11:"), std::string::npos);
  EXPECT_NE(message.find("and 15 more"), std::string::npos);
}

TEST(DisposableListTest, ShippedStarterListParses) {
  std::ifstream in(std::string(PHONEBULK_SOURCE_DIR) +
                   "/data/disposable/starter.txt");
  ASSERT_TRUE(in.good());
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  auto parsed = DisposableList::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
}

// ---------------------------------------------------------------------------
// DisposableSource

class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/phonebulk_disposable_XXXXXX";
    int fd = ::mkstemp(name);
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = name;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  // Writes through a temporary file and a rename, as docs/disposable.md
  // tells operators to, so a reader never sees half a file.
  void Write(const std::string& text) {
    std::string tmp = path_ + ".new";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << text;
    }
    std::filesystem::rename(tmp, path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class DisposableSourceTest : public testing::Test {
 protected:
  // Writes `text` to file_ and opens a source on it that checks the file
  // every `interval_seconds`; nullptr, and a failure, when it does not open.
  std::unique_ptr<DisposableSource> OpenOnFile(const std::string& text,
                                               double interval_seconds) {
    file_.Write(text);
    auto opened = DisposableSource::Open(file_.path(), interval_seconds);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? *std::move(opened) : nullptr;
  }

  TempFile file_;
};

TEST_F(DisposableSourceTest, BuiltInStarterListOpens) {
  auto source = DisposableSource::Open("");
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_FALSE((*source)->Contains("447000012345", "GBR", "Vodafone"));
  EXPECT_TRUE((*source)->Reload().ok());
}

TEST_F(DisposableSourceTest, OpenFailsOnMissingOrBrokenFile) {
  auto missing = DisposableSource::Open("/nonexistent/phonebulk/list.txt");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  file_.Write("range 44x\n");
  auto broken = DisposableSource::Open(file_.path());
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(broken.status().message()).find("line 1"),
            std::string::npos);
  EXPECT_FALSE(DisposableSource::Open(file_.path(), 0).ok());
  EXPECT_FALSE(DisposableSource::Open(file_.path(), -1).ok());
}

TEST_F(DisposableSourceTest, ReloadPicksUpChangesAndKeepsListOnError) {
  // A long interval: only Reload() re-reads here.
  std::unique_ptr<DisposableSource> opened =
      OpenOnFile("# empty for now\n", 3600);
  ASSERT_NE(opened, nullptr);
  const DisposableSource& source = *opened;
  EXPECT_FALSE(source.Contains("447000012345", "GBR", ""));

  file_.Write("range 4470000\n");
  EXPECT_FALSE(source.Contains("447000012345", "GBR", ""));  // not checked
  ASSERT_TRUE(source.Reload().ok());
  EXPECT_TRUE(source.Contains("447000012345", "GBR", ""));

  // A broken rewrite is reported and the previous list stays in force.
  file_.Write("range 4470000\nrange nope\n");
  absl::Status status = source.Reload();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("line 2"), std::string::npos);
  EXPECT_TRUE(source.Contains("447000012345", "GBR", ""));
  // Unchanged broken file: the same answer, without re-parsing.
  EXPECT_EQ(source.Reload(), status);

  // A deleted file keeps the list too; it is re-read when it comes back.
  std::remove(file_.path().c_str());
  EXPECT_EQ(source.Reload().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(source.Contains("447000012345", "GBR", ""));
  file_.Write("operator GBR Example Mobile\n");
  ASSERT_TRUE(source.Reload().ok());
  EXPECT_FALSE(source.Contains("447000012345", "GBR", ""));
  EXPECT_TRUE(source.Contains("447000012345", "GBR", "example mobile"));
}

TEST_F(DisposableSourceTest, ContainsRechecksAfterTheInterval) {
  std::unique_ptr<DisposableSource> opened = OpenOnFile("", 0.05);
  ASSERT_NE(opened, nullptr);
  const DisposableSource& source = *opened;
  EXPECT_FALSE(source.Contains("15551234567", "USA", ""));
  file_.Write("range 1555\n");
  // No Reload(): lookups notice the change once the interval has passed.
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = source.Contains("15551234567", "USA", "");
  }
  EXPECT_TRUE(seen);
}

// Readers on several threads while the file flips between two lists and a
// broken version: every answer must come from one of the valid lists (a
// number in both is always found), and nothing may crash or race (run this
// under -DPHONEBULK_SANITIZE=ON too).
TEST_F(DisposableSourceTest, ConcurrentContainsDuringReloads) {
  const std::string list_a = "range 1555\nrange 4470000\n";
  const std::string list_b = "range 1555\noperator USA Example Mobile\n";
  std::unique_ptr<DisposableSource> opened = OpenOnFile(list_a, 0.001);
  ASSERT_NE(opened, nullptr);
  const DisposableSource& source = *opened;

  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::atomic<long> lookups{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        // In both lists: must always be found.
        if (!source.Contains("15551234567", "USA", "")) ++wrong;
        // In neither list.
        if (source.Contains("12025551234", "USA", "Other")) ++wrong;
        source.Contains("447000012345", "GBR", "");
        source.Contains("12025551234", "USA", "Example Mobile");
        lookups.fetch_add(4);
      }
    });
  }
  for (int i = 0; i < 60; ++i) {
    file_.Write(i % 3 == 0 ? list_a : i % 3 == 1 ? list_b : "range bad\n");
    if (i % 2 == 0) source.Reload().IgnoreError();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(lookups.load(), 0);
}

}  // namespace
}  // namespace phonebulk::phone
