/*
 * openssl_renego_client: a TLS 1.2 client on OpenSSL's libssl that renews the keys of one open
 * connection again and again, the way IEC 62351-3 asks: by renegotiation with session
 * resumption (SSL_renegotiate_abbreviated: the current session ID is offered, the server
 * answers with an abbreviated handshake) and by full renegotiation (SSL_renegotiate). Used by
 * the tests as an independent real peer for c_examples/iec62351_server.c; built against
 * OpenSSL, not against this library (so it lives outside tests/c/).
 *
 * usage: openssl_renego_client host port [key=value ...]
 *   ca_file=FILE        verify the server (SNI and host name "localhost"); absent: no verification
 *   crt_file= key_file= a client certificate
 *   rounds=N            renegotiations after the initial handshake (default 10)
 *   mode=alternate|abbrev|full  alternate (default): abbreviated, full, abbreviated, ...
 *   expect=ok|refused   refused: the server must refuse renegotiation with a warning
 *                       no_renegotiation alert (exit 0 when it did)
 *   reconnect=0|1       1: after the rounds, a new connection offering the connection's last
 *                       session (after a full renegotiation: the renegotiated one); prints
 *                       "reconnect: reused=R, session id HEX" and requires R=1 with that ID
 *
 * Each round k: renegotiate, print "renegotiation k: abbreviated|full, reused=R, session id
 * HEX", check that an abbreviated one resumed the same session and a full one made a new one,
 * then send "ping k\n" and check the echo. Exit 0 after "all N renegotiations ok", else 1.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_ALERTS 16

struct alerts {
    int count;
    unsigned char level[MAX_ALERTS];
    unsigned char description[MAX_ALERTS];
};

static void fail(const char *what)
{
    printf("%s\n", what);
    ERR_print_errors_fp(stdout);
    fflush(stdout);
}

/* Records (and prints) every alert received. */
static void msg_callback(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
                         void *arg)
{
    struct alerts *alerts = arg;
    const unsigned char *p = buf;
    (void) version;
    (void) ssl;
    if (write_p || content_type != SSL3_RT_ALERT || len < 2) {
        return;
    }
    printf("received alert: level %d description %d\n", p[0], p[1]);
    fflush(stdout);
    if (alerts->count < MAX_ALERTS) {
        alerts->level[alerts->count] = p[0];
        alerts->description[alerts->count] = p[1];
        alerts->count++;
    }
}

static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    struct timeval tv = {10, 0};
    int fd = -1, one = 1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        /* A server that stops answering must not hang the test. */
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        /* Each round ends with our Finished, then a message: under Nagle's algorithm the message
         * waits for the server's delayed ACK (20 ms or more per round). */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}

static void session_id_hex(SSL *ssl, char *out, size_t size)
{
    unsigned int len = 0, i;
    const SSL_SESSION *session = SSL_get_session(ssl);
    const unsigned char *id = session != NULL ? SSL_SESSION_get_id(session, &len) : NULL;
    out[0] = '\0';
    for (i = 0; id != NULL && i < len && 2 * i + 3 <= size; i++) {
        snprintf(out + 2 * i, size - 2 * i, "%02x", id[i]);
    }
    if (out[0] == '\0') {
        snprintf(out, size, "(none)");
    }
}

/* Sends "ping k\n" and reads it back. Returns 0 when the echo matched. */
static int exchange(SSL *ssl, int k)
{
    char msg[32], echo[32];
    int len = snprintf(msg, sizeof(msg), "ping %d\n", k), got = 0, n;
    if ((n = SSL_write(ssl, msg, len)) != len) {
        printf("SSL_write of message %d returned %d (SSL_get_error %d)\n", k, n, SSL_get_error(ssl, n));
        fail("write failed");
        return -1;
    }
    while (got < len) {
        n = SSL_read(ssl, echo + got, len - got);
        if (n <= 0) {
            printf("SSL_read of echo %d returned %d (SSL_get_error %d) after %d of %d bytes\n", k, n,
                   SSL_get_error(ssl, n), got, len);
            fail("read failed");
            return -1;
        }
        got += n;
    }
    if (memcmp(msg, echo, (size_t) len) != 0) {
        printf("echo %d differs: sent \"%.*s\", got \"%.*s\"\n", k, len - 1, msg, len - 1, echo);
        fflush(stdout);
        return -1;
    }
    return 0;
}

static int usage(void)
{
    printf("usage: openssl_renego_client host port [ca_file=] [crt_file= key_file=] [rounds=N]\n"
           "       [mode=alternate|abbrev|full] [expect=ok|refused] [reconnect=0|1]\n");
    return 1;
}

int main(int argc, char *argv[])
{
    const char *host, *port, *ca_file = NULL, *crt_file = NULL, *key_file = NULL, *mode = "alternate";
    int rounds = 10, expect_refused = 0, reconnect = 0, fd = -1, exit_code = 1, k, i, ret;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    struct alerts alerts;
    char id[80], prev_id[80];

    memset(&alerts, 0, sizeof(alerts));
    if (argc < 3) {
        return usage();
    }
    host = argv[1];
    port = argv[2];
    for (i = 3; i < argc; i++) {
        const char *p = argv[i], *q = strchr(p, '=');
        size_t klen;
        if (q == NULL) {
            return usage();
        }
        klen = (size_t) (q++ - p);
        if (klen == 7 && strncmp(p, "ca_file", klen) == 0) {
            ca_file = q;
        } else if (klen == 8 && strncmp(p, "crt_file", klen) == 0) {
            crt_file = q;
        } else if (klen == 8 && strncmp(p, "key_file", klen) == 0) {
            key_file = q;
        } else if (klen == 6 && strncmp(p, "rounds", klen) == 0) {
            rounds = atoi(q);
        } else if (klen == 4 && strncmp(p, "mode", klen) == 0) {
            if (strcmp(q, "alternate") != 0 && strcmp(q, "abbrev") != 0 && strcmp(q, "full") != 0) {
                return usage();
            }
            mode = q;
        } else if (klen == 9 && strncmp(p, "reconnect", klen) == 0) {
            reconnect = atoi(q);
        } else if (klen == 6 && strncmp(p, "expect", klen) == 0) {
            if (strcmp(q, "ok") == 0) {
                expect_refused = 0;
            } else if (strcmp(q, "refused") == 0) {
                expect_refused = 1;
            } else {
                return usage();
            }
        } else {
            return usage();
        }
    }
    signal(SIGPIPE, SIG_IGN);

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        fail("SSL_CTX_new failed");
        goto exit;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    /* IEC 62351-3: sessions by session ID, not by ticket. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    if (ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            fail("loading ca_file failed");
            goto exit;
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    if (crt_file != NULL || key_file != NULL) {
        if (crt_file == NULL || key_file == NULL ||
            SSL_CTX_use_certificate_chain_file(ctx, crt_file) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
            fail("loading crt_file/key_file failed");
            goto exit;
        }
    }

    if ((fd = tcp_connect(host, port)) < 0) {
        printf("connecting to %s:%s failed\n", host, port);
        fflush(stdout);
        goto exit;
    }
    if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
        fail("SSL_new/SSL_set_fd failed");
        goto exit;
    }
    if (ca_file != NULL && (SSL_set_tlsext_host_name(ssl, "localhost") != 1 || SSL_set1_host(ssl, "localhost") != 1)) {
        fail("setting the server name failed");
        goto exit;
    }
    if (expect_refused) {
        SSL_set_msg_callback(ssl, msg_callback);
        SSL_set_msg_callback_arg(ssl, &alerts);
    }
    if ((ret = SSL_connect(ssl)) != 1) {
        printf("SSL_connect returned %d (SSL_get_error %d)\n", ret, SSL_get_error(ssl, ret));
        fail("handshake failed");
        goto exit;
    }
    session_id_hex(ssl, id, sizeof(id));
    printf("handshake: %s %s session id %s\n", SSL_get_version(ssl), SSL_get_cipher_name(ssl), id);
    fflush(stdout);
    if (exchange(ssl, 0) != 0) {
        goto exit;
    }

    if (expect_refused) {
        int worked;
        ret = SSL_renegotiate(ssl);
        printf("SSL_renegotiate returned %d\n", ret);
        ret = SSL_do_handshake(ssl);
        printf("SSL_do_handshake returned %d (SSL_get_error %d)\n", ret, SSL_get_error(ssl, ret));
        fail("OpenSSL errors:");
        worked = exchange(ssl, 1) == 0;
        printf("data after refusal: %s\n", worked ? "ok" : "failed");
        fflush(stdout);
        for (i = 0; i < alerts.count; i++) {
            if (alerts.level[i] == SSL3_AL_WARNING && alerts.description[i] == SSL_AD_NO_RENEGOTIATION) {
                exit_code = 0;
            }
        }
        printf("%s\n", exit_code == 0 ? "renegotiation refused with a warning no_renegotiation alert"
                                      : "no warning no_renegotiation alert received");
        fflush(stdout);
        goto exit;
    }

    for (k = 1; k <= rounds; k++) {
        int abbreviated = strcmp(mode, "abbrev") == 0 || (strcmp(mode, "alternate") == 0 && k % 2 == 1);
        int reused;
        memcpy(prev_id, id, sizeof(id));
        ret = abbreviated ? SSL_renegotiate_abbreviated(ssl) : SSL_renegotiate(ssl);
        if (ret != 1) {
            printf("renegotiation %d: %s returned %d\n", k,
                   abbreviated ? "SSL_renegotiate_abbreviated" : "SSL_renegotiate", ret);
            fail("starting the renegotiation failed");
            goto exit;
        }
        if ((ret = SSL_do_handshake(ssl)) != 1) {
            printf("renegotiation %d: SSL_do_handshake returned %d (SSL_get_error %d)\n", k, ret,
                   SSL_get_error(ssl, ret));
            fail("renegotiation failed");
            goto exit;
        }
        reused = SSL_session_reused(ssl);
        session_id_hex(ssl, id, sizeof(id));
        printf("renegotiation %d: %s, reused=%d, session id %s\n", k, abbreviated ? "abbreviated" : "full",
               reused, id);
        fflush(stdout);
        if (abbreviated && (reused != 1 || strcmp(id, prev_id) != 0)) {
            printf("renegotiation %d: expected the session to be resumed (reused=1, session id %s)\n", k,
                   prev_id);
            fflush(stdout);
            goto exit;
        }
        if (!abbreviated && (reused != 0 || strcmp(id, prev_id) == 0)) {
            printf("renegotiation %d: expected a new session (reused=0, a session id other than %s)\n", k,
                   prev_id);
            fflush(stdout);
            goto exit;
        }
        if (exchange(ssl, k) != 0) {
            goto exit;
        }
    }
    printf("all %d renegotiations ok\n", rounds);
    fflush(stdout);
    if (reconnect) {
        SSL_SESSION *last = SSL_get1_session(ssl);
        SSL_shutdown(ssl);
        SSL_free(ssl);
        close(fd);
        ssl = NULL;
        memcpy(prev_id, id, sizeof(id));
        if ((fd = tcp_connect(host, port)) < 0 || (ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
            SSL_set_session(ssl, last) != 1 ||
            (ca_file != NULL && SSL_set_tlsext_host_name(ssl, "localhost") != 1)) {
            SSL_SESSION_free(last);
            fail("reconnecting failed");
            goto exit;
        }
        SSL_SESSION_free(last);
        if ((ret = SSL_connect(ssl)) != 1) {
            printf("reconnect: SSL_connect returned %d (SSL_get_error %d)\n", ret, SSL_get_error(ssl, ret));
            fail("handshake failed");
            goto exit;
        }
        session_id_hex(ssl, id, sizeof(id));
        printf("reconnect: reused=%d, session id %s\n", SSL_session_reused(ssl), id);
        fflush(stdout);
        if (SSL_session_reused(ssl) != 1 || strcmp(id, prev_id) != 0 || exchange(ssl, 0) != 0) {
            printf("reconnect: expected the session %s to be resumed\n", prev_id);
            fflush(stdout);
            goto exit;
        }
    }
    exit_code = 0;

exit:
    if (ssl != NULL) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    if (fd >= 0) {
        close(fd);
    }
    SSL_CTX_free(ctx);
    fflush(stdout);
    return exit_code;
}
