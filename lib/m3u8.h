/* m3u8.h: HLS playlists (RFC 8216) read into segments, variants and cue windows, and written segment by segment; URIs resolved between files. */
#ifndef PPV_M3U8_H
#define PPV_M3U8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a tag line before a segment is, as far as stitching cares. */
enum ppv_tag {
	PPV_TAG_OTHER, PPV_TAG_MAP, PPV_TAG_KEY, PPV_TAG_PDT, PPV_TAG_DISC,
	PPV_TAG_CUE_OUT, PPV_TAG_CUE_CONT, PPV_TAG_CUE_IN, PPV_TAG_CUE_OTHER,
	PPV_TAG_DATERANGE,
};

/* Sequence numbers past this are refused: RFC 8216 allows 2^64 - 1, but a
 * number that high leaves no room to count segments on from it. */
#define PPV_M3U8_MAXSEQ (INT64_C(1) << 62)

typedef struct {
	char *text;
	enum ppv_tag kind;
} ppv_m3u8_line;

typedef struct {
	char *uri;
	char *title;                /* after the EXTINF comma */
	int64_t dur;                /* microseconds */
	size_t tag0, ntags;         /* its tag lines in the playlist's tags[] */
	bool disc;
	int map, key;               /* tags[] index of the MAP/KEY in effect, -1 */
	int map_key;                /* the KEY in effect over that MAP, -1: clear */
	bool has_pdt, dated;        /* a date known; a date line right before it */
	int64_t pdt;                /* ms since the epoch, given, carried or backfilled */
	int cue;                    /* PPV_TAG_CUE_OUT, _CONT, _IN or 0 */
	int64_t cue_dur;            /* OUT: the break, microseconds, -1 unknown */
	int64_t cue_elapsed;        /* CONT */
	bool daterange_cue;         /* the cue came as an EXT-X-DATERANGE */
	long line;
} ppv_m3u8_seg;

typedef struct {
	char *inf;                  /* the EXT-X-STREAM-INF line */
	char *uri;
	int64_t bandwidth;
	long line;
} ppv_m3u8_variant;

typedef struct {
	char *path;                 /* where it was read from */
	char *text;                 /* the file, split in place */
	bool master;
	int version;
	int64_t target;             /* seconds */
	int64_t media_seq, disc_seq;    /* at most PPV_M3U8_MAXSEQ */
	bool endlist, has_pdt, uses_daterange;
	char **head;                /* playlist-level lines, in order, EXTM3U and
				     * the tags this module rewrites left out */
	size_t nhead;
	ppv_m3u8_line *tags;
	size_t ntags, tagcap;
	ppv_m3u8_seg *segs;
	size_t nsegs, segcap;
	size_t tail0;               /* tags[] after the last segment */
	ppv_m3u8_variant *vars;
	size_t nvars, varcap;
	char **mhead;               /* master: every line but the variants */
	size_t nmhead;
	int64_t total;              /* microseconds */
} ppv_m3u8;

/* Reads and parses a file. NULL with "file:line: what" in err. */
ppv_m3u8 *ppv_m3u8_load(const char *path, char *err, size_t errcap);
/* Parses text (taken over, split in place); path names it in errors. */
ppv_m3u8 *ppv_m3u8_parse(char *text, size_t n, const char *path, char *err, size_t errcap);
void ppv_m3u8_free(ppv_m3u8 *pl);

/* The value of ATTR in a tag's attribute list, unquoted, into out; -1 if absent. */
int ppv_m3u8_attr(const char *tag, const char *name, char *out, size_t cap);
/* "12.345" seconds to microseconds; -1 when it is not a decimal. */
int ppv_m3u8_secs(const char *s, int64_t *us);
/* Microseconds as "%.3f" without floating point. */
char *ppv_m3u8_fmt_secs(int64_t us, char *buf);

/* Whether a URI is absolute (scheme: or /) and so left alone. */
bool ppv_uri_absolute(const char *uri);
/* uri, relative to the file `from`, rewritten relative to directory `todir`
 * (both relative to the working directory or absolute). */
char *ppv_uri_rebase(const char *uri, const char *from, const char *todir);
/* A whole tag line with its URI="..." rebased. */
char *ppv_tag_rebase(const char *tag, const char *from, const char *todir);
char *ppv_dirname(const char *path);
/* An absolute path with `.`, `..` and repeated slashes resolved as text:
 * the directories it names need not exist. */
char *ppv_path_absolute(const char *path);

/* Writing a media playlist ------------------------------------------------ */

/* What a playlist being written has in effect, so that a key or a map is
 * written only where it changes. */
typedef struct {
	FILE *f;
	char *key, *map;            /* the tag lines in effect, as written */
	int64_t maxdur;             /* microseconds: the longest segment so far */
	int64_t seq;                /* the next segment's media sequence number */
	int version;                /* raised to what the tags written need */
	bool pending_disc;          /* the next segment starts a discontinuity */
} ppv_m3u8_out;

/* One segment as written. */
typedef struct {
	const char *uri, *title;    /* title NULL: none */
	const char *map, *key;      /* the EXT-X-MAP and EXT-X-KEY lines over it; NULL none */
	const char *map_key;        /* the EXT-X-KEY its source had over that map */
	int64_t src_seq;            /* its media sequence number where it was read */
	const char *extra;          /* its other tag lines, \n-joined, or NULL */
	int64_t dur;                /* microseconds */
	int64_t pdt;                /* ms since the epoch; INT64_MIN: no date line */
	bool disc;
} ppv_m3u8_wseg;

/* The segment with the tags that change before it: discontinuity, the map
 * under the key its source had over it, the key (METHOD=NONE when one
 * ends), date, its own tags, EXTINF, URI. A key without an IV attribute
 * gets its source's sequence number as IV= where the segment's number
 * changed, so that it decrypts as it did (RFC 8216 5.2). */
void ppv_m3u8_put_seg(ppv_m3u8_out *o, const ppv_m3u8_wseg *s);
/* A key line with IV= the sequence number seq, unless it has an IV already. */
char *ppv_m3u8_key_iv(const char *key, int64_t seq);
void ppv_m3u8_out_free(ppv_m3u8_out *o);

typedef struct {
	int version;
	int64_t target;             /* seconds */
	int64_t media_seq, disc_seq;
	const char *type;           /* "VOD", "EVENT" or NULL */
	bool independent;           /* EXT-X-INDEPENDENT-SEGMENTS */
	char *const *more;          /* further header lines, as they are */
	size_t nmore;
} ppv_m3u8_head;

/* The lines before the first segment. */
void ppv_m3u8_put_header(FILE *f, const ppv_m3u8_head *h);

#endif
