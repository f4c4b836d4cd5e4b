# install() rules and the Debian package of the phonebulk binary.
#
#   cmake --build build --target package   # build/phonebulk_X.Y.Z_ARCH.deb
#
# The package holds /usr/bin/phonebulk, the systemd unit
# /lib/systemd/system/phonebulk.service, its environment file
# /etc/phonebulk/phonebulk.env (a conffile) and the documentation in
# /usr/share/doc/phonebulk; its maintainer scripts (packaging/debian/)
# create and, on purge, delete the `phonebulk` user and /var/lib/phonebulk.
# scripts/test-package.sh installs, runs and purges it.
#
# The unit, the environment file and the maintainer scripts name these
# paths themselves: the package is laid out for Debian, whatever
# CMAKE_INSTALL_PREFIX a plain `cmake --install` uses.

set(PHONEBULK_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)

install(TARGETS phonebulk RUNTIME DESTINATION bin)
install(FILES ${PHONEBULK_PACKAGING_DIR}/phonebulk.service
        DESTINATION /lib/systemd/system)
# 0640: it may hold a database password; the postinst gives it to the
# phonebulk group.
install(FILES ${PHONEBULK_PACKAGING_DIR}/phonebulk.env
        DESTINATION /etc/phonebulk
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/phonebulk)
# Debian keeps a package's licence in /usr/share/doc/PACKAGE/copyright.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION share/doc/phonebulk
        RENAME copyright)
file(GLOB PHONEBULK_DOCS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PHONEBULK_DOCS} DESTINATION share/doc/phonebulk)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME phonebulk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "self-hosted bulk phone-number validation service")
set(CPACK_PACKAGE_DESCRIPTION
    "phonebulk validates phone numbers in bulk with libphonenumber's offline
numbering-plan data, behind an HTTP API compatible with Bulk Phone API v1
(batches of up to 10,000 numbers, real-time validation), on SQLite or
PostgreSQL. It runs as the phonebulk.service systemd unit, configured in
/etc/phonebulk/phonebulk.env.")
set(CPACK_PACKAGE_CONTACT "phonebulk maintainers <maintainers@phonebulk.invalid>"
    CACHE STRING "Maintainer field of the .deb")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR})

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # phonebulk_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared-library dependencies come from dpkg-shlibdeps (dpkg-dev); these are
# the rest: the countries file read at run time (src/phone/countries.h) and
# what the maintainer scripts run (useradd: passwd; deb-systemd-helper:
# init-system-helpers; setpriv: util-linux, essential).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "iso-codes, passwd, init-system-helpers")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3, postgresql-client, nginx")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PHONEBULK_PACKAGING_DIR}/debian/conffiles
    ${PHONEBULK_PACKAGING_DIR}/debian/postinst
    ${PHONEBULK_PACKAGING_DIR}/debian/prerm
    ${PHONEBULK_PACKAGING_DIR}/debian/postrm)
# Maintainer scripts 0755 and conffiles 0644 whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
