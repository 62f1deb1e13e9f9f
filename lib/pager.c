/* pager.c: output longer than the terminal through the user's pager, as git and man do. */
#include "pager.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"

int
ppv_pager_rows(void)
{
	struct winsize w;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_row > 0)
		return w.ws_row;
	const char *l = getenv("LINES");
	return l && atoi(l) > 0 ? atoi(l) : 24;
}

/* Whether a command name is on PATH, as the shell would find it. */
static int
on_path(const char *name)
{
	const char *path = getenv("PATH");
	char file[4096];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(file, sizeof file, "%.*s/%s", (int)n, n ? p : ".", name);
		if (access(file, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

int
ppv_pager_start(ppv_pager *p, size_t lines, char *err, size_t cap)
{
	int rows = ppv_pager_rows();
	const char *cmd = getenv("PPV_PAGER");

	p->pid = 0;
	/* the prompt's line stays on the screen */
	if (!rows || lines < (size_t)rows)
		return 0;
	if (!cmd)
		cmd = getenv("PAGER");
	if (cmd && (!*cmd || !strcmp(cmd, "cat")))
		return 0;
	if (!cmd) {
		if (!on_path("less")) {
			snprintf(err, cap, "no pager: set PAGER, or install less");
			return -1;
		}
		cmd = "less";
	}
	/* quit when it fits, keep colours, leave the text on the screen */
	setenv("LESS", "FRX", 0);
	fflush(stdout);
	int fd;
	pid_t pid = ppv_spawn(cmd, &fd, err, cap);
	if (pid < 0)
		return -1;
	if (dup2(fd, STDOUT_FILENO) < 0) {
		snprintf(err, cap, "dup2: %s", strerror(errno));
		close(fd);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(fd);
	p->pid = pid;
	/* a pager that quit, or never ran, is seen at the end, not as SIGPIPE midway */
	p->sigpipe = signal(SIGPIPE, SIG_IGN);
	return 1;
}

int
ppv_pager_end(ppv_pager *p, char *err, size_t cap)
{
	int bad = 0, status = 0;

	if (!p->pid)
		return 0;
	/* a reader who quits the pager early closed the pipe: not an error */
	if ((fflush(stdout) == EOF || ferror(stdout)) && errno != EPIPE) {
		snprintf(err, cap, "stdout: write error: %s", strerror(errno));
		bad = 1;
	}
	clearerr(stdout);
	int devnull = open("/dev/null", O_WRONLY);
	/* the pager sees the end; later writes to stdout go nowhere */
	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		close(devnull);
	} else {
		close(STDOUT_FILENO);
	}
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, p->sigpipe);
	p->pid = 0;
	/* the shell's "not found": the output went nowhere, say so */
	if (!bad && WIFEXITED(status) && (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127)) {
		snprintf(err, cap, "the pager could not be run (its shell said why): use --format csv, or set PAGER");
		bad = 1;
	}
	return bad ? -1 : 0;
}
