# phonebulk_embed(OUTPUT_CC SYMBOL INPUT_FILE)
# Generates OUTPUT_CC defining
#   namespace phonebulk::embedded { extern const std::string_view SYMBOL; }
# holding INPUT_FILE's text, so the binary never reads data files from the
# source or build tree at run time. Declare the symbol where it is used.
function(phonebulk_embed output symbol input)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output}
            -DSYMBOL=${symbol} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
            ${PROJECT_SOURCE_DIR}/cmake/EmbedLiteral.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
