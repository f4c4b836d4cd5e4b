// The upload preview: delimiter detection, column suggestions and the
// refusals of files that cannot be a job (empty, no header, header not
// UTF-8), over a table of cases each written to a real file.

#include "files/upload_preview.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace phonebulk::files {
namespace {

namespace fs = std::filesystem;

std::string WriteTemp(const std::string& name, const std::string& content) {
  fs::path path =
      fs::temp_directory_path() /
      ("phonebulk-preview-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(DetectDelimiterTest, TableOfHeaders) {
  struct Case {
    std::string header;
    char want;
  } cases[] = {
      {"id,name,phone", ','}, {"id;name;phone", ';'}, {"id\tname\tphone", '\t'},
      {"id|name|phone", '|'}, {"phone", ','},         {"\"a;b\",c,d", ','},
      {"\"a,b,c\";d;e", ';'}, {"a;b,c", ','},  // a tie keeps ','
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DetectDelimiter(c.header), c.want) << c.header;
  }
}

TEST(SuggestTest, ExactNamesWinOverKeywords) {
  EXPECT_EQ(SuggestPhoneColumn({"id", "home phone", "Phone"}), "Phone");
  EXPECT_EQ(SuggestPhoneColumn({"id", "Mobile Phone 2"}), "Mobile Phone 2");
  EXPECT_EQ(SuggestPhoneColumn({"id", "name"}), "");
  EXPECT_EQ(SuggestCountryColumn({"phone", "Country Code"}), "Country Code");
  EXPECT_EQ(SuggestCountryColumn({"phone", "billing_country"}),
            "billing_country");
  EXPECT_EQ(SuggestCountryColumn({"phone"}), "");
}

TEST(ReadUploadPreviewTest, HeaderAndTenRowsWithSuggestions) {
  std::string content = "\xEF\xBB\xBFid;Telefon;phone;country\n";
  for (int i = 0; i < 25; ++i) {
    content += std::to_string(i) + ";x;+44 20 7946 00" +
               std::to_string(10 + i) + ";GB\n";
  }
  absl::StatusOr<UploadPreview> p =
      ReadUploadPreview(WriteTemp("ten.csv", content));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->delimiter, ';');
  EXPECT_EQ(p->columns,
            (std::vector<std::string>{"id", "Telefon", "phone", "country"}));
  ASSERT_EQ(p->rows.size(), 10u);
  EXPECT_EQ(p->rows[0],
            (std::vector<std::string>{"0", "x", "+44 20 7946 0010", "GB"}));
  EXPECT_EQ(p->suggested_phone_column, "phone");
  EXPECT_EQ(p->suggested_country_column, "country");
}

TEST(ReadUploadPreviewTest, NonUtf8DataCellsAreCleanedInThePreview) {
  absl::StatusOr<UploadPreview> p =
      ReadUploadPreview(WriteTemp("latin1.csv", "name,phone\nJos\xE9,1\n"));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->rows.size(), 1u);
  EXPECT_EQ(p->rows[0][0], "Jos\xEF\xBF\xBD");  // U+FFFD
}

TEST(ReadUploadPreviewTest, RefusedFilesSayWhy) {
  struct Case {
    std::string content;
    std::string detail;
  } cases[] = {
      {"", "the file is empty"},
      {"\n\r\n  \n", "the file is empty"},
      {"\xEF\xBB\xBF", "the file is empty"},
      {",,\n1,2,3\n", "not a header row"},
      {"id,t\xE9l\xE9phone\n1,2\n", "header row is not UTF-8 (column 2)"},
      {"id,phone\n1,\"never closed\n", "not readable as CSV"},
  };
  int n = 0;
  for (const Case& c : cases) {
    absl::StatusOr<UploadPreview> p =
        ReadUploadPreview(WriteTemp("bad" + std::to_string(++n), c.content));
    ASSERT_FALSE(p.ok()) << c.content;
    EXPECT_TRUE(absl::IsInvalidArgument(p.status()));
    EXPECT_NE(p.status().message().find(c.detail), std::string::npos)
        << p.status();
  }
}

}  // namespace
}  // namespace phonebulk::files
