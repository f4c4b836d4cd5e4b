# OWNER: tables helper. Defines phonebulk_phone_tables.
#
# The operator (carrier) and time-zone prefix tables are generated at build
# time by tools/gen_prefix_tables.py from Debian's python3-phonenumbers (the
# same 8.12.57 data as libphonenumber-dev, whose C++ library ships neither
# table) and mobile-broadband-provider-info, then embedded in the binary: the
# service reads no data file at run time.

# Debian's python3-phonenumbers is importable only by Debian's interpreter;
# a pyenv or venv python3 earlier on PATH would not see it.
find_program(PHONEBULK_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH
             DOC "Python 3 that can import python3-phonenumbers")
if(NOT PHONEBULK_PYTHON3)
  message(FATAL_ERROR
    "phonebulk: /usr/bin/python3 not found; it is needed with the Debian "
    "package python3-phonenumbers to generate the operator and time-zone "
    "tables (apt-get install python3-phonenumbers)")
endif()
string(CONCAT _pb_tables_probe
  "import os, phonenumbers.carrierdata, phonenumbers.tzdata; "
  "print(os.path.dirname(phonenumbers.__file__), end='')")
execute_process(
  COMMAND ${PHONEBULK_PYTHON3} -c "${_pb_tables_probe}"
  RESULT_VARIABLE _pb_tables_rc
  OUTPUT_VARIABLE PHONEBULK_PHONENUMBERS_DIR
  ERROR_QUIET)
if(NOT _pb_tables_rc EQUAL 0 OR
   NOT IS_DIRECTORY "${PHONEBULK_PHONENUMBERS_DIR}")
  message(FATAL_ERROR
    "phonebulk: ${PHONEBULK_PYTHON3} cannot import phonenumbers; install the "
    "Debian package python3-phonenumbers (apt-get install "
    "python3-phonenumbers), or set PHONEBULK_PYTHON3 to an interpreter that "
    "has it")
endif()
set(PHONEBULK_SERVICEPROVIDERS_XML
    /usr/share/mobile-broadband-provider-info/serviceproviders.xml
    CACHE FILEPATH "mobile-broadband-provider-info's serviceproviders.xml")
if(NOT EXISTS ${PHONEBULK_SERVICEPROVIDERS_XML})
  message(FATAL_ERROR
    "phonebulk: ${PHONEBULK_SERVICEPROVIDERS_XML} not found; install the "
    "Debian package mobile-broadband-provider-info")
endif()

set(_pb_tables_dir ${CMAKE_CURRENT_BINARY_DIR}/prefix_tables)
set(_pb_tables_script ${PROJECT_SOURCE_DIR}/tools/gen_prefix_tables.py)
# Regenerate when the script or any input changes (an apt upgrade of either
# package touches these files).
add_custom_command(
  OUTPUT ${_pb_tables_dir}/operators.txt ${_pb_tables_dir}/time_zones.txt
         ${_pb_tables_dir}/match_report.md
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_pb_tables_dir}
  COMMAND ${PHONEBULK_PYTHON3} ${_pb_tables_script}
          --providers ${PHONEBULK_SERVICEPROVIDERS_XML}
          --out-dir ${_pb_tables_dir}
          --report ${_pb_tables_dir}/match_report.md
  DEPENDS ${_pb_tables_script}
          ${PHONEBULK_SERVICEPROVIDERS_XML}
          ${PHONEBULK_PHONENUMBERS_DIR}/__init__.py
          ${PHONEBULK_PHONENUMBERS_DIR}/carrierdata/__init__.py
          ${PHONEBULK_PHONENUMBERS_DIR}/tzdata/__init__.py
  COMMENT "Generating operator and time-zone prefix tables"
  VERBATIM)
phonebulk_embed(${_pb_tables_dir}/operators_embedded.cc kOperatorTable
                ${_pb_tables_dir}/operators.txt)
phonebulk_embed(${_pb_tables_dir}/time_zones_embedded.cc kTimeZoneTable
                ${_pb_tables_dir}/time_zones.txt)

add_library(phonebulk_phone_tables STATIC
  embedded_table.cc operators.cc prefix_index.cc time_zones.cc
  ${_pb_tables_dir}/operators_embedded.cc
  ${_pb_tables_dir}/time_zones_embedded.cc)
target_link_libraries(phonebulk_phone_tables
  PUBLIC phonebulk_common absl::status absl::statusor absl::flat_hash_map)

if(PHONEBULK_TESTS)
  phonebulk_add_test(phone_tables_test
    SOURCES operators_test.cc time_zones_test.cc
    LIBS phonebulk_phone_tables GTest::gmock)
endif()
