/*
 * LD_PRELOAD shim for test peers that cannot be told where to listen (gnutls-serv binds the
 * wildcard address): every bind() to a wildcard address is turned into a bind() to the
 * loopback address, so test servers are never reachable from outside the machine.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    static int (*real_bind)(int, const struct sockaddr *, socklen_t);
    struct sockaddr_storage copy;

    if (real_bind == NULL) {
        real_bind = (int (*)(int, const struct sockaddr *, socklen_t)) dlsym(RTLD_NEXT, "bind");
    }
    if (addr != NULL && len <= sizeof(copy)) {
        memcpy(&copy, addr, len);
        if (copy.ss_family == AF_INET) {
            struct sockaddr_in *in4 = (struct sockaddr_in *) &copy;
            if (in4->sin_addr.s_addr == htonl(INADDR_ANY)) {
                in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            }
            return real_bind(fd, (struct sockaddr *) &copy, len);
        }
        if (copy.ss_family == AF_INET6) {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &copy;
            if (memcmp(&in6->sin6_addr, &in6addr_any, sizeof(in6addr_any)) == 0) {
                in6->sin6_addr = in6addr_loopback;
            }
            return real_bind(fd, (struct sockaddr *) &copy, len);
        }
    }
    return real_bind(fd, addr, len);
}
