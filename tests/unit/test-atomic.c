/* test-atomic.c: a file is replaced whole or not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "unit.h"

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

void
test_atomic(void)
{
	char dir[] = "/tmp/ppv-atomic-XXXXXX", path[64], cmd[96];
	ppv_atomic a;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/out.txt", dir);
	f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);

	CHECK((f = ppv_atomic_open(&a, path, 0644)) != NULL);
	fputs("new\n", f);
	CHECK_STR(slurp(path), "old\n");  /* readers see the old file until commit */
	CHECK(ppv_atomic_commit(&a) == 0);
	CHECK_STR(slurp(path), "new\n");

	CHECK((f = ppv_atomic_open(&a, path, 0644)) != NULL);
	fputs("half", f);
	ppv_atomic_abort(&a);
	CHECK_STR(slurp(path), "new\n");

	snprintf(path, sizeof path, "%s/missing/out.txt", dir);
	CHECK(ppv_atomic_open(&a, path, 0644) == NULL);
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1 && rm -r %s", dir, dir);
	CHECK(system(cmd) == 0);  /* no temporary file left behind */
}
