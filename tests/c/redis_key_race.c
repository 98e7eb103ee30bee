/*
 * redis_key_race: servers of a fleet racing to make the ticket key of a new period in Redis
 * (issue 14, mbedtls_compat_ssl_ticket_setup_redis): however many make it at once, all of
 * them end up with the one key Redis keeps.
 *
 * Each round:
 *   1. waits until just after a period of `lifetime` seconds starts (so that the period's key
 *      does not exist yet: nothing else uses key_name);
 *   2. makes a fresh server session: a TLS 1.2 handshake in memory between a client and a
 *      server of this library, the session saved (mbedtls_ssl_session_save) as the server hands
 *      it to its ticket writer;
 *   3. `threads` threads, each with that session loaded (mbedtls_ssl_session_load), wait on a
 *      barrier, then each sets up its own ticket context on Redis and writes a ticket at once:
 *      they race to make the period's key;
 *   4. after a second barrier every thread parses every thread's ticket with its own context.
 * Checked: every ticket is accepted by every context and gives back the session byte for byte,
 * and all tickets of a round carry one key name (the rounds' writes fall in the period).
 *
 * A context whose Redis operation runs out of its time (100 ms, connecting included) uses keys
 * of its own, by design; on a loaded machine (or under valgrind) that can happen without any
 * fault of the key race. Such a round is told apart by time: a write that took 100 ms or more,
 * or a round that ended in the next period. A failed round of that kind is printed as
 * "disturbed" and run again in the next period (at most `retries` times in all); a failed round
 * whose writes were all quicker is a failure.
 *
 * usage: redis_key_race url=URL key_name=NAME crt_file=FILE key_file=FILE
 *                       [threads=16] [rounds=4] [lifetime=2] [retries=3]
 * Prints per round "round R: period P, key name NNNNNNNN, threads: T, tickets accepted by every
 * context: A/T*T, sessions intact: S/T*T, slowest write: W ms" ("round R (disturbed): ..." for a
 * round run again) and the totals of the rounds counted; exits 1 on any failure.
 */
#include "mbedtls/build_info.h"

#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/compat_redis.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64
#define MAX_TICKET 2048
#define MAX_SESSION 4096
/* How far into a period a round starts: the period's key is still to be made. */
#define START_PHASE_NS 50000000L
/* The longest a Redis operation of mbedtls_compat_ssl_ticket_setup_redis waits (compat_redis.h). */
#define REDIS_BUDGET_MS 100

/* One direction of the in-memory connection. */
struct pipe {
    unsigned char buf[32768];
    size_t len;
};

struct end {
    struct pipe *in, *out;
};

struct racer {
    pthread_t thread;
    mbedtls_ssl_ticket_context ticket_ctx;
    mbedtls_ssl_session session;
    unsigned char ticket[MAX_TICKET];
    size_t ticket_len;
    int setup_ret, write_ret, parse_ret;
    int accepted, intact;
    long write_ms;
};

static const char *url, *key_name;
static int threads = 16;
static unsigned lifetime = 2;
static mbedtls_ctr_drbg_context ctr_drbg;
static struct racer racers[MAX_THREADS];
static pthread_barrier_t start_line, written;
/* The round's session, as the server gave it to its ticket writer. */
static unsigned char saved[MAX_SESSION];
static size_t saved_len;

static int pipe_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct pipe *p = ((struct end *) ctx)->out;
    size_t room = sizeof(p->buf) - p->len;

    if (room == 0) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    len = len < room ? len : room;
    memcpy(p->buf + p->len, buf, len);
    p->len += len;
    return (int) len;
}

static int pipe_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct pipe *p = ((struct end *) ctx)->in;

    if (p->len == 0) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    len = len < p->len ? len : p->len;
    memcpy(buf, p->buf, len);
    memmove(p->buf, p->buf + len, p->len - len);
    p->len -= len;
    return (int) len;
}

/* The server's ticket writer: keeps the session it is given, then writes as usual. */
static int capture_ticket_write(void *p_ticket, const mbedtls_ssl_session *session, unsigned char *start,
                                const unsigned char *end, size_t *tlen, uint32_t *ticket_lifetime)
{
    if (mbedtls_ssl_session_save(session, saved, sizeof(saved), &saved_len) != 0) {
        saved_len = 0;
    }
    return mbedtls_ssl_ticket_write(p_ticket, session, start, end, tlen, ticket_lifetime);
}

/* A TLS 1.2 handshake in memory; the server's session ends up in `saved`. */
static int fresh_session(mbedtls_x509_crt *crt, mbedtls_pk_context *key)
{
    int ret, client_done = 0, server_done = 0, steps;
    static struct pipe to_server, to_client;
    struct end client_end = { &to_client, &to_server }, server_end = { &to_server, &to_client };
    mbedtls_ssl_config client_conf, server_conf;
    mbedtls_ssl_context client, server;
    mbedtls_ssl_ticket_context local_tickets;

    mbedtls_ssl_config_init(&client_conf);
    mbedtls_ssl_config_init(&server_conf);
    mbedtls_ssl_init(&client);
    mbedtls_ssl_init(&server);
    mbedtls_ssl_ticket_init(&local_tickets);
    to_server.len = to_client.len = 0;
    saved_len = 0;

    if ((ret = mbedtls_ssl_config_defaults(&client_conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0 ||
        (ret = mbedtls_ssl_config_defaults(&server_conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
        goto exit;
    }
    mbedtls_ssl_conf_rng(&client_conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_rng(&server_conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_authmode(&client_conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_max_tls_version(&client_conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&server_conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_session_tickets(&client_conf, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
    if ((ret = mbedtls_ssl_conf_own_cert(&server_conf, crt, key)) != 0 ||
        (ret = mbedtls_ssl_ticket_setup(&local_tickets, mbedtls_ctr_drbg_random, &ctr_drbg,
                                        MBEDTLS_CIPHER_AES_256_GCM, 3600)) != 0) {
        goto exit;
    }
    mbedtls_ssl_conf_session_tickets_cb(&server_conf, capture_ticket_write, mbedtls_ssl_ticket_parse,
                                        &local_tickets);
    if ((ret = mbedtls_ssl_setup(&client, &client_conf)) != 0 ||
        (ret = mbedtls_ssl_setup(&server, &server_conf)) != 0) {
        goto exit;
    }
    mbedtls_ssl_set_bio(&client, &client_end, pipe_send, pipe_recv, NULL);
    mbedtls_ssl_set_bio(&server, &server_end, pipe_send, pipe_recv, NULL);
    for (steps = 0; steps < 100 && !(client_done && server_done); steps++) {
        if (!client_done && (ret = mbedtls_ssl_handshake(&client)) == 0) {
            client_done = 1;
        } else if (!client_done && ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto exit;
        }
        if (!server_done && (ret = mbedtls_ssl_handshake(&server)) == 0) {
            server_done = 1;
        } else if (!server_done && ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            goto exit;
        }
    }
    ret = client_done && server_done && saved_len > 0 ? 0 : MBEDTLS_ERR_SSL_INTERNAL_ERROR;

exit:
    mbedtls_ssl_free(&client);
    mbedtls_ssl_free(&server);
    mbedtls_ssl_config_free(&client_conf);
    mbedtls_ssl_config_free(&server_conf);
    mbedtls_ssl_ticket_free(&local_tickets);
    return ret;
}

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long) (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void *race(void *arg)
{
    struct racer *r = arg;
    unsigned char copy[MAX_TICKET], back[MAX_SESSION];
    size_t back_len;
    uint32_t ticket_lifetime;
    mbedtls_ssl_session parsed;
    struct timespec start;
    int i, ret;

    pthread_barrier_wait(&start_line);
    clock_gettime(CLOCK_MONOTONIC, &start);
    r->setup_ret = mbedtls_compat_ssl_ticket_setup_redis(&r->ticket_ctx, mbedtls_ctr_drbg_random, &ctr_drbg,
                                                         MBEDTLS_CIPHER_AES_256_GCM, lifetime, url, key_name);
    if (r->setup_ret == 0) {
        r->write_ret = mbedtls_ssl_ticket_write(&r->ticket_ctx, &r->session, r->ticket, r->ticket + sizeof(r->ticket),
                                                &r->ticket_len, &ticket_lifetime);
    }
    r->write_ms = elapsed_ms(&start);
    pthread_barrier_wait(&written);
    if (r->setup_ret != 0) {
        return NULL;
    }
    for (i = 0; i < threads; i++) {
        if (racers[i].setup_ret != 0 || racers[i].write_ret != 0) {
            continue;
        }
        /* mbedtls_ssl_ticket_parse may decrypt in place: each parse gets its own copy. */
        memcpy(copy, racers[i].ticket, racers[i].ticket_len);
        mbedtls_ssl_session_init(&parsed);
        ret = mbedtls_ssl_ticket_parse(&r->ticket_ctx, &parsed, copy, racers[i].ticket_len);
        if (ret == 0) {
            r->accepted++;
            if (mbedtls_ssl_session_save(&parsed, back, sizeof(back), &back_len) == 0 && back_len == saved_len &&
                memcmp(back, saved, saved_len) == 0) {
                r->intact++;
            }
        } else if (r->parse_ret == 0) {
            r->parse_ret = ret;
        }
        mbedtls_ssl_session_free(&parsed);
    }
    return NULL;
}

/* Sleeps until START_PHASE_NS into the next period of `lifetime` seconds (wall clock, as the
 * library counts periods); returns that period. */
static unsigned long long wait_for_next_period(void)
{
    struct timespec now, until;
    unsigned long long period;

    clock_gettime(CLOCK_REALTIME, &now);
    period = (unsigned long long) now.tv_sec / lifetime + 1;
    until.tv_sec = (time_t) (period * lifetime);
    until.tv_nsec = START_PHASE_NS;
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL) != 0) {
    }
    return period;
}

static unsigned long long current_period(void)
{
    return (unsigned long long) time(NULL) / lifetime;
}

static void print_error(const char *what, int ret)
{
    char text[100];

    mbedtls_strerror(ret, text, sizeof(text));
    mbedtls_printf("  ! %s returned -0x%04x: %s\n", what, (unsigned) -ret, text);
}

int main(int argc, char *argv[])
{
    int ret = 1, i, round, rounds = 4, retries = 3, exit_code = MBEDTLS_EXIT_FAILURE, barriers = 0, failed_rounds = 0;
    long total_accepted = 0, total_intact = 0, total_expected = 0;
    const char *crt_file = NULL, *key_file = NULL, *pers = "redis_key_race";
    mbedtls_entropy_context entropy;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;

    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    for (i = 0; i < MAX_THREADS; i++) {
        mbedtls_ssl_ticket_init(&racers[i].ticket_ctx);
        mbedtls_ssl_session_init(&racers[i].session);
    }

    for (i = 1; i < argc; i++) {
        char *p = argv[i], *q = strchr(p, '=');
        if (q == NULL) {
            goto usage;
        }
        *q++ = '\0';
        if (strcmp(p, "url") == 0) {
            url = q;
        } else if (strcmp(p, "key_name") == 0) {
            key_name = q;
        } else if (strcmp(p, "crt_file") == 0) {
            crt_file = q;
        } else if (strcmp(p, "key_file") == 0) {
            key_file = q;
        } else if (strcmp(p, "threads") == 0) {
            threads = atoi(q);
        } else if (strcmp(p, "rounds") == 0) {
            rounds = atoi(q);
        } else if (strcmp(p, "lifetime") == 0) {
            lifetime = (unsigned) atoi(q);
        } else if (strcmp(p, "retries") == 0) {
            retries = atoi(q);
        } else {
            goto usage;
        }
    }
    if (url == NULL || key_name == NULL || crt_file == NULL || key_file == NULL || threads < 2 ||
        threads > MAX_THREADS || rounds < 1 || lifetime < 1 || retries < 0) {
        goto usage;
    }

    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy, (const unsigned char *) pers,
                                     strlen(pers))) != 0) {
        print_error("mbedtls_ctr_drbg_seed", ret);
        goto exit;
    }
    if ((ret = mbedtls_x509_crt_parse_file(&crt, crt_file)) != 0 ||
        (ret = mbedtls_pk_parse_keyfile(&key, key_file, NULL, mbedtls_ctr_drbg_random, &ctr_drbg)) != 0) {
        print_error("loading the server's certificate and key", ret);
        goto exit;
    }
    if (pthread_barrier_init(&start_line, NULL, (unsigned) threads) != 0 ||
        pthread_barrier_init(&written, NULL, (unsigned) threads) != 0) {
        mbedtls_printf("  ! pthread_barrier_init failed\n");
        goto exit;
    }
    barriers = 1;

    for (round = 1; round <= rounds; round++) {
        int accepted = 0, intact = 0, same_name = 1, first_error = 0, passed, disturbed;
        long slowest = 0;
        unsigned long long period = wait_for_next_period(), period_after;

        if ((ret = fresh_session(&crt, &key)) != 0) {
            print_error("the in-memory handshake", ret);
            goto exit;
        }
        for (i = 0; i < threads; i++) {
            struct racer *r = &racers[i];
            mbedtls_ssl_ticket_free(&r->ticket_ctx);
            mbedtls_ssl_ticket_init(&r->ticket_ctx);
            mbedtls_ssl_session_free(&r->session);
            mbedtls_ssl_session_init(&r->session);
            r->ticket_len = 0;
            r->setup_ret = r->write_ret = r->parse_ret = r->accepted = r->intact = 0;
            r->write_ms = 0;
            if ((ret = mbedtls_ssl_session_load(&r->session, saved, saved_len)) != 0) {
                print_error("mbedtls_ssl_session_load", ret);
                goto exit;
            }
        }
        for (i = 0; i < threads; i++) {
            if (pthread_create(&racers[i].thread, NULL, race, &racers[i]) != 0) {
                /* The barriers count on every thread: without all of them nobody gets past. */
                mbedtls_printf("  ! pthread_create failed\n");
                exit(MBEDTLS_EXIT_FAILURE);
            }
        }
        for (i = 0; i < threads; i++) {
            pthread_join(racers[i].thread, NULL);
        }
        period_after = current_period();

        for (i = 0; i < threads; i++) {
            struct racer *r = &racers[i];
            accepted += r->accepted;
            intact += r->intact;
            slowest = r->write_ms > slowest ? r->write_ms : slowest;
            if (first_error == 0) {
                first_error = r->setup_ret != 0 ? r->setup_ret : r->write_ret != 0 ? r->write_ret : r->parse_ret;
            }
            if (r->ticket_len < 4 || memcmp(r->ticket, racers[0].ticket, 4) != 0) {
                same_name = 0;
            }
        }
        passed = accepted == threads * threads && intact == threads * threads && same_name && period_after == period;
        disturbed = !passed && retries > 0 && (slowest >= REDIS_BUDGET_MS || period_after != period);
        mbedtls_printf("round %d%s: period %llu, key name %02x%02x%02x%02x, threads: %d, "
                       "tickets accepted by every context: %d/%d, sessions intact: %d/%d, slowest write: %ld ms\n",
                       round, disturbed ? " (disturbed)" : "", period, racers[0].ticket[0], racers[0].ticket[1],
                       racers[0].ticket[2], racers[0].ticket[3], threads, accepted, threads * threads, intact,
                       threads * threads, slowest);
        if (first_error != 0) {
            print_error("a thread's setup, write or parse", first_error);
        }
        if (!same_name) {
            mbedtls_printf("  ! the tickets of round %d carry different key names\n", round);
        }
        if (period_after != period) {
            mbedtls_printf("  ! round %d ended in period %llu\n", round, period_after);
        }
        if (disturbed) {
            /* Not the race's doing (a write waited out Redis's time, or the round outlasted its
             * period): the round again, in the next period. */
            mbedtls_printf("  ~ round %d was slow (the Redis budget is %d ms): again\n", round, REDIS_BUDGET_MS);
            retries--;
            round--;
            continue;
        }
        failed_rounds += !passed;
        total_accepted += accepted;
        total_intact += intact;
        total_expected += (long) threads * threads;
    }
    mbedtls_printf("redis_key_race: %d rounds, threads: %d, tickets accepted by every context: %ld/%ld, "
                   "sessions intact: %ld/%ld, failed rounds: %d\n",
                   rounds, threads, total_accepted, total_expected, total_intact, total_expected, failed_rounds);
    exit_code = failed_rounds == 0 ? MBEDTLS_EXIT_SUCCESS : MBEDTLS_EXIT_FAILURE;
    goto exit;

usage:
    mbedtls_printf("usage: redis_key_race url=URL key_name=NAME crt_file=FILE key_file=FILE "
                   "[threads=2..%d] [rounds=N] [lifetime=SECONDS] [retries=N]\n",
                   MAX_THREADS);

exit:
    if (barriers) {
        pthread_barrier_destroy(&start_line);
        pthread_barrier_destroy(&written);
    }
    for (i = 0; i < MAX_THREADS; i++) {
        mbedtls_ssl_ticket_free(&racers[i].ticket_ctx);
        mbedtls_ssl_session_free(&racers[i].session);
    }
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&crt);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return exit_code;
}
