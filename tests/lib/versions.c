/* versions.c: an LD_PRELOAD shim for the tests: each file renamed onto a name
 * ending in VERSIONS_OF is first copied to VERSIONS_DIR/1, 2, ...: every
 * version of a playlist as readers could have seen it, in order. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int n;

static void
keep(const char *from)
{
	char path[4096], buf[65536];
	ssize_t got;
	int in, out;

	snprintf(path, sizeof path, "%s/%d", getenv("VERSIONS_DIR"), ++n);
	if ((in = open(from, O_RDONLY)) < 0)
		return;
	if ((out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
		while ((got = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)got) != got)
				break;
		close(out);
	}
	close(in);
}

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	const char *of = getenv("VERSIONS_OF");
	size_t lo = of ? strlen(of) : 0, lt = strlen(to);

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (of && getenv("VERSIONS_DIR") && lt >= lo && strcmp(to + lt - lo, of) == 0)
		keep(from);
	return real(from, to);
}
