#ifndef PHONEBULK_TESTS_INTEGRATION_VALIDITY_ORACLE_H_
#define PHONEBULK_TESTS_INTEGRATION_VALIDITY_ORACLE_H_

// The expected `valid` and `reason` of include=validity, worked out
// independently of phonebulk by the Python port of libphonenumber (Debian's
// python3-phonenumbers 8.12.57, the metadata of libphonenumber8 8.12.57):
// phonenumbers.parse's NumberParseException.error_type, and for a number
// that parses but is not valid is_possible_number_with_reason(). The only
// phonebulk rule the script repeats is how a number without a country is
// read (docs/api.md: a leading "00" becomes '+', a leading digit gets '+').
// The words are the ones docs/results-extensions.md promises.

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace phonebulk::it {

inline constexpr char kValidityOraclePy[] = R"PY(
import json, sys
import phonenumbers as pn
from phonenumbers import NumberParseException as E
PARSE = {E.INVALID_COUNTRY_CODE: "invalid country code",
         E.NOT_A_NUMBER: "not a number",
         E.TOO_SHORT_AFTER_IDD: "too short",
         E.TOO_SHORT_NSN: "too short",
         E.TOO_LONG: "too long"}
VR = pn.ValidationResult
POSSIBLE = {VR.INVALID_COUNTRY_CODE: "invalid country code",
            VR.TOO_SHORT: "too short",
            VR.TOO_LONG: "too long",
            VR.INVALID_LENGTH: "invalid length for the country",
            VR.IS_POSSIBLE_LOCAL_ONLY: "local number only: add the area code",
            VR.IS_POSSIBLE: "no such number range"}
SPACE = " \t\n\r\f\v"
def judge(number, region):
    if number.strip(SPACE) == "":
        return "empty", "no number given"
    if not region:
        number = number.lstrip(SPACE)
        if number.startswith("00"):
            number = "+" + number[2:]
        elif number[:1] in "0123456789" and number[:1] != "":
            number = "+" + number
    try:
        parsed = pn.parse(number, region or None)
    except E as e:
        return "no", PARSE[e.error_type]
    if pn.is_valid_number(parsed):
        return "yes", ""
    return "no", POSSIBLE[pn.is_possible_number_with_reason(parsed)]
out = [judge(number, region) for number, region in json.load(open(sys.argv[1]))]
json.dump(out, sys.stdout)
)PY";

// (valid, reason) for each (number, alpha-2 region or "") of `inputs`, in
// order; empty (and `*error` set) when the script fails. `dir` is a
// scratch directory.
inline std::vector<std::pair<std::string, std::string>> ExpectedValidity(
    const std::string& dir,
    const std::vector<std::pair<std::string, std::string>>& inputs,
    std::string* error) {
  std::vector<std::pair<std::string, std::string>> expected;
  const std::string script = dir + "/validity_oracle.py";
  const std::string input = dir + "/validity_inputs.json";
  std::ofstream(script, std::ios::binary | std::ios::trunc)
      << kValidityOraclePy;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [number, region] : inputs) list.push_back({number, region});
  std::ofstream(input, std::ios::binary | std::ios::trunc) << list.dump();
  FILE* pipe = ::popen(
      ("/usr/bin/python3 " + script + " " + input + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    *error = "cannot run /usr/bin/python3";
    return expected;
  }
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  nlohmann::json answer = nlohmann::json::parse(output, nullptr, false);
  if (status != 0 || !answer.is_array() || answer.size() != inputs.size()) {
    *error = "python3-phonenumbers oracle failed: " + output.substr(0, 2000);
    return expected;
  }
  for (const nlohmann::json& pair : answer) {
    expected.emplace_back(pair[0].get<std::string>(),
                          pair[1].get<std::string>());
  }
  return expected;
}

// Inputs covering every reason (and valid numbers, also one valid for
// another country than its default): (number, alpha-3 for the API, alpha-2
// for libphonenumber). The unit test src/phone/validator_test.cc names the
// libphonenumber verdict behind each.
struct ValidityInput {
  std::string number;
  std::string alpha3;
  std::string alpha2;
};

inline std::vector<ValidityInput> ValidityInputs() {
  return {
      {"+44 1206 250380", "", ""},
      {"+1 202 629 8914", "GBR", "GB"},  // valid, not for the default
      {"2026298914", "USA", "US"},
      {"", "", ""},
      {" \t ", "GBR", "GB"},
      {"not a number", "GBR", "GB"},
      {"abc", "", ""},
      {"+999 1234567", "", ""},
      {"999 1234567", "", ""},
      {"00 1", "GBR", "GB"},
      {"011 1", "USA", "US"},
      {"+44 1", "", ""},
      {"+44 12", "", ""},
      {"+1 202 629 891", "", ""},
      {"+44 123456789012345678", "", ""},
      {"+44 12345678901234", "", ""},
      {"+1 202 629 89145", "", ""},
      {std::string(251, '1'), "", ""},
      {"+61 22222222222", "", ""},
      {"+7 22222222222", "", ""},
      {"+44 1234", "", ""},
      {"2536000", "USA", "US"},
      {"+44 7700 900001", "", ""},
      {"2026298914", "GBR", "GB"},
      {"+1 200 555 0123", "", ""},
  };
}

}  // namespace phonebulk::it

#endif  // PHONEBULK_TESTS_INTEGRATION_VALIDITY_ORACLE_H_
