// GET /phone/bulk/v1/batches/{id}/results: the contract's JSON answer, and
// our two extensions on it, CSV (Accept: text/csv) and paging
// (?offset=&limit=). Routing and the shared header rules happen in api.cc.

#include "api/results_handler.h"

#include <string>
#include <utility>

#include "api/csv_views.h"
#include "api/handlers.h"
#include "api/json_views.h"
#include "api/query.h"
#include "common/strings.h"

namespace phonebulk::api {

namespace http = boost::beast::http;

absl::StatusOr<std::optional<batch::ResultsPage>> ParsePaging(
    std::string_view target) {
  std::optional<batch::ResultsPage> page;
  for (const QueryParam& param : ParseQuery(target)) {
    const std::string& name = param.name;
    std::string_view value = param.value;
    if (name != "offset" && name != "limit") continue;
    if (!page) page.emplace();
    std::optional<int64_t> n = ParseInt(value);
    std::string shown(value.substr(0, 40));
    if (name == "offset") {
      if (!n) {
        return absl::InvalidArgumentError(
            "query offset: '" + shown +
            "' is not a whole number of phones to skip (0 or more)");
      }
      page->offset = *n;
    } else {
      if (!n || *n < 1 || *n > kMaxResultsLimit) {
        return absl::InvalidArgumentError(
            "query limit: '" + shown +
            "' is not a number of phones from 1 to " +
            std::to_string(kMaxResultsLimit));
      }
      page->limit = *n;
    }
  }
  return page;
}

std::optional<ResultsFormat> ChooseResultsFormat(std::string_view accept) {
  if (TrimAscii(accept).empty()) return ResultsFormat::kJson;
  for (std::string_view range : Split(accept, ',')) {
    std::string_view type = TrimAscii(range.substr(0, range.find(';')));
    if (EqualsIgnoreCase(type, "text/csv")) return ResultsFormat::kCsv;
    if (EqualsIgnoreCase(type, "application/json") ||
        EqualsIgnoreCase(type, "application/*") || type == "*/*") {
      return ResultsFormat::kJson;
    }
  }
  return std::nullopt;
}

namespace {

// The query without offset and limit, so a next link keeps include=.
std::string OtherParams(std::string_view target) {
  size_t query = target.find('?');
  std::string kept;
  if (query == std::string_view::npos) return kept;
  for (std::string_view param : Split(target.substr(query + 1), '&')) {
    std::string_view name = param.substr(0, param.find('='));
    if (param.empty() || name == "offset" || name == "limit") continue;
    kept.append("&").append(param);
  }
  return kept;
}

}  // namespace

HttpResponse HandleResults(RequestScope& scope) {
  std::string_view target = scope.request.target();
  auto extensions = ParseInclude(target);
  if (!extensions.ok()) return StatusAnswer(scope, extensions.status());
  auto paging = ParsePaging(target);
  if (!paging.ok()) return StatusAnswer(scope, paging.status());
  // CheckHeaders already refused an Accept that admits neither type.
  ResultsFormat format = ChooseResultsFormat(scope.request[http::field::accept])
                             .value_or(ResultsFormat::kJson);

  auto results = scope.services.batches.Results(
      scope.account->id, scope.batch_id, *extensions,
      paging->value_or(batch::ResultsPage{}));
  if (!results.ok()) return StatusAnswer(scope, results.status());

  HttpResponse res;
  if (format == ResultsFormat::kCsv) {
    res.result(http::status::ok);
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.body() =
        BatchResultsCsv(*results, scope.add_metadata, extensions->validity);
  } else {
    res =
        JsonAnswer(BatchResultsJson(*results, scope.add_metadata, *extensions));
  }
  // Paging facts travel in headers so the JSON body stays the contract's;
  // without offset/limit the answer is exactly the contract's.
  if (paging->has_value()) {
    const batch::ResultsPage& page = **paging;
    res.set("X-Total-Count", std::to_string(results->total_phones));
    if (page.limit && page.offset + *page.limit < results->total_phones) {
      res.set(http::field::link, "<" + scope.path + "?offset=" +
                                     std::to_string(page.offset + *page.limit) +
                                     "&limit=" + std::to_string(*page.limit) +
                                     OtherParams(target) + ">; rel=\"next\"");
    }
  }
  return res;
}

}  // namespace phonebulk::api
