# OWNER: extras helper. Defines phonebulk_phone_extras.
# phonebulk_phone_extras: the offline geocoder wrapper, the reloadable
# disposable-number list and the email-to-SMS gateway table. The two data
# files are compiled into the library (cmake/Embed.cmake), so the binary
# never reads the source tree at run time.
set(PHONEBULK_EXTRAS_GEN ${CMAKE_CURRENT_BINARY_DIR}/extras_gen)
phonebulk_embed(${PHONEBULK_EXTRAS_GEN}/email_gateways_tsv.cc
  kEmailGatewaysTsv ${PROJECT_SOURCE_DIR}/data/email_gateways.tsv)
phonebulk_embed(${PHONEBULK_EXTRAS_GEN}/disposable_starter.cc
  kDisposableStarter ${PROJECT_SOURCE_DIR}/data/disposable/starter.txt)

add_library(phonebulk_phone_extras STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/geocoder.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/disposable.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/email_gateways.cc
  ${PHONEBULK_EXTRAS_GEN}/email_gateways_tsv.cc
  ${PHONEBULK_EXTRAS_GEN}/disposable_starter.cc)
# geocoder.cc builds an icu::Locale itself, so ICU is linked directly.
find_package(ICU REQUIRED COMPONENTS uc)
# phonebulk_countries validates the alpha-3 codes in both data files.
target_link_libraries(phonebulk_phone_extras PUBLIC
  phonebulk_common phonebulk_countries absl::status absl::statusor
  absl::synchronization spdlog::spdlog Threads::Threads
  phonenumber geocoding ICU::uc)

if(PHONEBULK_TESTS)
  phonebulk_add_test(phone_extras_test SOURCES extras_test.cc
    LIBS phonebulk_phone_extras)
  # Only this test reads files from the source tree; keeping the path off
  # other targets lets compiler caches share objects between checkouts.
  target_compile_definitions(phone_extras_test PRIVATE
    PHONEBULK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
endif()
