/*
 * renegotiation_soak: long-lived TLS 1.2 connections that renew their keys again and again, as
 * IEC 62351-3 connections do for days, with both ends on this library over loopback TCP.
 *
 * Part 1: one connection renews its keys `rounds` times, alternating an abbreviated
 * renegotiation (the current session resumed inside the connection) and a full one, with an
 * echoed message after each. The process's resident memory and open file descriptors are
 * sampled after the warm-up (a tenth of the rounds) and at the end, and printed.
 * Part 2: `connections` connections at once, each renewing `conn_rounds` times the same way,
 * on one server configuration and session cache shared by their threads.
 *
 * Every renewal is checked (its kind through mbedtls_compat_ssl_session_resumed, the counters
 * through mbedtls_compat_ssl_get_renegotiations, the echo byte for byte). Every wait is bounded
 * (read timeouts). Exit 0 only when everything succeeded.
 *
 * usage: renegotiation_soak crt_file= key_file= ca_file= [rounds=1000] [connections=200]
 *        [conn_rounds=4]
 */
#include "mbedtls/build_info.h"

#include "mbedtls/platform.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/error.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#include "mbedtls/compat.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define TIMEOUT_MS 20000
#define MAX_CONNECTIONS 1000

struct shared {
    mbedtls_ssl_config srv_conf, cli_conf;
    mbedtls_net_context listen_fd;
    char port[8];
    /* The clients of a part renew their keys together, once all of them are connected. */
    pthread_barrier_t connected;
};

struct client_job {
    struct shared *shared;
    pthread_t thread;
    int rounds;
    int sample; /* 1: sample memory and descriptors (part 1) */
    long rss_warm_kb, rss_end_kb;
    int fds_warm, fds_end;
    int ret;
};

struct server_job {
    struct shared *shared;
    mbedtls_net_context fd;
    pthread_t thread;
    int ret;
};

static long rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
        }
    }
    fclose(f);
    return kb;
}

static int open_fds(void)
{
    int n = 0;
    struct dirent *e;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
        }
    }
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

/* Small records written back to back (a Finished, then a message) wait for the peer's delayed
 * ACK under Nagle's algorithm: 20 ms or more per renewal. Interactive protocols turn it off. */
static void no_delay(mbedtls_net_context *fd)
{
    int one = 1;
    (void) setsockopt(fd->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void print_error(const char *what, int ret)
{
    char buf[128];
    mbedtls_strerror(ret, buf, sizeof(buf));
    mbedtls_printf("  ! %s returned -0x%04x - %s\n", what, (unsigned) -ret, buf);
    fflush(stdout);
}

/* The server side of one connection: handshake, then echo until the peer closes; the
 * renegotiations the client starts run inside mbedtls_ssl_read. */
static void *serve(void *arg)
{
    struct server_job *job = arg;
    mbedtls_ssl_context ssl;
    unsigned char buf[256];
    int ret;

    mbedtls_ssl_init(&ssl);
    if ((ret = mbedtls_ssl_setup(&ssl, &job->shared->srv_conf)) != 0) {
        goto exit;
    }
    no_delay(&job->fd);
    mbedtls_ssl_set_bio(&ssl, &job->fd, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
    if ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        print_error("server mbedtls_ssl_handshake", ret);
        goto exit;
    }
    for (;;) {
        ret = mbedtls_ssl_read(&ssl, buf, sizeof(buf));
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == 0) {
            ret = 0;
            break;
        }
        if (ret < 0) {
            print_error("server mbedtls_ssl_read", ret);
            break;
        }
        if ((ret = mbedtls_ssl_write(&ssl, buf, (size_t) ret)) < 0) {
            print_error("server mbedtls_ssl_write", ret);
            break;
        }
    }
    if (ret == 0) {
        (void) mbedtls_ssl_close_notify(&ssl);
    }

exit:
    job->ret = ret;
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&job->fd);
    return NULL;
}

/* One round: renegotiate (abbreviated on odd rounds, full on even ones), then an echo. */
static int renew_once(mbedtls_ssl_context *ssl, int round)
{
    unsigned char msg[32], back[32];
    int abbreviated = round % 2 == 1, ret, len;

    ret = abbreviated ? mbedtls_compat_ssl_renegotiate_abbreviated(ssl) : mbedtls_ssl_renegotiate(ssl);
    if (ret != 0) {
        print_error(abbreviated ? "mbedtls_compat_ssl_renegotiate_abbreviated" : "mbedtls_ssl_renegotiate", ret);
        return ret;
    }
    if (mbedtls_compat_ssl_session_resumed(ssl) != abbreviated) {
        mbedtls_printf("  ! renewal %d: resumed %d, expected %d\n", round, mbedtls_compat_ssl_session_resumed(ssl),
                       abbreviated);
        return -1;
    }
    len = snprintf((char *) msg, sizeof(msg), "ping %d", round);
    if ((ret = mbedtls_ssl_write(ssl, msg, (size_t) len)) != len) {
        print_error("client mbedtls_ssl_write", ret);
        return ret < 0 ? ret : -1;
    }
    if ((ret = mbedtls_ssl_read(ssl, back, sizeof(back))) != len || memcmp(msg, back, (size_t) len) != 0) {
        print_error("client mbedtls_ssl_read (echo)", ret);
        return ret < 0 ? ret : -1;
    }
    return 0;
}

static void *client(void *arg)
{
    struct client_job *job = arg;
    mbedtls_net_context fd;
    mbedtls_ssl_context ssl;
    uint32_t full = 0, abbreviated = 0;
    int ret, round, warm = job->rounds / 10;

    mbedtls_net_init(&fd);
    mbedtls_ssl_init(&ssl);
    if ((ret = mbedtls_net_connect(&fd, "127.0.0.1", job->shared->port, MBEDTLS_NET_PROTO_TCP)) != 0) {
        print_error("mbedtls_net_connect", ret);
        goto exit_or_renew;
    }
    if ((ret = mbedtls_ssl_setup(&ssl, &job->shared->cli_conf)) != 0 ||
        (ret = mbedtls_ssl_set_hostname(&ssl, "localhost")) != 0) {
        goto exit_or_renew;
    }
    no_delay(&fd);
    mbedtls_ssl_set_bio(&ssl, &fd, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
    if ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
        print_error("client mbedtls_ssl_handshake", ret);
    }

exit_or_renew:
    (void) pthread_barrier_wait(&job->shared->connected);
    if (ret != 0) {
        goto exit;
    }
    for (round = 1; round <= job->rounds; round++) {
        if ((ret = renew_once(&ssl, round)) != 0) {
            mbedtls_printf("  ! renewal %d of %d failed\n", round, job->rounds);
            goto exit;
        }
        if (job->sample && round == warm) {
            job->rss_warm_kb = rss_kb();
            job->fds_warm = open_fds();
        }
    }
    if (job->sample) {
        job->rss_end_kb = rss_kb();
        job->fds_end = open_fds();
    }
    if ((ret = mbedtls_compat_ssl_get_renegotiations(&ssl, &full, &abbreviated)) != 0) {
        goto exit;
    }
    if (full != (uint32_t) (job->rounds / 2) || abbreviated != (uint32_t) (job->rounds - job->rounds / 2)) {
        mbedtls_printf("  ! counters: %u full, %u abbreviated after %d rounds\n", (unsigned) full,
                       (unsigned) abbreviated, job->rounds);
        ret = -1;
        goto exit;
    }
    ret = mbedtls_ssl_close_notify(&ssl);

exit:
    job->ret = ret;
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&fd);
    return NULL;
}

/* Runs `n` clients (each `rounds` renewals) against a server thread per accepted connection.
 * The connections are made one after the other (the listen backlog is Mbed TLS's 10), then all
 * clients renew their keys at once. Returns the number of failed connections (either side). */
static int run_connections(struct shared *shared, struct client_job *clients, struct server_job *servers, int n,
                           int rounds)
{
    int i, failed = 0, ret, started;

    if (pthread_barrier_init(&shared->connected, NULL, (unsigned) n) != 0) {
        return n;
    }
    for (started = 0; started < n; started++) {
        clients[started].shared = shared;
        clients[started].rounds = rounds;
        servers[started].shared = shared;
        mbedtls_net_init(&servers[started].fd);
        if (pthread_create(&clients[started].thread, NULL, client, &clients[started]) != 0) {
            mbedtls_printf("  ! cannot start client thread %d\n", started);
            break;
        }
        if ((ret = mbedtls_net_accept(&shared->listen_fd, &servers[started].fd, NULL, 0, NULL)) != 0) {
            print_error("mbedtls_net_accept", ret);
            break;
        }
        if (pthread_create(&servers[started].thread, NULL, serve, &servers[started]) != 0) {
            mbedtls_printf("  ! cannot start server thread %d\n", started);
            break;
        }
    }
    if (started < n) {
        /* The clients started wait at the barrier for ever: give up on the whole run. */
        mbedtls_printf("  ! only %d of %d connections made\n", started, n);
        exit(1);
    }
    for (i = 0; i < n; i++) {
        pthread_join(clients[i].thread, NULL);
        pthread_join(servers[i].thread, NULL);
        failed += clients[i].ret != 0 || servers[i].ret != 0;
    }
    pthread_barrier_destroy(&shared->connected);
    return failed;
}

int main(int argc, char *argv[])
{
    int ret = 1, i, rounds = 1000, connections = 200, conn_rounds = 4, failed;
    const char *crt_file = NULL, *key_file = NULL, *ca_file = NULL;
    struct shared shared;
    struct client_job one, *clients = NULL;
    struct server_job one_server, *servers = NULL;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr_drbg;
    mbedtls_ssl_cache_context cache;
    mbedtls_x509_crt srvcert, cacert;
    mbedtls_pk_context pkey;
    struct sockaddr_storage addr;
    socklen_t addr_len = sizeof(addr);

    for (i = 1; i < argc; i++) {
        char *q = strchr(argv[i], '=');
        if (q == NULL) {
            goto usage;
        }
        *q++ = '\0';
        if (strcmp(argv[i], "crt_file") == 0) {
            crt_file = q;
        } else if (strcmp(argv[i], "key_file") == 0) {
            key_file = q;
        } else if (strcmp(argv[i], "ca_file") == 0) {
            ca_file = q;
        } else if (strcmp(argv[i], "rounds") == 0) {
            rounds = atoi(q);
        } else if (strcmp(argv[i], "connections") == 0) {
            connections = atoi(q);
        } else if (strcmp(argv[i], "conn_rounds") == 0) {
            conn_rounds = atoi(q);
        } else {
            goto usage;
        }
    }
    if (crt_file == NULL || key_file == NULL || ca_file == NULL || rounds < 10 || connections < 0 ||
        connections > MAX_CONNECTIONS || conn_rounds < 0) {
        goto usage;
    }

    memset(&shared, 0, sizeof(shared));
    memset(&one, 0, sizeof(one));
    memset(&one_server, 0, sizeof(one_server));
    mbedtls_ssl_config_init(&shared.srv_conf);
    mbedtls_ssl_config_init(&shared.cli_conf);
    mbedtls_net_init(&shared.listen_fd);
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_x509_crt_init(&srvcert);
    mbedtls_x509_crt_init(&cacert);
    mbedtls_pk_init(&pkey);
    clients = calloc((size_t) connections + 1, sizeof(*clients));
    servers = calloc((size_t) connections + 1, sizeof(*servers));
    if (clients == NULL || servers == NULL) {
        goto exit;
    }

    if ((ret = mbedtls_ctr_drbg_seed(&ctr_drbg, mbedtls_entropy_func, &entropy,
                                     (const unsigned char *) "renegotiation_soak", 18)) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&srvcert, crt_file)) != 0 ||
        (ret = mbedtls_x509_crt_parse_file(&cacert, ca_file)) != 0 ||
        (ret = mbedtls_pk_parse_keyfile(&pkey, key_file, NULL, mbedtls_ctr_drbg_random, &ctr_drbg)) != 0) {
        print_error("setup", ret);
        goto exit;
    }
    if ((ret = mbedtls_ssl_config_defaults(&shared.srv_conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0 ||
        (ret = mbedtls_ssl_config_defaults(&shared.cli_conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT)) != 0 ||
        (ret = mbedtls_ssl_conf_own_cert(&shared.srv_conf, &srvcert, &pkey)) != 0) {
        print_error("mbedtls_ssl_config_defaults", ret);
        goto exit;
    }
    mbedtls_ssl_conf_ca_chain(&shared.cli_conf, &cacert, NULL);
    mbedtls_ssl_conf_session_cache(&shared.srv_conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    mbedtls_compat_ssl_conf_renegotiation_resumption(&shared.srv_conf, 1);
    mbedtls_ssl_conf_max_tls_version(&shared.cli_conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_rng(&shared.srv_conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_rng(&shared.cli_conf, mbedtls_ctr_drbg_random, &ctr_drbg);
    mbedtls_ssl_conf_renegotiation(&shared.srv_conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_renegotiation(&shared.cli_conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    mbedtls_ssl_conf_read_timeout(&shared.srv_conf, TIMEOUT_MS);
    mbedtls_ssl_conf_read_timeout(&shared.cli_conf, TIMEOUT_MS);

    if ((ret = mbedtls_net_bind(&shared.listen_fd, "127.0.0.1", "0", MBEDTLS_NET_PROTO_TCP)) != 0 ||
        getsockname(shared.listen_fd.fd, (struct sockaddr *) &addr, &addr_len) != 0) {
        print_error("mbedtls_net_bind", ret);
        goto exit;
    }
    snprintf(shared.port, sizeof(shared.port), "%u",
             (unsigned) ntohs(((struct sockaddr_in *) &addr)->sin_port));

    /* Part 1: one connection, `rounds` renewals. */
    one.sample = 1;
    failed = run_connections(&shared, &one, &one_server, 1, rounds);
    mbedtls_printf("one connection: %d renewals (%d abbreviated, %d full): %s\n", rounds, rounds - rounds / 2,
                   rounds / 2, failed ? "FAILED" : "ok");
    mbedtls_printf("memory: rss_kb after warm-up %ld, at the end %ld; open fds after warm-up %d, at the end %d\n",
                   one.rss_warm_kb, one.rss_end_kb, one.fds_warm, one.fds_end);
    fflush(stdout);
    if (failed) {
        ret = 1;
        goto exit;
    }

    /* Part 2: `connections` connections at once. */
    if (connections > 0) {
        failed = run_connections(&shared, clients, servers, connections, conn_rounds);
        mbedtls_printf("concurrent: %d connections, %d renewals each: %d failed\n", connections, conn_rounds, failed);
        fflush(stdout);
        if (failed) {
            ret = 1;
            goto exit;
        }
    }
    mbedtls_printf("soak: ok\n");
    ret = 0;
    goto exit;

usage:
    mbedtls_printf("usage: renegotiation_soak crt_file= key_file= ca_file= [rounds=N>=10] [connections=0..%d] "
                   "[conn_rounds=N]\n",
                   MAX_CONNECTIONS);
    ret = 2;

exit:
    free(clients);
    free(servers);
    mbedtls_net_free(&shared.listen_fd);
    mbedtls_x509_crt_free(&srvcert);
    mbedtls_x509_crt_free(&cacert);
    mbedtls_pk_free(&pkey);
    mbedtls_ssl_cache_free(&cache);
    mbedtls_ssl_config_free(&shared.srv_conf);
    mbedtls_ssl_config_free(&shared.cli_conf);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return ret;
}
