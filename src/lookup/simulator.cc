#include "lookup/simulator.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstdio>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "lookup/protocol.h"

namespace phonebulk::lookup {
namespace {

struct Network {
  const char* mccmnc;
  const char* name;
};

// Real-looking pairs so demos read naturally; the index is a digit.
constexpr std::array<Network, 10> kNetworks{{
    {"23415", "Vodafone UK"},
    {"23410", "O2 UK"},
    {"23420", "Three UK"},
    {"23430", "EE"},
    {"26201", "Telekom Deutschland"},
    {"26202", "Vodafone Germany"},
    {"20801", "Orange France"},
    {"310260", "T-Mobile US"},
    {"45400", "CSL Hong Kong"},
    {"50501", "Telstra"},
}};

constexpr std::array<LiveStatus, 10> kStatusByLastDigit{{
    LiveStatus::kLive,
    LiveStatus::kLive,
    LiveStatus::kLive,
    LiveStatus::kLive,
    LiveStatus::kLive,
    LiveStatus::kAbsent,
    LiveStatus::kDead,
    LiveStatus::kNoTeleservice,
    LiveStatus::kNoCoverage,
    LiveStatus::kUnknown,
}};

// The digit `from_end` places from the end (0 = last); 0 when too short.
int DigitFromEnd(std::string_view number, size_t from_end) {
  if (number.size() <= from_end) return 0;
  char c = number[number.size() - 1 - from_end];
  return c >= '0' && c <= '9' ? c - '0' : 0;
}

SimulatorReply Reply(unsigned status, std::string body) {
  SimulatorReply res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

SimulatorReply Error(unsigned status, std::string_view message) {
  // Parser messages quote field names: let the writer escape them.
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return Reply(status, std::string(buf.GetString(), buf.GetSize()));
}

// The ways a provider's 200 can be wrong, one per variant.
std::string MalformedBody(int variant,
                          const std::vector<std::string>& numbers) {
  const std::string& first = numbers.front();
  switch (variant % 4) {
    case 0:  // cut off mid-way
      return "{\"results\":[{\"number\":\"" + first + "\",\"stat";
    case 1:  // wrong shape
      return "{\"results\":{\"number\":\"" + first + "\"}}";
    case 2:  // a status outside the protocol
      return "{\"results\":[{\"number\":\"" + first +
             "\",\"status\":\"alive\"}]}";
    default:  // invalid UTF-8 inside a string
      return "{\"results\":[{\"number\":\"" + first +
             "\",\"status\":\"live\",\"operator_name\":\"\xC3\x28\"}]}";
  }
}

}  // namespace

LookupAnswer SimulatedAnswer(std::string_view number) {
  LookupAnswer a;
  a.number = std::string(number);
  a.status = kStatusByLastDigit[DigitFromEnd(number, 0)];
  if (a.status == LiveStatus::kUnknown) return a;  // exercises missing fields
  const int network = DigitFromEnd(number, 2);
  a.mccmnc = kNetworks[network].mccmnc;
  a.operator_name = kNetworks[network].name;
  a.ported = DigitFromEnd(number, 1) % 2 == 1;
  if (*a.ported) {
    a.original_operator_name = kNetworks[(network + 5) % 10].name;
    int sum = 0;
    for (char c : number) sum += c >= '0' && c <= '9' ? c - '0' : 0;
    char date[32];
    std::snprintf(date, sizeof(date), "%04d-%02d-%02dT00:00:00Z",
                  2010 + sum % 15, 1 + sum % 12, 1 + sum % 28);
    a.ported_date = date;
  }
  return a;
}

LookupSimulator::LookupSimulator(SimulatorOptions options)
    : options_(std::move(options)), rng_(options_.seed) {}

LookupSimulator::Fault LookupSimulator::Roll(int* variant) {
  absl::MutexLock lock(&mu_);
  double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  *variant = static_cast<int>(rng_() % 4);
  if (r < options_.error_rate) return Fault::kError;
  r -= options_.error_rate;
  if (r < options_.rate_429) return Fault::k429;
  r -= options_.rate_429;
  if (r < options_.malformed_rate) return Fault::kMalformed;
  return Fault::kNone;
}

SimulatorReply LookupSimulator::Handle(const SimulatorRequest& req) {
  ++requests_;
  if (req.method != "POST") {
    ++rejected_;
    auto res = Error(405, "use POST");
    res.header_name = "Allow";
    res.header_value = "POST";
    return res;
  }
  if (!options_.key.empty()) {
    if (!req.authorization || *req.authorization != "Bearer " + options_.key) {
      ++rejected_;
      auto res = Error(401, "bad or missing key");
      res.header_name = "WWW-Authenticate";
      res.header_value = "Bearer";
      return res;
    }
  }
  if (!req.content_type ||
      !StartsWithIgnoreCase(*req.content_type, "application/json")) {
    ++rejected_;
    return Error(415, "Content-Type must be application/json");
  }
  auto numbers = ParseLookupRequest(req.body, options_.max_numbers);
  if (!numbers.ok()) {
    ++rejected_;
    return Error(400, std::string(numbers.status().message()));
  }

  // Latency first, so that injected failures are as slow as answers: a
  // client's timeouts see the same provider either way.
  if (options_.latency > absl::ZeroDuration()) {
    std::this_thread::sleep_for(absl::ToChronoMicroseconds(options_.latency));
  }
  int variant = 0;
  switch (Roll(&variant)) {
    case Fault::kError:
      ++errors_;
      return Error(503, "injected error");
    case Fault::k429: {
      ++throttled_;
      auto res = Error(429, "injected 429");
      res.header_name = "Retry-After";
      res.header_value = "1";
      return res;
    }
    case Fault::kMalformed:
      ++malformed_;
      return Reply(200, MalformedBody(variant, *numbers));
    case Fault::kNone:
      break;
  }
  // Reversed, so clients cannot rely on the order of the request.
  std::vector<LookupAnswer> answers;
  answers.reserve(numbers->size());
  for (auto it = numbers->rbegin(); it != numbers->rend(); ++it) {
    answers.push_back(SimulatedAnswer(*it));
  }
  ++answered_;
  return Reply(200, EncodeLookupResults(answers));
}

LookupSimulator::Counters LookupSimulator::counters() const {
  Counters c;
  c.requests = requests_.load();
  c.rejected = rejected_.load();
  c.errors = errors_.load();
  c.throttled = throttled_.load();
  c.malformed = malformed_.load();
  c.answered = answered_.load();
  return c;
}

}  // namespace phonebulk::lookup
