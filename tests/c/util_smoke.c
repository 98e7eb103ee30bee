/*
 * Smoke test of error.h and the platform layer (platform.h, platform_util.h, platform_time.h),
 * written in the style of the Mbed TLS sample programs.
 *
 * Checks the module prefixes of mbedtls_high_level_strerr / mbedtls_low_level_strerr /
 * mbedtls_strerror for single and combined codes, that unknown parts give NULL, that
 * mbedtls_platform_setup/teardown succeed, that mbedtls_ms_time never goes back and follows a
 * sleep, and that mbedtls_platform_gmtime_r gives the calendar date of known instants.
 * Prints what it measured; ends with "util smoke test passed" (exit 0) or a FAILED line.
 *
 * Build and run from the crate root, after `make lib`:
 *   gcc -Wall -Wextra -Werror -Iinclude tests/c/util_smoke.c target/release/libmbedtls.a \
 *       -lpthread -ldl -lm -o build/tests/util_smoke
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/build_info.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/error.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/base64.h"
#include "check.h"

#if !defined(MBEDTLS_ERROR_C)
#error "MBEDTLS_ERROR_C is not defined"
#endif

static int starts_with(const char *text, const char *prefix)
{
    return text != NULL && strncmp(text, prefix, strlen(prefix)) == 0;
}

int main(void)
{
    int exit_code = MBEDTLS_EXIT_FAILURE;
    mbedtls_platform_context platform;
    char buf[200];
    const char *text;
    mbedtls_ms_time_t t0, t1;
    mbedtls_time_t when;
    struct tm tm_buf;
    int combined = MBEDTLS_ERR_X509_INVALID_FORMAT + MBEDTLS_ERR_BASE64_INVALID_CHARACTER;

    CHECK(mbedtls_platform_setup(&platform) == 0);

    /* error.h: the high-level part, the low-level part, both, and unknown codes. */
    CHECK(starts_with(mbedtls_high_level_strerr(MBEDTLS_ERR_SSL_BAD_INPUT_DATA), "SSL - "));
    CHECK(starts_with(mbedtls_high_level_strerr(-MBEDTLS_ERR_SSL_WANT_READ), "SSL - "));
    CHECK(mbedtls_low_level_strerr(MBEDTLS_ERR_SSL_BAD_INPUT_DATA) == NULL);
    CHECK(starts_with(mbedtls_low_level_strerr(MBEDTLS_ERR_NET_CONNECT_FAILED), "NET - "));
    CHECK(mbedtls_high_level_strerr(MBEDTLS_ERR_NET_CONNECT_FAILED) == NULL);
    CHECK(starts_with(mbedtls_high_level_strerr(combined), "X509 - "));
    CHECK(starts_with(mbedtls_low_level_strerr(combined), "BASE64 - "));
    CHECK(mbedtls_high_level_strerr(0) == NULL);
    CHECK(mbedtls_low_level_strerr(0) == NULL);
    CHECK(mbedtls_high_level_strerr(-0x0F80) == NULL);
    CHECK(mbedtls_low_level_strerr(-0x007F) == NULL);
    CHECK(starts_with(mbedtls_low_level_strerr(MBEDTLS_ERR_ERROR_GENERIC_ERROR), "ERROR - "));
    text = mbedtls_high_level_strerr(MBEDTLS_ERR_X509_INVALID_FORMAT);
    mbedtls_strerror(combined, buf, sizeof(buf));
    mbedtls_printf("strerror(-0x%04X) = %s\n", (unsigned int) -combined, buf);
    CHECK(strncmp(buf, text, strlen(text)) == 0);
    CHECK(strstr(buf, " : BASE64 - ") != NULL);

    /* platform_time.h: a monotonic millisecond clock. */
    t0 = mbedtls_ms_time();
    CHECK(usleep(120 * 1000) == 0);
    t1 = mbedtls_ms_time();
    mbedtls_printf("ms_time advanced %lld ms over a 120 ms sleep\n", (long long) (t1 - t0));
    CHECK(t1 - t0 >= 120 && t1 - t0 < 5000);

    /* platform_util.h: gmtime_r of known instants; NULL arguments give NULL. */
    when = 0;
    CHECK(mbedtls_platform_gmtime_r(&when, &tm_buf) == &tm_buf);
    CHECK(tm_buf.tm_year == 70 && tm_buf.tm_mon == 0 && tm_buf.tm_mday == 1 &&
          tm_buf.tm_hour == 0 && tm_buf.tm_min == 0 && tm_buf.tm_sec == 0);
    when = 1796294399; /* 2026-12-03T10:39:59Z */
    CHECK(mbedtls_platform_gmtime_r(&when, &tm_buf) == &tm_buf);
    mbedtls_printf("gmtime_r(%lld) = %04d-%02d-%02d %02d:%02d:%02d\n", (long long) when,
                   tm_buf.tm_year + 1900, tm_buf.tm_mon + 1, tm_buf.tm_mday,
                   tm_buf.tm_hour, tm_buf.tm_min, tm_buf.tm_sec);
    CHECK(tm_buf.tm_year == 126 && tm_buf.tm_mon == 11 && tm_buf.tm_mday == 3 &&
          tm_buf.tm_hour == 10 && tm_buf.tm_min == 39 && tm_buf.tm_sec == 59);
    CHECK(mbedtls_platform_gmtime_r(NULL, &tm_buf) == NULL);
    CHECK(mbedtls_platform_gmtime_r(&when, NULL) == NULL);

    mbedtls_printf("util smoke test passed\n");
    exit_code = MBEDTLS_EXIT_SUCCESS;

exit:
    mbedtls_platform_teardown(&platform);
    mbedtls_exit(exit_code);
}
