/*
 * Transport faults, call by call: a client and a server of this library talk over a loopback
 * TCP connection (one process, the server in a thread), each through BIO callbacks that wrap
 * mbedtls_net_send / mbedtls_net_recv_timeout and can inject one fault on the k-th transport
 * call of the side under test.
 *
 * Phases (each measured first by a run without fault, then one run per side, fault kind and
 * k = 1 .. the number of calls that side made):
 *   full-1.2, full-1.3    a full handshake and one exchange of application data
 *   resume-1.2            an abbreviated handshake (session ID resumption from the server's
 *                         mbedtls_ssl_cache_context) and one exchange
 *   resume-1.3            a TLS 1.3 resumption with a ticket (mbedtls_ssl_ticket_context) and
 *                         one exchange
 *   reneg-full            after a handshake: mbedtls_ssl_renegotiate (client) and one exchange
 *   reneg-abbr            the same with mbedtls_compat_ssl_renegotiate_abbreviated and a
 *                         server configured with mbedtls_compat_ssl_conf_renegotiation_resumption
 *   close-1.2, close-1.3  after a handshake: close_notify both ways
 * Fault kinds:
 *   error   the call returns MBEDTLS_ERR_NET_SEND_FAILED / _RECV_FAILED
 *   short   send takes half of what it is given, recv reads one byte (retried by the library)
 *   want    the call returns MBEDTLS_ERR_SSL_WANT_WRITE / _WANT_READ once (the program retries)
 *   eof     recv returns 0; send returns MBEDTLS_ERR_NET_CONN_RESET (the peer is gone)
 *   reset   the socket is closed with SO_LINGER 0 (the peer sees a TCP reset), the call and
 *           every later one return MBEDTLS_ERR_NET_CONN_RESET
 * and "reset-ccs": the side under test sends its ChangeCipherSpec record, then resets the
 * connection before its Finished (every phase with a ChangeCipherSpec).
 *
 * Checked for every run: "short" and "want" runs complete (handshake, exchange, close as without
 * fault); every other run ends on the side under test with the injected code (error: the code
 * itself; eof: MBEDTLS_ERR_SSL_CONN_EOF, or 0 from mbedtls_ssl_read; reset: CONN_RESET) and on
 * the other side with 0 from mbedtls_ssl_read, MBEDTLS_ERR_SSL_CONN_EOF or _NET_CONN_RESET
 * (or it had already finished its part); no wait reaches the socket timeout; the server's cache
 * is unchanged (byte for byte, mbedtls_compat_ssl_cache_save) by every run whose server
 * handshake did not complete, and by every resumption run.
 *
 * usage: fault_bio CERT_DIR [phases=name,name...] [sides=client,server] [kinds=k,k...]
 *                           [every=N] [verbose=1]
 * (every=N tests k = 1, 1+N, 1+2N ... and the last call only: the valgrind subset.)
 * Prints a summary per phase and "fault_bio: R runs, F failures"; exits 1 on any failure.
 */
#include "mbedtls/build_info.h"
#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Every wait on the socket is bounded: a run that reaches it has hung. */
#define SOCKET_TIMEOUT_S 20
/* Marks "mbedtls_ssl_read returned 0" (end of file without close_notify) among error codes. */
#define READ_EOF 1
#define MAX_CODES 16

enum kind { K_NONE, K_ERROR, K_SHORT, K_WANT, K_EOF, K_RESET, K_RESET_CCS, K_COUNT };
static const char *kind_names[K_COUNT] = { "none", "error", "short", "want", "eof", "reset", "reset-ccs" };

enum op { OP_HANDSHAKE, OP_RESUME, OP_RENEG_FULL, OP_RENEG_ABBR, OP_CLOSE };

struct phase {
    const char *name;
    mbedtls_ssl_protocol_version version;
    enum op op;
};

static const struct phase phases[] = {
    { "full-1.2", MBEDTLS_SSL_VERSION_TLS1_2, OP_HANDSHAKE },
    { "full-1.3", MBEDTLS_SSL_VERSION_TLS1_3, OP_HANDSHAKE },
    { "resume-1.2", MBEDTLS_SSL_VERSION_TLS1_2, OP_RESUME },
    { "resume-1.3", MBEDTLS_SSL_VERSION_TLS1_3, OP_RESUME },
    { "reneg-full", MBEDTLS_SSL_VERSION_TLS1_2, OP_RENEG_FULL },
    { "reneg-abbr", MBEDTLS_SSL_VERSION_TLS1_2, OP_RENEG_ABBR },
    { "close-1.2", MBEDTLS_SSL_VERSION_TLS1_2, OP_CLOSE },
    { "close-1.3", MBEDTLS_SSL_VERSION_TLS1_3, OP_CLOSE },
};
#define NUM_PHASES (int) (sizeof(phases) / sizeof(phases[0]))

/* Follows the records going out, to find where a ChangeCipherSpec record ends. */
struct records {
    unsigned char header[5];
    size_t have;
    size_t left;
};

/* The transport of one side. */
struct bio {
    mbedtls_net_context net;
    int armed;      /* the phase under test has started: calls are counted */
    int calls;      /* transport calls since then */
    int under_test; /* this side gets the fault */
    enum kind kind;
    int k;
    int fired;
    int fired_on_send;
    int was_reset;
    struct records out;
};

/* One side of one run. */
struct side {
    int is_client;
    const struct phase *phase;
    mbedtls_ssl_config *conf;
    mbedtls_ssl_session *offer;
    mbedtls_ssl_context ssl;
    struct bio bio;
    int result;     /* 0: its part completed; otherwise the code it ended with */
    const char *step;
    int handshake_done;
    int resumed;
    uint32_t reneg_full, reneg_abbr;
    int setup_failed;
    pthread_barrier_t *phase_start; /* both sides are past what comes before the phase */
    unsigned char saved[4096];      /* client, resumption phase: the session to offer later */
    size_t saved_len;
};

struct tally {
    int runs, completed, after_retry, errors, peer_done, not_reached, failures;
    int codes[MAX_CODES], code_counts[MAX_CODES];
};

static int verbose;
static int total_runs, total_failures;

/* ---- the BIO ---------------------------------------------------------------------------- */

/* Feeds n outgoing bytes to the record tracker; returns the offset just past the end of the
 * first ChangeCipherSpec record that ends within them (0: none). */
static size_t track(struct records *t, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (t->have < 5) {
            t->header[t->have++] = p[i++];
            if (t->have == 5) {
                t->left = ((size_t) t->header[3] << 8) | t->header[4];
            }
        } else {
            size_t take = t->left < n - i ? t->left : n - i;
            i += take;
            t->left -= take;
        }
        if (t->have == 5 && t->left == 0) {
            t->have = 0;
            if (t->header[0] == MBEDTLS_SSL_MSG_CHANGE_CIPHER_SPEC) {
                return i;
            }
        }
    }
    return 0;
}

/* Closes the socket so that the peer sees a TCP reset. */
static void reset_socket(struct bio *b)
{
    struct linger lg = { 1, 0 };
    setsockopt(b->net.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(b->net.fd);
    b->net.fd = -1;
    b->was_reset = 1;
}

/* Counts the call; returns the fault to inject now (K_NONE: none). */
static enum kind fault_now(struct bio *b, int is_send)
{
    if (!b->armed) {
        return K_NONE;
    }
    b->calls++;
    if (b->under_test && !b->fired && b->kind != K_RESET_CCS && b->calls == b->k) {
        b->fired = 1;
        b->fired_on_send = is_send;
        return b->kind;
    }
    return K_NONE;
}

static int send_all(mbedtls_net_context *net, const unsigned char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        int n = mbedtls_net_send(net, buf + done, len - done);
        if (n <= 0) {
            return n < 0 ? n : MBEDTLS_ERR_NET_SEND_FAILED;
        }
        done += (size_t) n;
    }
    return 0;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct bio *b = ctx;
    int n;

    if (b->was_reset) {
        return MBEDTLS_ERR_NET_CONN_RESET;
    }
    switch (fault_now(b, 1)) {
        case K_ERROR:
            return MBEDTLS_ERR_NET_SEND_FAILED;
        case K_WANT:
            return MBEDTLS_ERR_SSL_WANT_WRITE;
        case K_EOF:
            return MBEDTLS_ERR_NET_CONN_RESET;
        case K_RESET:
            reset_socket(b);
            return MBEDTLS_ERR_NET_CONN_RESET;
        case K_SHORT:
            len = len > 1 ? len / 2 : len;
            break;
        default:
            break;
    }
    if (b->armed && b->under_test && !b->fired && b->kind == K_RESET_CCS) {
        struct records copy = b->out;
        size_t cut = track(&copy, buf, len);
        if (cut > 0) {
            int ret = send_all(&b->net, buf, cut);
            b->fired = 1;
            b->fired_on_send = 1;
            if (ret != 0) {
                return ret;
            }
            track(&b->out, buf, cut);
            reset_socket(b);
            return (int) cut;
        }
    }
    n = mbedtls_net_send(&b->net, buf, len);
    if (n > 0) {
        track(&b->out, buf, (size_t) n);
    }
    return n;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct bio *b = ctx;

    if (b->was_reset) {
        return MBEDTLS_ERR_NET_CONN_RESET;
    }
    switch (fault_now(b, 0)) {
        case K_ERROR:
            return MBEDTLS_ERR_NET_RECV_FAILED;
        case K_WANT:
            return MBEDTLS_ERR_SSL_WANT_READ;
        case K_EOF:
            return 0;
        case K_RESET:
            reset_socket(b);
            return MBEDTLS_ERR_NET_CONN_RESET;
        case K_SHORT:
            len = len > 1 ? 1 : len;
            break;
        default:
            break;
    }
    /* MBEDTLS_ERR_SSL_TIMEOUT after SOCKET_TIMEOUT_S: a hang. */
    return mbedtls_net_recv_timeout(&b->net, buf, len, SOCKET_TIMEOUT_S * 1000);
}

/* ---- one side's part -------------------------------------------------------------------- */

static int is_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

static int do_handshake(struct side *s)
{
    int ret;
    while (is_want(ret = mbedtls_ssl_handshake(&s->ssl))) {
    }
    return ret;
}

static int do_write(struct side *s, const char *text)
{
    size_t len = strlen(text);
    int ret;
    while (is_want(ret = mbedtls_ssl_write(&s->ssl, (const unsigned char *) text, len))) {
    }
    if (ret >= 0 && (size_t) ret != len) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    return ret < 0 ? ret : 0;
}

/* Reads `text` exactly (one record carries it). 0 from mbedtls_ssl_read gives READ_EOF. */
static int do_read(struct side *s, const char *text)
{
    unsigned char buf[64];
    int ret;
    while (is_want(ret = mbedtls_ssl_read(&s->ssl, buf, sizeof(buf)))) {
    }
    if (ret == 0) {
        return READ_EOF;
    }
    if (ret < 0) {
        return ret;
    }
    if ((size_t) ret != strlen(text) || memcmp(buf, text, (size_t) ret) != 0) {
        return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    return 0;
}

/* The client says `ping`, the server answers `pong`. */
static int exchange(struct side *s, const char *ping, const char *pong)
{
    int ret;
    if (s->is_client) {
        s->step = "write";
        if ((ret = do_write(s, ping)) != 0) {
            return ret;
        }
        s->step = "read";
        return do_read(s, pong);
    }
    s->step = "read";
    if ((ret = do_read(s, ping)) != 0) {
        return ret;
    }
    s->step = "write";
    return do_write(s, pong);
}

/* close_notify: the client closes, the server reads it and closes too, the client reads that. */
static int close_both_ways(struct side *s)
{
    unsigned char buf[16];
    int ret;
    if (s->is_client) {
        s->step = "close_notify";
        while (is_want(ret = mbedtls_ssl_close_notify(&s->ssl))) {
        }
        if (ret != 0) {
            return ret;
        }
    }
    s->step = "read close_notify";
    while (is_want(ret = mbedtls_ssl_read(&s->ssl, buf, sizeof(buf)))) {
    }
    if (ret == 0) {
        return READ_EOF;
    }
    if (ret != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
        return ret < 0 ? ret : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    if (!s->is_client) {
        s->step = "close_notify";
        while (is_want(ret = mbedtls_ssl_close_notify(&s->ssl))) {
        }
        return ret;
    }
    return 0;
}

static int renegotiate(struct side *s)
{
    int ret;
    if (!s->is_client) {
        return 0; /* the server's part runs inside mbedtls_ssl_read */
    }
    s->step = "renegotiate";
    do {
        ret = s->phase->op == OP_RENEG_ABBR ? mbedtls_compat_ssl_renegotiate_abbreviated(&s->ssl)
                                            : mbedtls_ssl_renegotiate(&s->ssl);
    } while (is_want(ret));
    return ret;
}

static int side_script(struct side *s)
{
    int ret;
    const struct phase *p = s->phase;

    mbedtls_ssl_set_bio(&s->ssl, &s->bio, bio_send, bio_recv, NULL);
    if (p->op == OP_RENEG_FULL || p->op == OP_RENEG_ABBR || p->op == OP_CLOSE) {
        /* Before the phase under test: a handshake and an exchange without faults. */
        if ((ret = do_handshake(s)) != 0 || (ret = exchange(s, "ping0", "pong0")) != 0) {
            s->setup_failed = 1;
            s->step = "before the phase";
            pthread_barrier_wait(s->phase_start);
            return ret;
        }
        s->handshake_done = 1;
    }
    pthread_barrier_wait(s->phase_start);
    s->bio.armed = 1;
    if (p->op == OP_HANDSHAKE || p->op == OP_RESUME) {
        s->step = "handshake";
        if ((ret = do_handshake(s)) != 0) {
            return ret;
        }
        s->handshake_done = 1;
        s->resumed = mbedtls_compat_ssl_session_resumed(&s->ssl);
        return exchange(s, "ping", "pong");
    }
    if (p->op == OP_CLOSE) {
        return close_both_ways(s);
    }
    if ((ret = renegotiate(s)) != 0) {
        return ret;
    }
    ret = exchange(s, "ping", "pong");
    if (ret == 0) {
        mbedtls_compat_ssl_get_renegotiations(&s->ssl, &s->reneg_full, &s->reneg_abbr);
    }
    return ret;
}

static void *side_thread(void *arg)
{
    struct side *s = arg;
    int ret;

    s->step = "setup";
    if ((ret = mbedtls_ssl_setup(&s->ssl, s->conf)) != 0 ||
        (s->is_client && (ret = mbedtls_ssl_set_hostname(&s->ssl, "localhost")) != 0) ||
        (s->offer != NULL && (ret = mbedtls_ssl_set_session(&s->ssl, s->offer)) != 0)) {
        s->setup_failed = 1;
        s->result = ret;
        pthread_barrier_wait(s->phase_start);
        return NULL;
    }
    s->result = side_script(s);
    if (s->result == 0 && s->is_client && s->phase->op == OP_RESUME && s->offer == NULL) {
        mbedtls_ssl_session session;
        mbedtls_ssl_session_init(&session);
        if (mbedtls_ssl_get_session(&s->ssl, &session) != 0 ||
            mbedtls_ssl_session_save(&session, s->saved, sizeof(s->saved), &s->saved_len) != 0) {
            s->saved_len = 0;
        }
        mbedtls_ssl_session_free(&session);
    }
    if (s->result != 0) {
        /* As a program that gives up on a connection: the peer sees end of file. */
        mbedtls_net_free(&s->bio.net);
    }
    return NULL;
}

/* ---- runs ------------------------------------------------------------------------------- */

static int listen_fd = -1;
static struct sockaddr_in listen_addr;

static void set_timeouts(int fd)
{
    struct timeval tv = { SOCKET_TIMEOUT_S, 0 };
    int one = 1;
    /* Without Nagle's algorithm: a flight written in several sends is not held back for
     * delayed ACKs (40 ms each), which would only make the runs slow. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int connect_pair(int *client_fd, int *server_fd)
{
    *client_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*client_fd < 0) {
        return -1;
    }
    if (connect(*client_fd, (struct sockaddr *) &listen_addr, sizeof(listen_addr)) != 0 ||
        (*server_fd = accept(listen_fd, NULL, NULL)) < 0) {
        close(*client_fd);
        return -1;
    }
    set_timeouts(*client_fd);
    set_timeouts(*server_fd);
    return 0;
}

/* The cache's entries as bytes (malloc'ed, *len set); NULL when it cannot. */
static unsigned char *cache_bytes(mbedtls_ssl_cache_context *cache, size_t *len)
{
    unsigned char *buf;
    size_t need = 0;
    if (mbedtls_compat_ssl_cache_save(cache, NULL, 0, &need) != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL && need != 0) {
        return NULL;
    }
    buf = malloc(need + 1);
    if (buf != NULL && mbedtls_compat_ssl_cache_save(cache, buf, need + 1, len) != 0) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

struct phase_state {
    const struct phase *phase;
    mbedtls_ssl_config *client_conf, *server_conf;
    mbedtls_ssl_cache_context *cache;
    mbedtls_ssl_session *offer;
};

/* One connection: both sides, the fault (if any) on the side `under_test`. Fills `sides`.
 * Returns 0, or -1 when the connection could not be made. */
static int one_run(const struct phase_state *ps, int under_test, enum kind kind, int k, struct side sides[2])
{
    pthread_t server_thread;
    pthread_barrier_t phase_start;
    int fds[2], i;

    if (connect_pair(&fds[0], &fds[1]) != 0) {
        return -1;
    }
    pthread_barrier_init(&phase_start, NULL, 2);
    for (i = 0; i < 2; i++) {
        struct side *s = &sides[i];
        memset(s, 0, sizeof(*s));
        s->is_client = i == 0;
        s->phase = ps->phase;
        s->conf = i == 0 ? ps->client_conf : ps->server_conf;
        s->offer = i == 0 ? ps->offer : NULL;
        mbedtls_ssl_init(&s->ssl);
        mbedtls_net_init(&s->bio.net);
        s->bio.net.fd = fds[i];
        s->bio.under_test = i == under_test && kind != K_NONE;
        s->bio.kind = kind;
        s->bio.k = k;
        s->phase_start = &phase_start;
    }
    if (pthread_create(&server_thread, NULL, side_thread, &sides[1]) != 0) {
        pthread_barrier_destroy(&phase_start);
        for (i = 0; i < 2; i++) {
            mbedtls_net_free(&sides[i].bio.net);
            mbedtls_ssl_free(&sides[i].ssl);
        }
        return -1;
    }
    side_thread(&sides[0]);
    pthread_join(server_thread, NULL);
    pthread_barrier_destroy(&phase_start);
    for (i = 0; i < 2; i++) {
        mbedtls_net_free(&sides[i].bio.net);
        mbedtls_ssl_free(&sides[i].ssl);
    }
    return 0;
}

static const char *code_text(int code, char *buf, size_t len)
{
    if (code == READ_EOF) {
        snprintf(buf, len, "read 0 (EOF)");
    } else {
        snprintf(buf, len, "-0x%04X", (unsigned) -code);
    }
    return buf;
}

static void count_code(struct tally *t, int code)
{
    int i;
    for (i = 0; i < MAX_CODES && t->code_counts[i] != 0; i++) {
        if (t->codes[i] == code) {
            t->code_counts[i]++;
            return;
        }
    }
    if (i < MAX_CODES) {
        t->codes[i] = code;
        t->code_counts[i] = 1;
    }
}

/* What the side under test may end with after fault `kind` on a send (or a recv). */
static int expected_own(enum kind kind, int was_send, int code)
{
    switch (kind) {
        case K_ERROR:
            return code == (was_send ? MBEDTLS_ERR_NET_SEND_FAILED : MBEDTLS_ERR_NET_RECV_FAILED);
        case K_EOF:
            return was_send ? code == MBEDTLS_ERR_NET_CONN_RESET : (code == MBEDTLS_ERR_SSL_CONN_EOF || code == READ_EOF);
        case K_RESET:
        case K_RESET_CCS:
            return code == MBEDTLS_ERR_NET_CONN_RESET;
        default:
            return code == 0;
    }
}

/* What the other side may end with when its peer failed. */
static int expected_peer(int code)
{
    return code == 0 || code == READ_EOF || code == MBEDTLS_ERR_SSL_CONN_EOF || code == MBEDTLS_ERR_NET_CONN_RESET;
}

static void report(const char *what, const struct phase *p, int under_test, enum kind kind, int k,
                   const struct side sides[2])
{
    char a[32], b[32];
    printf("%s: %s %s %s k=%d: client %s at %s, server %s at %s\n", what, p->name,
           under_test == 0 ? "client" : "server", kind_names[kind], k, code_text(sides[0].result, a, sizeof(a)),
           sides[0].step ? sides[0].step : "-", code_text(sides[1].result, b, sizeof(b)),
           sides[1].step ? sides[1].step : "-");
}

static int renegotiated_once(int abbreviated, const struct side sides[2])
{
    int i;
    for (i = 0; i < 2; i++) {
        uint32_t want_full = abbreviated ? 0 : 1;
        if (sides[i].reneg_full != want_full || sides[i].reneg_abbr != 1 - want_full) {
            return 0;
        }
    }
    return 1;
}

/* Runs one faulted connection and checks it; returns 1 on a failed check. */
static int check_run(struct phase_state *ps, int under_test, enum kind kind, int k, struct tally *t)
{
    struct side sides[2];
    unsigned char *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0;
    const char *problem = NULL;
    struct side *own, *peer;
    int retryable = kind == K_SHORT || kind == K_WANT;

    before = cache_bytes(ps->cache, &before_len);
    if (one_run(ps, under_test, kind, k, sides) != 0) {
        free(before);
        printf("FAIL: %s: no connection\n", ps->phase->name);
        return 1;
    }
    after = cache_bytes(ps->cache, &after_len);
    own = &sides[under_test];
    peer = &sides[1 - under_test];
    t->runs++;
    total_runs++;

    if (sides[0].setup_failed || sides[1].setup_failed) {
        problem = "the connection failed before the phase under test";
    } else if (sides[0].result == MBEDTLS_ERR_SSL_TIMEOUT || sides[1].result == MBEDTLS_ERR_SSL_TIMEOUT) {
        problem = "a wait reached the socket timeout (hang)";
    } else if (before == NULL || after == NULL) {
        problem = "mbedtls_compat_ssl_cache_save failed";
    } else if ((!sides[1].handshake_done || ps->phase->op == OP_RESUME) &&
               (before_len != after_len || memcmp(before, after, before_len) != 0)) {
        problem = ps->phase->op == OP_RESUME ? "the session cache changed during a resumption"
                                             : "the session cache changed although the server's handshake failed";
    } else if (!own->bio.fired) {
        t->not_reached++;
        if (kind == K_RESET_CCS) {
            problem = "no ChangeCipherSpec was sent";
        } else if (sides[0].result != 0 || sides[1].result != 0) {
            problem = "a run whose fault never fired did not complete";
        }
    } else if (retryable) {
        if (sides[0].result != 0 || sides[1].result != 0) {
            problem = "a retryable fault did not complete";
        } else {
            t->completed++;
            t->after_retry++;
        }
    } else {
        t->errors++;
        count_code(t, own->result);
        if (peer->result != 0) {
            count_code(t, peer->result);
        } else {
            t->peer_done++;
        }
        if (!expected_own(kind, own->bio.fired_on_send, own->result)) {
            problem = "the side under test ended with an unexpected code";
        } else if (!expected_peer(peer->result)) {
            problem = "the other side ended with an unexpected code";
        }
    }
    if (problem == NULL && own->bio.fired && retryable) {
        /* A completed run did what a run without fault does. */
        if (ps->phase->op == OP_RESUME && !(sides[0].resumed && sides[1].resumed)) {
            problem = "a completed resumption run was not resumed";
        } else if ((ps->phase->op == OP_RENEG_FULL || ps->phase->op == OP_RENEG_ABBR) &&
                   !renegotiated_once(ps->phase->op == OP_RENEG_ABBR, sides)) {
            printf("  renegotiations (full, abbreviated): client %u, %u; server %u, %u\n",
                   (unsigned) sides[0].reneg_full, (unsigned) sides[0].reneg_abbr,
                   (unsigned) sides[1].reneg_full, (unsigned) sides[1].reneg_abbr);
            problem = "a completed renegotiation run did not count exactly one renegotiation of its kind";
        }
    }
    if (problem != NULL) {
        t->failures++;
        total_failures++;
        printf("FAIL (%s)\n", problem);
        report("  run", ps->phase, under_test, kind, k, sides);
    } else if (verbose) {
        report("ok", ps->phase, under_test, kind, k, sides);
    }
    free(before);
    free(after);
    return problem != NULL;
}

/* ---- configuration ---------------------------------------------------------------------- */

static mbedtls_x509_crt cacert, srvcert;
static mbedtls_pk_context srvkey;
static mbedtls_ctr_drbg_context client_drbg, server_drbg;
static mbedtls_entropy_context entropy;

static void make_confs(const struct phase *p, mbedtls_ssl_config *client, mbedtls_ssl_config *server,
                       mbedtls_ssl_cache_context *cache, mbedtls_ssl_ticket_context *tickets)
{
    mbedtls_ssl_config_defaults(client, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_config_defaults(server, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_conf_ca_chain(client, &cacert, NULL);
    mbedtls_ssl_conf_authmode(client, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_rng(client, mbedtls_ctr_drbg_random, &client_drbg);
    mbedtls_ssl_conf_rng(server, mbedtls_ctr_drbg_random, &server_drbg);
    mbedtls_ssl_conf_own_cert(server, &srvcert, &srvkey);
    mbedtls_ssl_cache_set_max_entries(cache, 100000);
    mbedtls_ssl_conf_session_cache(server, cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    if (p->op == OP_RESUME && p->version == MBEDTLS_SSL_VERSION_TLS1_3 &&
        mbedtls_ssl_ticket_setup(tickets, mbedtls_ctr_drbg_random, &server_drbg, MBEDTLS_CIPHER_AES_256_GCM, 3600) == 0) {
        mbedtls_ssl_conf_session_tickets_cb(server, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, tickets);
    }
    mbedtls_ssl_conf_min_tls_version(client, p->version);
    mbedtls_ssl_conf_max_tls_version(client, p->version);
    mbedtls_ssl_conf_min_tls_version(server, p->version);
    mbedtls_ssl_conf_max_tls_version(server, p->version);
    if (p->op == OP_RENEG_FULL || p->op == OP_RENEG_ABBR) {
        mbedtls_ssl_conf_renegotiation(client, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
        mbedtls_ssl_conf_renegotiation(server, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
        mbedtls_compat_ssl_conf_renegotiation_resumption(server, p->op == OP_RENEG_ABBR);
        mbedtls_compat_ssl_conf_renegotiation_resumption(client, p->op == OP_RENEG_ABBR);
    }
}

/* The number of transport calls `side` makes in the phase of a run without fault. */
static int measure(struct phase_state *ps, int side)
{
    struct side sides[2];
    int calls;
    if (one_run(ps, side, K_NONE, 0, sides) != 0 || sides[0].result != 0 || sides[1].result != 0 ||
        (ps->phase->op == OP_RESUME && !(sides[0].resumed && sides[1].resumed))) {
        report("FAIL (the run without fault failed or did not resume)", ps->phase, side, K_NONE, 0, sides);
        total_failures++;
        return -1;
    }
    calls = sides[side].bio.calls;
    return calls;
}

static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    if (list == NULL) {
        return 1;
    }
    while ((p = strstr(p, name)) != NULL) {
        if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) {
            return 1;
        }
        p += n;
    }
    return 0;
}

static void run_phase(const struct phase *p, const char *sides_list, const char *kinds_list, int every)
{
    mbedtls_ssl_config client, server;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_ticket_context tickets;
    mbedtls_ssl_session session;
    struct phase_state ps;
    struct tally t;
    int side, i, calls[2] = { 0, 0 };
    struct timespec started, ended;

    clock_gettime(CLOCK_MONOTONIC, &started);
    memset(&t, 0, sizeof(t));
    mbedtls_ssl_config_init(&client);
    mbedtls_ssl_config_init(&server);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&tickets);
    mbedtls_ssl_session_init(&session);
    make_confs(p, &client, &server, &cache, &tickets);
    ps.phase = p;
    ps.client_conf = &client;
    ps.server_conf = &server;
    ps.cache = &cache;
    ps.offer = NULL;

    if (p->op == OP_RESUME) {
        /* The session to resume: one full handshake, its session taken by the client. */
        struct side sides[2];
        if (one_run(&ps, 0, K_NONE, 0, sides) != 0 || sides[0].result != 0 || sides[1].result != 0 ||
            mbedtls_ssl_session_load(&session, sides[0].saved, sides[0].saved_len) != 0) {
            printf("FAIL: %s: the first handshake failed\n", p->name);
            total_failures++;
            goto exit;
        }
        ps.offer = &session;
    }

    for (side = 0; side < 2; side++) {
        enum kind kind;
        if (!in_list(sides_list, side == 0 ? "client" : "server")) {
            continue;
        }
        calls[side] = measure(&ps, side);
        if (calls[side] <= 0) {
            continue;
        }
        for (kind = K_ERROR; kind < K_COUNT; kind++) {
            int k;
            if (!in_list(kinds_list, kind_names[kind])) {
                continue;
            }
            if (kind == K_RESET_CCS) {
                if (p->op != OP_CLOSE) {
                    check_run(&ps, side, kind, 0, &t);
                }
                continue;
            }
            for (k = 1; k <= calls[side]; k++) {
                if (every > 1 && (k - 1) % every != 0 && k != calls[side]) {
                    continue;
                }
                check_run(&ps, side, kind, k, &t);
            }
        }
    }

    clock_gettime(CLOCK_MONOTONIC, &ended);
    printf("phase %s: calls client %d, server %d; %d runs: %d completed after a retryable fault, "
           "%d ended with errors (in %d of them the other side had finished its part), "
           "%d faults not reached; %d failures; %.2f s\n",
           p->name, calls[0], calls[1], t.runs, t.after_retry, t.errors, t.peer_done, t.not_reached, t.failures,
           (double) (ended.tv_sec - started.tv_sec) + (double) (ended.tv_nsec - started.tv_nsec) / 1e9);
    for (i = 0; i < MAX_CODES && t.code_counts[i] != 0; i++) {
        char buf[32];
        char text[128];
        if (t.codes[i] == READ_EOF) {
            snprintf(text, sizeof(text), "mbedtls_ssl_read returned 0");
        } else {
            mbedtls_strerror(t.codes[i], text, sizeof(text));
        }
        printf("  code %s x%d: %s\n", code_text(t.codes[i], buf, sizeof(buf)), t.code_counts[i], text);
    }

exit:
    mbedtls_ssl_session_free(&session);
    mbedtls_ssl_config_free(&client);
    mbedtls_ssl_config_free(&server);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_ticket_free(&tickets);
}

int main(int argc, char *argv[])
{
    const char *phases_list = NULL, *sides_list = NULL, *kinds_list = NULL;
    int every = 1, i, ret, exit_code = 1;
    char path[1024];
    socklen_t alen = sizeof(listen_addr);

    mbedtls_x509_crt_init(&cacert);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_pk_init(&srvkey);
    mbedtls_ctr_drbg_init(&client_drbg);
    mbedtls_ctr_drbg_init(&server_drbg);
    mbedtls_entropy_init(&entropy);

    if (argc < 2) {
        printf("usage: fault_bio CERT_DIR [phases=a,b] [sides=client,server] [kinds=a,b] [every=N] [verbose=1]\n");
        goto exit;
    }
    for (i = 2; i < argc; i++) {
        if (strncmp(argv[i], "phases=", 7) == 0) {
            phases_list = argv[i] + 7;
        } else if (strncmp(argv[i], "sides=", 6) == 0) {
            sides_list = argv[i] + 6;
        } else if (strncmp(argv[i], "kinds=", 6) == 0) {
            kinds_list = argv[i] + 6;
        } else if (strncmp(argv[i], "every=", 6) == 0) {
            every = atoi(argv[i] + 6);
        } else if (strncmp(argv[i], "verbose=", 8) == 0) {
            verbose = atoi(argv[i] + 8);
        } else {
            printf("unknown argument %s\n", argv[i]);
            goto exit;
        }
    }
    snprintf(path, sizeof(path), "%s/ca.crt", argv[1]);
    if ((ret = mbedtls_x509_crt_parse_file(&cacert, path)) != 0) {
        printf("FAIL: %s: -0x%04X\n", path, (unsigned) -ret);
        goto exit;
    }
    snprintf(path, sizeof(path), "%s/server-ec.crt", argv[1]);
    if ((ret = mbedtls_x509_crt_parse_file(&srvcert, path)) != 0) {
        printf("FAIL: %s: -0x%04X\n", path, (unsigned) -ret);
        goto exit;
    }
    snprintf(path, sizeof(path), "%s/server-ec.key", argv[1]);
    if ((ret = mbedtls_pk_parse_keyfile(&srvkey, path, NULL, mbedtls_ctr_drbg_random, &server_drbg)) != 0 &&
        (ret = mbedtls_pk_parse_keyfile(&srvkey, path, NULL, NULL, NULL)) != 0) {
        printf("FAIL: %s: -0x%04X\n", path, (unsigned) -ret);
        goto exit;
    }
    if ((ret = mbedtls_ctr_drbg_seed(&client_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) "fault client", 12)) != 0 ||
        (ret = mbedtls_ctr_drbg_seed(&server_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) "fault server", 12)) != 0) {
        printf("FAIL: ctr_drbg_seed -0x%04X\n", (unsigned) -ret);
        goto exit;
    }

    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&listen_addr, 0, sizeof(listen_addr));
    listen_addr.sin_family = AF_INET;
    listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listen_addr.sin_port = 0;
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *) &listen_addr, sizeof(listen_addr)) != 0 ||
        listen(listen_fd, 16) != 0 || getsockname(listen_fd, (struct sockaddr *) &listen_addr, &alen) != 0) {
        printf("FAIL: no loopback listener\n");
        goto exit;
    }

    for (i = 0; i < NUM_PHASES; i++) {
        if (in_list(phases_list, phases[i].name)) {
            run_phase(&phases[i], sides_list, kinds_list, every);
            fflush(stdout);
        }
    }
    printf("fault_bio: %d runs, %d failures\n", total_runs, total_failures);
    exit_code = total_failures == 0 && total_runs > 0 ? 0 : 1;

exit:
    if (listen_fd >= 0) {
        close(listen_fd);
    }
    mbedtls_x509_crt_free(&cacert);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_pk_free(&srvkey);
    mbedtls_ctr_drbg_free(&client_drbg);
    mbedtls_ctr_drbg_free(&server_drbg);
    mbedtls_entropy_free(&entropy);
    return exit_code;
}
