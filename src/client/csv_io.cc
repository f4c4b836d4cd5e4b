#include "client/csv_io.h"

#include <csv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace phonebulk::client {
namespace {

constexpr size_t kReadBufferBytes = 1 << 16;

// libcsv's realloc hook has no context argument: the cap of the read in
// progress on this thread. Refusing to grow makes csv_parse stop with
// CSV_ENOMEM, reported as an over-long field.
thread_local size_t t_max_field_bytes = 0;

void* CappedRealloc(void* p, size_t n) {
  return n > t_max_field_bytes + 1024 ? nullptr : std::realloc(p, n);
}

// Turns libcsv's space trimming off: the client promises every input
// column unchanged.
int NoSpace(unsigned char) { return 0; }

struct Context {
  const CsvRecordVisitor* sink = nullptr;
  std::vector<std::string> fields;  // reused: no allocation per row
  size_t count = 0;
  int64_t index = 0;
  int64_t line = 1;                // the line of the byte being parsed
  int64_t newlines_in_record = 0;  // LFs inside the record's fields so far
  int64_t last_record_line = 0;    // where the last record handed over began
  int64_t last_end_line = 0;       // the line that ended the last record
  bool stopped = false;
};

void OnField(void* data, size_t len, void* p) {
  auto* c = static_cast<Context*>(p);
  if (c->count == c->fields.size()) c->fields.emplace_back();
  std::string& f = c->fields[c->count++];
  if (data == nullptr) {
    f.clear();
    return;
  }
  f.assign(static_cast<const char*>(data), len);
  c->newlines_in_record += std::count(f.begin(), f.end(), '\n');
}

// libcsv ends a record while parsing its terminator (or in csv_fini), so
// the record began as many lines up as its fields hold line breaks.
void OnEnd(int, void* p) {
  auto* c = static_cast<Context*>(p);
  const size_t n = c->count;
  c->count = 0;
  c->last_record_line = c->line - c->newlines_in_record;
  c->last_end_line = c->line;
  c->newlines_in_record = 0;
  if (c->stopped) return;
  CsvRecord record{std::span<const std::string>(c->fields.data(), n), c->index,
                   c->last_record_line};
  c->stopped = !(*c->sink)(record);
  ++c->index;
}

// Feeds `chunk` to libcsv one line at a time, so that Context::line is the
// line of every byte being parsed. False when libcsv stops (field cap).
bool ParseByLine(csv_parser* parser, std::string_view chunk, Context* ctx) {
  while (!chunk.empty()) {
    const size_t nl = chunk.find('\n');
    const size_t len = nl == std::string_view::npos ? chunk.size() : nl + 1;
    if (csv_parse(parser, chunk.data(), len, OnField, OnEnd, ctx) != len) {
      return false;
    }
    if (nl != std::string_view::npos) ++ctx->line;
    chunk.remove_prefix(len);
  }
  return true;
}

// At the end of the input: an unterminated quoted field is an error (libcsv
// would hand it over as if closed, swallowing every later row into one
// cell); anything else pending is the last row lacking its "\n".
absl::Status Finish(csv_parser* parser, Context* ctx) {
  const int options = csv_get_opts(parser);
  csv_set_opts(parser, static_cast<unsigned char>(options | CSV_STRICT |
                                                  CSV_STRICT_FINI));
  if (csv_fini(parser, OnField, OnEnd, ctx) == 0) return absl::OkStatus();
  // Hand the swallowed text to nobody, just to learn where it began.
  csv_set_opts(parser, static_cast<unsigned char>(options));
  ctx->stopped = true;
  csv_fini(parser, OnField, OnEnd, ctx);
  return absl::InvalidArgumentError(
      "line " + std::to_string(ctx->last_record_line) +
      ": a quoted field is never closed (unterminated quote); the rows "
      "after it would have been read as one cell");
}

}  // namespace

absl::Status ReadCsv(std::FILE* file, const CsvReadOptions& options,
                     const CsvRecordVisitor& on_record) {
  Context ctx;
  ctx.sink = &on_record;
  csv_parser parser;
  if (csv_init(&parser, 0) != 0) {
    return absl::ResourceExhaustedError("cannot set up the CSV parser");
  }
  csv_set_delim(&parser, static_cast<unsigned char>(options.delimiter));
  if (!options.trim_spaces) csv_set_space_func(&parser, NoSpace);
  t_max_field_bytes = options.max_field_bytes;
  csv_set_realloc_func(&parser, CappedRealloc);
  std::vector<char> buffer(kReadBufferBytes);
  absl::Status status;
  bool first = true;
  while (!ctx.stopped) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), file);
    if (n == 0) break;
    std::string_view chunk(buffer.data(), n);
    // A UTF-8 byte order mark (Excel writes one) is not part of the header.
    if (first && chunk.starts_with("\xEF\xBB\xBF")) chunk.remove_prefix(3);
    first = false;
    if (!ParseByLine(&parser, chunk, &ctx)) {
      status = absl::InvalidArgumentError(
          "line " + std::to_string(ctx.last_end_line + 1) +
          ": a field is longer than " +
          std::to_string(options.max_field_bytes) +
          " bytes (an unbalanced quote?)");
      break;
    }
  }
  if (status.ok() && std::ferror(file)) {
    status = absl::UnavailableError(std::string("cannot read the file: ") +
                                    std::strerror(errno));
  }
  if (status.ok() && !ctx.stopped) status = Finish(&parser, &ctx);
  csv_free(&parser);
  return status;
}

absl::Status ReadCsvFile(const std::string& path, const CsvReadOptions& options,
                         const CsvRecordVisitor& on_record) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return absl::NotFoundError("cannot open " + path + ": " +
                               std::strerror(errno));
  }
  return ReadCsv(file.get(), options, on_record);
}

absl::Status ReadCsvFile(const std::string& path, char delimiter,
                         const CsvRecordFn& on_record) {
  CsvReadOptions options;
  options.delimiter = delimiter;
  return ReadCsvFile(path, options, [&](const CsvRecord& r) {
    return on_record(r.fields, r.index);
  });
}

void AppendCsvFields(std::span<const std::string> fields, char delimiter,
                     std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(delimiter);
    AppendCsvField(fields[i], delimiter, out);
  }
}

}  // namespace phonebulk::client
