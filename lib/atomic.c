/* atomic.c: write-to-temp-then-rename, the only way ppv replaces a file that others read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"

/* Temporary files still open, removed at exit: a run that dies half-way
 * leaves neither a partial file under the real name nor litter beside it. */
static ppv_atomic *pending[16];

static void
cleanup(void)
{
	for (size_t i = 0; i < sizeof pending / sizeof *pending; i++)
		if (pending[i] && pending[i]->tmp)
			unlink(pending[i]->tmp);
}

/* Killed by a signal, atexit handlers do not run: remove the temporary
 * files here (unlink is async-signal-safe), then die of the same signal. */
static void
on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
track(ppv_atomic *a, int on)
{
	static int registered;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	if (!registered && on) {
		atexit(cleanup);
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
			struct sigaction sa, old;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			/* a signal the caller chose to ignore stays ignored */
			if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
				sigaction(sigs[i], &sa, NULL);
		}
		registered = 1;
	}
	for (size_t i = 0; i < sizeof pending / sizeof *pending; i++) {
		if (on && !pending[i]) {
			pending[i] = a;
			return;
		}
		if (!on && pending[i] == a)
			pending[i] = NULL;
	}
}

static char *
dir_of(const char *path)
{
	char *copy = strdup(path), *d;

	if (!copy)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

/* /dev/stderr is a link to /proc/self/fd/2, which may be a regular file the
 * shell opened (2> log): renaming over the link would replace /dev/stderr
 * itself, and the shell's log would never see a byte. */
static int
in_proc(const char *path)
{
	char *real = realpath(path, NULL);
	int k = real && (!strncmp(real, "/proc/", 6) || !strncmp(real, "/dev/", 5));

	if (!strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6))
		k = 1;
	free(real);
	return k;
}

/* 0, 1, 2 or N for /dev/stdin|stdout|stderr, /dev/fd/N, /proc/self/fd/N; else -1 */
static int
std_fd(const char *path)
{
	static const char *const names[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
	const char *n = NULL;

	for (int i = 0; i < 3; i++)
		if (!strcmp(path, names[i]))
			return i;
	if (!strncmp(path, "/dev/fd/", 8))
		n = path + 8;
	else if (!strncmp(path, "/proc/self/fd/", 14))
		n = path + 14;
	if (!n || !*n || strspn(n, "0123456789") != strlen(n) || strlen(n) > 6)
		return -1;
	return atoi(n);
}

FILE *
ppv_atomic_open(ppv_atomic *a, const char *path, mode_t mode)
{
	char *copy, *base, *dir;
	int fd, e;
	size_t n;

	memset(a, 0, sizeof *a);
	/* A device, FIFO or terminal (-o /dev/null, -o /dev/stdout) is written
	 * in place: renaming over it would replace the device with a file. */
	struct stat st;
	int fd0 = std_fd(path);
	if (fd0 >= 0) {
		/* the stream the shell gave us, shared and not truncated, as 2>> log wants */
		int d = dup(fd0);
		if (d < 0 || !(a->fp = fdopen(d, "w"))) {
			if (d >= 0)
				close(d);
			return NULL;
		}
		return a->fp;
	}
	int exists = stat(path, &st) == 0;
	if (exists && (!S_ISREG(st.st_mode) || in_proc(path)))
		return a->fp = fopen(path, "w");
	ppv_atomic_sweep(path);
	if (!(a->path = strdup(path)) || !(copy = strdup(path)))
		goto fail;
	base = basename(copy);
	if (!(dir = dir_of(path))) {
		free(copy);
		goto fail;
	}
	/* Hidden and in the same directory: rename(2) is atomic only within a file system. */
	n = strlen(dir) + strlen(base) + 40;
	if ((a->tmp = malloc(n)))
		snprintf(a->tmp, n, "%s/.%s.%ld.XXXXXX", dir, base, (long)getpid());
	free(copy);
	free(dir);
	if (!a->tmp || (fd = mkstemp(a->tmp)) < 0)
		goto fail;
	mode_t mask = umask(0);
	umask(mask);
	/* what the operator gave the file (chmod 600 payouts) survives its replacement */
	if (exists && fchown(fd, (uid_t)-1, st.st_gid) < 0)
		errno = 0;  /* a group we are not in: the file gets ours */
	if (fchmod(fd, exists ? st.st_mode & 07777 : mode & ~mask) < 0 || !(a->fp = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		unlink(a->tmp);
		errno = e;
		goto fail;
	}
	track(a, 1);
	return a->fp;
fail:
	e = errno;
	free(a->path);
	free(a->tmp);
	memset(a, 0, sizeof *a);
	errno = e;
	return NULL;
}

/* Batches of many files sync once at the end instead of twice a file. */
static int deferred;
static char *deferred_dir;

void
ppv_atomic_defer_sync(int on)
{
	deferred = on;
}

int
ppv_atomic_sync(void)
{
	int rc = 0;

	if (deferred_dir) {
		int fd = open(deferred_dir, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || syncfs(fd) < 0)
			rc = -1;
		if (fd >= 0)
			close(fd);
		free(deferred_dir);
		deferred_dir = NULL;
	}
	return rc;
}

/* Done with the temporary file, whatever became of it. */
static void
forget(ppv_atomic *a)
{
	track(a, 0);
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
}

int
ppv_atomic_finish(ppv_atomic *a)
{
	int e = 0;

	if (!a->fp)
		return 0;
	if (fflush(a->fp) == EOF || ferror(a->fp) || (a->tmp && !deferred && fsync(fileno(a->fp)) < 0))
		e = errno ? errno : EIO;
	if (fclose(a->fp) == EOF && !e)
		e = errno;
	a->fp = NULL;
	if (e && a->tmp) {
		unlink(a->tmp);
		forget(a);
	}
	errno = e;
	return e ? -1 : 0;
}

int
ppv_atomic_commit(ppv_atomic *a)
{
	return ppv_atomic_finish(a) < 0 ? -1 : ppv_atomic_place(a);
}

/* tmp renamed over path, or removed; 0 or an errno. The rename itself must
 * survive a power cut, not only the data: the directory is synced too, now
 * or in the deferred batch's one sync. */
static int
rename_over(const char *tmp, const char *path)
{
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return e;
	}
	if (deferred) {
		if (!deferred_dir)
			deferred_dir = dir_of(path);
		return 0;
	}
	char *dir = dir_of(path);
	int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY) : -1;
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

int
ppv_atomic_place(ppv_atomic *a)
{
	if (!a->tmp)
		return 0;  /* written in place, or finishing it failed */
	int e = rename_over(a->tmp, a->path);
	forget(a);
	errno = e;
	return e ? -1 : 0;
}

int
ppv_mkdirs(const char *dir)
{
	char *d = strdup(dir);
	int rc = 0;

	if (!d)
		return -1;
	/* the whole path first: in a batch it is most often there already */
	if (mkdir(d, 0777) < 0 && errno == ENOENT) {
		for (char *p = d + 1; *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(d, 0777);
				*p = '/';
			}
		rc = mkdir(d, 0777);
	}
	if (rc < 0 && errno == EEXIST)
		rc = 0;
	struct stat st;
	if (rc == 0 && (stat(d, &st) < 0 || !S_ISDIR(st.st_mode))) {
		errno = ENOTDIR;
		rc = -1;
	}
	free(d);
	return rc;
}

int
ppv_atomic_write(const char *path, const void *buf, size_t n, mode_t mode)
{
	static unsigned long seq;
	static long pid;
	struct stat st;
	ppv_atomic a;
	FILE *fp;

	int exists = stat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		if (!(fp = ppv_atomic_open(&a, path, mode)))
			return -1;
		if (fwrite(buf, 1, n, fp) != n) {
			ppv_atomic_abort(&a);
			return -1;
		}
		return ppv_atomic_commit(&a);
	}
	/* O_EXCL with the mode at once: no mkstemp, fchmod or stdio per file,
	 * which is most of the cost when a batch writes thousands */
	size_t len = strlen(path) + 48;
	char *tmp = malloc(len);
	const char *slash = strrchr(path, '/');
	int fd = -1, e = 0;
	if (!tmp)
		return -1;
	if (!pid)
		pid = (long)getpid();
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		snprintf(tmp, len, "%.*s.%s.%ld.%lu", slash ? (int)(slash - path + 1) : 0, path,
			 slash ? slash + 1 : path, pid, seq++);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd < 0 && errno != EEXIST) {
			free(tmp);
			return -1;
		}
	}
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (exists && (st.st_mode & 07777) != (mode & 07777) && fchmod(fd, st.st_mode & 07777) < 0)
		e = errno;
	a.path = (char *)path;
	a.tmp = tmp;
	a.fp = NULL;
	track(&a, 1);
	for (size_t done = 0; done < n && !e;) {
		ssize_t w = write(fd, (const char *)buf + done, n - done);
		if (w < 0 && errno != EINTR)
			e = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (!e && !deferred && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	track(&a, 0);
	if (e)
		unlink(tmp);
	else
		e = rename_over(tmp, path);
	free(tmp);
	errno = e;
	return e ? -1 : 0;
}

/* A temporary file's name says which process wrote it: .NAME.PID.XXXXXX
 * (ppv_atomic_open) or .NAME.PID.SEQ (ppv_atomic_write). */
void
ppv_atomic_sweep(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup("./");
	size_t bn = strlen(base);
	DIR *d;
	struct dirent *de;

	if (!dir || !(d = opendir(dir))) {
		free(dir);
		return;
	}
	int dfd = dirfd(d);
	while ((de = readdir(d))) {
		const char *n = de->d_name, *p;
		char *end;
		if (n[0] != '.' || strncmp(n + 1, base, bn) || n[bn + 1] != '.')
			continue;
		p = n + bn + 2;
		long pid = strtol(p, &end, 10);
		if (end == p || *end != '.' || pid <= 0 || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlinkat(dfd, n, 0);
	}
	closedir(d);
	free(dir);
}

void
ppv_atomic_forget(void)
{
	memset(pending, 0, sizeof pending);
}

void
ppv_atomic_abort(ppv_atomic *a)
{
	track(a, 0);
	if (a->fp)
		fclose(a->fp);
	if (a->tmp)
		unlink(a->tmp);
	free(a->path);
	free(a->tmp);
	memset(a, 0, sizeof *a);
}
