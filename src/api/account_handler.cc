// GET /v1/account (our extension, docs/console.md): the calling token's
// account as the console shows it. The provider's API has no such call, so
// a client can only see its balance by asking an operator; the console
// needs it to say what a file will cost before it is started.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "api/handlers.h"

namespace phonebulk::api {

HttpResponse HandleGetAccount(RequestScope& scope) {
  // scope.account was read from the store for this request (Authenticate),
  // so the balance is the one every charge and reservation so far left.
  const store::Account& account = *scope.account;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("result");
  w.StartObject();
  w.Key("name");
  w.String(account.name.data(),
           static_cast<rapidjson::SizeType>(account.name.size()));
  w.Key("credits");
  w.Int64(account.credits);
  w.Key("rate_limit_per_minute");
  w.Int(account.rate_limit_per_minute);
  w.Key("products");
  w.StartArray();
  if (scope.token->products & store::kProductPhoneBulk) w.String("phone-bulk");
  if (scope.token->products & store::kProductPhoneValidate) {
    w.String("phone-validate");
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return JsonAnswer(std::string(buf.GetString(), buf.GetSize()));
}

}  // namespace phonebulk::api
