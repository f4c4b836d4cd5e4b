#ifndef PHONEBULK_API_CONSOLE_ASSETS_H_
#define PHONEBULK_API_CONSOLE_ASSETS_H_

// The web console's files, built into the binary: web/ bundled by esbuild
// and embedded by cmake/EmbedConsole.cmake, which generates the definition
// of ConsoleAssets(). Immutable data; thread-safe.

#include <span>
#include <string_view>

namespace phonebulk::api {

struct ConsoleAsset {
  // "index.html" for the page (served at /console), otherwise the name
  // under /console/, e.g. "app.0123456789abcdef.js".
  std::string_view name;
  std::string_view content_type;
  // A strong ETag, quotes included: the start of the body's SHA-256.
  std::string_view etag;
  // Named by its content's hash, so its answer may be cached for ever.
  bool immutable;
  std::string_view body;
};

// Every file of the console, the page first.
std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_CONSOLE_ASSETS_H_
