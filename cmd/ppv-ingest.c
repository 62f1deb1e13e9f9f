/* ppv-ingest: take a creator's live feed, check its stream key, emit clean MPEG-TS. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>

#include "atomic.h"
#include "avload.h"
#include "cli.h"
#include "keys.h"
#include "opt.h"
#include "listen.h"
#include "flvremux.h"
#include "remux.h"
#include "shell.h"
#include "testsrc.h"
#include "tsout.h"
#include "when.h"

enum { O_STATS = PPV_OPT_LONG, O_MAXDUR, O_APP, O_GRACE, O_TIMEOUT, O_HANDSHAKE, O_STALE, O_MAXCONNS, O_MAXPERIP, O_EXEC, O_RECORD, O_INETD, O_TEST, O_DURATION, O_SIZE, O_RATE };

static const ppv_opt options[] = {
	{ "output", 'o', "FILE", "write to FILE (it appears when the stream ends)", "@file" },
	{ "stats", O_STATS, "FILE", "a JSON line of stream statistics every 5 s and at the end", "@file" },
	{ "max-duration", O_MAXDUR, "D", "stop after D of media (90, 2m, 1h30m)" },
	{ "key", 'k', "FILE", "SRT passphrase for an srt:// INPUT, read from FILE", "@file" },
	{ "listen", 'l', "ADDR:PORT", "serve RTMP publishers, one live at a time, or every\n"
	  "creator with --exec (PORT alone: all addresses; port 0\n"
	  "picks a free one)" },
	{ "inetd", O_INETD, NULL, "one publisher's connection on fd 0 and 1, from a\n"
	  "super-server (systemd Accept=yes, tcpserver); needs --exec" },
	{ "keys", 'K', "FILE", "stream keys, `NAME KEY` a line; only owner-readable;\n"
	  "read again on SIGHUP", "@file" },
	{ "app", O_APP, "NAME", "the RTMP application (default live)" },
	{ "grace", O_GRACE, "D", "how long a dropped publisher may take to come back\n"
	  "and continue the same output (default 30s)" },
	{ "timeout", O_TIMEOUT, "D", "give up when no publisher with a valid key came\n"
	  "within D (default: wait forever)" },
	{ "handshake-timeout", O_HANDSHAKE, "D", "a connection must be publishing within D of\n"
	  "connecting, or it is closed (default 10s)" },
	{ "stale", O_STALE, "D", "a live publisher that sent nothing for D may be taken\n"
	  "over by a new one with its key (default 5s)" },
	{ "max-conns", O_MAXCONNS, "N", "connections at once, each a process; more are\n"
	  "closed at once (default 64)" },
	{ "max-conns-per-ip", O_MAXPERIP, "N", "connections at once from one address (default 8)" },
	{ "exec", O_EXEC, "COMMAND", "with -l: every creator live at once, each stream's TS\n"
	  "piped to its own /bin/sh -c COMMAND, with PPV_NAME,\n"
	  "PPV_REMOTE and PPV_APP in its environment", "@command" },
	{ "record", O_RECORD, "DIR", "with -l or --inetd: each stream also (without --exec,\n"
	  "only) to DIR/NAME-YYYYMMDDTHHMMSSZ.ts, named .part\n"
	  "until the stream ends", "@dir" },
	{ "test-source", O_TEST, NULL, "a built-in test pattern and tone, H.264/AAC" },
	{ "duration", O_DURATION, "D", "length of the test source (default 10s; 0: endless)" },
	{ "size", O_SIZE, "WxH", "test source picture size (default 1280x720)", "640x360 1280x720 1920x1080" },
	{ "rate", O_RATE, "FPS", "test source frame rate (default 30)", "25 30 50 60" },
	{ "quiet", 'q', NULL, "no notices, only errors" },
	{ "verbose", 'v', NULL, "libavformat's own messages too" },
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = {
	.usage = "ppv-ingest [-o FILE] [--stats FILE] [--max-duration D] [-k KEYFILE] INPUT\n"
		 "       ppv-ingest -l [ADDR:]PORT -K KEYSFILE [--app NAME] [-o FILE] [--grace D]\n"
		 "                  [--timeout D] [--handshake-timeout D] [--stale D]\n"
		 "                  [--max-conns N] [--max-conns-per-ip N] [--stats FILE]\n"
		 "                  [--max-duration D]\n"
		 "       ppv-ingest -l [ADDR:]PORT -K KEYSFILE --exec COMMAND [--record DIR]\n"
		 "                  [--app NAME] [--grace D]\n"
		 "                  [--stale D] [--handshake-timeout D] [--max-conns N]\n"
		 "                  [--max-conns-per-ip N] [--stats FILE] [--max-duration D]\n"
		 "       ppv-ingest -l [ADDR:]PORT -K KEYSFILE --record DIR [same options]\n"
		 "       ppv-ingest --inetd -K KEYSFILE --exec COMMAND [--record DIR] [--app NAME]\n"
		 "                  [--handshake-timeout D] [--stats FILE] [--max-duration D]\n"
		 "       ppv-ingest --test-source [--duration D] [--size WxH] [--rate FPS] [-o FILE]",
	.about = "Take a creator's live feed and write clean MPEG-TS: H.264/HEVC video and\n"
		 "AAC/Opus/MP3 audio copied, timestamps continuous across reconnects and jumps.\n"
		 "INPUT is a file, - for stdin, or a URL libavformat reads (srt://, udp://,\n"
		 "rtmp://, http://). RTMP and FLV (H.264 with AAC or MP3) are remuxed by\n"
		 "ppv-ingest itself, frame for frame as FFmpeg would, at a third of its CPU.\n"
		 "With -l, ppv-ingest is the RTMP server publishers push\n"
		 "to, as rtmp://HOST:PORT/live/STREAMKEY, and only a key in KEYSFILE gets in.\n"
		 "With --exec too it is a platform's front door: every creator may be live at\n"
		 "once, each stream piped into its own COMMAND, which gets end-of-file when\n"
		 "the creator has not come back within --grace; --record keeps each stream\n"
		 "in a file too, or instead.",
	.opts = options,
	.footer = "SIGHUP reads KEYSFILE again: a removed creator's stream ends.\n"
		  "Exit status: 0 success (also on SIGINT/SIGTERM, after closing the stream),\n"
		  "1 no publisher with a valid key before --timeout, 2 usage, I/O or bad input.\n"
		  "See ppv-ingest(1).",
};

static volatile sig_atomic_t stop, reload;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
}

static int
interrupted(void *opaque)
{
	(void)opaque;
	return stop;
}

static int
count(const char *opt, const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || end == s || n < 1 || n > 4096)
		ppv_die(PPV_ERR, "%s: '%s' is not a number from 1 to 4096", opt, s);
	return (int)n;
}

static int64_t
duration_ms(const char *opt, const char *s)
{
	int64_t ms;

	if (ppv_duration_parse_ms(s, &ms) || ms < 0)
		ppv_die(PPV_ERR, "%s: '%s' is not a duration (90, 2m, 1h30m)", opt, s);
	return ms;
}

/* [ADDR:]PORT, with [v6]:PORT for IPv6 */
static void
parse_listen(const char *s, char **addr, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;

	*addr = NULL;
	if (colon) {
		size_t n = (size_t)(colon - s);
		if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
			s++, n -= 2;
		*addr = strndup(s, n);
		s = colon + 1;
	}
	p = strtol(s, &end, 10);
	if (!*s || *end || p < 0 || p > 65535)
		ppv_die(PPV_ERR, "-l: '%s' is not a port", s);
	*port = (int)p;
}

/* The SRT passphrase, like every secret, comes from an owner-only file. */
static char *
passphrase(const char *path)
{
	ppv_keyring ring;
	char *p;

	ppv_keys_load(&ring, path, NULL, PPV_KEY_RAW);
	if (!(p = strndup((const char *)ring.v[0].secret, ring.v[0].len)))
		ppv_die(PPV_ERR, "out of memory");
	ppv_keys_free(&ring);
	return p;
}

/* An input file or stdin, with the bytes read to tell what it is served first. */
struct source {
	int fd;
	uint8_t pre[16];
	size_t pn, pp;
};

static ssize_t
source_read(void *ctx, void *buf, size_t n)
{
	struct source *s = ctx;

	if (s->pp < s->pn) {
		size_t k = s->pn - s->pp < n ? s->pn - s->pp : n;
		memcpy(buf, s->pre + s->pp, k);
		s->pp += k;
		return (ssize_t)k;
	}
	return read(s->fd, buf, n);
}

static int
source_avio_read(void *ctx, uint8_t *buf, int n)
{
	ssize_t r;

	while ((r = source_read(ctx, buf, (size_t)n)) < 0 && errno == EINTR && !stop)
		;
	return r > 0 ? (int)r : r == 0 ? AVERROR_EOF : AVERROR(errno);
}

/* An FLV file or FLV on stdin takes our own path; the start of anything
 * else is kept in s for libavformat. */
static int
is_flv(const char *name, struct source *s)
{
	if (strstr(name, "://") || !strncmp(name, "file:", 5))
		return 0;
	s->fd = strcmp(name, "-") ? open(name, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (s->fd < 0)
		return 0;   /* libavformat says why, as before */
	while (s->pn < 9) {
		ssize_t r = read(s->fd, s->pre + s->pn, 9 - s->pn);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		s->pn += (size_t)r;
	}
	if (s->pn == 9 && !memcmp(s->pre, "FLV", 3) && s->pre[3] == 1)
		return 1;
	if (s->fd != STDIN_FILENO) {
		/* a file goes to libavformat by its name: it may need to seek */
		close(s->fd);
		s->fd = -1;
	}
	return 0;
}

/* Everything that is not RTMP or FLV: SRT, TS, other containers. */
static int
through_libav(const char *name, struct source *src, const char *keyfile, int fd, int live, const ppv_remux_cfg *rcfg)
{
	AVDictionary *opts = NULL;
	char *pass = NULL, err[512] = "";
	uint8_t *buf = NULL;
	int k, rc;
	const ppv_av *av = ppv_av_load(err, sizeof err);

	if (!av)
		ppv_die(PPV_ERR, "%s: %s", name, err);
	AVFormatContext *in = av->avformat_alloc_context();
	if (!in)
		ppv_die(PPV_ERR, "out of memory");

	in->interrupt_callback.callback = interrupted;
	if (src->fd >= 0) {
		/* what is_flv read goes first */
		if (!(buf = av_malloc(1 << 16)) ||
		    !(in->pb = av->avio_alloc_context(buf, 1 << 16, 0, src, source_avio_read, NULL, NULL)))
			ppv_die(PPV_ERR, "out of memory");
		in->flags |= AVFMT_FLAG_CUSTOM_IO;
		k = av->avformat_open_input(&in, NULL, NULL, NULL);
	} else {
		if (keyfile) {
			pass = passphrase(keyfile);
			av_dict_set(&opts, "passphrase", pass, 0);
		}
		k = av->avformat_open_input(&in, name, NULL, &opts);
		av_dict_free(&opts);
		if (pass) {
			explicit_bzero(pass, strlen(pass));
			free(pass);
		}
	}
	if (k < 0) {
		if (stop)
			ppv_exit(PPV_OK);
		ppv_die(PPV_ERR, "%s: %s", name, av_err2str(k));
	}
	ppv_tsout *out = ppv_tsout_new(fd, live, err, sizeof err);
	if (!out)
		ppv_die(PPV_ERR, "cannot set up the MPEG-TS muxer: %s", err);
	rc = ppv_remux(in, out, rcfg, err, sizeof err);
	if (rc)
		ppv_warn("%s: %s", name, err);
	/* libavformat drops a cut-off last TS packet without a word */
	int64_t size = src->fd < 0 && in->pb ? av->avio_size(in->pb) : -1;
	if (rc == PPV_OK && !stop && size > 0 && !strcmp(in->iformat->name, "mpegts") && size % 188 && size % 192) {
		ppv_warn("%s: truncated: the last TS packet is incomplete (%lld bytes)", name, (long long)size);
		rc = PPV_ERR;
	}
	ppv_tsout_free(out);
	if (in->flags & AVFMT_FLAG_CUSTOM_IO && in->pb) {
		av_freep(&in->pb->buffer);
		av->avio_context_free(&in->pb);
	}
	av->avformat_close_input(&in);
	return rc;
}

/* A stream's own pipeline, its TS on the pipe returned in *fd. */
static pid_t
start_pipeline(const char *command, ppv_listen *l, const char *app, int *fd)
{
	char err[256];
	pid_t pid;

	if (setenv("PPV_NAME", ppv_listen_name(l), 1) || setenv("PPV_REMOTE", ppv_listen_remote(l), 1) ||
	    setenv("PPV_APP", app, 1))
		ppv_die(PPV_ERR, "%s: setenv:", ppv_listen_name(l));
	if ((pid = ppv_spawn(command, fd, err, sizeof err)) < 0)
		ppv_die(PPV_ERR, "%s: --exec: %s", ppv_listen_name(l), err);
	return pid;
}

/* A stream's recording: DIR/NAME-STAMP.ts.part while it is written, renamed
 * when the stream ends, so a file without .part is a whole recording and a
 * killed process leaves one that says what it is. */
struct rec {
	int fd;
	char path[4096], part[4096 + 8];
};

static void
start_recording(const char *dir, const char *name, struct rec *r)
{
	time_t t = time(NULL);
	struct tm tm;
	char stamp[32];

	/* the name comes from the keys file and becomes a file's: no path in it */
	if (!*name || *name == '.' || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                            "0123456789._-") != strlen(name))
		ppv_die(PPV_ERR, "%s: --record: a name in the keys file must be letters, digits, '.', '_' "
		        "and '-' to be a file's", name);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	/* a stream that began in the second the last one ended gets -2: no
	 * recording is ever written over */
	for (int n = 1; n < 100; n++) {
		char suffix[8] = "";
		if (n > 1)
			snprintf(suffix, sizeof suffix, "-%d", n);
		if (snprintf(r->path, sizeof r->path, "%s/%s-%s%s.ts", dir, name, stamp, suffix) >= (int)sizeof r->path)
			ppv_die(PPV_ERR, "%s: --record: the path is too long", name);
		snprintf(r->part, sizeof r->part, "%s.part", r->path);
		if (access(r->path, F_OK) == 0)
			continue;
		if ((r->fd = open(r->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) >= 0)
			return;
		if (errno != EEXIST)
			break;
	}
	ppv_die(PPV_ERR, "%s: --record: %s:", name, r->part);
}

static void
end_recording(struct rec *r, const char *name, int quiet)
{
	if (r->fd < 0)
		return;
	if (fsync(r->fd) < 0)
		ppv_warn("%s: --record: %s:", name, r->part);
	close(r->fd);
	if (rename(r->part, r->path) < 0)
		ppv_warn("%s: --record: %s:", name, r->path);
	else if (!quiet)
		ppv_warn("%s: recorded %s", name, r->path);
}

/* End-of-file to the pipeline, and how it ended said. */
static void
end_pipeline(pid_t pid, int fd, const char *name, int quiet)
{
	char why[64];
	int ws;

	close(fd);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR) {
			ppv_warn("%s: waiting for its pipeline:", name);
			return;
		}
	if (!quiet || !WIFEXITED(ws) || WEXITSTATUS(ws))
		ppv_warn("%s: pipeline ended: %s", name, ppv_wait_words(ws, why, sizeof why));
}

int
main(int argc, char **argv)
{
	const char *output = NULL, *stats = NULL, *keysfile = NULL, *keyfile = NULL, *app = "live";
	const char *listen_at = NULL, *exec = NULL, *record = NULL;
	int64_t max_ms = 0, grace_ms = 30000, timeout_ms = 0, test_ms = 10000, hs_ms = 10000, stale_ms = 5000;
	int test = 0, inetd = 0, quiet = 0, verbose = 0, w = 1280, h = 720, fps = 30, c, rc;
	int max_conns = 64, max_per_ip = 8;
	char err[512] = "";

	ppv_init(argv[0]);
	ppv_doc_main(argc, argv, &doc);
	while ((c = ppv_getopt(argc, argv, &doc, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case O_STATS: stats = optarg; break;
		case O_MAXDUR: max_ms = duration_ms("--max-duration", optarg); break;
		case 'k': keyfile = optarg; break;
		case 'l': listen_at = optarg; break;
		case 'K': keysfile = optarg; break;
		case O_APP: app = optarg; break;
		case O_GRACE: grace_ms = duration_ms("--grace", optarg); break;
		case O_TIMEOUT: timeout_ms = duration_ms("--timeout", optarg); break;
		case O_HANDSHAKE:
			if ((hs_ms = duration_ms("--handshake-timeout", optarg)) <= 0)
				ppv_die(PPV_ERR, "--handshake-timeout: '%s' is not a positive duration", optarg);
			break;
		case O_STALE:
			if ((stale_ms = duration_ms("--stale", optarg)) <= 0)
				ppv_die(PPV_ERR, "--stale: '%s' is not a positive duration", optarg);
			break;
		case O_MAXCONNS: max_conns = count("--max-conns", optarg); break;
		case O_MAXPERIP: max_per_ip = count("--max-conns-per-ip", optarg); break;
		case O_EXEC: exec = optarg; break;
		case O_RECORD: record = optarg; break;
		case O_INETD: inetd = 1; break;
		case O_TEST: test = 1; break;
		case O_DURATION: test_ms = duration_ms("--duration", optarg); break;
		case O_SIZE:
			if (sscanf(optarg, "%dx%d", &w, &h) != 2 || w < 16 || h < 16 || w > 7680 ||
			    h > 4320 || w % 2 || h % 2)
				ppv_die(PPV_ERR, "--size: '%s' is not an even WxH such as 1280x720", optarg);
			break;
		case O_RATE:
			if ((fps = atoi(optarg)) < 1 || fps > 120)
				ppv_die(PPV_ERR, "--rate: '%s' is not a frame rate from 1 to 120", optarg);
			break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		}
	}
	argc -= optind;
	argv += optind;
	if (test + !!listen_at + inetd + (argc > 0) != 1 || argc > 1)
		ppv_doc_usage(&doc);
	if ((listen_at || inetd) && !keysfile)
		ppv_die(PPV_ERR, "%s needs -K KEYSFILE: without keys anyone could publish", inetd ? "--inetd" : "-l");
	/* the front door: every stream to its pipeline, its recording, or both */
	int front = exec || record;
	if (inetd && !front)
		ppv_die(PPV_ERR, "--inetd needs --exec COMMAND or --record DIR: standard output is the connection");
	if (front && !listen_at && !inetd)
		ppv_die(PPV_ERR, "%s goes with -l or --inetd: it is for each publisher's stream",
		        exec ? "--exec" : "--record");
	if (front && (output || timeout_ms))
		ppv_die(PPV_ERR, "%s: each stream goes to its own; -o and --timeout are for one publisher",
		        exec ? "--exec" : "--record");
	struct stat rst;
	if (record && (stat(record, &rst) < 0 || !S_ISDIR(rst.st_mode) || access(record, W_OK | X_OK) < 0))
		ppv_die(PPV_ERR, "--record: %s: not a directory this user can write in", record);
	/* libav*'s own lines are not ours to show: what matters reaches us as an error */
	av_log_set_level(verbose ? AV_LOG_INFO : AV_LOG_FATAL);

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (listen_at || inetd)
		sigaction(SIGHUP, &sa, NULL);   /* the keys file again */
	/* A closed pipe downstream comes back as EPIPE from write(2), so the
	 * output can still be finished (an -o file committed) and we exit 0. */
	signal(SIGPIPE, SIG_IGN);

	ppv_atomic atomic;
	FILE *of = NULL;
	int fd = STDOUT_FILENO;
	if (output) {
		if (!(of = ppv_atomic_open(&atomic, output, 0644)))
			ppv_die(PPV_ERR, "%s:", output);
		fd = fileno(of);
	}
	int stats_fd = -1;
	if (stats && (stats_fd = open(stats, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
		ppv_die(PPV_ERR, "%s:", stats);

	ppv_keyring keys = { 0 };
	ppv_listen *l = NULL;
	char *addr = NULL;
	pid_t pipeline = -1;
	struct rec rec = { .fd = -1 };
	if (listen_at || inetd) {
		int port = 0;
		if (listen_at)
			parse_listen(listen_at, &addr, &port);
		ppv_keys_load(&keys, keysfile, NULL, PPV_KEY_RAW | PPV_KEY_NAMED);
		ppv_listen_cfg lc = { .addr = addr, .port = port, .app = app, .keys = &keys,
		                      .keys_path = keysfile, .timeout_ms = timeout_ms, .grace_ms = grace_ms,
		                      .idle_ms = 10000, .handshake_ms = hs_ms, .stale_ms = stale_ms, .max_conns = max_conns,
		                      .max_per_host = max_per_ip, .inetd = inetd, .stop = &stop, .reload = &reload };
		if (!(l = ppv_listen_new(&lc, err, sizeof err)))
			ppv_die(PPV_ERR, "%s%s", inetd ? "" : "-l: ", err);
		if (!quiet && !inetd)
			ppv_warn(front ? "serving every creator on rtmp://%s:%d/%s/<stream key>"
			              : "waiting for a publisher on rtmp://%s:%d/%s/<stream key>",
			         addr ? addr : "0.0.0.0", ppv_listen_port(l), app);
		if (front && !ppv_listen_front(l)) {
			ppv_listen_free(l);
			ppv_keys_free(&keys);
			free(addr);
			ppv_exit(PPV_OK);
		}
		if (exec)
			pipeline = start_pipeline(exec, l, app, &fd);
		if (record) {
			start_recording(record, ppv_listen_name(l), &rec);
			if (!exec)
				fd = rec.fd;
		}
	}

	int live = l || (argc && strstr(argv[0], "://") && strncmp(argv[0], "file:", 5));
	const char *name = front ? ppv_listen_name(l) : argc ? argv[0] : "rtmp";
	ppv_remux_cfg rcfg = { max_ms, stats_fd, 5000, &stop, live && !l,
	                       l ? ppv_listen_reconnects : NULL, l ? ppv_listen_name : NULL,
	                       l ? ppv_listen_remote : NULL, l };
	struct source src = { .fd = -1 };
	if (test) {
		ppv_tsout *out = ppv_tsout_new(fd, live, err, sizeof err);
		if (!out)
			ppv_die(PPV_ERR, "cannot set up the MPEG-TS muxer: %s", err);
		ppv_testsrc_cfg tc = { w, h, fps, test_ms, &stop };
		rc = ppv_testsrc(&tc, out, err, sizeof err) < 0 ? PPV_ERR : PPV_OK;
		if (rc)
			ppv_warn("test source: %s", err);
		ppv_tsout_free(out);
	} else if (l || is_flv(name, &src)) {
		/* RTMP and FLV: our own remux, libavformat not involved */
		ppv_flvremux_cfg fc = { .read = l ? ppv_listen_read : source_read, .rctx = l ? (void *)l : &src,
		                        .fd = fd, .record_fd = exec ? rec.fd : -1, .record_name = rec.path,
		                        .cfg = &rcfg };
		rc = ppv_flvremux(&fc, err, sizeof err);
		if (l && ppv_listen_state(l) == PPV_LISTEN_TIMEOUT) {
			ppv_warn("no publisher with a valid stream key within %.0f s", (double)timeout_ms / 1000);
			rc = PPV_FAIL;
		} else if (rc) {
			ppv_warn("%s: %s", name, err);
		}
	} else {
		rc = through_libav(name, &src, keyfile, fd, live, &rcfg);
	}
	if (src.fd > 0)
		close(src.fd);
	if (pipeline > 0)
		end_pipeline(pipeline, fd, ppv_listen_name(l), quiet);
	end_recording(&rec, name, quiet);
	ppv_listen_free(l);
	ppv_keys_free(&keys);
	free(addr);
	if (stats_fd >= 0)
		close(stats_fd);
	if (output) {
		/* a stream that never started leaves no file behind */
		if (rc == PPV_OK ? ppv_atomic_commit(&atomic) < 0 : (ppv_atomic_abort(&atomic), 0))
			ppv_die(PPV_ERR, "%s:", output);
	}
	ppv_exit(rc);
}
