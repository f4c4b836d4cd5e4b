# Run by phonebulk_embed (cmake -P). Writes the file as adjacent raw string
# literals of at most 16 KiB each: one huge literal is legal but slow to
# compile and beyond the portable limit.
file(READ ${INPUT} content)
string(LENGTH "${content}" length)
set(out "// Generated from ${INPUT}; do not edit.\n#include <string_view>\n")
string(APPEND out "namespace phonebulk::embedded {\nextern const std::string_view ${SYMBOL};\n")
string(APPEND out "const std::string_view ${SYMBOL} =\n")
set(pos 0)
if(length EQUAL 0)
  string(APPEND out "    \"\"")
endif()
while(pos LESS length)
  string(SUBSTRING "${content}" ${pos} 16384 piece)
  string(APPEND out "    R\"pbembed(${piece})pbembed\"\n")
  math(EXPR pos "${pos} + 16384")
endwhile()
string(APPEND out ";\n}  // namespace phonebulk::embedded\n")
file(WRITE ${OUTPUT} "${out}")
