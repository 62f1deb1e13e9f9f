/* segment.h: MPEG-TS cut into HLS segments at the packet level, with RFC 8216 playlists, cues and AES-128. */
#ifndef PPV_SEGMENT_H
#define PPV_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>


enum { PPV_SEG_LIVE, PPV_SEG_EVENT, PPV_SEG_VOD };
enum { PPV_CUES_TAGS = 1, PPV_CUES_DATERANGE = 2 };

typedef struct {
	const char *dir, *name;     /* DIR/NAME.m3u8, DIR/NAME<seq>.ts */
	int target;                 /* seconds */
	int mode;
	int window;                 /* live: segments in the playlist */
	int cues;                   /* PPV_CUES_* bits */
	bool encrypt;
	const char *key_uri;        /* {n}: the key number */
	int rotate;                 /* a new key every this many segments; 0: one key */
	const char *keyname;        /* DIR/KEYNAME.<n>.key, NULL: NAME; a ladder's variants share one */
	int64_t start_number;
	bool master;                /* DIR/master.m3u8 with measured rates and codecs */
	bool fmp4;                  /* CMAF segments through libavformat */
	int quiet;
} ppv_segment_cfg;

/* Segments the whole input (a path, or NULL or "-" for stdin); the exit
 * code. SIGINT/SIGTERM end it cleanly. */
int ppv_segment_run(const ppv_segment_cfg *cfg, const char *input);
/* Set from a signal handler: finish the segment in progress and stop. */
void ppv_segment_stop(void);

#endif
