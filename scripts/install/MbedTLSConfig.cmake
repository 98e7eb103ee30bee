# The CMake package of rustls-mbedtls-compat, in place of Mbed TLS 3.6's:
#   find_package(MbedTLS 3.6 REQUIRED)
#   target_link_libraries(app MbedTLS::mbedtls)   # or MbedTLS::mbedx509, MbedTLS::mbedcrypto
include("${CMAKE_CURRENT_LIST_DIR}/MbedTLSTargets.cmake")
