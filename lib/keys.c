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

static int
add_line(ppv_keyring *ring, char *s, const char *where, int lineno, int encoding, char *err, size_t cap)
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
		return 0;
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
		return ppv_errf(err, cap, "%s:%d: expected `SECRET` or `KID SECRET`", where, lineno);
	/* a name alone would make the name itself a valid secret */
	if (!kid && (encoding & PPV_KEY_NAMED))
		return ppv_errf(err, cap, "%s:%d: expected `NAME KEY`: a name without a key", where, lineno);
	if (kid && strlen(kid) >= sizeof k->kid)
		return ppv_errf(err, cap, "%s:%d: key id longer than %zu bytes", where, lineno, sizeof k->kid - 1);
	if (ring->n == ring->cap) {
		ring->cap = ring->cap ? 2 * ring->cap : 8;
		ring->v = ppv_xrealloc(ring->v, ring->cap * sizeof *ring->v);
	}
	k = &ring->v[ring->n];
	memset(k, 0, sizeof *k);
	if (kid)
		strcpy(k->kid, kid);
	n = strlen(sec);
	k->secret = ppv_xrealloc(NULL, n + 1);
	if ((encoding & PPV_KEY_B64)) {
		/* either alphabet, padded or not: Cloud CDN writes base64url, Fastly base64 */
		char *t = ppv_xrealloc(NULL, n + 4);
		size_t m = 0;
		for (size_t i = 0; i < n && sec[i] != '='; i++)
			t[m++] = sec[i] == '-' ? '+' : sec[i] == '_' ? '/' : sec[i];
		while (m % 4)
			t[m++] = '=';
		long r = ppv_b64_decode(k->secret, n, t, m);
		explicit_bzero(t, m);
		free(t);
		if (r <= 0) {
			free(k->secret);
			return ppv_errf(err, cap, "%s:%d: the key is not base64", where, lineno);
		}
		k->len = (size_t)r;
	} else if ((encoding & PPV_KEY_HEX)) {
		long r = ppv_hex_decode(k->secret, n, sec, n);
		if (r <= 0) {
			free(k->secret);
			return ppv_errf(err, cap, "%s:%d: the key is not hex", where, lineno);
		}
		k->len = (size_t)r;
	} else {
		memcpy(k->secret, sec, n);
		k->len = n;
	}
	explicit_bzero(sec, n);
	ring->n++;
	return 0;
}

static int
parse(ppv_keyring *ring, char *text, const char *where, int encoding, char *err, size_t cap)
{
	int lineno = 0;
	char *line, *next;

	for (line = text; line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (add_line(ring, line, where, lineno, encoding, err, cap) < 0)
			return -1;
	}
	return 0;
}

/* A platform's stream keys: a line each for every creator, 16 MiB is some
 * 200,000 of them. */
enum { FILE_MAX = 16 << 20 };

int
ppv_keys_slurp(const char *path, int secret, char **out, size_t *outlen, int *owner_only, char *err, size_t cap)
{
	struct stat st;
	ssize_t n = 0;
	size_t len = 0, bufsz;
	int fd, rc = 0;
	char *buf;

	/* O_NONBLOCK: a FIFO must not hang the open; refused below */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return ppv_errf(err, cap, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = ppv_errf(err, cap, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = ppv_errf(err, cap, "%s: not a regular file", path);
	} else if (secret && (st.st_mode & 077)) {
		rc = ppv_errf(err, cap, "%s: key file is accessible by group or others (mode %04o); "
			      "run: chmod 600 %s", path, (unsigned)(st.st_mode & 07777), path);
	} else if (st.st_size >= FILE_MAX) {
		rc = ppv_errf(err, cap, "%s: key file too large (16 MiB at most)", path);
	}
	if (rc) {
		close(fd);
		return rc;
	}
	if (owner_only)
		*owner_only = !(st.st_mode & 077);
	/* room for what it holds now and a little more: a file that grew
	 * while read past its limit is refused below */
	bufsz = (size_t)st.st_size + 4096 < FILE_MAX ? (size_t)st.st_size + 4096 : FILE_MAX;
	buf = ppv_xrealloc(NULL, bufsz);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	while ((n = read(fd, buf + len, bufsz - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
	if (n < 0)
		rc = ppv_errf(err, cap, "%s: %s", path, strerror(errno));
	else if (len == bufsz - 1)
		rc = ppv_errf(err, cap, "%s: key file too large, or growing while read", path);
	if (rc) {
		explicit_bzero(buf, len);
		free(buf);
		return rc;
	}
	*out = buf, *outlen = len;
	return 0;
}

static int
read_file(ppv_keyring *ring, const char *path, int encoding, char *err, size_t cap)
{
	char *buf;
	size_t len;
	int rc;

	if ((rc = ppv_keys_slurp(path, 1, &buf, &len, NULL, err, cap)))
		return rc;
	rc = parse(ring, buf, path, encoding, err, cap);
	explicit_bzero(buf, len);
	free(buf);
	return rc;
}

int
ppv_keys_read(ppv_keyring *ring, const char *path, const char *env, int encoding, char *err, size_t cap)
{
	char buf[1 << 16];
	int rc;

	memset(ring, 0, sizeof *ring);
	if (!path) {
		const char *v = env ? getenv(env) : NULL;
		if (!v || !*v)
			return ppv_errf(err, cap, "no key: give -k FILE or set %s", env);
		if (strlen(v) >= sizeof buf)
			return ppv_errf(err, cap, "%s: too long", env);
		strcpy(buf, v);
		rc = parse(ring, buf, env, encoding, err, cap);
		explicit_bzero(buf, sizeof buf);
	} else {
		rc = read_file(ring, path, encoding, err, cap);
	}
	if (rc == 0 && !ring->n)
		rc = ppv_errf(err, cap, "%s: no key in it", path ? path : env);
	if (rc < 0)
		ppv_keys_free(ring);
	return rc;
}

void
ppv_keys_load(ppv_keyring *ring, const char *path, const char *env, int encoding)
{
	char err[512];

	if (ppv_keys_read(ring, path, env, encoding, err, sizeof err) < 0)
		ppv_die(PPV_ERR, "%s", err);
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
