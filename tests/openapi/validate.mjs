// Checks an OpenAPI document and real answers of the server against it.
//
//   node validate.mjs DOCUMENT EXCHANGES
//
// DOCUMENT is the OpenAPI 3.1 document as the server serves it
// (GET /openapi.json). EXCHANGES is a JSON array written by
// tests/integration/openapi_test.cc, one object per request made:
//   {"method", "path" (the document's path template, e.g.
//    /phone/bulk/v1/batches/{batch_id}), "status", "content_type",
//    "headers": {lower-case name: value}, "body" (text),
//    "request_content_type", "request_body" (text, may be empty)}
//
// 1. The document must be valid OpenAPI 3.1 (@seriousme/openapi-schema-
//    validator, which checks it against the OpenAPI JSON Schemas).
// 2. Each exchange must be documented: its operation (path + method), its
//    status under that operation's responses (no "default" fallback), and
//    its media type under that response's content. A path the document
//    does not have may only answer 404, and a documented path with an
//    undocumented method only 405; those answers are checked against the
//    document's `x-unrouted-responses`.
// 3. Every header the response declares `required` must be present and
//    match its schema; present declared headers must match too.
// 4. JSON bodies (application/json) are validated with Ajv (JSON Schema
//    2020-12, formats on) against the response's schema; other media types
//    (CSV, text, markdown, XML, MessagePack) are checked for being
//    documented only.
// 5. The JSON body of every request answered 2xx is validated against the
//    operation's request body schema, so the request schemas accept what
//    the server accepts.
//
// Exit 0 when all passes; 1 with one line per failure otherwise. The last
// line of stdout is "validated N responses (J JSON bodies, R request
// bodies)" so the caller can check that the run was not vacuous.

import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [docPath, exchangesPath] = process.argv.slice(2);
if (!docPath || !exchangesPath) {
  console.error("usage: node validate.mjs DOCUMENT EXCHANGES");
  process.exit(2);
}
const doc = JSON.parse(readFileSync(docPath, "utf8"));
const exchanges = JSON.parse(readFileSync(exchangesPath, "utf8"));

const failures = [];
const fail = (what) => failures.push(what);

// 1. The document itself.
const validator = new Validator();
const res = await validator.validate(structuredClone(doc));
if (!res.valid) {
  console.log("the document is not valid OpenAPI " + (validator.version ?? "") + ":");
  console.log(JSON.stringify(res.errors, null, 2));
  process.exit(1);
}
if (!String(doc.openapi).startsWith("3.1.")) {
  console.log(`the document is OpenAPI ${doc.openapi}, not 3.1`);
  process.exit(1);
}

// The whole document is one schema resource, so that "#/components/..."
// references resolve inside it; OpenAPI's own keywords are annotations.
const DOC_ID = "urn:phonebulk:openapi";
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
ajv.addVocabulary([
  "openapi", "info", "servers", "paths", "components", "tags",
  "jsonSchemaDialect", "x-unrouted-responses", "xml", "example",
  "externalDocs", "discriminator", "webhooks",
]);
ajv.addSchema({ ...doc, $id: DOC_ID });

const escape = (s) => s.replaceAll("~", "~0").replaceAll("/", "~1");
const compiled = new Map();
function schemaAt(pointer) {
  if (!compiled.has(pointer)) {
    compiled.set(pointer, ajv.compile({ $ref: `${DOC_ID}#${pointer}` }));
  }
  return compiled.get(pointer);
}
// Follows a {"$ref": "#/..."} in the document (responses, headers, ...);
// returns [object, pointer].
function deref(obj, pointer) {
  while (obj && obj.$ref) {
    pointer = obj.$ref.slice(1);
    obj = pointer.split("/").slice(1).reduce(
      (o, k) => o?.[k.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
  }
  return [obj, pointer];
}
const mediaType = (ct) => (ct ?? "").split(";")[0].trim().toLowerCase();
const explain = (v) =>
  ajv.errorsText(v.errors, { separator: "; ", dataVar: "body" });

function checkHeaders(where, response, pointer, headers) {
  for (const [name, declared] of Object.entries(response.headers ?? {})) {
    const [header, hp] = deref(declared, `${pointer}/headers/${escape(name)}`);
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) fail(`${where}: required header ${name} missing`);
      continue;
    }
    const type = header.schema && deref(header.schema, "")[0]?.type;
    const data = type === "integer" && /^-?\d+$/.test(value) ? Number(value)
               : type === "boolean" ? value === "true" : value;
    const v = schemaAt(`${hp}/schema`);
    if (!v(data)) fail(`${where}: header ${name}: '${value}': ${explain(v)}`);
  }
}

let responses = 0, jsonBodies = 0, requestBodies = 0;
for (const ex of exchanges) {
  const method = ex.method.toLowerCase();
  const status = String(ex.status);
  const where = `${ex.method} ${ex.path} -> ${status}`;
  const item = doc.paths[ex.path];
  let response, pointer, operation;
  if (item && item[method]) {
    operation = item[method];
    const opPointer = `/paths/${escape(ex.path)}/${method}`;
    [response, pointer] = deref(operation.responses[status],
                                `${opPointer}/responses/${status}`);
    if (!response) {
      fail(`${where}: status ${status} is not documented for this operation`);
      continue;
    }
  } else {
    const expected = item ? "405" : "404";
    if (status !== expected) {
      fail(`${where}: ${item ? "an undocumented method" : "an undocumented path"} answered ${status}, not ${expected}`);
      continue;
    }
    [response, pointer] = deref(doc["x-unrouted-responses"]?.[status],
                                `/x-unrouted-responses/${status}`);
    if (!response) {
      fail(`${where}: x-unrouted-responses has no ${status}`);
      continue;
    }
  }
  ++responses;
  checkHeaders(where, response, pointer, ex.headers ?? {});
  const mt = mediaType(ex.content_type);
  const content = response.content ?? {};
  if (!(mt in content)) {
    fail(`${where}: media type '${mt}' is not documented (documented: ${Object.keys(content).join(", ") || "none"})`);
    continue;
  }
  if (mt === "application/json") {
    let body;
    try {
      body = JSON.parse(ex.body);
    } catch (e) {
      fail(`${where}: body is not JSON: ${e.message}`);
      continue;
    }
    const v = schemaAt(`${pointer}/content/${escape(mt)}/schema`);
    if (!v(body)) {
      fail(`${where}: ${explain(v)}\n    body: ${ex.body.slice(0, 600)}`);
    }
    ++jsonBodies;
  }
  // 5. What the server accepted, the request schema must accept.
  if (operation && status.startsWith("2") && ex.request_body &&
      mediaType(ex.request_content_type) === "application/json") {
    const rb = operation.requestBody && deref(operation.requestBody, "")[0];
    if (!rb?.content?.["application/json"]) {
      fail(`${where}: a JSON request body was accepted but none is documented`);
      continue;
    }
    const rbPointer = operation.requestBody.$ref
      ? deref(operation.requestBody, "")[1]
      : `/paths/${escape(ex.path)}/${method}/requestBody`;
    const v = schemaAt(`${rbPointer}/content/application~1json/schema`);
    if (!v(JSON.parse(ex.request_body))) {
      fail(`${where}: accepted request body does not match its schema: ${explain(v)}\n    request: ${ex.request_body.slice(0, 300)}`);
    }
    ++requestBodies;
  }
}

for (const f of failures) console.log("FAIL " + f);
console.log(`validated ${responses} responses (${jsonBodies} JSON bodies, ${requestBodies} request bodies)`);
process.exit(failures.length === 0 ? 0 : 1);
