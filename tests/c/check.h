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

/*
 * The counting check of the bad-input programs: compares a result with the expected code, counts
 * it, and reports a difference with its line (the program goes on). EXPECT_SUMMARY prints the
 * totals and gives the exit status.
 */
#include <stdio.h>

static int expect_failures __attribute__((unused)), expect_checks __attribute__((unused));

#define EXPECT(expr, expected)                                                          \
    do {                                                                                \
        long long r_ = (long long) (expr), e_ = (long long) (expected);                 \
        expect_checks++;                                                                \
        if (r_ != e_) {                                                                 \
            printf("FAIL line %d: %s = %lld (-0x%llX), expected %lld (-0x%llX)\n", __LINE__, \
                   #expr, r_, r_ < 0 ? -r_ : r_, e_, e_ < 0 ? -e_ : e_);               \
            expect_failures++;                                                          \
        }                                                                               \
    } while (0)

#define EXPECT_SUMMARY()                                                                          \
    (printf("%s: %d of %d checks failed\n", expect_failures ? "FAILED" : "PASSED", expect_failures, \
            expect_checks),                                                                       \
     expect_failures ? 1 : 0)

#endif /* TESTS_C_CHECK_H */
