#include "body_format_check.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <pugixml.hpp>
#include <string>

#include "batch/validate_request.h"
#include "phone/countries.h"

namespace phonebulk::fuzz {
namespace {

constexpr std::string_view kBooleans[] = {"get_ported_date",
                                          "get_disposable_number"};
constexpr std::string_view kIntegers[] = {"cache_value_days"};
constexpr std::string_view kObjects[] = {"supplementary_live_status"};
constexpr std::string_view kLists[] = {"mobile", "landline"};
// The shape validate_handler.cc gives the server's XML reader.
constexpr api::XmlShape kShape{kBooleans, kIntegers, kObjects, kLists};

// Messages go into JSON bodies and log lines: printable ASCII plus the
// ellipsis Echo cuts long values with.
bool IsPrintableMessage(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c <= 0x7E) continue;
    if (text.substr(i, 3) == "\xE2\x80\xA6") {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

std::string Dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string CheckRejection(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    return "rejected with " + status.ToString();
  }
  if (status.message().empty()) return "rejected with an empty message";
  const std::string message(status.message());
  if (!IsPrintableMessage(message)) {
    return "message is not printable: " + message;
  }
  return "";
}

// Equal as JSON values. Numbers compare by value: msgpack-cxx packs a double
// with an integral value as an integer, which is the same JSON number.
bool SameValue(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsDouble() || b.IsDouble()) return a.GetDouble() == b.GetDouble();
    return a == b;
  }
  if (a.GetType() != b.GetType()) return false;
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!SameValue(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    // In order: repeated keys must stay repeated, and in place.
    for (auto i = a.MemberBegin(), j = b.MemberBegin(); i != a.MemberEnd();
         ++i, ++j) {
      if (i->name != j->name || !SameValue(i->value, j->value)) return false;
    }
    return true;
  }
  return a == b;
}

// Any document a body became must survive MessagePack both ways.
std::string CheckMsgpackRoundTrip(const rapidjson::Document& doc) {
  rapidjson::Document back;
  absl::Status status = api::MsgpackToJson(api::JsonToMsgpack(doc), &back);
  if (!status.ok()) return "MessagePack of the document does not parse back";
  if (!SameValue(back, doc)) {
    return "MessagePack does not round-trip: " + Dump(doc) + " became " +
           Dump(back);
  }
  return "";
}

// An accepted request's document (its member names are the request's
// fields, so XML names, as JsonToXml requires) must give well-formed XML.
std::string CheckXml(const rapidjson::Document& doc) {
  pugi::xml_document xml;
  std::string text = api::JsonToXml(doc, "response");
  if (!xml.load_buffer(text.data(), text.size())) {
    return "XML of the document is not well-formed";
  }
  return "";
}

}  // namespace

CheckResult CheckValidateBody(api::BodyFormat format, std::string_view body) {
  CheckResult result;
  rapidjson::Document doc;
  absl::Status status = format == api::BodyFormat::kXml
                            ? api::XmlToJson(body, "request", kShape, &doc)
                            : api::MsgpackToJson(body, &doc);
  if (!status.ok()) {
    result.problem = CheckRejection(status);
    return result;
  }
  result.problem = CheckMsgpackRoundTrip(doc);
  if (!result.problem.empty()) return result;
  auto request = batch::ParseValidateRequest(doc, phone::Countries::Default());
  result.accepted = request.ok();
  if (!request.ok()) {
    result.problem = CheckRejection(request.status());
    return result;
  }
  result.problem = CheckXml(doc);
  if (!result.problem.empty()) return result;
  if (request->number.find_first_not_of(" \t\r\n") == std::string::npos) {
    result.problem = "accepted an empty number";
  } else if (request->cache_value_days < 0 ||
             request->cache_value_days > batch::kMaxCacheValueDays) {
    result.problem = "accepted cache_value_days " +
                     std::to_string(request->cache_value_days);
  }
  return result;
}

}  // namespace phonebulk::fuzz
