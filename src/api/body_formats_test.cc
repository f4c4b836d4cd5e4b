#include "api/body_formats.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <msgpack.hpp>
#include <pugixml.hpp>
#include <string>
#include <vector>

namespace phonebulk::api {
namespace {

constexpr std::string_view kBooleans[] = {"flag"};
constexpr std::string_view kIntegers[] = {"days"};
constexpr std::string_view kObjects[] = {"box"};
constexpr std::string_view kLists[] = {"item"};
constexpr XmlShape kShape{kBooleans, kIntegers, kObjects, kLists};

std::string Dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

std::string Xml(std::string_view body) {
  rapidjson::Document doc;
  absl::Status status = XmlToJson(body, "request", kShape, &doc);
  return status.ok() ? Dump(doc) : "error: " + std::string(status.message());
}

TEST(BodyFormatsTest, XmlBecomesTheSameJson) {
  EXPECT_EQ(Xml("<request><number> 0120 </number><flag>true</flag>"
                "<days>7</days><box><item>A</item><item>B</item></box>"
                "</request>"),
            R"({"number":" 0120 ","flag":true,"days":7,)"
            R"("box":{"item":["A","B"]}})");
  EXPECT_EQ(Xml("<?xml version=\"1.0\"?><request xmlns=\"urn:x\"><box/>"
                "<number><![CDATA[1<2]]></number></request>"),
            R"({"box":{},"number":"1<2"})");
  // Text that does not read as its type stays text, for the parser to name.
  EXPECT_EQ(Xml("<request><flag>yes</flag><days>1.5</days></request>"),
            R"({"flag":"yes","days":"1.5"})");
  EXPECT_EQ(Xml("<request/>"), "{}");
}

// A body and a phrase the converter's answer to it must hold.
struct Expected {
  std::string body;
  const char* has;
};

// Runs `convert` on each body; the answer (a refusal's sentence, or the
// JSON) must hold the case's phrase.
void ExpectAnswers(std::string (*convert)(std::string_view),
                   const std::vector<Expected>& cases) {
  for (const Expected& c : cases) {
    std::string got = convert(c.body);
    EXPECT_NE(got.find(c.has), std::string::npos) << c.body << " -> " << got;
  }
}

TEST(BodyFormatsTest, BadXmlIsRefusedWithASentence) {
  const std::vector<Expected> cases = {
      {"", "empty"},
      {"<request><number>1</request>", "not well-formed XML"},
      {"<answer/>", "one <request> element"},
      {"<request/><request/>", "2 root elements"},
      {"<request><number id=\"1\">1</number></request>", "attributes"},
      {"<request><box>x<item>A</item></box></request>", "both text"},
      {"<request><number>\xFF</number></request>", "UTF-8"},
      {std::string("<request><number>1\0</number></request>", 35), "NUL"},
      {"<request>" + std::string(20, 'a') + "</request>", "{}"},
  };
  ExpectAnswers(Xml, cases);
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "<a>";
  for (int i = 0; i < 20; ++i) deep += "</a>";
  EXPECT_NE(Xml("<request>" + deep + "</request>").find("nested too deeply"),
            std::string::npos);
}

std::string Packed(const auto& value) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, value);
  return std::string(buf.data(), buf.size());
}

std::string FromMsgpack(std::string_view body) {
  rapidjson::Document doc;
  absl::Status status = MsgpackToJson(body, &doc);
  return status.ok() ? Dump(doc) : "error: " + std::string(status.message());
}

TEST(BodyFormatsTest, MsgpackBecomesTheSameJson) {
  EXPECT_EQ(FromMsgpack(Packed(std::map<std::string, std::string>{
                {"number", "+441206250380"}})),
            R"({"number":"+441206250380"})");
  EXPECT_EQ(FromMsgpack(Packed(std::map<std::string, int>{{"days", -3}})),
            R"({"days":-3})");
  EXPECT_EQ(FromMsgpack(Packed(std::map<std::string, bool>{{"f", true}})),
            R"({"f":true})");
}

TEST(BodyFormatsTest, BadMsgpackIsRefusedWithASentence) {
  const std::vector<Expected> cases = {
      {"", "empty"},
      {"\x81\xA6number", "ends in the middle"},
      {"\xC1", "not valid MessagePack"},
      {Packed(std::map<int, int>{{1, 2}}), "key is not a string"},
      {"\x81\xA1k\xC4\x01x", "bin or ext"},
      {"\x81\xA1k\xA1\xFF", "UTF-8"},
      {"\x80\x80", "more than one value"},
      {"\xDD\xFF\xFF\xFF\xFF", "far larger"},
  };
  ExpectAnswers(FromMsgpack, cases);
  std::string deep(20, '\x91');
  deep += '\xC0';
  EXPECT_NE(FromMsgpack(deep).find("nested too deeply"), std::string::npos);
}

TEST(BodyFormatsTest, AnswersCarryTheJsonDocument) {
  rapidjson::Document doc;
  doc.Parse(R"({"result":{"number":"a<b\u0001","n":2,"ok":false,)"
            R"("zones":["X","Y"]},"metadata":{"phone_detail":{}}})");
  ASSERT_FALSE(doc.HasParseError());

  pugi::xml_document xml;
  std::string text = JsonToXml(doc, "response");
  ASSERT_TRUE(xml.load_string(text.c_str())) << text;
  pugi::xml_node result = xml.child("response").child("result");
  EXPECT_STREQ(result.child_value("number"), "a<b\xEF\xBF\xBD");
  EXPECT_STREQ(result.child_value("n"), "2");
  EXPECT_STREQ(result.child_value("ok"), "false");
  EXPECT_STREQ(result.child("zones").next_sibling("zones").child_value(), "Y");
  EXPECT_TRUE(xml.child("response").child("metadata").child("phone_detail"));

  std::string packed = JsonToMsgpack(doc);
  rapidjson::Document back;
  ASSERT_TRUE(MsgpackToJson(packed, &back).ok());
  EXPECT_EQ(Dump(back), Dump(doc)) << "MessagePack round-trips the document";
}

TEST(BodyFormatsTest, Negotiation) {
  EXPECT_EQ(BodyFormatOfContentType("application/json; charset=utf-8"),
            BodyFormat::kJson);
  EXPECT_EQ(BodyFormatOfContentType("Application/XML"), BodyFormat::kXml);
  EXPECT_EQ(BodyFormatOfContentType("application/x-msgpack"),
            BodyFormat::kMsgpack);
  EXPECT_EQ(BodyFormatOfContentType("text/plain"), std::nullopt);
  EXPECT_EQ(BodyFormatOfContentType("application/json;charset=\"UTF-8\""),
            BodyFormat::kJson);
  EXPECT_EQ(BodyFormatOfContentType("application/json; charset=latin1"),
            std::nullopt);
  EXPECT_EQ(BodyFormatOfContentType("application/xml; charset=ISO-8859-1"),
            std::nullopt);
  EXPECT_EQ(BodyFormatOfContentType(""), std::nullopt);
  EXPECT_EQ(AnswerFormatFor(""), BodyFormat::kJson);
  EXPECT_EQ(AnswerFormatFor("*/*"), BodyFormat::kJson);
  EXPECT_EQ(AnswerFormatFor("text/html, application/xml;q=0.9"),
            BodyFormat::kXml);
  EXPECT_EQ(AnswerFormatFor("application/x-msgpack"), BodyFormat::kMsgpack);
  EXPECT_EQ(AnswerFormatFor("application/json, application/xml"),
            BodyFormat::kJson);
  EXPECT_EQ(AnswerFormatFor("text/html"), std::nullopt);
}

}  // namespace
}  // namespace phonebulk::api
