/* test-sock.c: a write to a peer that never reads gives up at its deadline; a descriptor passed over a Unix socket works there. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"
#include "unit.h"
#include "when.h"

UNIT_TEST(test_sock_send_all_deadline)
{
	int sp[2];
	size_t n = 8 << 20;
	char *big = calloc(1, n);

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	CHECK(ppv_send_all(sp[0], "hello", 5, 0, NULL) == 0);
	int64_t t0 = ppv_now_ms();
	errno = 0;
	CHECK(ppv_send_all(sp[0], big, n, t0 + 300, NULL) == -1 && errno == ETIMEDOUT);
	CHECK(ppv_now_ms() - t0 >= 300);
	volatile sig_atomic_t stop = 1;
	CHECK(ppv_send_all(sp[0], big, n, 0, &stop) == -1 && errno == ETIMEDOUT);
	close(sp[0]);
	close(sp[1]);
	free(big);
}

UNIT_TEST(test_sock_fd_passed)
{
	int sp[2], p[2], fd = -1;
	char b[8] = { 0 };

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0 && pipe(p) == 0);
	CHECK(ppv_fd_send(sp[0], "D", 1, p[1], 0) == 1);
	close(p[1]);
	CHECK(ppv_fd_recv(sp[1], b, sizeof b, &fd, 0) == 1 && b[0] == 'D' && fd >= 0);
	CHECK(write(fd, "via", 3) == 3);
	close(fd);
	CHECK(read(p[0], b, sizeof b) == 3 && !memcmp(b, "via", 3));
	/* bytes with no descriptor: none comes out */
	CHECK(ppv_fd_send(sp[0], "x", 1, -1, 0) == 1);
	CHECK(ppv_fd_recv(sp[1], b, sizeof b, &fd, 0) == 1 && fd == -1);
	close(p[0]);
	close(sp[0]);
	close(sp[1]);
}
