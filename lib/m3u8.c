/* m3u8.c: HLS playlists (RFC 8216) read into segments, variants and cue windows; URIs resolved between files. */
#include "cli.h"
#include "m3u8.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scte35.h"
#include "when.h"

#define MAX_PLAYLIST (64 << 20)

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? 2 * *cap : 64;
	void *p = realloc(v, nc * size);
	if (!p) {
		fputs("ppv: out of memory\n", stderr);
		exit(2);
	}
	*cap = nc;
	return p;
}

int
ppv_m3u8_secs(const char *s, int64_t *us)
{
	int64_t ip = 0, frac = 0;
	int digits = 0, fd = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (ip > INT64_MAX / 10000000)
			return -1;
		ip = ip * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, fd++)
			if (fd < 6)
				frac = frac * 10 + (*s - '0');
			else if (fd == 6 && *s >= '5')
				frac++;
		for (int i = fd; i < 6; i++)
			frac *= 10;
	}
	if (!digits && !fd)
		return -1;
	*us = ip * 1000000 + frac;
	return *s == '\0' ? 0 : 1;   /* 1: a number followed by more */
}

char *
ppv_m3u8_fmt_secs(int64_t us, char *buf)
{
	int64_t ms = (us + 500) / 1000, s = ms / 1000;
	char tmp[24];
	int n = 0;

	/* by hand: a stitched playlist prints one per segment */
	do
		tmp[n++] = (char)('0' + s % 10);
	while ((s /= 10) > 0);
	char *p = buf;
	while (n)
		*p++ = tmp[--n];
	*p++ = '.';
	*p++ = (char)('0' + ms % 1000 / 100);
	*p++ = (char)('0' + ms % 100 / 10);
	*p++ = (char)('0' + ms % 10);
	*p = '\0';
	return buf;
}



int
ppv_m3u8_attr(const char *tag, const char *name, char *out, size_t cap)
{
	const char *p = strchr(tag, ':');
	size_t nl = strlen(name);

	if (!p)
		return -1;
	for (p++; *p;) {
		const char *eq = strchr(p, '=');
		if (!eq)
			return -1;
		bool match = (size_t)(eq - p) == nl && !strncmp(p, name, nl);
		const char *v = eq + 1, *end;
		if (*v == '"') {
			v++;
			end = strchr(v, '"');
			if (!end)
				return -1;
		} else {
			end = v + strcspn(v, ",");
		}
		if (match) {
			size_t n = (size_t)(end - v);
			if (n >= cap)
				n = cap - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		p = end + (*end == '"');
		if (*p == ',')
			p++;
	}
	return -1;
}

/* What a cue carried in SCTE-35 bytes means for the window. */
static void
cue_from_scte35(const char *text, ppv_m3u8_seg *s)
{
	static ppv_scte35 c;
	static uint8_t buf[PPV_SCTE35_MAX];
	char err[128];
	long n = ppv_scte35_text(text, buf, sizeof buf);

	if (n < 0 || ppv_scte35_decode(&c, buf, (size_t)n, err, sizeof err) < 0)
		return;
	if (c.command_type == PPV_SPLICE_INSERT && !c.insert.cancel) {
		if (c.insert.out_of_network) {
			s->cue = PPV_TAG_CUE_OUT;
			if (c.insert.has_duration)
				s->cue_dur = ppv_ticks_to_us((int64_t)c.insert.duration);
		} else if (s->cue != PPV_TAG_CUE_OUT) {
			s->cue = PPV_TAG_CUE_IN;
		}
		return;
	}
	for (int i = 0; i < c.ndesc; i++) {
		const ppv_splice_desc *d = &c.desc[i];
		if (d->tag != PPV_DESC_SEGMENTATION || !d->known || d->u.seg.cancel)
			continue;
		int b = ppv_scte35_break(d->u.seg.type_id);
		if (b > 0) {
			s->cue = PPV_TAG_CUE_OUT;
			if (d->u.seg.has_duration)
				s->cue_dur = ppv_ticks_to_us((int64_t)d->u.seg.duration);
		} else if (b < 0 && s->cue != PPV_TAG_CUE_OUT) {
			s->cue = PPV_TAG_CUE_IN;
		}
	}
}

static bool
starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Classifies a segment tag and folds a cue into the pending segment. */
static enum ppv_tag
segment_tag(const char *t, ppv_m3u8_seg *s, ppv_m3u8 *pl)
{
	char v[1024];
	int64_t us;

	if (starts(t, "#EXT-X-MAP"))
		return PPV_TAG_MAP;
	if (starts(t, "#EXT-X-KEY"))
		return PPV_TAG_KEY;
	if (starts(t, "#EXT-X-PROGRAM-DATE-TIME"))
		return PPV_TAG_PDT;
	if (!strcmp(t, "#EXT-X-DISCONTINUITY"))
		return PPV_TAG_DISC;
	if (starts(t, "#EXT-X-CUE-OUT-CONT")) {
		/* ElapsedTime=8.3,Duration=30 or 8.3/30 */
		if (s->cue == 0)
			s->cue = PPV_TAG_CUE_CONT;
		const char *a = strchr(t, ':');
		if (a && ppv_m3u8_attr(t, "ElapsedTime", v, sizeof v) == 0 && ppv_m3u8_secs(v, &us) == 0)
			s->cue_elapsed = us;
		else if (a && ppv_m3u8_secs(a + 1, &us) >= 0)
			s->cue_elapsed = us;
		if (a && ppv_m3u8_attr(t, "Duration", v, sizeof v) == 0 && ppv_m3u8_secs(v, &us) == 0)
			s->cue_dur = us;
		else if (a && strchr(a, '/') && ppv_m3u8_secs(strchr(a, '/') + 1, &us) == 0)
			s->cue_dur = us;
		return PPV_TAG_CUE_CONT;
	}
	if (starts(t, "#EXT-X-CUE-OUT")) {
		s->cue = PPV_TAG_CUE_OUT;
		const char *a = strchr(t, ':');
		if (a && ppv_m3u8_attr(t, "DURATION", v, sizeof v) == 0 && ppv_m3u8_secs(v, &us) == 0)
			s->cue_dur = us;
		else if (a && ppv_m3u8_secs(a + 1, &us) == 0)
			s->cue_dur = us;
		return PPV_TAG_CUE_OUT;
	}
	if (starts(t, "#EXT-X-CUE-IN")) {
		if (s->cue != PPV_TAG_CUE_OUT)
			s->cue = PPV_TAG_CUE_IN;
		return PPV_TAG_CUE_IN;
	}
	if (starts(t, "#EXT-OATCLS-SCTE35:")) {
		cue_from_scte35(t + strlen("#EXT-OATCLS-SCTE35:"), s);
		return PPV_TAG_CUE_OTHER;
	}
	if (starts(t, "#EXT-X-SCTE35")) {
		if (ppv_m3u8_attr(t, "CUE-OUT", v, sizeof v) == 0 && !strcmp(v, "YES")) {
			s->cue = PPV_TAG_CUE_OUT;
			if (ppv_m3u8_attr(t, "DURATION", v, sizeof v) == 0 && ppv_m3u8_secs(v, &us) == 0)
				s->cue_dur = us;
		} else if (ppv_m3u8_attr(t, "CUE-IN", v, sizeof v) == 0 && !strcmp(v, "YES")) {
			if (s->cue != PPV_TAG_CUE_OUT)
				s->cue = PPV_TAG_CUE_IN;
		} else if (ppv_m3u8_attr(t, "CUE", v, sizeof v) == 0) {
			cue_from_scte35(v, s);
		}
		return PPV_TAG_CUE_OTHER;
	}
	if (starts(t, "#EXT-X-DATERANGE")) {
		if (ppv_m3u8_attr(t, "SCTE35-OUT", v, sizeof v) == 0) {
			s->cue = PPV_TAG_CUE_OUT;
			s->daterange_cue = true;
			pl->uses_daterange = true;
			if ((ppv_m3u8_attr(t, "DURATION", v, sizeof v) == 0 ||
			     ppv_m3u8_attr(t, "PLANNED-DURATION", v, sizeof v) == 0) &&
			    ppv_m3u8_secs(v, &us) == 0)
				s->cue_dur = us;
			else if (ppv_m3u8_attr(t, "SCTE35-OUT", v, sizeof v) == 0)
				cue_from_scte35(v, s);
		} else if (ppv_m3u8_attr(t, "SCTE35-IN", v, sizeof v) == 0) {
			pl->uses_daterange = true;
			if (s->cue != PPV_TAG_CUE_OUT)
				s->cue = PPV_TAG_CUE_IN;
		} else if (ppv_m3u8_attr(t, "SCTE35-CMD", v, sizeof v) == 0) {
			pl->uses_daterange = true;
			cue_from_scte35(v, s);
		} else {
			return PPV_TAG_DATERANGE;
		}
		return PPV_TAG_CUE_OTHER;
	}
	return PPV_TAG_OTHER;
}

static bool
master_tag(const char *t)
{
	return starts(t, "#EXT-X-MEDIA:") || starts(t, "#EXT-X-I-FRAME-STREAM-INF") ||
	       starts(t, "#EXT-X-SESSION-DATA") || starts(t, "#EXT-X-SESSION-KEY") ||
	       starts(t, "#EXT-X-CONTENT-STEERING");
}

/* Tags of the playlist as a whole that stitching passes on as they are. */
static bool
head_tag(const char *t)
{
	return starts(t, "#EXT-X-PLAYLIST-TYPE") || starts(t, "#EXT-X-INDEPENDENT-SEGMENTS") ||
	       starts(t, "#EXT-X-START") || starts(t, "#EXT-X-ALLOW-CACHE") ||
	       starts(t, "#EXT-X-I-FRAMES-ONLY") || starts(t, "#EXT-X-SERVER-CONTROL") ||
	       starts(t, "#EXT-X-PART-INF") || starts(t, "#EXT-X-DEFINE");
}

static int
int_value(const char *t, int64_t *v)
{
	const char *p = strchr(t, ':');
	char *end;

	if (!p)
		return -1;
	errno = 0;
	long long x = strtoll(p + 1, &end, 10);
	if (errno || end == p + 1 || *end || x < 0)
		return -1;
	*v = x;
	return 0;
}

ppv_m3u8 *
ppv_m3u8_parse(char *text, size_t n, const char *path, char *err, size_t ecap)
{
	ppv_m3u8 *pl = calloc(1, sizeof *pl);
	ppv_m3u8_seg pend = { .map = -1, .key = -1, .map_key = -1, .cue_dur = -1 };
	bool have_inf = false, have_var = false;
	int map = -1, key = -1, map_key = -1;
	int64_t pdt = 0;
	bool pdt_known = false;
	char *var_inf = NULL;
	long var_line = 0, lineno = 0;
	size_t tag0 = 0, headcap = 0, mheadcap = 0;

	if (!pl)
		return NULL;
	pl->text = text;
	pl->path = strdup(path);
	pl->version = 1;
	pl->target = -1;
	for (char *p = text, *end = text + n; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = p;
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		p = nl ? nl + 1 : end;
		line[len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		lineno++;
		if (lineno == 1) {
			if (len >= 3 && (uint8_t)line[0] == 0xef && (uint8_t)line[1] == 0xbb && (uint8_t)line[2] == 0xbf)
				line += 3;
			if (strcmp(line, "#EXTM3U")) {
				ppv_errf(err, ecap, "%s:1: not an HLS playlist (no #EXTM3U)", path);
				goto bad;
			}
			continue;
		}
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (!len)
			continue;
		if (line[0] == '#') {
			if (!starts(line, "#EXT")) {
				continue;   /* a comment */
			} else if (starts(line, "#EXTINF:")) {
				/* most lines: tested first */
				char *c = strchr(line + 8, ',');
				if (c)
					*c = '\0';
				if (ppv_m3u8_secs(line + 8, &pend.dur) != 0) {
					ppv_errf(err, ecap, "%s:%ld: bad #EXTINF duration '%s'", path, lineno, line + 8);
					goto bad;
				}
				pend.title = c ? c + 1 : (char *)"";
				have_inf = true;
			} else if (starts(line, "#EXT-X-VERSION:")) {
				int64_t v;
				if (int_value(line, &v) < 0 || v > 100) {
					ppv_errf(err, ecap, "%s:%ld: bad EXT-X-VERSION", path, lineno);
					goto bad;
				}
				pl->version = (int)v;
			} else if (starts(line, "#EXT-X-TARGETDURATION:")) {
				if (int_value(line, &pl->target) < 0) {
					ppv_errf(err, ecap, "%s:%ld: bad EXT-X-TARGETDURATION", path, lineno);
					goto bad;
				}
			} else if (starts(line, "#EXT-X-MEDIA-SEQUENCE:")) {
				if (int_value(line, &pl->media_seq) < 0 || pl->media_seq > PPV_M3U8_MAXSEQ) {
					ppv_errf(err, ecap, "%s:%ld: bad EXT-X-MEDIA-SEQUENCE", path, lineno);
					goto bad;
				}
			} else if (starts(line, "#EXT-X-DISCONTINUITY-SEQUENCE:")) {
				if (int_value(line, &pl->disc_seq) < 0 || pl->disc_seq > PPV_M3U8_MAXSEQ) {
					ppv_errf(err, ecap, "%s:%ld: bad EXT-X-DISCONTINUITY-SEQUENCE", path, lineno);
					goto bad;
				}
			} else if (!strcmp(line, "#EXT-X-ENDLIST")) {
				pl->endlist = true;
			} else if (starts(line, "#EXT-X-STREAM-INF:")) {
				pl->master = true;
				var_inf = line;
				var_line = lineno;
				have_var = true;
			} else if (master_tag(line)) {
				pl->master = true;
				pl->mhead = grow(pl->mhead, &mheadcap, pl->nmhead, sizeof *pl->mhead);
				pl->mhead[pl->nmhead++] = line;
			} else if (head_tag(line)) {
				pl->head = grow(pl->head, &headcap, pl->nhead, sizeof *pl->head);
				pl->head[pl->nhead++] = line;
				pl->mhead = grow(pl->mhead, &mheadcap, pl->nmhead, sizeof *pl->mhead);
				pl->mhead[pl->nmhead++] = line;
			} else {
				enum ppv_tag k = segment_tag(line, &pend, pl);
				pl->tags = grow(pl->tags, &pl->tagcap, pl->ntags, sizeof *pl->tags);
				pl->tags[pl->ntags] = (ppv_m3u8_line){ line, k };
				if (k == PPV_TAG_MAP) {
					map = (int)pl->ntags;
					map_key = key;
				} else if (k == PPV_TAG_KEY)
					key = strstr(line, "METHOD=NONE") ? -1 : (int)pl->ntags;
				else if (k == PPV_TAG_DISC)
					pend.disc = true;
				else if (k == PPV_TAG_PDT) {
					if (ppv_pdt_parse(line + strlen("#EXT-X-PROGRAM-DATE-TIME:"), &pdt) < 0) {
						ppv_errf(err, ecap, "%s:%ld: bad EXT-X-PROGRAM-DATE-TIME", path, lineno);
						goto bad;
					}
					pdt_known = pl->has_pdt = pend.has_pdt = pend.dated = true;
				}
				pl->ntags++;
			}
			continue;
		}
		/* a URI */
		if (have_var) {
			pl->vars = grow(pl->vars, &pl->varcap, pl->nvars, sizeof *pl->vars);
			ppv_m3u8_variant *v = &pl->vars[pl->nvars++];
			char bw[32];
			v->inf = var_inf;
			v->uri = line;
			v->line = var_line;
			v->bandwidth = ppv_m3u8_attr(var_inf, "BANDWIDTH", bw, sizeof bw) == 0 ? atoll(bw) : 0;
			have_var = false;
			continue;
		}
		if (!have_inf) {
			ppv_errf(err, ecap, "%s:%ld: a URI without #EXTINF", path, lineno);
			goto bad;
		}
		pend.uri = line;
		pend.line = lineno;
		pend.tag0 = tag0;
		pend.ntags = pl->ntags - tag0;
		pend.map = map;
		pend.map_key = map_key;
		pend.key = key;
		pend.has_pdt = pdt_known;
		pend.pdt = pdt;
		pl->segs = grow(pl->segs, &pl->segcap, pl->nsegs, sizeof *pl->segs);
		pl->segs[pl->nsegs++] = pend;
		pl->total += pend.dur;
		pdt += pend.dur / 1000;
		tag0 = pl->ntags;
		pend = (ppv_m3u8_seg){ .map = -1, .key = -1, .map_key = -1, .cue_dur = -1 };
		have_inf = false;
	}
	if (pl->master && pl->nsegs) {
		ppv_errf(err, ecap, "%s: both variants and segments: neither a master nor a media playlist", path);
		goto bad;
	}
	if (have_var) {
		ppv_errf(err, ecap, "%s:%ld: EXT-X-STREAM-INF without a URI", path, var_line);
		goto bad;
	}
	if (!pl->master && pl->target < 0) {
		ppv_errf(err, ecap, "%s: no EXT-X-TARGETDURATION", path);
		goto bad;
	}
	pl->tail0 = tag0;
	/* segments before the first date line get theirs counted back from it */
	for (size_t i = 0; pl->has_pdt && i < pl->nsegs; i++)
		if (pl->segs[i].dated) {
			for (size_t k = i; k-- > 0;) {
				pl->segs[k].pdt = pl->segs[k + 1].pdt - pl->segs[k].dur / 1000;
				pl->segs[k].has_pdt = true;
			}
			break;
		}
	return pl;
bad:
	ppv_m3u8_free(pl);
	return NULL;
}

ppv_m3u8 *
ppv_m3u8_load(const char *path, char *err, size_t ecap)
{
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0) {
		ppv_errf(err, ecap, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_PLAYLIST) {
		ppv_errf(err, ecap, "%s: not a regular file of at most 64 MiB", path);
		close(fd);
		return NULL;
	}
	char *text = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	ssize_t r;
	while (text && got < (size_t)st.st_size &&
	       (r = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (!text || got != (size_t)st.st_size) {
		free(text);
		ppv_errf(err, ecap, "%s: cannot read", path);
		return NULL;
	}
	text[got] = '\0';
	ppv_m3u8 *pl = ppv_m3u8_parse(text, got, path, err, ecap);
	if (!pl)
		free(text);
	return pl;
}

void
ppv_m3u8_free(ppv_m3u8 *pl)
{
	if (!pl)
		return;
	free(pl->path);
	free(pl->head);
	free(pl->tags);
	free(pl->segs);
	free(pl->vars);
	free(pl->mhead);
	free(pl);
}

/* uris --------------------------------------------------------------------- */

bool
ppv_uri_absolute(const char *uri)
{
	if (uri[0] == '/')
		return true;
	for (const char *p = uri; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':')
			return p > uri;
	return false;
}

char *
ppv_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return ppv_xstrdup(".");
	if (slash == path)
		return ppv_xstrdup("/");
	return ppv_xasprintf("%.*s", (int)(slash - path), path);
}

char *
ppv_path_absolute(const char *path)
{
	static char cwd[PATH_MAX];
	size_t n = strlen(path);

	/* the working directory does not change under us: ask once */
	if (path[0] != '/' && !cwd[0] && !getcwd(cwd, sizeof cwd))
		strcpy(cwd, "/");
	size_t cap = n + (path[0] == '/' ? 0 : strlen(cwd)) + 3;
	char *buf = ppv_xrealloc(NULL, cap), *out = ppv_xrealloc(NULL, cap);
	snprintf(buf, cap, "%s/%s", path[0] == '/' ? "" : cwd, path);
	size_t o = 0;
	for (char *seg = strtok(buf, "/"); seg; seg = strtok(NULL, "/")) {
		if (!strcmp(seg, ".")) {
			continue;
		} else if (!strcmp(seg, "..")) {
			while (o > 0 && out[--o] != '/')
				;
		} else {
			out[o++] = '/';
			size_t sl = strlen(seg);
			memcpy(out + o, seg, sl);
			o += sl;
		}
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	free(buf);
	return out;
}

/* A plain relative URI (no dot segments, no empty ones) only needs the
 * prefix from one directory to the other, found once per pair. */
static bool
plain(const char *uri)
{
	for (const char *p = uri; *p && *p != '?' && *p != '#'; p++)
		if ((p == uri || p[-1] == '/') && (*p == '/' || (*p == '.' && (p[1] == '/' || p[1] == '.' || !p[1]))))
			return false;
	return true;
}

static char *rebase_slow(const char *uri, const char *from, const char *todir);

char *
ppv_uri_rebase(const char *uri, const char *from, const char *todir)
{
	static char *c_from, *c_to, *c_prefix;
	static size_t c_fromdir;

	if (ppv_uri_absolute(uri))
		return ppv_xstrdup(uri);
	if (!plain(uri))
		return rebase_slow(uri, from, todir);
	const char *slash = strrchr(from, '/');
	size_t fd = slash ? (size_t)(slash - from) : 0;
	if (!c_from || fd != c_fromdir || strncmp(c_from, from, fd) || strcmp(c_to, todir)) {
		free(c_from);
		free(c_to);
		free(c_prefix);
		c_from = ppv_xstrdup(from);
		c_fromdir = fd;
		c_to = ppv_xstrdup(todir);
		char *x = rebase_slow("x", from, todir);
		x[strlen(x) - 1] = '\0';
		c_prefix = x;
	}
	size_t pl = strlen(c_prefix), ul = strlen(uri);
	char *out = ppv_xrealloc(NULL, pl + ul + 1);
	memcpy(out, c_prefix, pl);
	memcpy(out + pl, uri, ul + 1);
	return out;
}

static char *
rebase_slow(const char *uri, const char *from, const char *todir)
{
	size_t ql = strcspn(uri, "?#");
	char *fdir = ppv_dirname(from);
	size_t jl = strlen(fdir) + ql + 2;
	char *joined = ppv_xrealloc(NULL, jl);
	snprintf(joined, jl, "%s/%.*s", fdir, (int)ql, uri);
	char *target = ppv_path_absolute(joined), *base = ppv_path_absolute(todir);
	free(fdir);
	free(joined);

	/* whole directories in common; each other one of base is a ../ */
	size_t common = 0, i = 0;
	for (;; i++) {
		if (base[i] == '\0' && (target[i] == '/' || target[i] == '\0')) {
			common = i;
			break;
		}
		if (base[i] != target[i])
			break;
		if (base[i] == '/')
			common = i;
	}
	size_t ups = 0;
	if (strcmp(base, "/"))
		for (size_t k = common; base[k]; k++)
			if (base[k] == '/')
				ups++;
	if (!strcmp(base, "/"))
		common = 0;
	size_t cap = 3 * ups + strlen(target) + strlen(uri + ql) + 2;
	char *out = ppv_xrealloc(NULL, cap), *w = out;
	for (size_t k = 0; k < ups; k++, w += 3)
		memcpy(w, "../", 3);
	sprintf(w, "%s%s", target + common + 1, uri + ql);
	free(target);
	free(base);
	return out;
}

char *
ppv_tag_rebase(const char *tag, const char *from, const char *todir)
{
	const char *u = strstr(tag, "URI=\"");

	if (!u)
		return ppv_xstrdup(tag);
	u += 5;
	const char *e = strchr(u, '"');
	if (!e)
		return ppv_xstrdup(tag);
	char *uri = ppv_xasprintf("%.*s", (int)(e - u), u);
	char *nu = ppv_uri_rebase(uri, from, todir);
	size_t cap = strlen(tag) + strlen(nu) + 1;
	char *out = ppv_xrealloc(NULL, cap);
	snprintf(out, cap, "%.*s%s%s", (int)(u - tag), tag, nu, e);
	free(uri);
	free(nu);
	return out;
}

/* writing ----------------------------------------------------------------- */

static void
set_state(ppv_m3u8_out *o, char **cur, const char *want, bool key)
{
	if ((*cur == NULL) == (want == NULL) && (!want || !strcmp(*cur, want)))
		return;
	if (want)
		fprintf(o->f, "%s\n", want);
	else if (key)
		fputs("#EXT-X-KEY:METHOD=NONE\n", o->f);
	free(*cur);
	*cur = ppv_xstrdup(want);
}

char *
ppv_m3u8_key_iv(const char *key, int64_t seq)
{
	if (strstr(key, ",IV=") || strstr(key, ":IV="))
		return ppv_xstrdup(key);
	return ppv_xasprintf("%s,IV=0x%032" PRIX64, key, (uint64_t)seq);
}

/* The key line as it must be written for a segment numbered o->seq here
 * and src_seq where it was read. */
static void
set_key(ppv_m3u8_out *o, const char *key, int64_t src_seq)
{
	if (!key || src_seq == o->seq) {
		set_state(o, &o->key, key, true);
		return;
	}
	char *k = ppv_m3u8_key_iv(key, src_seq);
	set_state(o, &o->key, k, true);
	free(k);
}

void
ppv_m3u8_put_seg(ppv_m3u8_out *o, const ppv_m3u8_wseg *s)
{
	char b[40];

	if (s->disc || o->pending_disc)
		fputs("#EXT-X-DISCONTINUITY\n", o->f);
	o->pending_disc = false;
	if ((o->map == NULL) != (s->map == NULL) || (s->map && strcmp(o->map, s->map))) {
		/* a map falls under the key before it (RFC 8216 4.3.2.5) */
		set_key(o, s->map_key, s->src_seq);
		set_state(o, &o->map, s->map, false);
	}
	set_key(o, s->key, s->src_seq);
	if (s->map && o->version < 6)
		o->version = 6;   /* EXT-X-MAP outside I-frame playlists */
	if (s->extra && strstr(s->extra, "#EXT-X-BYTERANGE") && o->version < 4)
		o->version = 4;
	if (s->pdt != INT64_MIN)
		fprintf(o->f, "#EXT-X-PROGRAM-DATE-TIME:%s\n", ppv_pdt_format(s->pdt, b));
	if (s->extra)
		fprintf(o->f, "%s\n", s->extra);
	/* the line every segment has: no printf, it is most of the output */
	fputs("#EXTINF:", o->f);
	fputs(ppv_m3u8_fmt_secs(s->dur, b), o->f);
	putc(',', o->f);
	if (s->title)
		fputs(s->title, o->f);
	putc('\n', o->f);
	fputs(s->uri, o->f);
	putc('\n', o->f);
	if (s->dur > o->maxdur)
		o->maxdur = s->dur;
	o->seq++;
}

void
ppv_m3u8_out_free(ppv_m3u8_out *o)
{
	free(o->key);
	free(o->map);
	o->key = o->map = NULL;
}

void
ppv_m3u8_put_header(FILE *f, const ppv_m3u8_head *h)
{
	fprintf(f, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%" PRId64 "\n", h->version, h->target);
	fprintf(f, "#EXT-X-MEDIA-SEQUENCE:%" PRId64 "\n", h->media_seq);
	if (h->disc_seq)
		fprintf(f, "#EXT-X-DISCONTINUITY-SEQUENCE:%" PRId64 "\n", h->disc_seq);
	if (h->type)
		fprintf(f, "#EXT-X-PLAYLIST-TYPE:%s\n", h->type);
	if (h->independent)
		fputs("#EXT-X-INDEPENDENT-SEGMENTS\n", f);
	for (size_t i = 0; i < h->nmore; i++)
		fprintf(f, "%s\n", h->more[i]);
}
