#include "batch/result_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace phonebulk::batch {
namespace {

// Short keys keep 10,000-phone batches small on disk.
constexpr char kValidated[] = "v";
constexpr char kFormatted[] = "f";
constexpr char kType[] = "t";
constexpr char kConfidence[] = "c";
constexpr char kValid[] = "ok";
constexpr char kPrefix[] = "cp";
constexpr char kName[] = "cn";
constexpr char kIso[] = "ci";
constexpr char kPorted[] = "pd";
constexpr char kDisposable[] = "dn";
constexpr char kOriginalOperator[] = "oo";
constexpr char kOperator[] = "op";
constexpr char kOriginalNetwork[] = "on";
constexpr char kNetwork[] = "nw";
constexpr char kOriginalNetworkStatus[] = "os";
constexpr char kNetworkStatus[] = "ns";
constexpr char kIsPorted[] = "ip";
constexpr char kEmailSms[] = "es";
constexpr char kEmailMms[] = "em";

void PutString(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key,
               const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string GetString(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

std::string EncodeResult(const phone::PhoneResult& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  PutString(w, kValidated, r.validated_phone_number);
  PutString(w, kFormatted, r.formatted_phone_number);
  w.Key(kType);
  w.String(phone::PhoneTypeName(r.phone_type).data());
  w.Key(kConfidence);
  w.String(phone::ConfidenceName(r.confidence).data());
  w.Key(kValid);
  w.Bool(r.valid);
  PutString(w, kPrefix, r.country_prefix);
  PutString(w, kName, r.country_name);
  PutString(w, kIso, r.country_iso);
  PutString(w, kPorted, r.ported_date);
  PutString(w, kDisposable, r.disposable_number);
  PutString(w, kOriginalOperator, r.original_operator_name);
  PutString(w, kOperator, r.operator_name);
  PutString(w, kOriginalNetwork, r.original_home_network_identity);
  PutString(w, kNetwork, r.home_network_identity);
  PutString(w, kOriginalNetworkStatus, r.original_network_status);
  PutString(w, kNetworkStatus, r.network_status);
  PutString(w, kIsPorted, r.is_ported);
  PutString(w, kEmailSms, r.email_to_sms_address);
  PutString(w, kEmailMms, r.email_to_mms_address);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

absl::StatusOr<phone::PhoneResult> DecodeResult(std::string_view blob) {
  rapidjson::Document doc;
  doc.Parse(blob.data(), blob.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::DataLossError("a stored result is unreadable");
  }
  phone::PhoneResult r;
  r.validated_phone_number = GetString(doc, kValidated);
  r.formatted_phone_number = GetString(doc, kFormatted);
  auto type = phone::PhoneTypeFromName(GetString(doc, kType));
  auto confidence = phone::ConfidenceFromName(GetString(doc, kConfidence));
  if (!type || !confidence) {
    return absl::DataLossError("a stored result has an unknown type");
  }
  r.phone_type = *type;
  r.confidence = *confidence;
  auto valid = doc.FindMember(kValid);
  r.valid = valid != doc.MemberEnd() && valid->value.IsBool() &&
            valid->value.GetBool();
  r.country_prefix = GetString(doc, kPrefix);
  r.country_name = GetString(doc, kName);
  r.country_iso = GetString(doc, kIso);
  r.ported_date = GetString(doc, kPorted);
  r.disposable_number = GetString(doc, kDisposable);
  r.original_operator_name = GetString(doc, kOriginalOperator);
  r.operator_name = GetString(doc, kOperator);
  r.original_home_network_identity = GetString(doc, kOriginalNetwork);
  r.home_network_identity = GetString(doc, kNetwork);
  r.original_network_status = GetString(doc, kOriginalNetworkStatus);
  r.network_status = GetString(doc, kNetworkStatus);
  r.is_ported = GetString(doc, kIsPorted);
  r.email_to_sms_address = GetString(doc, kEmailSms);
  r.email_to_mms_address = GetString(doc, kEmailMms);
  return r;
}

}  // namespace phonebulk::batch
