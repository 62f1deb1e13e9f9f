/* input.c: one reader for files and stdin that decompresses gzip transparently (zlib). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "input.h"

enum { CHUNK = 1 << 16, MAXLINE = 1 << 20, AHEAD = 1 << 20 };

/* A gzip file is inflated a block ahead by a thread of its own, so that
 * decompression and the program's work on the data share two cores. Not for
 * pipes: a live pipe's reader must see each line as soon as it comes. */
struct ahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *blk[2];
	size_t len[2], off;   /* off: bytes of blk[rd] already handed out */
	int full[2], rd, wr;
	int done, stop;       /* done: the thread has read all; stop: close asked it to */
	int err;              /* 1 read error (errno in eno), 2 zlib's msg, 3 truncated */
	int eno;
	char msg[128];
};

struct ppv_input {
	struct ahead *ah;
	gzFile gz;
	const char *name;
	char *buf;            /* holds [pos, end) unread bytes */
	size_t pos, end, cap;
	long lineno;
	int eof;
	int long_ok;          /* a line over MAXLINE is skipped and said, not fatal */
	int overlong;         /* skipping one */
	uint64_t used;        /* uncompressed bytes handed out */
};

static void *
inflater(void *arg)
{
	ppv_input *in = arg;
	struct ahead *a = in->ah;
	int err = 0, n;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->full[a->wr] && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		int w = a->wr, stop = a->stop;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			break;
		n = gzread(in->gz, a->blk[w], AHEAD);
		if (n <= 0) {
			const char *m = gzerror(in->gz, &err);
			if (n < 0 && err == Z_ERRNO)
				a->eno = errno, err = 1;
			else if (n < 0 || (err != Z_OK && err != Z_BUF_ERROR))
				snprintf(a->msg, sizeof a->msg, "%s", m), err = 2;
			else
				err = err == Z_BUF_ERROR ? 3 : 0;
		}
		pthread_mutex_lock(&a->mu);
		if (n > 0) {
			a->len[w] = (size_t)n;
			a->full[w] = 1;
			a->wr ^= 1;
		} else {
			a->err = err;
			a->done = 1;
		}
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (n <= 0)
			break;
	}
	return NULL;
}

static void
start_ahead(ppv_input *in, int fd)
{
	struct stat st;
	unsigned char m[2];
	struct ahead *a;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || pread(fd, m, 2, 0) != 2 || m[0] != 0x1f || m[1] != 0x8b)
		return;
	a = ppv_xcalloc(1, sizeof *a);
	a->blk[0] = ppv_xrealloc(NULL, AHEAD);
	a->blk[1] = ppv_xrealloc(NULL, AHEAD);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	in->ah = a;
	/* signals stay with the program's own thread, where its handlers expect
	 * them; the inflater's reads are never interrupted */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&a->th, NULL, inflater, in);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		/* no thread: read in line as for any other input */
		free(a->blk[0]);
		free(a->blk[1]);
		free(a);
		in->ah = NULL;
	}
}

/* What gzread would have given: the next inflated bytes, 0 at the end, -1 with
 * gzerror's state in *err and errno set. */
static int
read_ahead(ppv_input *in, char *dst, size_t cap, int *err)
{
	struct ahead *a = in->ah;
	size_t n;

	pthread_mutex_lock(&a->mu);
	while (!a->full[a->rd] && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	if (!a->full[a->rd]) {
		*err = a->err;
		pthread_mutex_unlock(&a->mu);
		if (*err == 1)
			errno = a->eno;
		return *err == 1 || *err == 2 ? -1 : 0;
	}
	pthread_mutex_unlock(&a->mu);
	n = a->len[a->rd] - a->off;
	if (n > cap)
		n = cap;
	memcpy(dst, a->blk[a->rd] + a->off, n);
	a->off += n;
	if (a->off == a->len[a->rd]) {
		pthread_mutex_lock(&a->mu);
		a->full[a->rd] = 0;
		a->rd ^= 1;
		a->off = 0;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	return (int)n;
}

static void
stop_ahead(ppv_input *in)
{
	struct ahead *a = in->ah;

	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a->blk[0]);
	free(a->blk[1]);
	free(a);
	in->ah = NULL;
}

ppv_input *
ppv_input_open(const char *path)
{
	const char *name = !path || !strcmp(path, "-") ? "stdin" : path;
	int fd = name == path ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	ppv_input *in;

	/* checks first, allocations after: an early exit leaks nothing */
	if (fd < 0)
		ppv_die(PPV_ERR, "%s:", name);
	in = ppv_xcalloc(1, sizeof *in);
	in->buf = ppv_xrealloc(NULL, CHUNK + 1);
	in->name = name;
	in->cap = CHUNK;
	/* gzdopen reads a plain file as it is and a gzip file decompressed. */
	if (!(in->gz = gzdopen(fd, "rb")))
		ppv_die(PPV_ERR, "%s: cannot read:", in->name);
	gzbuffer(in->gz, CHUNK);
	if (name == path)
		start_ahead(in, fd);
	return in;
}

/* Refills past the unread bytes. Output is flushed first: the read may block
 * on a live pipe, and what we have produced must reach downstream meanwhile. */
static size_t
fill(ppv_input *in)
{
	int n, err;
	const char *msg;

	if (in->eof)
		return 0;
	if (in->pos) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->pos = 0;
	}
	if (in->end == in->cap) {
		if (in->cap >= MAXLINE)
			ppv_die(PPV_ERR, "%s:%ld: line longer than %d bytes", in->name,
			        in->lineno + 1, MAXLINE);
		in->cap *= 2;
		in->buf = ppv_xrealloc(in->buf, in->cap + 1);
	}
	fflush(stdout);
	if (in->ah) {
		int aerr = 0;
		n = read_ahead(in, in->buf + in->end, in->cap - in->end, &aerr);
		if (n < 0 && aerr == 1)
			ppv_die(PPV_ERR, "%s: read error:", in->name);
		if (n < 0)
			ppv_die(PPV_ERR, "%s: %s", in->name, in->ah->msg);
		if (n == 0 && aerr == 3)
			ppv_die(PPV_ERR, "%s: truncated gzip data", in->name);
		if (n == 0)
			in->eof = 1;
		in->end += (size_t)n;
		return (size_t)n;
	}
	n = gzread(in->gz, in->buf + in->end, (unsigned)(in->cap - in->end));
	if (n < 0) {
		msg = gzerror(in->gz, &err);
		/* Only a signal the program catches without SA_RESTART interrupts a
		 * read, and such a program wants to stop: the input ends here. */
		if (err == Z_ERRNO && errno == EINTR) {
			in->eof = 1;
			return 0;
		}
		if (err == Z_ERRNO)
			ppv_die(PPV_ERR, "%s: read error:", in->name);
		ppv_die(PPV_ERR, "%s: %s", in->name, msg);
	}
	if (n == 0) {
		/* A gzip stream cut short is an error, not an early end of data. */
		msg = gzerror(in->gz, &err);
		if (err != Z_OK && err != Z_BUF_ERROR)
			ppv_die(PPV_ERR, "%s: %s", in->name, msg);
		if (err == Z_BUF_ERROR)
			ppv_die(PPV_ERR, "%s: truncated gzip data", in->name);
		in->eof = 1;
	}
	in->end += (size_t)n;
	return (size_t)n;
}

ssize_t
ppv_input_line(ppv_input *in, char **line)
{
	size_t off = 0;  /* bytes already searched; stays valid across fill() */
	ssize_t len;
	char *nl;

	while (!(nl = memchr(in->buf + in->pos + off, '\n', in->end - in->pos - off))) {
		off = in->end - in->pos;
		if (in->long_ok && off >= MAXLINE) {
			/* what was read of it goes: memory stays bounded, and the line is
			 * still one line, answered as too long */
			in->used += off;
			in->pos = in->end;
			off = 0;
			in->overlong = 1;
		}
		if (!fill(in)) {
			if (in->end == in->pos && !in->overlong)
				return -1;
			nl = in->buf + in->end;  /* a last line without its newline */
			break;
		}
	}
	if (in->overlong) {
		in->used += (uint64_t)(nl - (in->buf + in->pos)) + 1;
		in->pos = (size_t)(nl - in->buf) + (nl < in->buf + in->end);
		in->overlong = 0;
		in->lineno++;
		return -2;
	}
	*line = in->buf + in->pos;
	len = nl - *line;
	in->pos = (size_t)(nl - in->buf) + (nl < in->buf + in->end);
	in->used += (uint64_t)len + 1;
	*nl = '\0';
	in->lineno++;
	return len;
}

size_t
ppv_input_read(ppv_input *in, void *buf, size_t n)
{
	if (in->end == in->pos && !fill(in))
		return 0;
	if (n > in->end - in->pos)
		n = in->end - in->pos;
	memcpy(buf, in->buf + in->pos, n);
	in->pos += n;
	in->used += n;
	return n;
}

uint64_t
ppv_input_consumed(const ppv_input *in)
{
	return in->used;
}

uint64_t
ppv_input_size_of(const char *path)
{
	struct stat st;
	unsigned char b[4];
	int fd;
	uint64_t size = 0;

	if (!path || !strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	size = (uint64_t)st.st_size;
	if (pread(fd, b, 2, 0) == 2 && b[0] == 0x1f && b[1] == 0x8b) {
		/* gzip keeps the uncompressed size, modulo 4 GiB, in its last bytes */
		size = 0;
		if (st.st_size >= 18 && pread(fd, b, 4, st.st_size - 4) == 4) {
			size = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24;
			/* gzip never shrinks data to less than half: less means it wrapped */
			while (size < (uint64_t)st.st_size / 2)
				size += (uint64_t)1 << 32;
		}
	}
	close(fd);
	return size;
}

const char *
ppv_input_name(const ppv_input *in)
{
	return in->name;
}

ssize_t
ppv_input_item(ppv_input *in, char **line)
{
	ssize_t n;

	while ((n = ppv_input_line(in, line)) >= 0) {
		while (n && ((*line)[n - 1] == '\r' || (*line)[n - 1] == ' ' || (*line)[n - 1] == '\t'))
			(*line)[--n] = '\0';
		if (n && (*line)[0] != '#')
			break;
	}
	return n;
}

char **
ppv_input_items(const char *path, size_t *n)
{
	ppv_input *in = ppv_input_open(path);
	char **v = NULL, *line;
	size_t cap = 0;

	*n = 0;
	while (ppv_input_item(in, &line) >= 0) {
		if (*n == cap)
			v = ppv_xrealloc(v, (cap = cap ? 2 * cap : 64) * sizeof *v);
		v[(*n)++] = ppv_xstrdup(line);
	}
	ppv_input_close(in);
	return v;
}

void
ppv_input_items_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void
ppv_input_long_lines(ppv_input *in)
{
	in->long_ok = 1;
}

long
ppv_input_lineno(const ppv_input *in)
{
	return in->lineno;
}

void
ppv_input_close(ppv_input *in)
{
	if (!in)
		return;
	if (in->ah)
		stop_ahead(in);
	gzclose(in->gz);
	free(in->buf);
	free(in);
}
