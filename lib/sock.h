/* sock.h: sockets written without waiting for ever, and descriptors passed over Unix ones. */
#ifndef PPV_SOCK_H
#define PPV_SOCK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* All n bytes to a socket, waiting for room until `until` (ppv_now_ms; 0:
 * for ever) or *stop: 0, or -1 (ETIMEDOUT when the time or a stop came). */
int ppv_send_all(int fd, const void *buf, size_t n, int64_t until, volatile sig_atomic_t *stop);

/* sendmsg of n bytes, fd with them unless it is -1; flags as send's (MSG_NOSIGNAL is added). */
ssize_t ppv_fd_send(int sock, const void *buf, size_t n, int fd, int flags);
/* recvmsg of up to n bytes, and in *fd the descriptor that came with them
 * (close-on-exec), or -1; any more than one are closed. */
ssize_t ppv_fd_recv(int sock, void *buf, size_t n, int *fd, int flags);

#endif
