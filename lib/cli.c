/* cli.c: the program name, die/warn diagnostics and exit handling every binary shares. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "cli.h"

const char *ppv_prog = "ppv";

void
ppv_init(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;
	ppv_prog = s ? s + 1 : (argv0 && *argv0 ? argv0 : "ppv");
	/* A parent that ignored SIGPIPE must not turn a closed pipe downstream into
	 * a stream of EPIPE errors: the default action ends us quietly. */
	signal(SIGPIPE, SIG_DFL);
}

/* A format ending in ':' gets strerror(errno) appended, as in sbase. */
static void
vmsg(const char *fmt, va_list ap)
{
	int e = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", ppv_prog);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(e));
	fputc('\n', stderr);
}

void
ppv_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(code);
}

void
ppv_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
ppv_version(void)
{
	printf("%s (ppv) %s\n", ppv_prog, PPV_VERSION);
	ppv_exit(PPV_OK);
}

/* Output goes through stdio; a full disk must not pass for success. */
void
ppv_flush_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		ppv_die(PPV_ERR, "stdout: write error:");
}

void
ppv_exit(int code)
{
	int bad = ferror(stdout);

	if (fclose(stdout) == EOF)
		bad = 1;
	if (bad && code == PPV_OK)
		ppv_die(PPV_ERR, "stdout: write error:");
	exit(code);
}

int
ppv_errf(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

void *
ppv_xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n ? n : 1)))
		ppv_die(PPV_ERR, "out of memory");
	return p;
}

/* Huge pages are given here only to ranges that ask (transparent_hugepage
 * "madvise", Debian's default): a table of a million creators took 81,000
 * page faults and a third of the run without them, 9,600 with them. Only
 * whole 2 MiB extents inside the block are advised, so nothing outside it
 * changes; where the kernel refuses, the block is still good. */
void *
ppv_xbig(void *p, size_t n)
{
	enum { HUGE = 2 << 20 };
	size_t len = n;

	if (!p && n >= HUGE) {
		/* a new block on a boundary, whole extents long: all of it can be
		 * huge (its tail on small pages was 800 faults of a million
		 * creators' sort list and keys, 10 us each on this VM) */
		len = (n + HUGE - 1) & ~(size_t)(HUGE - 1);
		if (posix_memalign(&p, HUGE, len))
			ppv_die(PPV_ERR, "out of memory");
	} else {
		p = ppv_xrealloc(p, n);
	}
	uintptr_t a = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1), z = ((uintptr_t)p + len) & ~(uintptr_t)(HUGE - 1);
#ifdef MADV_HUGEPAGE
	if (z > a)
		(void)madvise((void *)a, z - a, MADV_HUGEPAGE);
#endif
	return p;
}

char *
ppv_printable(char *out, size_t cap, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int esc = c < 0x20 || c >= 0x7f || c == '\\' || c == '\'';
		if (k + (esc ? 4 : 1) + 1 > cap)
			break;  /* cut where a whole character or escape no longer fits */
		if (esc)
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
		else
			out[k++] = (char)c;
	}
	if (cap)
		out[k < cap ? k : cap - 1] = '\0';
	return out;
}

void *
ppv_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		ppv_die(PPV_ERR, "out of memory");
	return p;
}

char *
ppv_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ppv_die(PPV_ERR, "out of memory");
	va_end(ap);
	return s;
}

char *
ppv_xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);

	if (!d)
		ppv_die(PPV_ERR, "out of memory");
	return d;
}

/* A number from the first line of path that starts with key ("" for the first line). */
static uint64_t
read_number(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned long long v = 0;
	size_t k = strlen(key);

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, k)) {
			if (sscanf(line + k, "%llu", &v) != 1)
				v = 0;
			break;
		}
	fclose(f);
	return v;
}

uint64_t
ppv_mem_available(void)
{
	uint64_t avail = read_number("/proc/meminfo", "MemAvailable:") * 1024;
	uint64_t max = read_number("/sys/fs/cgroup/memory.max", ""), cur = read_number("/sys/fs/cgroup/memory.current", "");
	struct rlimit r;

	/* "max" reads as no number: no cgroup limit */
	if (max && (max > cur ? max - cur : 0) < (avail ? avail : UINT64_MAX))
		avail = max > cur ? max - cur : 1;
	if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY && (!avail || r.rlim_cur < avail))
		avail = r.rlim_cur;
	return avail;
}
