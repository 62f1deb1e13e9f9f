/* ppv-segment: the MPEG-TS stream on stdin cut into HLS: segments and playlists in a directory any web server serves. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "segment.h"

static const char synopsis[] =
	"ppv-segment -o DIR [-n NAME] [-t TARGET] [-m live|event|vod] [-w WINDOW] [-f ts|fmp4]\n"
	"                   [--cues cue|daterange|both|none] [--encrypt [--key-uri TEMPLATE] [--rotate N]]\n"
	"                   [--master] [--start-number N] [INPUT]";

static const char help[] =
	"usage: ppv-segment -o DIR [-n NAME] [-t TARGET] [-m live|event|vod] [-w WINDOW]\n"
	"                   [-f ts|fmp4]\n"
	"                   [--cues cue|daterange|both|none]\n"
	"                   [--encrypt [--key-uri TEMPLATE] [--rotate N]]\n"
	"                   [--master] [--start-number N] [-q] [INPUT]\n"
	"\n"
	"Cut an MPEG-TS stream (INPUT or stdin) into HLS: DIR/NAME.m3u8 and its\n"
	"segments, at video keyframes, packet for packet, with SCTE-35 cues carried\n"
	"into the playlist.\n"
	"\n"
	"  -o, --output DIR       where the playlist and segments go (made if missing)\n"
	"  -n, --name NAME        playlist DIR/NAME.m3u8, segments NAME<n>.ts (index)\n"
	"  -t, --target SECONDS   target segment duration (6)\n"
	"  -m, --mode MODE        live (sliding window), event or vod (live)\n"
	"  -w, --window N         live: segments in the playlist (6)\n"
	"  -f, --format FORMAT    ts (packet for packet) or fmp4 (CMAF through\n"
	"                         libavformat, any input container) (ts)\n"
	"      --cues STYLE       cue (EXT-X-CUE-OUT/-CONT/-IN), daterange, both, none\n"
	"                         (cue)\n"
	"      --encrypt          AES-128 every segment; keys DIR/NAME.<n>.key, 0600\n"
	"      --key-uri TEMPLATE the key's URI in the playlist, {n} its number\n"
	"      --rotate N         a new key every N segments (one key)\n"
	"      --master           also DIR/master.m3u8: measured BANDWIDTH,\n"
	"                         AVERAGE-BANDWIDTH, CODECS, RESOLUTION, FRAME-RATE\n"
	"      --start-number N   the first media sequence number (0)\n"
	"  -q, --quiet            no warnings about long GOPs or rejected cues\n"
	"  -h, --help             this help\n"
	"      --version          the version\n"
	"\n"
	"Exit status: 0 success, 2 usage, I/O or bad input. See ppv-segment(1).\n";

enum { O_CUES = 256, O_ENCRYPT, O_KEYURI, O_ROTATE, O_START, O_MASTER, O_VERSION };

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "name", required_argument, NULL, 'n' },
	{ "target", required_argument, NULL, 't' },
	{ "mode", required_argument, NULL, 'm' },
	{ "window", required_argument, NULL, 'w' },
	{ "format", required_argument, NULL, 'f' },
	{ "cues", required_argument, NULL, O_CUES },
	{ "encrypt", no_argument, NULL, O_ENCRYPT },
	{ "key-uri", required_argument, NULL, O_KEYURI },
	{ "rotate", required_argument, NULL, O_ROTATE },
	{ "start-number", required_argument, NULL, O_START },
	{ "master", no_argument, NULL, O_MASTER },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ 0 },
};

static long
number(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		ppv_die(PPV_ERR, "%s: '%s' is not a number from %ld to %ld", opt, s, min, max);
	return v;
}

static void
on_signal(int sig)
{
	(void)sig;
	ppv_segment_stop();
}

int
main(int argc, char **argv)
{
	ppv_segment_cfg cfg = { .name = "index", .target = 6, .mode = PPV_SEG_LIVE, .window = 6,
				.cues = PPV_CUES_TAGS };
	int c;

	ppv_init(argv[0]);
	while ((c = getopt_long(argc, argv, "o:n:t:m:w:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': cfg.dir = optarg; break;
		case 'n':
			if (!*optarg || strchr(optarg, '/'))
				ppv_die(PPV_ERR, "-n: '%s' is not a file name", optarg);
			cfg.name = optarg;
			break;
		case 't': cfg.target = (int)number("-t", optarg, 1, 3600); break;
		case 'm':
			if (!strcmp(optarg, "live"))
				cfg.mode = PPV_SEG_LIVE;
			else if (!strcmp(optarg, "event"))
				cfg.mode = PPV_SEG_EVENT;
			else if (!strcmp(optarg, "vod"))
				cfg.mode = PPV_SEG_VOD;
			else
				ppv_die(PPV_ERR, "-m: unknown mode '%s' (live, event, vod)", optarg);
			break;
		case 'w': cfg.window = (int)number("-w", optarg, 2, 100000); break;
		case 'f':
			if (strcmp(optarg, "ts") && strcmp(optarg, "fmp4"))
				ppv_die(PPV_ERR, "-f: unknown format '%s' (ts, fmp4)", optarg);
			cfg.fmp4 = !strcmp(optarg, "fmp4");
			break;
		case O_CUES:
			if (!strcmp(optarg, "cue"))
				cfg.cues = PPV_CUES_TAGS;
			else if (!strcmp(optarg, "daterange"))
				cfg.cues = PPV_CUES_DATERANGE;
			else if (!strcmp(optarg, "both"))
				cfg.cues = PPV_CUES_TAGS | PPV_CUES_DATERANGE;
			else if (!strcmp(optarg, "none"))
				cfg.cues = 0;
			else
				ppv_die(PPV_ERR, "--cues: unknown style '%s' (cue, daterange, both, none)", optarg);
			break;
		case O_ENCRYPT: cfg.encrypt = true; break;
		case O_KEYURI: cfg.key_uri = optarg; break;
		case O_ROTATE: cfg.rotate = (int)number("--rotate", optarg, 1, 1000000); break;
		case O_START: cfg.start_number = number("--start-number", optarg, 0, 0x7fffffff); break;
		case O_MASTER: cfg.master = true; break;
		case 'q': cfg.quiet = 1; break;
		case 'h': ppv_help(help);
		case O_VERSION: ppv_version();
		default: ppv_usage(synopsis);
		}
	}
	if (!cfg.dir || argc - optind > 1)
		ppv_usage(synopsis);
	if ((cfg.key_uri || cfg.rotate) && !cfg.encrypt)
		ppv_die(PPV_ERR, "--key-uri and --rotate go with --encrypt");

	/* finish the segment in progress, end the playlist, exit 0; no
	 * SA_RESTART: a read waiting on a quiet live pipe must give up */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ppv_exit(ppv_segment_run(&cfg, optind < argc ? argv[optind] : NULL));
}
