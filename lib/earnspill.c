/* earnspill.c: ppv-earnings past --memory: events in partitions by event_id on disk, each applied in turn, refunds with their sale's partition. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "earnint.h"
#include "evread.h"

/* Two files a partition stay open to the end: a generous descriptor limit
 * is raised to, not assumed. */
enum { MINPARTS = 4, MAXPARTS = 256 };

/* A file no one else can see, without a name (O_TMPFILE), so it is gone
 * when the run ends, however it ends (SIGKILL included); where the file
 * system cannot, unlinked at once. */
static FILE *
anon(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		ppv_die(PPV_ERR, "--memory: %s:", dir);
	if (fd < 0) {
		snprintf(path, sizeof path, "%s/ppv-earnings-spill.XXXXXX", dir);
		if ((fd = mkstemp(path)) < 0)
			ppv_die(PPV_ERR, "--memory: %s:", path);
		unlink(path);
	}
	FILE *f = fdopen(fd, "w+");
	if (!f)
		ppv_die(PPV_ERR, "--memory: %s:", dir);
	return f;
}

static void
check(FILE *f)
{
	if (ferror(f))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
}

void
ppv_earn_spill_begin(ppv_earn *e, uint64_t events)
{
	/* a partition's table about half the bound: the refunds and the slots
	 * of the second pass need their room too */
	uint64_t n = events ? (events * 31 * 2 + e->cfg.memory - 1) / e->cfg.memory : MAXPARTS;
	struct rlimit r;

	e->nparts = (unsigned)(n < MINPARTS ? MINPARTS : n > MAXPARTS ? MAXPARTS : n);
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	e->parts = ppv_xrealloc(NULL, e->nparts * sizeof *e->parts);
	e->refs = ppv_xrealloc(NULL, e->nparts * sizeof *e->refs);
	e->sales = ppv_xrealloc(NULL, e->nparts * sizeof *e->sales);
	e->nput = ppv_xrealloc(NULL, e->nparts * sizeof *e->nput);
	memset(e->nput, 0, e->nparts * sizeof *e->nput);
	for (unsigned i = 0; i < e->nparts; i++) {
		e->parts[i] = anon();
		e->refs[i] = anon();
		e->sales[i] = NULL;
	}
	e->spill = 1;
}

/* An event as it waits on disk: this head, then its strings' bytes. */
struct evrec {
	uint64_t id_fp;
	int64_t t, amount, line;
	uint32_t body, file;
	uint32_t len[6];                /* id, creator, country, platform, ref, the row's raw fields */
	uint8_t kind;
	char cur[4];
};

/* A refund waiting for its sale's partition: this head, then id, ref, creator. */
struct refrec {
	int64_t t, amount, line;
	uint32_t file, len[3];
	int32_t kind;
	uint8_t cur;
	char country[4];
};

void
ppv_earn_spill_put(ppv_earn *e, const ppv_event *v, uint64_t id_fp)
{
	unsigned p = (unsigned)(id_fp % e->nparts);
	FILE *f = e->parts[p];
	const char *str[6] = { v->id, v->creator, v->country, v->platform, v->ref, e->raw ? e->raw : "" };
	struct evrec h;

	memset(&h, 0, sizeof h);  /* padding too: the bytes go to disk whole */
	h.id_fp = id_fp, h.t = v->t, h.amount = v->amount, h.line = e->line, h.body = v->body;
	h.file = (uint32_t)ppv_earn_file_index(e), h.kind = (uint8_t)v->kind;
	memcpy(h.cur, v->cur, 4);
	for (int i = 0; i < 5; i++)
		h.len[i] = (uint32_t)strlen(str[i]);
	h.len[5] = e->raw ? (uint32_t)e->rawlen : 0;
	fwrite(&h, sizeof h, 1, f);
	for (int i = 0; i < 6; i++)
		fwrite(str[i], 1, h.len[i], f);
	check(f);
	e->nput[p]++;
}

/* n strings of the lengths given, each NUL-terminated into *buf; NULL at a short read. */
static char *
read_strings(FILE *f, const uint32_t *len, int n, char **at, char **buf, size_t *cap)
{
	size_t need = 0;

	for (int i = 0; i < n; i++)
		need += (size_t)len[i] + 1;
	if (need > *cap) {
		*cap = need * 2;
		*buf = ppv_xrealloc(*buf, *cap);
	}
	char *q = *buf;
	for (int i = 0; i < n; i++) {
		if (fread(q, 1, len[i], f) != len[i])
			return NULL;
		q[len[i]] = 0;
		at[i] = q;
		q += len[i] + 1;
	}
	return *buf;
}

static void
rewind_part(FILE *f)
{
	if (fflush(f) || fseeko(f, 0, SEEK_SET))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
}

static void
part_apply(ppv_earn *e, unsigned p)
{
	FILE *f = e->parts[p];
	char *buf = NULL, *str[6];
	size_t cap = 0;
	struct evrec h;

	rewind_part(f);
	ppv_evindex_free(&e->ix);
	ppv_evindex_init(&e->ix);
	ppv_evindex_reserve(&e->ix, e->nput[p]);
	while (fread(&h, sizeof h, 1, f) == 1) {
		if (h.file >= e->nfiles || h.kind >= K_NKINDS || !read_strings(f, h.len, 6, str, &buf, &cap))
			ppv_die(PPV_ERR, "--memory: a partition on disk is not as written");
		ppv_event v = { .id = str[0], .creator = str[1], .country = str[2], .platform = str[3], .ref = str[4],
		                .t = h.t, .amount = h.amount, .kind = h.kind, .body = h.body };
		memcpy(v.cur, h.cur, 4);
		e->file = e->files[h.file];
		e->line = (long)h.line;
		e->id_fp = h.id_fp;
		e->raw = h.len[5] ? str[5] : NULL;
		e->rawlen = h.len[5];
		ppv_earn_process(e, &v);
		e->raw = NULL;
	}
	check(f);
	fclose(f);
	e->parts[p] = NULL;
	free(buf);

	/* its refunds to their sales' partitions; its events' slots for them */
	for (size_t i = 0; i < e->npend; i++) {
		const struct pending *q = &e->pend[i];
		FILE *r = e->refs[ppv_evread_fp(q->ref, strlen(q->ref)) % e->nparts];
		struct refrec rh;
		memset(&rh, 0, sizeof rh);
		rh.t = q->t, rh.amount = q->amount, rh.line = q->line, rh.kind = q->kind, rh.cur = q->cur;
		rh.len[0] = (uint32_t)strlen(q->id), rh.len[1] = (uint32_t)strlen(q->ref);
		rh.len[2] = (uint32_t)strlen(q->creator);
		while (rh.file < e->nfiles && e->files[rh.file] != q->file)
			rh.file++;
		memcpy(rh.country, q->country, 4);
		fwrite(&rh, sizeof rh, 1, r);
		fwrite(q->id, 1, rh.len[0], r);
		fwrite(q->ref, 1, rh.len[1], r);
		fwrite(q->creator, 1, rh.len[2], r);
		check(r);
		free(q->id);
	}
	e->npend = 0;
	FILE *s = e->sales[p] = anon();
	for (size_t i = 0; i < e->ix.n; i++)
		if (e->ix.slot[i].id && fwrite(&e->ix.slot[i], sizeof e->ix.slot[i], 1, s) != 1)
			ppv_die(PPV_ERR, "--memory: a partition on disk:");
}

/* A partition's refunds against its events: the refunds of a sale meet it here. */
static size_t
refunds_apply(ppv_earn *e, unsigned p)
{
	FILE *s = e->sales[p], *r = e->refs[p];
	ppv_evslot slot;
	struct refrec rh;
	char *buf = NULL, *str[3];
	size_t cap = 0;

	rewind_part(r);
	/* sized first: slots come in the order of another table, which would
	 * pile up in a table that grows as they come */
	if (fflush(s) || fseeko(s, 0, SEEK_END))
		ppv_die(PPV_ERR, "--memory: a partition on disk:");
	ppv_evindex_free(&e->ix);
	ppv_evindex_init(&e->ix);
	ppv_evindex_reserve(&e->ix, (uint64_t)ftello(s) / sizeof slot);
	rewind_part(s);
	while (fread(&slot, sizeof slot, 1, s) == 1)
		*ppv_evindex_insert(&e->ix, slot.id) = slot;
	check(s);
	while (fread(&rh, sizeof rh, 1, r) == 1) {
		if (rh.file >= e->nfiles || rh.cur >= (unsigned)e->ncur || !read_strings(r, rh.len, 3, str, &buf, &cap))
			ppv_die(PPV_ERR, "--memory: a partition on disk is not as written");
		if (e->npend == e->pendcap) {
			e->pendcap = e->pendcap ? 2 * e->pendcap : 256;
			e->pend = ppv_xrealloc(e->pend, e->pendcap * sizeof *e->pend);
		}
		struct pending *q = &e->pend[e->npend++];
		size_t a = rh.len[0] + 1, b = rh.len[1] + 1, c = rh.len[2] + 1;
		q->id = memcpy(ppv_xrealloc(NULL, a + b + c), str[0], a);
		q->ref = memcpy(q->id + a, str[1], b);
		q->creator = memcpy(q->ref + b, str[2], c);
		q->file = e->files[rh.file];
		q->line = (long)rh.line;
		q->creator_fp = q->ref_fp = 0;
		q->t = rh.t, q->amount = rh.amount, q->kind = rh.kind, q->cur = rh.cur;
		memcpy(q->country, rh.country, 4);
	}
	check(r);
	free(buf);
	fclose(s), fclose(r);
	e->sales[p] = e->refs[p] = NULL;
	size_t unmatched = ppv_earn_refunds(e);
	for (size_t i = 0; i < e->npend; i++)
		free(e->pend[i].id);
	e->npend = 0;
	return unmatched;
}

size_t
ppv_earn_spill_run(ppv_earn *e)
{
	size_t unmatched = 0;

	for (unsigned p = 0; p < e->nparts; p++)
		part_apply(e, p);
	for (unsigned p = 0; p < e->nparts; p++)
		unmatched += refunds_apply(e, p);
	ppv_evindex_free(&e->ix);
	ppv_evindex_init(&e->ix);
	free(e->parts), free(e->refs), free(e->sales), free(e->nput);
	e->nput = NULL;
	e->parts = e->refs = e->sales = NULL;
	e->spill = 0;
	return unmatched;
}
