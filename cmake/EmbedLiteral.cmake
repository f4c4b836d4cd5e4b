# phonebulk_cxx_literal(CONTENT OUT_VAR): CONTENT as C++ source text, adjacent
# raw string literals of at most 16 KiB each: one huge literal is legal but
# slow to compile and beyond the portable limit. Shared by EmbedScript.cmake
# and EmbedConsole.cmake (cmake -P scripts).
function(phonebulk_cxx_literal content out_var)
  string(FIND "${content}" ")pbembed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "the embedded text contains the literal's delimiter")
  endif()
  string(LENGTH "${content}" length)
  set(out "")
  if(length EQUAL 0)
    set(out "    \"\"\n")
  endif()
  set(pos 0)
  while(pos LESS length)
    string(SUBSTRING "${content}" ${pos} 16384 piece)
    string(APPEND out "    R\"pbembed(${piece})pbembed\"\n")
    math(EXPR pos "${pos} + 16384")
  endwhile()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()
