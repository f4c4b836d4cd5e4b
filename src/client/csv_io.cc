#include "client/csv_io.h"

#include <csv.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace phonebulk::client {
namespace {

constexpr size_t kReadBufferBytes = 1 << 16;
// A field longer than this is almost always an unbalanced quote swallowing
// the rest of the file; refusing it keeps memory bounded.
constexpr size_t kMaxFieldBytes = 1 << 20;

void* CappedRealloc(void* p, size_t n) {
  return n > kMaxFieldBytes + 1024 ? nullptr : std::realloc(p, n);
}

// libcsv trims spaces and tabs around unquoted fields by default; the
// client promises every input column unchanged, so nothing is a space.
int NoSpace(unsigned char) { return 0; }

}  // namespace

absl::Status ReadCsvFile(const std::string& path, char delimiter,
                         const CsvRecordFn& on_record) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
      std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return absl::NotFoundError("cannot open " + path + ": " +
                               std::strerror(errno));
  }
  struct Context {
    const CsvRecordFn* sink;
    std::vector<std::string> fields;  // reused: no allocation per row
    size_t count = 0;
    int64_t index = 0;
    bool stopped = false;
  } ctx{&on_record, {}, 0, 0, false};
  auto on_field = [](void* data, size_t len, void* p) {
    auto* c = static_cast<Context*>(p);
    if (c->count == c->fields.size()) c->fields.emplace_back();
    std::string& f = c->fields[c->count++];
    if (data == nullptr) {
      f.clear();
    } else {
      f.assign(static_cast<const char*>(data), len);
    }
  };
  auto on_end = [](int, void* p) {
    auto* c = static_cast<Context*>(p);
    const size_t n = c->count;
    c->count = 0;
    if (c->stopped) return;
    c->stopped = !(*c->sink)(std::span<const std::string>(c->fields.data(), n),
                             c->index);
    ++c->index;
  };
  csv_parser parser;
  if (csv_init(&parser, 0) != 0) {
    return absl::ResourceExhaustedError("cannot set up the CSV parser");
  }
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  csv_set_space_func(&parser, NoSpace);
  csv_set_realloc_func(&parser, CappedRealloc);
  std::vector<char> buffer(kReadBufferBytes);
  absl::Status status;
  bool first = true;
  while (!ctx.stopped) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n == 0) break;
    std::string_view chunk(buffer.data(), n);
    if (first && chunk.starts_with("\xEF\xBB\xBF")) chunk.remove_prefix(3);
    first = false;
    if (csv_parse(&parser, chunk.data(), chunk.size(), on_field, on_end,
                  &ctx) != chunk.size()) {
      status = absl::InvalidArgumentError(
          "record " + std::to_string(ctx.index) +
          ": malformed CSV (a field longer than 1 MiB: an unbalanced quote?)");
      break;
    }
  }
  if (status.ok() && std::ferror(file.get())) {
    status = absl::UnavailableError("cannot read " + path + ": " +
                                    std::strerror(errno));
  }
  if (status.ok() && !ctx.stopped) {
    csv_fini(&parser, on_field, on_end, &ctx);  // last row may lack "\n"
  }
  csv_free(&parser);
  return status;
}

void AppendCsvField(std::string_view field, char delimiter, std::string* out) {
  bool quote = false;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvFields(std::span<const std::string> fields, char delimiter,
                     std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(delimiter);
    AppendCsvField(fields[i], delimiter, out);
  }
}

}  // namespace phonebulk::client
