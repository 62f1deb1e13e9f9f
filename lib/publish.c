/* publish.c: one publisher's connection in a process of its own (ppv-ingest -l), up to its
 * publishing: the RTMP handshake and commands held to a deadline, the key's name put to the
 * listener, and the session with its socket handed to it. Nothing a client does before its key
 * is accepted, crash or stall, touches another connection. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "ctcmp.h"
#include "publish.h"
#include "rtmp.h"
#include "sock.h"
#include "when.h"

enum { TICK_MS = 200, DRAIN_MS = 2000 };

struct pub {
	const ppv_publish_cfg *cfg;
	ppv_rtmp *rtmp;
	int64_t hs_deadline;          /* to have published by */
	int late, wrong;              /* the deadline went by; the key was wrong */
	char why[PPV_PUBLISH_LINE + 8];
};

static int
stopped(const struct pub *p)
{
	return p->cfg->stop && *p->cfg->stop;
}

/* The connection's deadline: this process only sees it to publishing. */
static ssize_t
sock_read(void *io, void *buf, size_t n)
{
	struct pub *p = io;

	for (;;) {
		struct pollfd q = { p->cfg->cfd, POLLIN, 0 };
		if (stopped(p)) {
			errno = EINTR;
			return -1;
		}
		int k = poll(&q, 1, TICK_MS);
		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0) {
			ssize_t r = recv(p->cfg->cfd, buf, n, MSG_DONTWAIT);
			if (r >= 0)
				return r;
			if (errno == ECONNRESET)
				return 0;
			if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
		}
		if (ppv_now_ms() > p->hs_deadline) {
			p->late = 1;
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

/* All of buf to fd, waiting for room only until `until` (0: for ever) or a stop. */
static int
write_all(const struct pub *p, int fd, const void *buf, size_t n, int64_t until)
{
	return ppv_send_all(fd, buf, n, until, p->cfg->stop);
}

/* A peer that never reads fills its window: its replies wait, but not for ever. */
static int
sock_write(void *io, const void *buf, size_t n)
{
	struct pub *p = io;

	if (write_all(p, p->cfg->cfd, buf, n, p->hs_deadline) == 0)
		return 0;
	p->late = errno == ETIMEDOUT;
	return -1;
}

/* The listener's one-line answer, by the connection's deadline. */
static int
answer(struct pub *p, char *line, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd q = { p->cfg->ctl, POLLIN, 0 };
		if (stopped(p) || ppv_now_ms() > p->hs_deadline)
			return -1;
		if (poll(&q, 1, TICK_MS) <= 0)
			continue;
		ssize_t r = read(p->cfg->ctl, line + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (line[n] == '\n') {
			line[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

/* The key in constant time, never logged; then the listener decides. */
static const char *
auth(void *ctx, const char *key, size_t n, const char **why)
{
	struct pub *p = ctx;
	const ppv_keyring *ring = p->cfg->keys;
	const char *name = NULL;
	char line[PPV_PUBLISH_LINE + 8];

	for (size_t i = 0; i < ring->n; i++) {
		const ppv_key *k = &ring->v[i];
		if (k->len == n && ppv_ct_equal(k->secret, key, n) && !name)
			name = k->kid;   /* -K keys are named */
	}
	if (!name) {
		p->wrong = 1;
		return NULL;
	}
	snprintf(line, sizeof line, "K %s\n", name);
	if (write_all(p, p->cfg->ctl, line, strlen(line), p->hs_deadline) < 0 || answer(p, line, sizeof line) < 0) {
		*why = "the listener did not answer";
		return NULL;
	}
	if (line[0] == 'Y' && line[1] == ' ' && strtol(line + 2, NULL, 10) > 0)
		return name;
	snprintf(p->why, sizeof p->why, "%s", line[0] == 'N' && line[1] == ' ' ? line + 2 : "refused");
	*why = p->why;
	return NULL;
}

/* The publisher's last words read (its deleteStream) until it closes, so
 * that it closes first: GStreamer's rtmp2sink fails a publish closed under it. */
static void
drain(const struct pub *p, int fd)
{
	int64_t until = ppv_now_ms() + DRAIN_MS;
	char b[4096];

	while (!stopped(p) && ppv_now_ms() < until) {
		struct pollfd q = { fd, POLLIN, 0 };
		ssize_t r = poll(&q, 1, TICK_MS) > 0 ? recv(fd, b, sizeof b, MSG_DONTWAIT) : 1;
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			break;
	}
	close(fd);
}

/* Publishing: the session and its socket go to the listener, which reads
 * the media itself (a hop less for every byte); this process stays, holding
 * the connection's place in the listener's count, until the listener is done
 * with it, or gives the socket back to be read out to the publisher's close. */
static void
hand_on(struct pub *p)
{
	size_t n = 0;
	uint8_t *b = ppv_rtmp_save(p->rtmp, &n);
	uint32_t len = (uint32_t)n;
	char c;

	ppv_rtmp_free(p->rtmp);
	p->rtmp = NULL;
	/* an empty pair, just answered: four bytes fit */
	int ok = b && ppv_fd_send(p->cfg->ctl, &len, sizeof len, p->cfg->cfd, 0) == (ssize_t)sizeof len &&
	         write_all(p, p->cfg->ctl, b, n, ppv_now_ms() + p->cfg->handshake_ms) == 0;
	free(b);
	close(p->cfg->cfd);
	while (ok && !stopped(p)) {
		struct pollfd q = { p->cfg->ctl, POLLIN, 0 };
		int fd;
		if (poll(&q, 1, TICK_MS) <= 0)
			continue;
		ssize_t r = ppv_fd_recv(p->cfg->ctl, &c, 1, &fd, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (fd >= 0)
			drain(p, fd);
		break;
	}
}

void
ppv_publish_run(const ppv_publish_cfg *cfg)
{
	struct pub p = { .cfg = cfg, .hs_deadline = ppv_now_ms() + cfg->handshake_ms };
	ppv_rtmp_io io = { sock_read, sock_write, &p, cfg->app, auth, &p };
	ppv_rtmp_msg m;
	char line[PPV_PUBLISH_LINE + 8];
	int k;

	if (!(p.rtmp = ppv_rtmp_new(&io)))
		ppv_die(PPV_ERR, "out of memory");
	/* media before publishing has nothing to go to, and is not returned */
	k = ppv_rtmp_next(p.rtmp, &m);
	if (k == PPV_RTMP_PUBLISHED) {
		hand_on(&p);
		return;
	}
	if (!stopped(&p)) {
		if (p.late)
			snprintf(line, sizeof line, "E L\n");
		else if (k == PPV_RTMP_REJECTED && p.wrong)
			snprintf(line, sizeof line, "E W\n");
		else
			snprintf(line, sizeof line, "E X %s%s\n", k == PPV_RTMP_REJECTED ? "refused: " : "",
			         *ppv_rtmp_error(p.rtmp) ? ppv_rtmp_error(p.rtmp) : "closed");
		write_all(&p, cfg->ctl, line, strlen(line), ppv_now_ms() + 1000);
	}
	ppv_rtmp_free(p.rtmp);
}
