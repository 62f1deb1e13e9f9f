/* ppv-splice: ad insertion: SCTE-35 cues decoded, encoded and put into a TS stream, ad pods stitched into HLS playlists. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "codec.h"
#include "csvio.h"
#include "inject.h"
#include "m3u8.h"
#include "progress.h"
#include "input.h"
#include "scte35.h"
#include "stitch.h"
#include "ts.h"
#include "when.h"

static const char synopsis[] =
	"ppv-splice decode [-i FILE.ts] [CUE...]\n"
	"       ppv-splice encode (--insert | --time-signal) [--event-id N] [--pts T] [--duration D]\n"
	"                         [--out | --in] [--auto-return] [--type ID] [--upid TYPE:HEX]\n"
	"       ppv-splice inject [--at T[/D]]... [--schedule FILE] [--preroll S] [--pid PID] [-o FILE] [FILE]\n"
	"       ppv-splice stitch [--ad PLAYLIST | --ads CATALOG] [--at T]... [--schedule FILE] [--replace]\n"
	"                         [--interstitials] [--viewer ID] [--meta K=V]... [--impressions FILE]\n"
	"                         [--live --state FILE] [-o OUT] PLAYLIST...";

static const char help[] =
	"usage: ppv-splice decode [-i FILE.ts] [CUE...]\n"
	"       ppv-splice encode (--insert | --time-signal) [--event-id N] [--pts T]\n"
	"                  [--duration D] [--out | --in] [--auto-return] [--type ID]\n"
	"                  [--upid TYPE:HEX] [--hex]\n"
	"       ppv-splice inject [--at T[/D]]... [--schedule FILE] [--preroll S]\n"
	"                  [--pid PID] [--event-id N] [-o FILE] [FILE]\n"
	"       ppv-splice stitch [--ad PLAYLIST | --ads CATALOG] [--at T]...\n"
	"                  [--schedule FILE] [--replace] [--interstitials] [--viewer ID]\n"
	"                  [--meta K=V]... [--impressions FILE] [--live --state FILE]\n"
	"                  [--slate PLAYLIST] [--now TIME] [-j N] [-o OUT] PLAYLIST...\n"
	"\n"
	"SCTE-35 cues and ad insertion.\n"
	"\n"
	"decode   cues (base64 or 0x-hex) from the arguments, one a line on stdin, or\n"
	"         every cue of a TS file (-i): one JSON object a line\n"
	"  -i, --input FILE       read the SCTE-35 PIDs of a transport stream\n"
	"encode   build a cue; prints base64 (or --hex)\n"
	"      --insert           a splice_insert\n"
	"      --time-signal      a time_signal\n"
	"      --event-id N       splice/segmentation event id (default 1)\n"
	"      --pts T            splice time in seconds (6 decimals) or Nt in 90 kHz\n"
	"                         ticks; without it the splice is immediate\n"
	"      --duration D       break (or segmentation) duration, seconds\n"
	"      --out, --in        out of the network (default) or back in\n"
	"      --auto-return      the break ends by itself after --duration\n"
	"      --type ID          add a segmentation descriptor of this type (0x34...)\n"
	"      --upid TYPE:HEX    its UPID (type number or name: ti, adi, uri, mid...)\n"
	"      --hex              print 0x-hex instead of base64\n"
	"inject   a TS filter: adds an SCTE-35 PID and splice_insert cues\n"
	"      --at T[/D]         a break at media time T (seconds, 1h2m3s) lasting D\n"
	"                         (default 30); repeat\n"
	"      --schedule FILE    CSV `at,duration,event_id`\n"
	"      --preroll S        send each cue S seconds before its splice (default 4)\n"
	"      --pid PID          the SCTE-35 PID (default: the first free after the\n"
	"                         stream's PIDs)\n"
	"stitch   ad pods into HLS media or master playlists; see ppv-splice(1)\n"
	"      --ad PLAYLIST      the ad (media or master playlist)\n"
	"      --ads CATALOG      CSV `ad_id,playlist,duration,advertiser,cpm[,targeting,\n"
	"                         start,end,max_per_break]`: fill each break by CPM\n"
	"      --at T             a break at T seconds of content; repeat\n"
	"      --schedule FILE    CSV `at,duration[,event_id]`\n"
	"      --replace          ads replace the content inside cue windows\n"
	"      --interstitials    HLS Interstitials (EXT-X-DATERANGE) instead\n"
	"      --viewer ID        personalize the choice (deterministic per viewer)\n"
	"      --meta K=V         creator=, title=, tags=, country=: for targeting\n"
	"      --impressions FILE append one CSV line per ad placed\n"
	"      --slate PLAYLIST   what fills a break the ads leave\n"
	"      --now TIME         the clock for campaign windows and impressions\n"
	"  -j, --jobs N           playlists stitched at once (default: one per core\n"
	"                         for 64 or more, without --impressions)\n"
	"      --live             a live sliding-window playlist; needs --state FILE\n"
	"      --state FILE       what earlier refreshes placed\n"
	"  -o, --output FILE|DIR  output file, or a directory that mirrors the inputs\n"
	"  -q, --quiet            no warnings for skipped cues\n"
	"  -h, --help             this help\n"
	"      --version          the version\n"
	"\n"
	"Exit status: 0 success, 1 a cue or playlist was rejected, 2 usage, I/O or bad\n"
	"input. See ppv-splice(1).\n";

enum { O_VERSION = 256 };

static void
help_or_version(int c)
{
	if (c == 'h')
		ppv_help(help);
	if (c == O_VERSION)
		ppv_version();
	ppv_usage(synopsis);
}

/* decode ------------------------------------------------------------------ */

struct decoder {
	ppv_scte35 cue;
	long n;
	int rc;
	const char *where;
	uint16_t pid;
	uint64_t packet;
};

static void
decode_bytes(struct decoder *d, const uint8_t *p, size_t n)
{
	char err[200];

	d->n++;
	if (ppv_scte35_decode(&d->cue, p, n, err, sizeof err) < 0) {
		if (d->where)
			ppv_warn("%s: packet %" PRIu64 ": cue %ld: %s", d->where, d->packet, d->n, err);
		else
			ppv_warn("cue %ld: %s", d->n, err);
		d->rc = PPV_FAIL;
		return;
	}
	if (d->where) {
		printf("{\"pid\":%u,\"packet\":%" PRIu64 ",", d->pid, d->packet);
		ppv_scte35_json_members(&d->cue, stdout);
		puts("}");
	} else {
		ppv_scte35_json(&d->cue, stdout);
		putchar('\n');
	}
}

static void
decode_text(struct decoder *d, const char *s)
{
	static uint8_t buf[PPV_SCTE35_MAX];
	long n = ppv_scte35_text(s, buf, sizeof buf);

	if (n < 0) {
		ppv_warn("cue %ld: neither base64 nor 0x-hex", ++d->n);
		d->rc = PPV_FAIL;
		return;
	}
	decode_bytes(d, buf, (size_t)n);
}

struct tsdecode {
	struct decoder *d;
	int pmt_pid;
	uint8_t is_cue[8192];
	ppv_secbuf psi, *cues[8192];
};

static void
on_pat(void *ctx, const uint8_t *s, size_t n)
{
	struct tsdecode *t = ctx;
	int pid = ppv_pat_pmt_pid(s, n);

	if (pid >= 0)
		t->pmt_pid = pid;
}

static void
on_pmt(void *ctx, const uint8_t *s, size_t n)
{
	struct tsdecode *t = ctx;
	static ppv_pmt m;

	if (ppv_pmt_parse(s, n, &m) < 0)
		return;
	for (int i = 0; i < m.nes; i++)
		if (m.es[i].stream_type == PPV_ST_SCTE35)
			t->is_cue[m.es[i].pid] = 1;
}

static void
on_cue(void *ctx, const uint8_t *s, size_t n)
{
	struct tsdecode *t = ctx;

	if (s[0] == 0xfc)
		decode_bytes(t->d, s, n);
}

static void
decode_ts(struct decoder *d, const char *path)
{
	static struct tsdecode t;
	static uint8_t buf[PPV_TS_PACKET * 512];
	ppv_input *in = ppv_input_open(path);
	size_t have = 0, got;
	ppv_tspkt k;

	t.d = d;
	t.pmt_pid = -1;
	d->where = ppv_input_name(in);
	while ((got = ppv_input_read(in, buf + have, sizeof buf - have)) > 0 || have >= PPV_TS_PACKET) {
		have += got;
		size_t at = 0;
		while (have - at >= PPV_TS_PACKET) {
			const uint8_t *p = buf + at;
			if (ppv_ts_parse(p, &k) < 0) {
				at++;   /* lost sync: look for the next 0x47 */
				continue;
			}
			at += PPV_TS_PACKET;
			d->packet++;
			if (k.pid == 0)
				ppv_section_feed(&t.psi, &k, on_pat, &t);
			else if (k.pid == t.pmt_pid)
				ppv_section_feed(&t.psi, &k, on_pmt, &t);
			else if (t.is_cue[k.pid]) {
				if (!t.cues[k.pid])
					t.cues[k.pid] = ppv_xcalloc(1, sizeof *t.cues[0]);
				d->pid = k.pid;
				ppv_section_feed(t.cues[k.pid], &k, on_cue, &t);
			}
		}
		memmove(buf, buf + at, have - at);
		have -= at;
		if (got == 0)
			break;
	}
	ppv_input_close(in);
	for (int i = 0; i < 8192; i++)
		free(t.cues[i]);
}

static int
cmd_decode(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ 0 },
	};
	static struct decoder d;
	const char *ts = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "i:h", lo, NULL)) != -1) {
		if (c == 'i')
			ts = optarg;
		else
			help_or_version(c);
	}
	argc -= optind, argv += optind;
	if (ts && argc)
		ppv_die(PPV_ERR, "-i reads the cues of a TS file: give no CUE arguments");
	if (ts) {
		decode_ts(&d, ts);
	} else if (argc) {
		for (int i = 0; i < argc; i++)
			decode_text(&d, argv[i]);
	} else {
		ppv_input *in = ppv_input_open(NULL);
		char *line;
		while (ppv_input_item(in, &line) >= 0)
			decode_text(&d, line);
		ppv_input_close(in);
	}
	return d.rc;
}

/* encode ------------------------------------------------------------------ */

static const char *const upid_short[] = {
	"none", "user", "isci", "adid", "umid", "isan-old", "isan", "tid", "ti", "adi",
	"eidr", "atsc", "mpu", "mid", "ads", "uri", "uuid", "scr",
};

static long
parse_num(const char *opt, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0 || v > max)
		ppv_die(PPV_ERR, "%s: '%s' is not a number from 0 to %ld", opt, s, max);
	return v;
}

static uint64_t
parse_ticks(const char *opt, const char *s)
{
	uint64_t t;

	if (ppv_ticks_parse(s, &t) < 0)
		ppv_die(PPV_ERR, "%s: '%s' is not a time in seconds (12.5) or ticks (90000t)", opt, s);
	return t;
}

static int
cmd_encode(int argc, char **argv)
{
	enum { O_INSERT = 300, O_TS, O_EVENT, O_PTS, O_DUR, O_OUT, O_IN, O_AUTO, O_TYPE, O_UPID, O_HEX };
	static const struct option lo[] = {
		{ "insert", no_argument, NULL, O_INSERT },
		{ "time-signal", no_argument, NULL, O_TS },
		{ "event-id", required_argument, NULL, O_EVENT },
		{ "pts", required_argument, NULL, O_PTS },
		{ "duration", required_argument, NULL, O_DUR },
		{ "out", no_argument, NULL, O_OUT },
		{ "in", no_argument, NULL, O_IN },
		{ "auto-return", no_argument, NULL, O_AUTO },
		{ "type", required_argument, NULL, O_TYPE },
		{ "upid", required_argument, NULL, O_UPID },
		{ "hex", no_argument, NULL, O_HEX },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ 0 },
	};
	static ppv_scte35 cue;
	static uint8_t upid[255], out[PPV_SCTE35_MAX];
	static char text[2 * PPV_SCTE35_MAX + 3];
	int c, cmd = -1, hex = 0, type = -1, upid_type = 0, in = 0, autoret = 0;
	uint32_t event = 1;
	uint64_t pts = 0, dur = 0;
	bool have_pts = false, have_dur = false;
	long upid_len = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_INSERT: case O_TS:
			if (cmd >= 0 && cmd != (c == O_INSERT ? PPV_SPLICE_INSERT : PPV_TIME_SIGNAL))
				ppv_die(PPV_ERR, "--insert and --time-signal: choose one");
			cmd = c == O_INSERT ? PPV_SPLICE_INSERT : PPV_TIME_SIGNAL;
			break;
		case O_EVENT: event = (uint32_t)parse_num("--event-id", optarg, 0xffffffffL); break;
		case O_PTS: pts = parse_ticks("--pts", optarg); have_pts = true; break;
		case O_DUR: dur = parse_ticks("--duration", optarg); have_dur = true; break;
		case O_OUT: in = 0; break;
		case O_IN: in = 1; break;
		case O_AUTO: autoret = 1; break;
		case O_TYPE: type = (int)parse_num("--type", optarg, 255); break;
		case O_UPID: {
			const char *colon = strchr(optarg, ':');
			if (!colon)
				ppv_die(PPV_ERR, "--upid: '%s' is not TYPE:HEX", optarg);
			size_t tl = (size_t)(colon - optarg);
			upid_type = -1;
			for (size_t i = 0; i < sizeof upid_short / sizeof *upid_short; i++)
				if (strlen(upid_short[i]) == tl && !strncasecmp(optarg, upid_short[i], tl))
					upid_type = (int)i;
			if (upid_type < 0) {
				char num[16];
				snprintf(num, sizeof num, "%.*s", (int)(tl < 15 ? tl : 15), optarg);
				upid_type = (int)parse_num("--upid", num, 255);
			}
			const char *h = colon + 1;
			if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
				h += 2;
			if ((upid_len = ppv_hex_decode(upid, sizeof upid, h, strlen(h))) < 0)
				ppv_die(PPV_ERR, "--upid: '%s' is not hex of at most 255 bytes", colon + 1);
			break;
		}
		case O_HEX: hex = 1; break;
		default: help_or_version(c);
		}
	}
	if (optind != argc || cmd < 0)
		ppv_usage(synopsis);
	if (autoret && !have_dur)
		ppv_die(PPV_ERR, "--auto-return needs --duration");
	if (upid_len && type < 0)
		ppv_die(PPV_ERR, "--upid goes into a segmentation descriptor: give --type");

	ppv_scte35_init(&cue);
	cue.command_type = (uint8_t)cmd;
	if (cmd == PPV_TIME_SIGNAL) {
		cue.time.specified = have_pts;
		cue.time.pts = pts;
	} else {
		ppv_splice_event *e = &cue.insert;
		e->event_id = event;
		e->out_of_network = !in;
		e->program_splice = true;
		e->immediate = !have_pts;
		e->time.specified = have_pts;
		e->time.pts = pts;
		e->has_duration = have_dur && !in;
		e->duration = dur;
		e->auto_return = autoret;
		e->unique_program_id = 1;
	}
	if (type >= 0) {
		ppv_splice_desc *d = &cue.desc[cue.ndesc++];
		ppv_splice_seg *s = &d->u.seg;
		d->tag = PPV_DESC_SEGMENTATION;
		d->identifier = PPV_SCTE35_CUEI;
		d->known = true;
		s->event_id = event;
		s->event_id_compliance = true;
		s->program = true;
		s->delivery_not_restricted = true;
		s->has_duration = have_dur;
		s->duration = dur;
		s->upid_type = (uint8_t)upid_type;
		s->upid_len = (uint8_t)upid_len;
		s->upid = upid;
		s->type_id = (uint8_t)type;
		s->has_sub = type == 0x34 || type == 0x36 || type == 0x38 || type == 0x3a ||
			     type == 0x44 || type == 0x46;
	}
	long n = ppv_scte35_encode(&cue, out, sizeof out);
	if (n < 0)
		ppv_die(PPV_ERR, "the cue does not fit in a section");
	if (hex) {
		ppv_scte35_hex(text, out, (size_t)n);
	} else {
		ppv_b64_encode(text, out, (size_t)n);
	}
	puts(text);
	return PPV_OK;
}

/* inject ------------------------------------------------------------------ */

/* Media time: 600, 600.5, 10m, 1h2m3s. */
static int
media_time(const char *s, uint64_t *ticks)
{
	int64_t ms;

	if (ppv_ticks_parse(s, ticks) == 0)
		return 0;
	if (ppv_duration_parse_ms(s, &ms) < 0 || ms < 0)
		return -1;
	*ticks = (uint64_t)ms * 90;
	return 0;
}

/* --at T[/D]: D, when left out, is dflt. */
static ppv_break
parse_at(const char *arg, uint64_t dflt, uint32_t id)
{
	ppv_break b = { .duration = dflt, .event_id = id };
	char buf[64];
	const char *slash = strchr(arg, '/');

	snprintf(buf, sizeof buf, "%.*s", slash ? (int)(slash - arg) : 63, arg);
	if (media_time(buf, &b.at) < 0 ||
	    (slash && (media_time(slash + 1, &b.duration) < 0 || b.duration == 0)))
		ppv_die(PPV_ERR, "--at: '%s' is not T or T/D (600, 10m/1m30s)", arg);
	return b;
}

static int
by_at(const void *a, const void *b)
{
	const ppv_break *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static void
add_break(ppv_break **v, size_t *n, size_t *cap, ppv_break b)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = ppv_xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = b;
}

/* CSV `at,duration[,event_id]`, as inject and stitch read it. */
static void
read_schedule(const char *path, ppv_break **v, size_t *n, size_t *cap, uint32_t *next_id)
{
	ppv_input *in = ppv_input_open(path);
	ppv_csv *csv = ppv_csv_open(in);
	int cat = ppv_csv_col(csv, "at"), cdur = ppv_csv_col(csv, "duration");
	int cid = ppv_csv_col(csv, "event_id");

	if (cat < 0 || cdur < 0)
		ppv_die(PPV_ERR, "%s:1: the schedule needs `at` and `duration` columns", path);
	while (ppv_csv_next(csv)) {
		ppv_break b = { 0 };
		const char *s = ppv_csv_field(csv, cat), *d = ppv_csv_field(csv, cdur);
		if (media_time(s, &b.at) < 0)
			ppv_die(PPV_ERR, "%s:%ld: at: '%s' is not a time", path, ppv_csv_line(csv), s);
		if (media_time(d, &b.duration) < 0 || b.duration == 0)
			ppv_die(PPV_ERR, "%s:%ld: duration: '%s' is not a duration", path, ppv_csv_line(csv), d);
		const char *id = cid >= 0 ? ppv_csv_field(csv, cid) : "";
		if (*id) {
			char *end;
			errno = 0;
			unsigned long long num = strtoull(id, &end, 0);
			if (errno || *end || num > 0xffffffffULL)
				ppv_die(PPV_ERR, "%s:%ld: event_id: '%s' is not a 32-bit number", path,
					ppv_csv_line(csv), id);
			b.event_id = (uint32_t)num;
		} else {
			b.event_id = (*next_id)++;
		}
		add_break(v, n, cap, b);
	}
	ppv_csv_close(csv);
	ppv_input_close(in);
}

static void
check_breaks(ppv_break *v, size_t n)
{
	char a[32], b[32];

	qsort(v, n, sizeof *v, by_at);
	for (size_t i = 1; i < n; i++)
		if (v[i - 1].at + v[i - 1].duration > v[i].at)
			ppv_die(PPV_ERR, "the break at %ss overlaps the one at %ss",
				ppv_ticks_format(v[i].at, a), ppv_ticks_format(v[i - 1].at, b));
}

static int
cmd_inject(int argc, char **argv)
{
	enum { O_AT = 300, O_SCHED, O_PREROLL, O_PID, O_EVENT };
	static const struct option lo[] = {
		{ "at", required_argument, NULL, O_AT },
		{ "schedule", required_argument, NULL, O_SCHED },
		{ "preroll", required_argument, NULL, O_PREROLL },
		{ "pid", required_argument, NULL, O_PID },
		{ "event-id", required_argument, NULL, O_EVENT },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ 0 },
	};
	ppv_inject_cfg cfg = { .preroll = 4 * 90000, .pid = -1 };
	ppv_break *v = NULL;
	size_t n = 0, cap = 0;
	const char *output = NULL, *sched = NULL;
	uint32_t next_id = 1;
	ppv_atomic atomic;
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
		switch (c) {
		case O_AT:
			add_break(&v, &n, &cap, parse_at(optarg, 30 * 90000, next_id++));
			break;
		case O_SCHED: sched = optarg; break;
		case O_PREROLL:
			if (media_time(optarg, &cfg.preroll) < 0)
				ppv_die(PPV_ERR, "--preroll: '%s' is not a number of seconds", optarg);
			break;
		case O_PID:
			cfg.pid = (int)parse_num("--pid", optarg, 0x1ffe);
			if (cfg.pid < 0x20)
				ppv_die(PPV_ERR, "--pid: %d is reserved (use 0x20 to 0x1ffe)", cfg.pid);
			break;
		case O_EVENT: {
			uint32_t first = (uint32_t)parse_num("--event-id", optarg, 0xffffffffL);
			for (size_t i = 0; i < n; i++)
				v[i].event_id = first + (v[i].event_id - 1);
			next_id = first + (uint32_t)n;
			break;
		}
		case 'o': output = optarg; break;
		case 'q': cfg.quiet = 1; break;
		default: help_or_version(c);
		}
	}
	if (argc - optind > 1)
		ppv_usage(synopsis);
	if (sched)
		read_schedule(sched, &v, &n, &cap, &next_id);
	if (!n)
		ppv_die(PPV_ERR, "no breaks: give --at T[/D] or --schedule FILE");
	check_breaks(v, n);
	cfg.breaks = v;
	cfg.nbreaks = n;

	ppv_input *in = ppv_input_open(optind < argc ? argv[optind] : NULL);
	FILE *out = stdout;
	if (output && !(out = ppv_atomic_open(&atomic, output, 0644)))
		ppv_die(PPV_ERR, "%s:", output);
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	int rc = ppv_inject(&cfg, in, out);
	ppv_input_close(in);
	if (output) {
		if (ppv_atomic_commit(&atomic) < 0)
			ppv_die(PPV_ERR, "%s:", output);
	} else if (fflush(stdout) == EOF) {
		ppv_die(PPV_ERR, "stdout:");
	}
	free(v);
	return rc;
}

/* stitch ------------------------------------------------------------------ */

/* Where an input's output goes under -o DIR: the same relative path. */
static char *
mirror(const char *dir, const char *in)
{
	while (in[0] == '/' || (in[0] == '.' && in[1] == '/'))
		in += in[0] == '/' ? 1 : 2;
	for (const char *p = in; *p; p++)
		if ((p == in || p[-1] == '/') && p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return NULL;
	return ppv_xasprintf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", in);
}

static int
cmd_stitch(int argc, char **argv)
{
	enum { O_AD = 300, O_ADS, O_AT, O_SCHED, O_REPLACE, O_INTER, O_VIEWER, O_META, O_IMPR,
	       O_LIVE, O_STATE, O_SLATE, O_NOW };
	static const struct option lo[] = {
		{ "ad", required_argument, NULL, O_AD },
		{ "ads", required_argument, NULL, O_ADS },
		{ "at", required_argument, NULL, O_AT },
		{ "schedule", required_argument, NULL, O_SCHED },
		{ "replace", no_argument, NULL, O_REPLACE },
		{ "interstitials", no_argument, NULL, O_INTER },
		{ "viewer", required_argument, NULL, O_VIEWER },
		{ "meta", required_argument, NULL, O_META },
		{ "impressions", required_argument, NULL, O_IMPR },
		{ "live", no_argument, NULL, O_LIVE },
		{ "state", required_argument, NULL, O_STATE },
		{ "slate", required_argument, NULL, O_SLATE },
		{ "now", required_argument, NULL, O_NOW },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ 0 },
	};
	ppv_stitch_cfg cfg = { .now = time(NULL) };
	long jobs = 0;
	ppv_break *v = NULL;
	size_t n = 0, cap = 0;
	const char *output = NULL, *sched = NULL, *catalog = NULL, *impr = NULL;
	char *subject = NULL;
	size_t subjlen = 0;
	FILE *subj = open_memstream(&subject, &subjlen);
	uint32_t next_id = 1;
	char err[1024];
	int c;

	while ((c = getopt_long(argc, argv, "j:o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'j': jobs = parse_num("-j", optarg, 256); break;
		case O_AD: cfg.ad = optarg; break;
		case O_ADS: catalog = optarg; break;
		case O_AT:
			add_break(&v, &n, &cap, parse_at(optarg, UINT64_MAX, next_id++));
			break;
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
		default: help_or_version(c);
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
	if (sched)
		read_schedule(sched, &v, &n, &cap, &next_id);
	if (n)
		check_breaks(v, n);
	if (cfg.live && n)
		ppv_die(PPV_ERR, "--live takes its breaks from the cue markers: no --at or --schedule");

	ppv_adcat *cat = NULL;
	if (catalog && !(cat = ppv_adcat_load(catalog, err, sizeof err)))
		ppv_die(PPV_ERR, "%s", err);
	cfg.cat = cat;
	ppv_stitch_break *sb = calloc(n ? n : 1, sizeof *sb);
	for (size_t i = 0; i < n; i++)
		sb[i] = (ppv_stitch_break){ ppv_ticks_to_us((int64_t)v[i].at),
					    v[i].duration == UINT64_MAX ? -1 : ppv_ticks_to_us((int64_t)v[i].duration),
					    v[i].event_id };
	cfg.breaks = sb;
	cfg.nbreaks = n;

	if (impr) {
		if (!(cfg.impressions = fopen(impr, "a")))
			ppv_die(PPV_ERR, "%s:", impr);
		if (ftell(cfg.impressions) == 0)
			fputs("time,break_id,ad_id,advertiser,creator_id,viewer_id,country,cpm,duration\n",
			      cfg.impressions);
	}

	/* inputs: the arguments, or one path a line on stdin */
	char **in = argv + optind;
	size_t nin = (size_t)(argc - optind), incap = 0;
	char **list = NULL;
	if (!nin) {
		ppv_input *li = ppv_input_open(NULL);
		char *line;
		while (ppv_input_item(li, &line) >= 0) {
			if (nin == incap)
				list = ppv_xrealloc(list, (incap = incap ? 2 * incap : 64) * sizeof *list);
			list[nin++] = ppv_xstrdup(line);
		}
		ppv_input_close(li);
		in = list;
	}
	if (!nin)
		ppv_die(PPV_ERR, "no playlists: give them as arguments or one a line on stdin");
	struct stat st;
	bool dir = output && (nin > 1 || output[strlen(output) - 1] == '/' ||
			      (stat(output, &st) == 0 && S_ISDIR(st.st_mode)));
	if (nin > 1 && !output)
		ppv_die(PPV_ERR, "%zu playlists: give -o DIR to write them", nin);
	/* > c/stitched.m3u8: the URIs must resolve from c/, where the shell put
	 * the output, as they would with -o; on a pipe, from here */
	char *stdout_dir = NULL;
	if (!output && fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
		char *real = realpath("/proc/self/fd/1", NULL);
		if (real) {
			stdout_dir = ppv_dirname(real);
			free(real);
		}
	}
	cfg.stdout_dir = stdout_dir;

	/* a big batch uses every core: worker w takes inputs w, w + jobs, ...;
	 * with impressions one worker keeps their order the same run after run */
	if (jobs == 0)
		jobs = cfg.impressions || nin < 64 ? 1 : sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1 || cfg.live)
		jobs = 1;
	if ((size_t)jobs > nin)
		jobs = (long)nin;
	long me = 0;
	pid_t *kids = calloc((size_t)jobs, sizeof *kids);
	fflush(NULL);
	for (long w = 1; w < jobs; w++) {
		pid_t pid = fork();
		if (pid < 0)
			ppv_die(PPV_ERR, "fork:");
		if (pid == 0) {
			me = w;
			break;
		}
		kids[w] = pid;
	}
	int rc = PPV_OK;
	ppv_progress prog;
	ppv_progress_start(&prog, me == 0 ? "playlists" : NULL);
	/* a batch syncs the disk once at the end, not twice a playlist */
	ppv_atomic_defer_sync(nin > 1);
	for (size_t i = (size_t)me; i < nin; i += (size_t)jobs) {
		char *out = dir ? mirror(output, in[i]) : strdup(output ? output : "-");
		if (!out) {
			ppv_warn("%s: a path with '..' cannot be mirrored under %s", in[i], output);
			rc = PPV_FAIL;
			continue;
		}
		if (ppv_stitch(&cfg, in[i], out, err, sizeof err) < 0) {
			ppv_warn("%s", err);
			rc = PPV_FAIL;
		}
		free(out);
		if (me == 0)
			ppv_progress_tick(&prog, i + 1);
	}
	if (me == 0)
		ppv_progress_end(&prog, nin);
	if (me > 0) {
		if (ppv_atomic_sync() < 0 || (cfg.impressions && fclose(cfg.impressions) == EOF))
			rc = PPV_ERR;
		fflush(NULL);
		_exit(rc);
	}
	for (long w = 1; w < jobs; w++) {
		int ws;
		if (waitpid(kids[w], &ws, 0) < 0 || !WIFEXITED(ws))
			rc = PPV_ERR;
		else if (WEXITSTATUS(ws) > rc)
			rc = WEXITSTATUS(ws);
	}
	free(kids);
	free(stdout_dir);
	if (ppv_atomic_sync() < 0)
		ppv_die(PPV_ERR, "%s: sync:", output);
	if (cfg.impressions && fclose(cfg.impressions) == EOF)
		ppv_die(PPV_ERR, "%s:", impr);
	ppv_stitch_done();
	ppv_adcat_free(cat);
	for (size_t i = 0; list && i < nin; i++)
		free(list[i]);
	free(list);
	free(sb);
	free(v);
	free(subject);
	return rc;
}

/* main -------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	ppv_init(argv[0]);
	if (argc < 2)
		ppv_usage(synopsis);
	const char *mode = argv[1];
	if (!strcmp(mode, "-h") || !strcmp(mode, "--help"))
		ppv_help(help);
	if (!strcmp(mode, "--version"))
		ppv_version();
	argc--, argv++;
	if (!strcmp(mode, "decode"))
		ppv_exit(cmd_decode(argc, argv));
	if (!strcmp(mode, "encode"))
		ppv_exit(cmd_encode(argc, argv));
	if (!strcmp(mode, "inject"))
		ppv_exit(cmd_inject(argc, argv));
	if (!strcmp(mode, "stitch"))
		ppv_exit(cmd_stitch(argc, argv));
	ppv_warn("unknown mode '%s' (decode, encode, inject, stitch)", mode);
	ppv_usage(synopsis);
}
