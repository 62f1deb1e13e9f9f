/* keys.c: load secrets safely: only from owner-only files or the environment, wiped after use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "codec.h"
#include "keys.h"

static void
add_line(ppv_keyring *ring, char *s, const char *where, int lineno, int encoding)
{
	char *kid = NULL, *sec, *end;
	ppv_key *k;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	if (!*s || *s == '#')
		return;
	sec = s;
	if ((s = strpbrk(s, " \t"))) {
		*s++ = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		kid = sec;
		sec = s;
	}
	/* a secret may not contain blanks: the error names the line, never its text */
	if (strpbrk(sec, " \t"))
		ppv_die(PPV_ERR, "%s:%d: expected `SECRET` or `KID SECRET`", where, lineno);
	/* a name alone would make the name itself a valid secret */
	if (!kid && (encoding & PPV_KEY_NAMED))
		ppv_die(PPV_ERR, "%s:%d: expected `NAME KEY`: a name without a key", where, lineno);
	if (kid && strlen(kid) >= sizeof k->kid)
		ppv_die(PPV_ERR, "%s:%d: key id longer than %zu bytes", where, lineno, sizeof k->kid - 1);
	ring->v = ppv_xrealloc(ring->v, (ring->n + 1) * sizeof *ring->v);
	k = &ring->v[ring->n];
	memset(k, 0, sizeof *k);
	if (kid)
		strcpy(k->kid, kid);
	n = strlen(sec);
	k->secret = ppv_xrealloc(NULL, n + 1);
	if ((encoding & PPV_KEY_HEX)) {
		long r = ppv_hex_decode(k->secret, n, sec, n);
		if (r <= 0)
			ppv_die(PPV_ERR, "%s:%d: the key is not hex", where, lineno);
		k->len = (size_t)r;
	} else {
		memcpy(k->secret, sec, n);
		k->len = n;
	}
	explicit_bzero(sec, n);
	ring->n++;
}

static void
parse(ppv_keyring *ring, char *text, const char *where, int encoding)
{
	int lineno = 0;
	char *line, *next;

	for (line = text; line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		add_line(ring, line, where, lineno, encoding);
	}
}

void
ppv_keys_load(ppv_keyring *ring, const char *path, const char *env, int encoding)
{
	char buf[1 << 16];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	memset(ring, 0, sizeof *ring);
	if (!path) {
		const char *v = env ? getenv(env) : NULL;
		if (!v || !*v)
			ppv_die(PPV_ERR, "no key: give -k FILE or set %s", env);
		if (strlen(v) >= sizeof buf)
			ppv_die(PPV_ERR, "%s: too long", env);
		strcpy(buf, v);
		parse(ring, buf, env, encoding);
		explicit_bzero(buf, sizeof buf);
	} else {
		/* O_NONBLOCK: a FIFO must not hang the open; refused below */
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
			ppv_die(PPV_ERR, "%s:", path);
		if (fstat(fd, &st) < 0)
			ppv_die(PPV_ERR, "%s:", path);
		if (!S_ISREG(st.st_mode))
			ppv_die(PPV_ERR, "%s: not a regular file", path);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		if (st.st_mode & 077)
			ppv_die(PPV_ERR, "%s: key file is accessible by group or others (mode %04o); "
			        "run: chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
		while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
			len += (size_t)n;
		if (n < 0)
			ppv_die(PPV_ERR, "%s:", path);
		if (len == sizeof buf - 1)
			ppv_die(PPV_ERR, "%s: key file too large", path);
		close(fd);
		buf[len] = '\0';
		parse(ring, buf, path, encoding);
		explicit_bzero(buf, len);
	}
	if (!ring->n)
		ppv_die(PPV_ERR, "%s: no key in it", path ? path : env);
}

const ppv_key *
ppv_keys_find(const ppv_keyring *ring, const char *kid, size_t n)
{
	for (size_t i = 0; i < ring->n; i++)
		if (strlen(ring->v[i].kid) == n && !memcmp(ring->v[i].kid, kid, n))
			return &ring->v[i];
	return NULL;
}

void
ppv_keys_free(ppv_keyring *ring)
{
	for (size_t i = 0; i < ring->n; i++) {
		explicit_bzero(ring->v[i].secret, ring->v[i].len);
		free(ring->v[i].secret);
	}
	free(ring->v);
	memset(ring, 0, sizeof *ring);
}

void
ppv_random(void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n) {
		if ((r = getrandom(p, n, 0)) < 0) {
			if (errno == EINTR)
				continue;
			ppv_die(PPV_ERR, "getrandom:");
		}
		p += r;
		n -= (size_t)r;
	}
}
