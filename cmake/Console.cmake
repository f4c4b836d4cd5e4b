# phonebulk_console_assets(OUTPUT_CC)
# The web console (web/): esbuild (web/build.mjs) bundles web/src/main.js and its modules
# into one script and web/src/style.css into one style sheet, then
# EmbedConsole.cmake names both by their SHA-256 (so they can be cached
# for ever), writes those names into index.html and generates OUTPUT_CC,
# which defines phonebulk::api::ConsoleAssets() (src/api/console_assets.h).
# esbuild comes from web/node_modules, which scripts/install-deps.sh fills
# with `npm ci` from web/package-lock.json; nothing is fetched at build time.
function(phonebulk_console_assets output)
  set(web ${PROJECT_SOURCE_DIR}/web)
  set(esbuild ${web}/node_modules/esbuild/package.json)
  find_program(PHONEBULK_NODE node)
  if(NOT EXISTS ${esbuild} OR NOT PHONEBULK_NODE)
    message(FATAL_ERROR
      "The web console is built with esbuild from web/node_modules and "
      "Node.js: run scripts/install-deps.sh (it runs `npm ci` in web/).")
  endif()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${web}/src/*)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/console)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${PHONEBULK_NODE} ${web}/build.mjs ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${out} -DHTML=${web}/src/index.html
            -DOUTPUT=${output}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedConsole.cmake
    DEPENDS ${sources} ${web}/build.mjs ${web}/package-lock.json
            ${PROJECT_SOURCE_DIR}/cmake/EmbedConsole.cmake
            ${PROJECT_SOURCE_DIR}/cmake/EmbedLiteral.cmake
    COMMENT "Bundling and embedding the web console"
    VERBATIM)
endfunction()
