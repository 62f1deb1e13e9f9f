/* sock.c: sockets written without waiting for ever (a peer that never reads holds nobody), and
 * descriptors passed with bytes over Unix sockets: how ppv-ingest's processes hand connections
 * and sessions to each other. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"
#include "when.h"

enum { TICK_MS = 200 };

int
ppv_send_all(int fd, const void *buf, size_t n, int64_t until, volatile sig_atomic_t *stop)
{
	const uint8_t *b = buf;

	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			struct pollfd q = { fd, POLLOUT, 0 };
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if ((stop && *stop) || (until && ppv_now_ms() > until)) {
				errno = ETIMEDOUT;
				return -1;
			}
			poll(&q, 1, TICK_MS);
			continue;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

typedef union {
	struct cmsghdr h;
	char b[CMSG_SPACE(sizeof(int))];
} one_fd;

ssize_t
ppv_fd_send(int sock, const void *buf, size_t n, int fd, int flags)
{
	one_fd u;
	struct iovec iov = { (void *)buf, n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof u.b;
		struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof fd);
	}
	return sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
}

ssize_t
ppv_fd_recv(int sock, void *buf, size_t n, int *fd, int flags)
{
	one_fd u;
	struct iovec iov = { buf, n };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };

	*fd = -1;
	ssize_t r = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	if (r < 0)
		return r;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		int got;
		memcpy(&got, CMSG_DATA(h), sizeof got);
		if (*fd < 0)
			*fd = got;
		else
			close(got);
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		/* more than one came: the kernel closed what did not fit */
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EPROTO;
		return -1;
	}
	return r;
}
