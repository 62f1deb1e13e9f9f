/* listen.c: ppv-ingest -l: accepts connections, each run in a process of its own up to its
 * publishing (publish.c), decides which may publish, takes the live publisher's socket and
 * session over from its process, and hands the remux (flvremux.c) one continuous FLV byte
 * stream of its media, waiting a grace time when it drops. Nothing a client
 * does blocks this process: it only accepts, counts and routes. With --exec it is the front
 * door of every creator: each stream is a process of its own, forked from here at its first
 * publisher, and later publishers with its key are handed to it. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "listen.h"
#include "listenint.h"
#include "publish.h"
#include "rtmp.h"
#include "shell.h"
#include "sock.h"
#include "throttle.h"
#include "when.h"

/* A creator's stream in its own process, as the front door sees it. */
struct stream {
	pid_t pid;                    /* 0: the slot is free */
	int sock;                     /* to it; -1: it is ending */
	char name[64];
};

/* What the front door and a stream's process tell each other, a packet each. */
struct note {
	char what;                    /* 'C' a connection for the stream (its pair attached),
	                               * 'R' the creator's key was removed */
	char peer[64], host[48];
};

static int
has_key(const ppv_keyring *ring, const char *name)
{
	return ppv_keys_find(ring, name, strlen(name)) != NULL;
}

/* A note, with a descriptor unless fd is -1; never waits: a stream too busy
 * to take its notes is refused, not waited for. */
static int
note(int sock, const struct note *m, int fd)
{
	return ppv_fd_send(sock, m, sizeof *m, fd, MSG_DONTWAIT) == (ssize_t)sizeof *m ? 0 : -1;
}

/* A note, and the descriptor it carried in *fd (or -1): 1, 0 at the other
 * side's end, -1 none yet or an error. */
static int
note_read(int sock, struct note *m, int *fd)
{
	ssize_t r = ppv_fd_recv(sock, m, sizeof *m, fd, MSG_DONTWAIT);

	if (r <= 0)
		return r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ? 0 : -1;
	if (r != (ssize_t)sizeof *m) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -1;
	}
	m->peer[sizeof m->peer - 1] = m->host[sizeof m->host - 1] = '\0';
	return 1;
}

/* On SIGHUP: the key file again. A bad one keeps the keys there were; a
 * creator whose key went is taken off the air. */
static void
reload(ppv_listen *l)
{
	ppv_keyring fresh;
	char err[512];

	if (!l->cfg.reload || !*l->cfg.reload)
		return;
	*l->cfg.reload = 0;
	if (ppv_keys_read(&fresh, l->cfg.keys_path, NULL, PPV_KEY_RAW | PPV_KEY_NAMED, err, sizeof err) < 0) {
		ppv_warn("%s; keeping the %zu keys read before", err, l->cfg.keys->n);
		return;
	}
	ppv_keys_free(l->cfg.keys);
	*l->cfg.keys = fresh;
	ppv_warn("%s: %zu keys", l->cfg.keys_path, fresh.n);
	for (int i = 0; l->mode == FRONT && i < l->cfg.max_conns; i++) {
		struct stream *s = &l->s[i];
		if (s->pid > 0 && s->sock >= 0 && !has_key(l->cfg.keys, s->name))
			note(s->sock, &(struct note){ .what = 'R' }, -1);
	}
	if (l->mode == ONE && *l->name && !has_key(l->cfg.keys, l->name) && !l->revoked) {
		ppv_warn("%s: its key was removed: off the air", l->name);
		l->revoked = 1;
	}
}

/* --- connections ------------------------------------------------------------------ */

/* The listener's end of a connection closed: its process ends on its own. */
void
ppv_listen_drop(ppv_listen *l, struct conn *c)
{
	if (c->ctl < 0)
		return;
	if (c == l->live) {
		l->live = NULL;
		ppv_rtmp_free(l->rtmp);
		l->rtmp = NULL;
	}
	if (c->sock >= 0)
		close(c->sock);
	free(c->hand);
	close(c->ctl);
	c->ctl = c->sock = -1;
	c->hand = NULL;
	c->hand_got = 0;
	l->nconn--;
}

/* Ended processes collected; a pid is forgotten once collected, so that no
 * signal reaches a process that took its number over. */
static void
reaped(ppv_listen *l, pid_t pid, int ws)
{
	char why[64];

	for (int i = 0; i < l->cfg.max_conns; i++) {
		struct conn *c = &l->c[i];
		if (c->pid == pid) {
			c->pid = 0;
			if (c->handed) {
				c->handed = 0;
				l->nconn--;
			}
		}
		struct stream *s = l->s ? &l->s[i] : NULL;
		if (s && s->pid == pid) {
			/* its own end it says itself; a crash it cannot */
			if (!WIFEXITED(ws) || WEXITSTATUS(ws) > PPV_ERR)
				ppv_warn("%s: the stream's process ended: %s", s->name, ppv_wait_words(ws, why, sizeof why));
			if (s->sock >= 0)
				close(s->sock);
			*s = (struct stream){ .sock = -1 };
		}
	}
}

/* A stream's process has no connection of its own to collect, and must not
 * take its pipeline's status from the one who waits for it. */
static void
reap(ppv_listen *l)
{
	pid_t pid;
	int ws;

	while (l->mode != STREAM && (pid = waitpid(-1, &ws, WNOHANG)) > 0)
		reaped(l, pid, ws);
}

static int
per_host(const ppv_listen *l, const char *host)
{
	int n = 0;

	for (int i = 0; i < l->cfg.max_conns; i++)
		if ((l->c[i].ctl >= 0 || l->c[i].handed) && !strcmp(l->c[i].host, host))
			n++;
	return n;
}

/* The connection's own process: it keeps the socket and one end of a pair. */
static void
child(ppv_listen *l, int cfd, int ctl)
{
	/* nothing of the listener's stays open in it: not the output, nor the
	 * other connections' pairs, whose end-of-file the listener waits for;
	 * and an -o file being written is the listener's to remove, not its */
	ppv_atomic_forget();
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
	/* three ranges, not a call a descriptor: a system call each costs */
	unsigned lo = (unsigned)(cfd < ctl ? cfd : ctl), hi = (unsigned)(cfd < ctl ? ctl : cfd);
	if ((lo > 3 && close_range(3, lo - 1, 0)) || (hi > lo + 1 && close_range(lo + 1, hi - 1, 0)) ||
	    close_range(hi + 1, ~0U, 0))
		for (int fd = 3; fd < 1024; fd++)   /* a kernel before 5.9 */
			if (fd != cfd && fd != ctl)
				close(fd);
	ppv_publish_cfg pc = { cfd, ctl, l->cfg.app, l->cfg.keys, l->cfg.handshake_ms, l->cfg.stop };
	ppv_publish_run(&pc);
	_exit(0);
}

/* A connection's address, as the log names it: address:port, and the address alone. */
static void
named(const struct sockaddr_storage *sa, socklen_t sl, char *host, size_t hn, char *peer, size_t pn)
{
	char serv[8];

	if (getnameinfo((const struct sockaddr *)sa, sl, host, hn, serv, sizeof serv,
	                NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(host, hn, "unknown");
		snprintf(peer, pn, "unknown peer");
	} else {
		snprintf(peer, pn, sa->ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, serv);
	}
}

static void adopt(ppv_listen *l, int cfd, const char *host, const char *peer);

static void
accept_conn(ppv_listen *l)
{
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	char host[48], peer[64];

	int cfd = accept(l->lfd, (struct sockaddr *)&sa, &sl);
	if (cfd < 0)
		return;
	named(&sa, sl, host, sizeof host, peer, sizeof peer);
	adopt(l, cfd, host, peer);
}

/* The connection a super-server accepted, on standard input and output: its
 * address as the super-server says it, or as the socket does. */
static int
adopt_inetd(ppv_listen *l, char *err, size_t n)
{
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	char host[48], peer[64];
	const char *ip = getenv("REMOTE_ADDR"), *port = getenv("REMOTE_PORT");

	if (!ip) {
		ip = getenv("TCPREMOTEIP");
		port = getenv("TCPREMOTEPORT");
	}
	if (getpeername(STDIN_FILENO, (struct sockaddr *)&sa, &sl) < 0) {
		snprintf(err, n, "--inetd: standard input is not a connected socket: %s", strerror(errno));
		return -1;
	}
	named(&sa, sl, host, sizeof host, peer, sizeof peer);
	if (ip && *ip && strlen(ip) < sizeof host) {
		snprintf(host, sizeof host, "%s", ip);
		snprintf(peer, sizeof peer, strchr(ip, ':') ? "[%s]:%s" : "%s:%s", ip, port ? port : "0");
	}
	/* the socket passes to the connection's process; this one keeps none of it,
	 * so the publisher sees it close when its session ends */
	int cfd = fcntl(STDIN_FILENO, F_DUPFD, 3), null = open("/dev/null", O_RDWR);
	if (cfd < 0 || null < 0) {
		snprintf(err, n, "--inetd: %s", strerror(errno));
		return -1;
	}
	dup2(null, STDIN_FILENO);
	dup2(STDERR_FILENO, STDOUT_FILENO);   /* what the pipelines print goes with our log */
	close(null);
	adopt(l, cfd, host, peer);
	return 0;
}

/* A connection, if there is room for it, in a process of its own. */
static void
adopt(ppv_listen *l, int cfd, const char *host, const char *peer)
{
	int sp[2];

	/* over a limit, or banned: closed at once, said (at most) when it began */
	if (ppv_throttle_banned(&l->thr, host, ppv_now_ms()) || l->nconn >= l->cfg.max_conns ||
	    per_host(l, host) >= l->cfg.max_per_host) {
		close(cfd);
		return;
	}
	struct conn *c = NULL;
	for (int i = 0; i < l->cfg.max_conns && !c; i++)
		if (l->c[i].ctl < 0 && !l->c[i].handed)
			c = &l->c[i];
	if (!c || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) {
		ppv_warn("%s: socketpair:", peer);
		close(cfd);
		return;
	}
	int one = 1;
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		child(l, cfd, sp[1]);
	}
	close(cfd);
	close(sp[1]);
	if (pid < 0) {
		ppv_warn("%s: fork:", peer);
		close(sp[0]);
		return;
	}
	fcntl(sp[0], F_SETFL, fcntl(sp[0], F_GETFL) | O_NONBLOCK);
	fcntl(sp[0], F_SETFD, FD_CLOEXEC);
	*c = no_conn;
	c->pid = pid;
	c->ctl = sp[0];
	snprintf(c->peer, sizeof c->peer, "%s", peer);
	snprintf(c->host, sizeof c->host, "%s", host);
	l->nconn++;
}

static void
reply(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
reply(struct conn *c, const char *fmt, ...)
{
	char b[PPV_PUBLISH_LINE + 8];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(b, sizeof b - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof b - 1)
		n = (int)sizeof b - 2;
	b[n++] = '\n';
	/* one line into a pair the connection emptied to ask: room for it (if
	 * not, the connection's deadline ends it) */
	(void)!send(c->ctl, b, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* The live publisher sent nothing for --stale: no whole tag read from it,
 * and none waiting to be (the output may be what is slow). */
static int
silent(const ppv_listen *l)
{
	struct pollfd q = { l->live->sock >= 0 ? l->live->sock : l->live->ctl, POLLIN, 0 };

	return ppv_now_ms() - l->live_at >= l->cfg.stale_ms && poll(&q, 1, 0) == 0;
}

/* A connection asks to publish as name. */
static void
ask(ppv_listen *l, struct conn *c, const char *name)
{
	if (l->mode == ONE && !has_key(l->cfg.keys, name)) {
		reply(c, "N %s: its key was removed", name);
	} else if (l->revoked || ppv_listen_stopped(l)) {
		reply(c, "N this listener is closing");
	} else if (l->live && !strcmp(name, l->name) && !silent(l)) {
		reply(c, "N %s is live already, from %s", name, l->live->peer);
	} else if (*l->name && strcmp(name, l->name)) {
		reply(c, "N %s: a valid key, but this listener carries %s", name, l->name);
	} else {
		if (l->live) {
			/* silent past --stale: the encoder's own reconnect, most likely;
			 * the old session ends, its unfinished tag with it */
			ppv_warn("%s: %s sent nothing for %.0f s: %s takes over", l->live->peer, name,
			         (double)l->cfg.stale_ms / 1000, c->peer);
			/* its socket closed here, its process ends with the pair */
			ppv_listen_drop(l, l->live);
		}
		reply(c, "Y %d", l->sessions + 1);
		l->live = c;
		snprintf(l->remote, sizeof l->remote, "%s", c->peer);
		l->live_at = ppv_now_ms();
		snprintf(l->name, sizeof l->name, "%s", name);
		if (l->sessions++)
			l->reconnects++;
		l->deadline = 0;
		l->drained = 0;
		ppv_warn("%s: %s is live%s", c->peer, l->name, l->reconnects ? " again" : "");
	}
}

/* The front door's own process becomes the stream of name, with c (which asked
 * for it) its first publisher: nothing else of the front door's stays open. */
static void
become_stream(ppv_listen *l, struct conn *c, int sock, const char *name)
{
	for (int i = 0; i < l->cfg.max_conns; i++) {
		if (&l->c[i] != c) {
			if (l->c[i].ctl >= 0)
				close(l->c[i].ctl);
			l->c[i] = no_conn;
		}
		if (l->s[i].sock >= 0)
			close(l->s[i].sock);
	}
	free(l->s);
	l->s = NULL;
	close(l->lfd);
	l->lfd = sock;
	l->nconn = 1;
	l->mode = STREAM;
	l->cfg.reload = NULL;   /* the front door reads the keys, and says what went */
	snprintf(l->name, sizeof l->name, "%s", name);
	ask(l, c, name);
}

/* A connection asks the front door to publish as name: to the stream of that
 * name, started for it if there is none. */
static void
front_ask(ppv_listen *l, struct conn *c, const char *name)
{
	struct stream *s = NULL, *free_slot = NULL;
	int sp[2];

	for (int i = 0; i < l->cfg.max_conns; i++) {
		if (l->s[i].pid > 0 && !strcmp(l->s[i].name, name))
			s = &l->s[i];
		else if (!l->s[i].pid && !free_slot)
			free_slot = &l->s[i];
	}
	if (!has_key(l->cfg.keys, name)) {
		reply(c, "N %s: its key was removed", name);
	} else if (ppv_listen_stopped(l)) {
		reply(c, "N this listener is closing");
	} else if (s && s->sock < 0) {
		reply(c, "N %s: its last stream is still closing; publish again in a moment", name);
	} else if (s) {
		struct note m = { .what = 'C' };
		snprintf(m.peer, sizeof m.peer, "%s", c->peer);
		snprintf(m.host, sizeof m.host, "%s", c->host);
		if (note(s->sock, &m, c->ctl) < 0) {
			reply(c, "N %s: its stream is not taking publishers", name);
			return;
		}
		close(c->ctl);
		c->ctl = -1;
		c->handed = 1;
	} else if (!free_slot || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		reply(c, "N %s: no room for another stream", name);
	} else {
		pid_t pid = fork();
		if (pid == 0) {
			close(sp[0]);
			become_stream(l, c, sp[1], name);
			return;
		}
		close(sp[1]);
		if (pid < 0) {
			ppv_warn("%s: fork:", c->peer);
			close(sp[0]);
			reply(c, "N %s: no room for another stream", name);
			return;
		}
		fcntl(sp[0], F_SETFL, fcntl(sp[0], F_GETFL) | O_NONBLOCK);
		*free_slot = (struct stream){ .pid = pid, .sock = sp[0] };
		snprintf(free_slot->name, sizeof free_slot->name, "%s", name);
		close(c->ctl);
		c->ctl = -1;
		c->handed = 1;
	}
}

/* A line from a connection not publishing: its request, or how it ended. */
static void
heard(ppv_listen *l, struct conn *c, char *line)
{
	if (!strncmp(line, "K ", 2) && l->mode == FRONT) {
		front_ask(l, c, line + 2);
	} else if (!strncmp(line, "K ", 2)) {
		ask(l, c, line + 2);   /* a refusal comes back as its E line */
	} else if (!strcmp(line, "E L")) {
		ppv_warn("%s: closed: no publish within %.0f s of connecting", c->peer,
		         (double)l->cfg.handshake_ms / 1000);
	} else if (!strcmp(line, "E W")) {
		/* guessing keys: said at a bounded rate, then shut out a while */
		ppv_throttle_verdict v = ppv_throttle_fail(&l->thr, c->host, ppv_now_ms());
		if (v.log && v.quiet)
			ppv_warn("%s: refused: wrong stream key (%u more from %s not said)", c->peer, v.quiet, c->host);
		else if (v.log)
			ppv_warn("%s: refused: wrong stream key", c->peer);
		if (v.log && v.banned)
			ppv_warn("%s: %d wrong stream keys within %d s: its connections are refused for %d s",
			         c->host, PPV_THROTTLE_FAILS, PPV_THROTTLE_WINDOW_MS / 1000, PPV_THROTTLE_BAN_MS / 1000);
	} else if (!strncmp(line, "E X ", 4) && !ppv_listen_stopped(l) && !l->revoked) {
		ppv_warn("%s: %s", c->peer, line + 4);
	}
}

/* Reads what a connection not publishing said; drops it at its end. */
static void
listen_to(ppv_listen *l, struct conn *c)
{
	for (;;) {
		ssize_t r = read(c->ctl, c->line + c->ll, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			ppv_listen_drop(l, c);
			return;
		}
		if (c->line[c->ll] == '\n' || c->ll + 2 >= sizeof c->line) {
			c->line[c->ll] = '\0';
			c->ll = 0;
			heard(l, c, c->line);
			if (c == l->live || c->ctl < 0)
				return;   /* what follows is its tags, or not ours to read */
		} else {
			c->ll++;
		}
	}
}

/* A stream's process: what the front door sent. */
static void
take_note(ppv_listen *l)
{
	struct note m;
	struct conn *c = NULL;
	int fd, k;

	while ((k = note_read(l->lfd, &m, &fd)) != -1) {
		if (k == 0) {
			/* the front door is gone: the live publisher goes on alone */
			close(l->lfd);
			l->lfd = -1;
			return;
		}
		if (m.what == 'R' && !l->revoked) {
			ppv_warn("%s: its key was removed: off the air", l->name);
			l->revoked = 1;
		}
		if (m.what != 'C' || fd < 0)
			continue;
		for (int i = 0; i < l->cfg.max_conns && !c; i++)
			if (l->c[i].ctl < 0)
				c = &l->c[i];
		if (!c) {
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		*c = no_conn;
		c->ctl = fd;
		snprintf(c->peer, sizeof c->peer, "%s", m.peer);
		snprintf(c->host, sizeof c->host, "%s", m.host);
		l->nconn++;
		char name[sizeof l->name];   /* ask() writes l->name */
		snprintf(name, sizeof name, "%s", l->name);
		ask(l, c, name);
		c = NULL;
	}
}

/* A stream's process at its end: publishers handed to it meanwhile are told,
 * and the front door learns it is ending. */
static void
retire(ppv_listen *l)
{
	struct note m;
	int fd, k;

	if (l->mode != STREAM || l->lfd < 0)
		return;
	shutdown(l->lfd, SHUT_WR);
	while ((k = note_read(l->lfd, &m, &fd)) == 1)
		if (fd >= 0) {
			char line[PPV_PUBLISH_LINE];
			int n = snprintf(line, sizeof line, "N %s: its stream just ended; publish again\n", l->name);
			(void)!send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
		}
	close(l->lfd);
	l->lfd = -1;
}

/* Serves the socket and every connection until the live publisher has a
 * whole tag (1), or the stream ended (0): no publisher came in time, none
 * came back within the grace time, a stop or the creator's key revoked. */
static int
next_tag(ppv_listen *l)
{
	struct pollfd *p = l->pfd;
	int rc = 0;

	for (;;) {
		reload(l);
		if (ppv_now_ms() - l->reaped >= TICK_MS) {
			reap(l);   /* not at every tag: a system call each */
			l->reaped = ppv_now_ms();
		}
		if (ppv_listen_stopped(l) || l->revoked || (!l->live && l->deadline && ppv_now_ms() >= l->deadline)) {
			l->state = l->sessions == 0 && !ppv_listen_stopped(l) && l->mode == ONE ? PPV_LISTEN_TIMEOUT : PPV_LISTEN_ENDED;
			retire(l);
			break;
		}
		if (l->live) {
			int k = ppv_listen_tags(l);
			if (k > 0) {
				rc = 1;
				break;
			}
			if (k == 0 && l->rtmp && ppv_now_ms() - l->live_at >= l->cfg.idle_ms) {
				ppv_warn("%s: %s sent nothing for %.0f s", l->live->peer, l->name,
				         (double)l->cfg.idle_ms / 1000);
				k = -1;
			}
			if (k < 0) {
				ppv_listen_gone(l, l->live);
				continue;
			}
		}
		/* the live publisher's socket, once read empty, wakes poll at a
		 * burst; what came below it is read LOWAT_MS after */
		int wait = TICK_MS;
		if (l->live && l->drained) {
			int64_t left = LOWAT_MS - (ppv_now_ms() - l->drained_at);
			wait = left < 0 ? 0 : left < TICK_MS ? (int)left : TICK_MS;
		}
		nfds_t n = 0;
		p[n++] = (struct pollfd){ l->lfd, POLLIN, 0 };
		if (l->live)
			p[n++] = (struct pollfd){ l->live->sock >= 0 ? l->live->sock : l->live->ctl, POLLIN, 0 };
		for (int i = 0; i < l->cfg.max_conns; i++)
			if (l->c[i].ctl >= 0 && &l->c[i] != l->live)
				p[n++] = (struct pollfd){ l->c[i].ctl, POLLIN, 0 };
		int k = poll(p, n, wait);
		if (l->live && ((k > 0 && p[1].revents) || ppv_now_ms() - l->drained_at >= LOWAT_MS))
			l->drained = 0;
		if (k <= 0)
			continue;
		if (p[0].revents && l->mode == STREAM)
			take_note(l);
		else if (p[0].revents)
			accept_conn(l);
		for (int i = 0; i < l->cfg.max_conns; i++)
			if (l->c[i].ctl >= 0 && &l->c[i] != l->live)
				listen_to(l, &l->c[i]);
	}
	return rc;
}

/* The front door: a stream's process ending (it sends nothing else). */
static void
front_note(ppv_listen *l, struct stream *s)
{
	struct note m;
	int fd, k;

	while ((k = note_read(s->sock, &m, &fd)) != -1) {
		if (fd >= 0)
			close(fd);
		if (k == 0) {
			close(s->sock);
			s->sock = -1;
			return;
		}
	}
}

/* Stopping: every connection and stream told, and waited for, so that each
 * pipeline has had its end-of-file. */
static void
front_stop(ppv_listen *l)
{
	pid_t pid;
	int ws;

	for (int i = 0; i < l->cfg.max_conns; i++) {
		if (l->c[i].pid > 0)
			kill(l->c[i].pid, SIGTERM);
		if (l->s[i].pid > 0)
			kill(l->s[i].pid, SIGTERM);
	}
	while ((pid = waitpid(-1, &ws, 0)) > 0 || (pid < 0 && errno == EINTR))
		if (pid > 0)
			reaped(l, pid, ws);
}

static int
streams(const ppv_listen *l)
{
	int n = 0;

	for (int i = 0; i < l->cfg.max_conns; i++)
		n += l->s[i].pid > 0;
	return n;
}

int
ppv_listen_front(ppv_listen *l)
{
	nfds_t ns = (nfds_t)l->cfg.max_conns + 1;
	struct pollfd *p = l->pfd;

	l->mode = FRONT;
	l->s = ppv_xcalloc((size_t)l->cfg.max_conns, sizeof *l->s);
	for (int i = 0; i < l->cfg.max_conns; i++)
		l->s[i].sock = -1;
	for (;;) {
		reload(l);
		reap(l);
		if (ppv_listen_stopped(l)) {
			front_stop(l);
			return 0;
		}
		if (l->lfd < 0 && !l->nconn && !streams(l))
			return 0;   /* --inetd: its one connection, and its stream, ended */
		/* the socket, the streams, then the connections not yet handed on */
		nfds_t n = 0;
		p[n++] = (struct pollfd){ l->lfd, POLLIN, 0 };
		for (int i = 0; i < l->cfg.max_conns; i++)
			p[n++] = (struct pollfd){ l->s[i].sock, POLLIN, 0 };
		for (int i = 0; i < l->cfg.max_conns; i++)
			p[n++] = (struct pollfd){ l->c[i].ctl, POLLIN, 0 };
		if (poll(p, n, TICK_MS) <= 0)
			continue;
		if (p[0].revents)
			accept_conn(l);
		for (int i = 0; i < l->cfg.max_conns; i++)
			if (p[1 + i].revents && l->s[i].sock >= 0)
				front_note(l, &l->s[i]);
		for (int i = 0; i < l->cfg.max_conns; i++) {
			if (p[ns + i].revents && l->c[i].ctl >= 0)
				listen_to(l, &l->c[i]);
			if (l->mode == STREAM)
				return 1;   /* in a stream's new process */
		}
	}
}

ssize_t
ppv_listen_read(void *opaque, void *buf, size_t size)
{
	ppv_listen *l = opaque;
	static const uint8_t header[13] = { 'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0 };

	if (!l->header_sent) {
		/* the FLV header (audio and video) and PreviousTagSize0 */
		if (ppv_listen_tag_room(l, sizeof header) < 0) {
			errno = ENOMEM;
			return -1;
		}
		memcpy(l->tag, header, sizeof header);
		l->tag_len = sizeof header;
		l->tag_pos = 0;
		l->header_sent = 1;
	}
	if (l->tag_pos == l->tag_len && !next_tag(l))
		return 0;
	size_t n = l->tag_len - l->tag_pos < size ? l->tag_len - l->tag_pos : size;
	memcpy(buf, l->tag + l->tag_pos, n);
	l->tag_pos += n;
	return (ssize_t)n;
}

ppv_listen *
ppv_listen_new(const ppv_listen_cfg *cfg, char *err, size_t n)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai;
	char port[8];
	ppv_listen *l;
	int k, one = 1;

	snprintf(port, sizeof port, "%d", cfg->port);
	if ((k = getaddrinfo(cfg->addr, port, &hints, &ai))) {
		snprintf(err, n, "%s: %s", cfg->addr ? cfg->addr : "*", gai_strerror(k));
		return NULL;
	}
	l = ppv_xcalloc(1, sizeof *l);
	l->cfg = *cfg;
	l->c = ppv_xcalloc((size_t)cfg->max_conns, sizeof *l->c);
	l->pfd = ppv_xcalloc(2 * (size_t)cfg->max_conns + 1, sizeof *l->pfd);
	for (int i = 0; i < cfg->max_conns; i++)
		l->c[i] = no_conn;
	if (cfg->inetd) {
		freeaddrinfo(ai);
		l->lfd = -1;
		if (adopt_inetd(l, err, n) < 0) {
			ppv_listen_free(l);
			return NULL;
		}
		return l;
	}
	l->lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (l->lfd < 0 || setsockopt(l->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(l->lfd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(l->lfd, SOMAXCONN) < 0) {
		snprintf(err, n, "%s:%d: %s", cfg->addr ? cfg->addr : "*", cfg->port, strerror(errno));
		freeaddrinfo(ai);
		ppv_listen_free(l);
		return NULL;
	}
	freeaddrinfo(ai);
	struct sockaddr_storage sa;
	socklen_t sl = sizeof sa;
	if (getsockname(l->lfd, (struct sockaddr *)&sa, &sl) == 0)
		l->port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
		                                         : ((struct sockaddr_in *)&sa)->sin_port);
	l->deadline = cfg->timeout_ms ? ppv_now_ms() + cfg->timeout_ms : 0;
	return l;
}

int
ppv_listen_state(const ppv_listen *l)
{
	return l->state;
}

const char *
ppv_listen_name(void *l)
{
	return *((ppv_listen *)l)->name ? ((ppv_listen *)l)->name : NULL;
}

const char *
ppv_listen_remote(void *l)
{
	return *((ppv_listen *)l)->remote ? ((ppv_listen *)l)->remote : NULL;
}

int
ppv_listen_reconnects(void *l)
{
	return ((ppv_listen *)l)->reconnects;
}

int
ppv_listen_port(const ppv_listen *l)
{
	return l->port;
}

void
ppv_listen_free(ppv_listen *l)
{
	if (!l)
		return;
	if (l->mode == FRONT)
		front_stop(l);
	for (int i = 0; l->c && i < l->cfg.max_conns; i++)
		if (l->c[i].ctl >= 0) {
			reap(l);
			/* a stream's connections are the front door's to signal and collect */
			if (l->c[i].pid > 0 && l->mode != STREAM) {
				kill(l->c[i].pid, SIGTERM);
				waitpid(l->c[i].pid, NULL, 0);
			}
			ppv_listen_drop(l, &l->c[i]);
		}
	free(l->c);
	free(l->s);
	free(l->pfd);
	if (l->lfd >= 0)
		close(l->lfd);
	ppv_rtmp_free(l->rtmp);
	free(l->tag);
	free(l);
}
