/* ppv-transcode: one live stream in, an adaptive bitrate ladder out: one MPEG-TS with a program per rendition. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavutil/log.h>

#include "atomic.h"
#include "cli.h"
#include "opt.h"
#include "transcode.h"

enum { O_LADDER = PPV_OPT_LONG, O_PRESET, O_GOP, O_AUDIO };

static const ppv_opt options[] = {
	{ "ladder", O_LADDER, "SPEC", "the rungs, comma-separated: HEIGHTp@KBPS or source\n"
	  "(" PPV_LADDER_DEFAULT ")" },
	{ "preset", O_PRESET, "PRESET", "x264's speed for quality (veryfast)",
	  "ultrafast superfast veryfast faster fast medium slow slower veryslow" },
	{ "gop", O_GOP, "SECONDS", "keyframe interval when no source rung sets it (2)" },
	{ "audio", O_AUDIO, "MODE", "copy (whatever it is) or aac[@KBPS] (always encoded);\n"
	  "by default AAC is copied, other audio encoded at 128", "copy aac" },
	{ "output", 'o', "FILE", "write FILE, replaced whole at the end (stdout)", "@file" },
	PPV_OPT_QUIET("no note of rungs taller than the source"),
	PPV_OPT_HELP,
	PPV_OPT_END,
};

static const ppv_doc doc = {
	.usage = "ppv-transcode [--ladder SPEC] [--preset PRESET] [--gop SECONDS]\n"
		 "                     [--audio copy|aac[@KBPS]] [-o FILE] [-q] [INPUT]",
	.about = "Decode a stream (INPUT or stdin) once and encode it with libx264 at each rung\n"
		 "of the ladder: one MPEG-TS with a program per rung in SPEC order, its video\n"
		 "and the shared audio (AAC copied, other audio made AAC once), keyframes at\n"
		 "the same times in every rung, timestamps as they came.",
	.opts = options,
	.footer = "Exit status: 0 success, 2 usage, I/O or bad input. See ppv-transcode(1).",
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	ppv_transcode_cfg cfg = { .gop_ms = 2000, .audio_kbps = 128, .out_fd = STDOUT_FILENO, .stop = &stop };
	const char *output = NULL;
	char err[512];
	int c;

	ppv_init(argv[0]);
	ppv_doc_main(argc, argv, &doc);
	while ((c = ppv_getopt(argc, argv, &doc, NULL)) != -1) {
		switch (c) {
		case O_LADDER: cfg.ladder = optarg; break;
		case O_PRESET: cfg.preset = optarg; break;
		case O_GOP: cfg.gop_ms = (int)ppv_opt_number("--gop", optarg, 1, 60) * 1000; break;
		case O_AUDIO:
			if (!strcmp(optarg, "copy")) {
				cfg.audio = PPV_TC_AUDIO_COPY;
			} else if (!strncmp(optarg, "aac", 3) && (!optarg[3] || optarg[3] == '@')) {
				cfg.audio = PPV_TC_AUDIO_AAC;
				if (optarg[3])
					cfg.audio_kbps = (int)ppv_opt_number("--audio", optarg + 4, 16, 512);
			} else {
				ppv_die(PPV_ERR, "--audio: '%s' is neither copy nor aac[@KBPS]", optarg);
			}
			break;
		case 'o': output = optarg; break;
		case 'q': cfg.quiet = 1; break;
		}
	}
	if (argc - optind > 1)
		ppv_doc_usage(&doc);
	const char *input = optind < argc && strcmp(argv[optind], "-") ? argv[optind] : NULL;
	av_log_set_level(AV_LOG_FATAL);

	/* the pictures in flight are encoded and the output ended: what came
	 * out so far is a whole stream */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed pipe comes back as EPIPE and ends the run quietly */
	signal(SIGPIPE, SIG_IGN);

	ppv_atomic atomic;
	FILE *of = NULL;
	if (output) {
		if (!(of = ppv_atomic_open(&atomic, output, 0644)))
			ppv_die(PPV_ERR, "%s:", output);
		cfg.out_fd = fileno(of);
	}
	/* a stream on stdin is live: each packet goes out as it is made */
	cfg.live = !input;
	int rc = ppv_transcode(&cfg, input, err, sizeof err);
	if (rc)
		ppv_warn("%s", err);
	if (output && (rc == PPV_OK ? ppv_atomic_commit(&atomic) < 0 : (ppv_atomic_abort(&atomic), 0)))
		ppv_die(PPV_ERR, "%s:", output);
	ppv_exit(rc);
}
