/*
 * For the C smoke tests that count failed checks and go on (rather than jump to `exit` as
 * check.h's CHECK does), also those built against Debian's Mbed TLS 2.28: nothing here
 * depends on this library. The program returns `failures == 0 ? 0 : 1`.
 */
#ifndef TESTS_C_COUNTED_CHECKS_H
#define TESTS_C_COUNTED_CHECKS_H

#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                      \
            failures++;                                                    \
        }                                                                  \
    } while (0)

/* Reads the file `dir`/`name` and appends a NUL; *len excludes it. NULL when it cannot. */
static inline unsigned char *load_file(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    FILE *f;
    long n;
    unsigned char *buf;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t) n + 1);
    if (buf != NULL && fread(buf, 1, (size_t) n, f) != (size_t) n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        *len = (size_t) n;
    }
    return buf;
}

#endif /* TESTS_C_COUNTED_CHECKS_H */
