/*
 * The check macro of the C smoke tests: on a false condition, print the line and the condition
 * and jump to the program's `exit` label (which frees everything, Mbed TLS sample style).
 */
#ifndef TESTS_C_CHECK_H
#define TESTS_C_CHECK_H

#include "mbedtls/platform.h"

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            mbedtls_printf("FAILED line %d: %s\n", __LINE__, #cond);         \
            goto exit;                                                       \
        }                                                                    \
    } while (0)

#endif /* TESTS_C_CHECK_H */
