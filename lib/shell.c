/* shell.c: a shell command fed through a pipe, and how it ended in words, for a program
 * that hands each of its streams to a pipeline of the user's. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"

extern char **environ;

enum { PIPE_ROOM = 1 << 20 };   /* Linux's default pipe-max-size */

pid_t
ppv_spawn(const char *command, int *in, char *err, size_t n)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t dfl, none;
	int p[2], k;
	pid_t pid = -1;
	char *argv[] = { "sh", "-c", (char *)command, NULL };

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, n, "pipe: %s", strerror(errno));
		return -1;
	}
#ifdef F_SETPIPE_SZ
	/* room for a burst or two: the writer need not wait on every 64 KiB the
	 * pipeline reads, nor the pipeline wake for each; a refusal costs only that */
	fcntl(p[1], F_SETPIPE_SZ, PIPE_ROOM);
#endif
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&sa);
	/* our ignored SIGPIPE would outlive exec: a pipeline of `head` and
	 * friends needs it back; and no signal we block stays blocked in it */
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&sa, &dfl);
	posix_spawnattr_setsigmask(&sa, &none);
	posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	if ((k = posix_spawn(&pid, "/bin/sh", &fa, &sa, argv, environ))) {
		snprintf(err, n, "/bin/sh: %s", strerror(k));
		close(p[1]);
		pid = -1;
	} else {
		*in = p[1];
	}
	close(p[0]);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	return pid;
}

const char *
ppv_wait_words(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, n, "wait status %d", status);
	return buf;
}
