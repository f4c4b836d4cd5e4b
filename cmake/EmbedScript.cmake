# Run by phonebulk_embed (cmake -P). Writes INPUT's text as the
# std::string_view SYMBOL (cmake/EmbedLiteral.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/EmbedLiteral.cmake)
file(READ ${INPUT} content)
phonebulk_cxx_literal("${content}" literal)
set(out "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n")
string(APPEND out "namespace phonebulk::embedded {\nextern const std::string_view ${SYMBOL};\n")
string(APPEND out "const std::string_view ${SYMBOL} =\n${literal};\n")
string(APPEND out "}  // namespace phonebulk::embedded\n")
file(WRITE ${OUTPUT} "${out}")
