/* ppv-splice: ad insertion: SCTE-35 cues decoded, encoded and put into a TS stream, ad pods stitched into HLS playlists. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "breaks.h"
#include "cli.h"
#include "codec.h"
#include "inject.h"
#include "input.h"
#include "opt.h"
#include "scte35.h"
#include "stitch.h"
#include "when.h"

enum {
	O_INSERT = PPV_OPT_LONG, O_TSIG, O_EVENT, O_PTS, O_DUR, O_OUT, O_IN, O_AUTO, O_TYPE, O_UPID,
	O_HEX, O_AT, O_SCHED, O_PREROLL, O_PID, O_AD, O_ADS, O_REPLACE, O_INTER, O_VIEWER, O_META,
	O_IMPR, O_LIVE, O_STATE, O_SLATE, O_NOW,
};

static const ppv_opt options[] = {
	PPV_MODE("decode", "cues (base64 or 0x-hex) as JSON, one object a line: from the\n"
			   "arguments, one a line on stdin, or every cue of a TS file (-i)"),
	{ "input", 'i', "FILE", "read the SCTE-35 PIDs of a transport stream", "@file" },
	PPV_MODE("encode", "build a cue; prints base64 (or --hex)"),
	{ "insert", O_INSERT, NULL, "a splice_insert" },
	{ "time-signal", O_TSIG, NULL, "a time_signal" },
	{ "event-id", O_EVENT, "N", "splice/segmentation event id (default 1)" },
	{ "pts", O_PTS, "T", "splice time in seconds (6 decimals) or Nt in 90 kHz\n"
			     "ticks; without it the splice is immediate" },
	{ "duration", O_DUR, "D", "break (or segmentation) duration, seconds" },
	{ "out", O_OUT, NULL, "out of the network (default)" },
	{ "in", O_IN, NULL, "back into the network" },
	{ "auto-return", O_AUTO, NULL, "the break ends by itself after --duration" },
	{ "type", O_TYPE, "ID", "add a segmentation descriptor of this type (0x34...)",
	  "0x22 0x30 0x32 0x34 0x36 0x10 0x11" },
	{ "upid", O_UPID, "TYPE:HEX", "its UPID (type number or name: ti, adi, uri, mid...)",
	  "ti: adi: uri: mid: eidr: uuid: adid: isan: user:" },
	{ "hex", O_HEX, NULL, "print 0x-hex instead of base64" },
	PPV_MODE("inject", "a TS filter: adds an SCTE-35 PID and splice_insert cues"),
	{ "at", O_AT, "T[/D]", "a break at media time T (seconds, 1h2m3s) lasting D\n"
			       "(default 30); repeat", NULL, true },
	{ "schedule", O_SCHED, "FILE", "CSV `at,duration,event_id`", "@file" },
	{ "preroll", O_PREROLL, "S", "send each cue S seconds before its splice (default 4)" },
	{ "pid", O_PID, "PID", "the SCTE-35 PID (default: the first free after the\n"
			       "stream's PIDs)" },
	{ "event-id", O_EVENT, "N", "the first break's event id (default 1)" },
	{ "output", 'o', "FILE", "the output file (default stdout)", "@file" },
	PPV_MODE("stitch", "ad pods into HLS media or master playlists; see ppv-splice(1)"),
	{ "ad", O_AD, "PLAYLIST", "the ad (media or master playlist)", "@file" },
	{ "ads", O_ADS, "CATALOG", "CSV `ad_id,playlist,duration,advertiser,cpm[,targeting,\n"
				  "start,end,max_per_break]`: fill each break by CPM", "@file" },
	{ "at", O_AT, "T[/D]", "a break at T seconds of content; repeat", NULL, true },
	{ "schedule", O_SCHED, "FILE", "CSV `at,duration[,event_id]`", "@file" },
	{ "replace", O_REPLACE, NULL, "ads replace the content inside cue windows" },
	{ "interstitials", O_INTER, NULL, "HLS Interstitials (EXT-X-DATERANGE) instead" },
	{ "viewer", O_VIEWER, "ID", "personalize the choice (deterministic per viewer)" },
	{ "meta", O_META, "K=V", "creator=, title=, tags=, country=: for targeting", NULL, true },
	{ "impressions", O_IMPR, "FILE", "append one CSV line per ad placed", "@file" },
	{ "slate", O_SLATE, "PLAYLIST", "what fills a break the ads leave", "@file" },
	{ "now", O_NOW, "TIME", "the clock for campaign windows and impressions" },
	{ "jobs", 'j', "N", "playlists stitched at once (default: one per core\n"
			   "for 64 or more, without --impressions)" },
	{ "live", O_LIVE, NULL, "a live sliding-window playlist; needs --state FILE" },
	{ "state", O_STATE, "FILE", "what earlier refreshes placed", "@file" },
	{ "output", 'o', "FILE|DIR", "output file, or a directory that mirrors the inputs", "@file" },
	PPV_MODE("", NULL),
	PPV_OPT_QUIET("no warnings for skipped cues"),
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = {
	.usage = "ppv-splice decode [-i FILE.ts] [CUE...]\n"
		 "       ppv-splice encode (--insert | --time-signal) [--event-id N] [--pts T]\n"
		 "                  [--duration D] [--out | --in] [--auto-return] [--type ID]\n"
		 "                  [--upid TYPE:HEX] [--hex]\n"
		 "       ppv-splice inject [--at T[/D]]... [--schedule FILE] [--preroll S]\n"
		 "                  [--pid PID] [--event-id N] [-o FILE] [FILE]\n"
		 "       ppv-splice stitch [--ad PLAYLIST | --ads CATALOG] [--at T]...\n"
		 "                  [--schedule FILE] [--replace] [--interstitials] [--viewer ID]\n"
		 "                  [--meta K=V]... [--impressions FILE] [--live --state FILE]\n"
		 "                  [--slate PLAYLIST] [--now TIME] [-j N] [-o OUT] PLAYLIST...",
	.about = "SCTE-35 cues and ad insertion.",
	.opts = options,
	.footer = "Exit status: 0 success, 1 a cue or playlist was rejected, 2 usage, I/O or bad\n"
		  "input. See ppv-splice(1).",
};

static uint64_t
ticks(const char *opt, const char *s)
{
	uint64_t t;

	if (ppv_ticks_parse(s, &t) < 0)
		ppv_die(PPV_ERR, "%s: '%s' is not a time in seconds (12.5) or ticks (90000t)", opt, s);
	return t;
}

static void
add_at(ppv_breaks *b, const char *arg, uint64_t dflt)
{
	if (ppv_breaks_at(b, arg, dflt) < 0)
		ppv_die(PPV_ERR, "--at: '%s' is not T or T/D (600, 10m/1m30s)", arg);
}

/* The schedule after the --at breaks, then all sorted and checked. */
static void
finish_breaks(ppv_breaks *b, const char *schedule)
{
	char err[512];

	if ((schedule && ppv_breaks_read(b, schedule, err, sizeof err) < 0) ||
	    ppv_breaks_check(b, err, sizeof err) < 0)
		ppv_die(PPV_ERR, "%s", err);
}

/* decode ------------------------------------------------------------------ */

static int decode_rc;
static long decode_n;

static void
decode(void *where, uint16_t pid, uint64_t packet, const uint8_t *p, size_t n)
{
	static ppv_scte35 cue;
	char err[200];

	decode_n++;
	if (ppv_scte35_decode(&cue, p, n, err, sizeof err) < 0 || ppv_scte35_check(&cue, err, sizeof err) < 0) {
		if (where)
			ppv_warn("%s: packet %" PRIu64 ": cue %ld: %s", (char *)where, packet, decode_n, err);
		else
			ppv_warn("cue %ld: %s", decode_n, err);
		decode_rc = PPV_FAIL;
	} else if (where) {
		printf("{\"pid\":%u,\"packet\":%" PRIu64 ",", pid, packet);
		ppv_scte35_json_members(&cue, stdout);
		puts("}");
	} else {
		ppv_scte35_json(&cue, stdout);
		putchar('\n');
	}
}

static void
decode_text(const char *s)
{
	static uint8_t buf[PPV_SCTE35_MAX];
	long n = ppv_scte35_text(s, buf, sizeof buf);

	if (n >= 0) {
		decode(NULL, 0, 0, buf, (size_t)n);
		return;
	}
	ppv_warn("cue %ld: neither base64 nor 0x-hex", ++decode_n);
	decode_rc = PPV_FAIL;
}

static int
cmd_decode(int argc, char **argv)
{
	const char *ts = NULL;
	int c;

	while ((c = ppv_getopt(argc, argv, &doc, "decode")) != -1)
		if (c == 'i')
			ts = optarg;
	argc -= optind, argv += optind;
	if (ts && argc)
		ppv_die(PPV_ERR, "-i reads the cues of a TS file: give no CUE arguments");
	if (ts) {
		ppv_input *in = ppv_input_open(ts);
		if (ppv_cues_scan(in, decode, (void *)ppv_input_name(in)) < 0)
			ppv_die(PPV_ERR, "%s: not an MPEG transport stream (no 0x47 sync byte)", ts);
		ppv_input_close(in);
	} else if (argc) {
		for (int i = 0; i < argc; i++)
			decode_text(argv[i]);
	} else {
		ppv_input *in = ppv_input_open(NULL);
		char *line;
		while (ppv_input_item(in, &line) >= 0)
			decode_text(line);
		ppv_input_close(in);
	}
	return decode_rc;
}

/* encode ------------------------------------------------------------------ */

static int
cmd_encode(int argc, char **argv)
{
	static ppv_scte35 cue;
	static uint8_t upid[255], out[PPV_SCTE35_MAX];
	static char text[2 * PPV_SCTE35_MAX + 3];
	char err[200];
	int c, cmd = -1, type = -1, upid_len = 0;
	bool hex = false, in = false, autoret = false;
	uint8_t upid_type = 0;
	uint32_t event = 1;
	uint64_t pts = PPV_TS_NOPTS, dur = PPV_TS_NOPTS;

	while ((c = ppv_getopt(argc, argv, &doc, "encode")) != -1) {
		switch (c) {
		case O_INSERT: case O_TSIG: {
			int want = c == O_INSERT ? PPV_SPLICE_INSERT : PPV_TIME_SIGNAL;
			if (cmd >= 0 && cmd != want)
				ppv_die(PPV_ERR, "--insert and --time-signal: choose one");
			cmd = want;
			break;
		}
		case O_EVENT: event = (uint32_t)ppv_opt_number("--event-id", optarg, 0, 0xffffffffL); break;
		case O_PTS: pts = ticks("--pts", optarg); break;
		case O_DUR: dur = ticks("--duration", optarg); break;
		case O_OUT: in = false; break;
		case O_IN: in = true; break;
		case O_AUTO: autoret = true; break;
		case O_TYPE: type = (int)ppv_opt_number("--type", optarg, 0, 255); break;
		case O_UPID:
			if ((upid_len = ppv_scte35_upid_arg(optarg, &upid_type, upid, sizeof upid)) < 0)
				ppv_die(PPV_ERR, "--upid: '%s' is not TYPE:HEX of at most 255 bytes", optarg);
			if (ppv_scte35_upid_check(upid_type, upid, (size_t)upid_len, err, sizeof err) < 0)
				ppv_die(PPV_ERR, "--upid: %s", err);
			break;
		case O_HEX: hex = true; break;
		}
	}
	if (optind != argc || cmd < 0)
		ppv_doc_usage(&doc);
	if (autoret && dur == PPV_TS_NOPTS)
		ppv_die(PPV_ERR, "--auto-return needs --duration");
	if (upid_len && type < 0)
		ppv_die(PPV_ERR, "--upid goes into a segmentation descriptor: give --type");

	if (cmd == PPV_TIME_SIGNAL)
		ppv_scte35_time_signal(&cue, pts);
	else
		ppv_scte35_insert(&cue, event, !in, pts, dur, autoret);
	if (type >= 0)
		ppv_scte35_add_segmentation(&cue, (uint8_t)type, event, dur, upid_type, upid, (uint8_t)upid_len);
	long n = ppv_scte35_encode(&cue, out, sizeof out);
	if (n < 0)
		ppv_die(PPV_ERR, "the cue does not fit in a section");
	if (hex)
		ppv_scte35_hex(text, out, (size_t)n);
	else
		ppv_b64_encode(text, out, (size_t)n);
	puts(text);
	return PPV_OK;
}

/* inject ------------------------------------------------------------------ */

static int
cmd_inject(int argc, char **argv)
{
	ppv_inject_cfg cfg = { .preroll = 4 * PPV_TICKS, .pid = -1 };
	ppv_breaks b = PPV_BREAKS_INIT;
	const char *output = NULL, *sched = NULL;
	ppv_atomic atomic;
	int c;

	while ((c = ppv_getopt(argc, argv, &doc, "inject")) != -1) {
		switch (c) {
		case O_AT: add_at(&b, optarg, 30 * PPV_TICKS); break;
		case O_SCHED: sched = optarg; break;
		case O_PREROLL:
			if (ppv_media_time_parse(optarg, &cfg.preroll) < 0)
				ppv_die(PPV_ERR, "--preroll: '%s' is not a number of seconds", optarg);
			break;
		case O_PID:
			cfg.pid = (int)ppv_opt_number("--pid", optarg, 0, 0x1ffe);
			if (cfg.pid < 0x20)
				ppv_die(PPV_ERR, "--pid: %d is reserved (use 0x20 to 0x1ffe)", cfg.pid);
			break;
		case O_EVENT:
			ppv_breaks_number_from(&b, (uint32_t)ppv_opt_number("--event-id", optarg, 0, 0xffffffffL));
			break;
		case 'o': output = optarg; break;
		case 'q': cfg.quiet = 1; break;
		}
	}
	if (argc - optind > 1)
		ppv_doc_usage(&doc);
	finish_breaks(&b, sched);
	if (!b.n)
		ppv_die(PPV_ERR, "no breaks: give --at T[/D] or --schedule FILE");
	cfg.breaks = b.v;
	cfg.nbreaks = b.n;

	ppv_input *in = ppv_input_open(optind < argc ? argv[optind] : NULL);
	FILE *out = stdout;
	if (output && !(out = ppv_atomic_open(&atomic, output, 0644)))
		ppv_die(PPV_ERR, "%s:", output);
	/* glibc ignores the size when it is to allocate the buffer itself: a
	 * NULL buffer here wrote the stream 4 KiB at a time. The input flushes
	 * it before each read, so what a read brought goes out in one write */
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);
	int rc = ppv_inject(&cfg, in, out);
	ppv_input_close(in);
	if (output) {
		if (ppv_atomic_commit(&atomic) < 0)
			ppv_die(PPV_ERR, "%s:", output);
	} else if (fflush(stdout) == EOF) {
		ppv_die(PPV_ERR, "stdout:");
	}
	ppv_breaks_free(&b);
	return rc;
}

/* stitch ------------------------------------------------------------------ */

static FILE *
open_impressions(const char *path)
{
	FILE *f = fopen(path, "a");

	if (!f)
		ppv_die(PPV_ERR, "%s:", path);
	if (ftell(f) == 0)
		fputs("time,break_id,ad_id,advertiser,creator_id,viewer_id,country,cpm,duration\n", f);
	return f;
}

static int
cmd_stitch(int argc, char **argv)
{
	ppv_stitch_cfg cfg = { .now = time(NULL) };
	ppv_breaks b = PPV_BREAKS_INIT;
	const char *output = NULL, *sched = NULL, *catalog = NULL, *impr = NULL;
	char *subject = NULL, err[1024];
	size_t subjlen = 0;
	FILE *subj = open_memstream(&subject, &subjlen);
	long jobs = 0;
	int c;

	while ((c = ppv_getopt(argc, argv, &doc, "stitch")) != -1) {
		switch (c) {
		case 'j': jobs = ppv_opt_number("-j", optarg, 0, 256); break;
		case O_AD: cfg.ad = optarg; break;
		case O_ADS: catalog = optarg; break;
		case O_AT: add_at(&b, optarg, PPV_BREAK_OPEN); break;
		case O_SCHED: sched = optarg; break;
		case O_REPLACE: cfg.replace = true; break;
		case O_INTER: cfg.interstitials = true; break;
		case O_VIEWER: cfg.viewer = optarg; break;
		case O_META: {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || strchr(optarg, '\n'))
				ppv_die(PPV_ERR, "--meta: '%s' is not KEY=VALUE", optarg);
			fprintf(subj, "%s\n", optarg);
			if (!strncmp(optarg, "creator=", 8))
				cfg.creator = eq + 1;
			if (!strncmp(optarg, "country=", 8))
				cfg.country = eq + 1;
			break;
		}
		case O_IMPR: impr = optarg; break;
		case O_LIVE: cfg.live = true; break;
		case O_STATE: cfg.state = optarg; break;
		case O_SLATE: cfg.slate = optarg; break;
		case O_NOW:
			if (ppv_time_parse(optarg, &cfg.now))
				ppv_die(PPV_ERR, "--now: '%s' is not a time (RFC 3339 or unix seconds)", optarg);
			break;
		case 'o': output = optarg; break;
		case 'q': cfg.quiet = 1; break;
		}
	}
	fclose(subj);
	cfg.subject = subject;
	if (cfg.ad && catalog)
		ppv_die(PPV_ERR, "--ad and --ads: choose one");
	if (!cfg.ad && !catalog && !cfg.slate)
		ppv_die(PPV_ERR, "nothing to insert: give --ad PLAYLIST or --ads CATALOG");
	if (cfg.live && !cfg.state)
		ppv_die(PPV_ERR, "--live needs --state FILE: what earlier refreshes placed");
	if (cfg.live && cfg.interstitials)
		ppv_die(PPV_ERR, "--live stitches; --interstitials is for VOD and event playlists");
	finish_breaks(&b, sched);
	if (cfg.live && b.n)
		ppv_die(PPV_ERR, "--live takes its breaks from the cue markers: no --at or --schedule");
	cfg.breaks = b.v;
	cfg.nbreaks = b.n;
	ppv_adcat *cat = NULL;
	if (catalog && !(cat = ppv_adcat_load(catalog, err, sizeof err)))
		ppv_die(PPV_ERR, "%s", err);
	cfg.cat = cat;
	if (impr)
		cfg.impressions = open_impressions(impr);

	char **list = NULL, **in = argv + optind;
	size_t nin = (size_t)(argc - optind);
	if (!nin)
		in = list = ppv_input_items(NULL, &nin);
	if (!nin)
		ppv_die(PPV_ERR, "no playlists: give them as arguments or one a line on stdin");
	int rc = ppv_stitch_batch(&cfg, in, nin, output, jobs);
	if (cfg.impressions && fclose(cfg.impressions) == EOF)
		ppv_die(PPV_ERR, "%s:", impr);
	ppv_stitch_done();
	ppv_adcat_free(cat);
	ppv_input_items_free(list, nin);
	ppv_breaks_free(&b);
	free(subject);
	return rc;
}

/* main -------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} modes[] = {
		{ "decode", cmd_decode }, { "encode", cmd_encode },
		{ "inject", cmd_inject }, { "stitch", cmd_stitch },
	};

	ppv_init(argv[0]);
	ppv_doc_main(argc, argv, &doc);
	if (argc < 2)
		ppv_doc_usage(&doc);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		ppv_doc_help(&doc);
	if (!strcmp(argv[1], "--version"))
		ppv_version();
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		if (!strcmp(argv[1], modes[i].name))
			ppv_exit(modes[i].run(argc - 1, argv + 1));
	ppv_warn("unknown mode '%s' (decode, encode, inject, stitch)", argv[1]);
	ppv_doc_usage(&doc);
}
