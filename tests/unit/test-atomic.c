/* test-atomic.c: a file is replaced whole or not at all. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

UNIT_TEST(test_atomic)
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

	/* an existing file keeps its mode; a new one gets the mode asked, less the umask */
	struct stat st;
	chmod(path, 0604);
	CHECK((f = ppv_atomic_open(&a, path, 0600)) != NULL);
	fputs("new\n", f);
	CHECK(ppv_atomic_commit(&a) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0604);
	char fresh[80];
	snprintf(fresh, sizeof fresh, "%s/fresh.txt", dir);
	mode_t old = umask(027);
	CHECK((f = ppv_atomic_open(&a, fresh, 0666)) != NULL);
	CHECK(ppv_atomic_commit(&a) == 0);
	CHECK(stat(fresh, &st) == 0 && (st.st_mode & 07777) == 0640);
	umask(old);
	unlink(fresh);

	/* finish, then place: nothing is in place until placed */
	CHECK((f = ppv_atomic_open(&a, path, 0644)) != NULL);
	fputs("one\n", f);
	CHECK(ppv_atomic_finish(&a) == 0);
	CHECK_STR(slurp(path), "new\n");
	CHECK(ppv_atomic_place(&a) == 0);
	CHECK_STR(slurp(path), "one\n");

	/* a dead process's temporary file goes; a live one's (ours, pid 1's) stays */
	char dead[96], live[96];
	snprintf(dead, sizeof dead, "%s/.out.txt.999999999.abcdef", dir);
	snprintf(live, sizeof live, "%s/.out.txt.1.abcdef", dir);
	fclose(fopen(dead, "w"));
	fclose(fopen(live, "w"));
	ppv_atomic_sweep(path);
	CHECK(access(dead, F_OK) < 0);
	CHECK(access(live, F_OK) == 0);
	unlink(live);

	/* a child that forgets leaves the parent's temporary file at its exit */
	snprintf(path, sizeof path, "%s/kid.txt", dir);
	CHECK((f = ppv_atomic_open(&a, path, 0644)) != NULL);
	fflush(f);
	pid_t pid = fork();
	if (pid == 0) {
		ppv_atomic_forget();
		exit(0);   /* atexit handlers run */
	}
	CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid);
	CHECK(a.tmp && access(a.tmp, F_OK) == 0);
	CHECK(ppv_atomic_commit(&a) == 0);
	CHECK_STR(slurp(path), "");
	unlink(path);

	snprintf(path, sizeof path, "%s/missing/out.txt", dir);
	CHECK(ppv_atomic_open(&a, path, 0644) == NULL);
	snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1 && rm -r %s", dir, dir);
	CHECK(system(cmd) == 0);  /* no temporary file left behind */
}
