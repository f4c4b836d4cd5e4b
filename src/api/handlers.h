#ifndef PHONEBULK_API_HANDLERS_H_
#define PHONEBULK_API_HANDLERS_H_

// Private to src/api: one free function per route of the table in api.cc.
// Each runs after the pipeline has matched its route, checked the shared
// headers and, for product routes, authenticated the caller
// (scope.account is set) — so a handler only does its endpoint's work.

#include "api/request_scope.h"

namespace phonebulk::api {

// Operational routes (ops_handler.cc): no token.
HttpResponse HandleHealthz(RequestScope& scope);
HttpResponse HandleReadyz(RequestScope& scope);
HttpResponse HandleMetrics(RequestScope& scope);
HttpResponse HandleErrorDocs(RequestScope& scope);
// GET /openapi.json: docs/openapi.json, built into the binary.
HttpResponse HandleOpenApi(RequestScope& scope);
// GET /console and /console/{file}: the web console (console_handler.cc);
// /console/ redirects to /console.
HttpResponse HandleConsole(RequestScope& scope);

// Bulk Phone v1 (batches_handler.cc); scope.batch_id is a lower-cased UUID
// for the /{id} routes.
HttpResponse HandleCreateBatch(RequestScope& scope);
HttpResponse HandleListBatches(RequestScope& scope);
HttpResponse HandleGetBatch(RequestScope& scope);
HttpResponse HandleStartBatch(RequestScope& scope);
HttpResponse HandleStopBatch(RequestScope& scope);
// GET .../batches/{id}/results, JSON or CSV, whole or paged
// (results_handler.cc).
HttpResponse HandleResults(RequestScope& scope);

// File jobs (files_handler.cc, docs/console.md); scope.batch_id holds the
// job's id for the /{id} routes. 503 when serve runs without file jobs.
HttpResponse HandleUploadFile(RequestScope& scope);
HttpResponse HandleStartFile(RequestScope& scope);
HttpResponse HandleGetFile(RequestScope& scope);
HttpResponse HandleListFiles(RequestScope& scope);
// The result CSV, streamed from disk; 409 until the job is completed.
HttpResponse HandleFileResult(RequestScope& scope);

// GET /v1/account (account_handler.cc): name, credits, rate limit and the
// token's products of the calling token's account.
HttpResponse HandleGetAccount(RequestScope& scope);

// POST /phone/validate/v2 and its alias (validate_handler.cc).
HttpResponse HandleValidate(RequestScope& scope);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_HANDLERS_H_
