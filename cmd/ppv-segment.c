/* ppv-segment: the MPEG-TS stream on stdin cut into HLS: segments and playlists in a directory any web server serves. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "segment.h"

enum { O_CUES = PPV_OPT_LONG, O_ENCRYPT, O_KEYURI, O_ROTATE, O_START, O_MASTER };

static const ppv_opt options[] = {
	{ "output", 'o', "DIR", "where the playlist and segments go (made if missing)", "@dir" },
	{ "name", 'n', "NAME", "playlist DIR/NAME.m3u8, segments NAME<n>.ts (index)" },
	{ "target", 't', "SECONDS", "target segment duration (6)" },
	{ "mode", 'm', "MODE", "live (sliding window), event or vod (live)", "live event vod" },
	{ "window", 'w', "N", "live: segments in the playlist (6); never under three\n"
	  "target durations" },
	{ "format", 'f', "FORMAT", "ts (video packet for packet) or fmp4 (CMAF through\n"
	  "libavformat, any input container) (ts)", "ts fmp4" },
	{ "cues", O_CUES, "STYLE", "cue (EXT-X-CUE-OUT/-CONT/-IN), daterange, both, none\n"
	  "(cue)", "cue daterange both none" },
	{ "encrypt", O_ENCRYPT, NULL, "AES-128 every segment; keys DIR/NAME.<n>.key, 0600" },
	{ "key-uri", O_KEYURI, "TEMPLATE", "the key's URI in the playlist, {n} its number" },
	{ "rotate", O_ROTATE, "N", "a new key every N segments (one key)" },
	{ "master", O_MASTER, NULL, "also DIR/master.m3u8: measured BANDWIDTH,\n"
	  "AVERAGE-BANDWIDTH, CODECS, RESOLUTION, FRAME-RATE" },
	{ "start-number", O_START, "N", "the first media sequence number (0)" },
	{ "quiet", 'q', NULL, "no warnings about long GOPs or rejected cues" },
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = {
	.usage = "ppv-segment -o DIR [-n NAME] [-t TARGET] [-m live|event|vod] [-w WINDOW]\n"
		 "                   [-f ts|fmp4]\n"
		 "                   [--cues cue|daterange|both|none]\n"
		 "                   [--encrypt [--key-uri TEMPLATE] [--rotate N]]\n"
		 "                   [--master] [--start-number N] [-q] [INPUT]",
	.about = "Cut an MPEG-TS stream (INPUT or stdin) into HLS: DIR/NAME.m3u8 and its\n"
		 "segments, at video keyframes, packet for packet, with SCTE-35 cues carried\n"
		 "into the playlist.",
	.opts = options,
	.footer = "Exit status: 0 success, 2 usage, I/O or bad input. See ppv-segment(1).",
};

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
	ppv_doc_main(argc, argv, &doc);
	while ((c = ppv_getopt(argc, argv, &doc, NULL)) != -1) {
		switch (c) {
		case 'o': cfg.dir = optarg; break;
		case 'n':
			if (!*optarg || strchr(optarg, '/'))
				ppv_die(PPV_ERR, "-n: '%s' is not a file name", optarg);
			cfg.name = optarg;
			break;
		case 't': cfg.target = (int)ppv_opt_number("-t", optarg, 1, 3600); break;
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
		case 'w': cfg.window = (int)ppv_opt_number("-w", optarg, 2, 100000); break;
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
		case O_ROTATE: cfg.rotate = (int)ppv_opt_number("--rotate", optarg, 1, 1000000); break;
		case O_START: cfg.start_number = ppv_opt_number("--start-number", optarg, 0, 0x7fffffff); break;
		case O_MASTER: cfg.master = true; break;
		case 'q': cfg.quiet = 1; break;
		}
	}
	if (!cfg.dir || argc - optind > 1)
		ppv_doc_usage(&doc);
	if (cfg.mode == PPV_SEG_LIVE && cfg.window < 3 && !cfg.quiet)
		ppv_warn("-w %d: a live playlist holds at least three target durations (RFC 8216 6.2.2): "
			 "it keeps more segments than that", cfg.window);
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
