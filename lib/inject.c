/* inject.c: a TS filter that adds an SCTE-35 PID to every program's PMT and sends splice_insert cues ahead of each break; and the cues a TS carries, read out. */
#include "inject.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "cli.h"
#include "progress.h"
#include "scte35.h"
#include "ts.h"
#include "when.h"


/* A ladder carries a program per rung; each gets the cue PID. */
#define MAXPMT 16

struct injector;

/* One program's PMT, rewritten with the cue PID in it */
struct pmt {
	struct injector *j;
	int pid;
	uint8_t cc;
	bool cc_set;
	ppv_secbuf buf;
};

struct injector {
	const ppv_inject_cfg *cfg;
	FILE *out;
	const char *name;
	int cue_pid, clock_pid;
	uint8_t cue_cc;
	bool have_pmt, said_more;
	ppv_secbuf pat;
	struct pmt pmt[MAXPMT];
	int npmt;
	uint8_t pmt_at[0x2000];     /* 1 + the index in pmt of a PMT PID, 0 for other PIDs */
	/* media clock: unwrapped PTS of the clock PID */
	bool have_pts;
	uint64_t first_pts, last_raw, now;
	size_t next;                /* the next cue to send: 2 per break (out, in) */
	uint8_t pkt[PPV_TS_PACKET * 32];
	int rc;
};

static void
put(struct injector *j, const uint8_t *p, size_t n)
{
	if (fwrite(p, 1, n, j->out) != n)
		ppv_die(PPV_ERR, "write:");
}

static void
on_pat(void *ctx, const uint8_t *s, size_t n)
{
	struct injector *j = ctx;
	static struct pmt old[MAXPMT];
	int pids[MAXPMT + 1], np = ppv_pat_pmt_pids(s, n, pids, MAXPMT + 1);

	if (np <= 0)
		return;
	if (np > MAXPMT) {
		if (!j->said_more)
			ppv_warn("%s: more than %d programs: the ones after the %dth get no cues", j->name, MAXPMT, MAXPMT);
		j->said_more = true;
		np = MAXPMT;
	}
	int same = np == j->npmt;
	for (int i = 0; same && i < np; i++)
		same = j->pmt[i].pid == pids[i];
	if (same)
		return;   /* the PAT again, as every second or so */
	/* a PMT PID the PAT names again keeps its reassembly and counter */
	memcpy(old, j->pmt, sizeof old);
	int nold = j->npmt;
	for (int i = 0; i < nold; i++)
		j->pmt_at[old[i].pid] = 0;
	for (int i = 0; i < np; i++) {
		struct pmt *e = &j->pmt[i];
		int k = 0;
		while (k < nold && old[k].pid != pids[i])
			k++;
		if (k < nold)
			*e = old[k];
		else
			memset(e, 0, sizeof *e);
		e->j = j;
		e->pid = pids[i];
		j->pmt_at[pids[i]] = (uint8_t)(i + 1);
	}
	j->npmt = np;
}

static bool
pid_used(const ppv_pmt *m, int pid)
{
	if (pid == m->pcr_pid)
		return true;
	for (int i = 0; i < m->nes; i++)
		if (m->es[i].pid == pid)
			return true;
	return false;
}

static bool
cue_stream(const ppv_pmt *m, int pid)
{
	for (int i = 0; i < m->nes; i++)
		if (m->es[i].pid == pid)
			return m->es[i].stream_type == PPV_ST_SCTE35;
	return false;
}

/* The PMT again, one version up, with the CUEI registration and our PID. */
static void
on_pmt(void *ctx, const uint8_t *s, size_t n)
{
	struct pmt *e = ctx;
	struct injector *j = e->j;
	static ppv_pmt m;
	uint8_t sec[PPV_PMT_MAX];

	if (ppv_pmt_parse(s, n, &m) < 0) {
		ppv_warn("%s: a PMT with a bad CRC or layout: passed on unchanged", j->name);
		return;
	}
	if (j->cue_pid < 0) {
		int pid = j->cfg->pid;
		if (pid >= 0 && pid_used(&m, pid))
			ppv_die(PPV_ERR, "--pid %d is already used by the stream", pid);
		if (pid < 0) {
			pid = 0x100;
			for (int i = 0; i < m.nes; i++)
				if (m.es[i].pid >= pid)
					pid = m.es[i].pid + 1;
			if (pid >= 0x1fff)
				pid = 0x1ff0;
		}
		j->cue_pid = pid;
		/* the media clock follows the first video stream, or any */
		for (int i = 0; i < m.nes && j->clock_pid < 0; i++)
			if (ppv_stream_is_video(m.es[i].stream_type))
				j->clock_pid = m.es[i].pid;
		if (j->clock_pid < 0 && m.nes)
			j->clock_pid = m.es[0].pid;
	}
	bool has_pid = false;
	for (int i = 0; i < m.nes; i++)
		if (m.es[i].pid == j->cue_pid)
			has_pid = true;
	/* chosen from the first program, the cue PID may be another's stream */
	if ((has_pid || m.pcr_pid == j->cue_pid) && !cue_stream(&m, j->cue_pid))
		ppv_die(PPV_ERR, "%s: the cue PID %d is a stream of program %u: give --pid a free one", j->name,
		        j->cue_pid, m.program);
	size_t w = ppv_pmt_add_cues(s, &m, &j->cue_pid, 1, sec);
	if (!w) {
		ppv_warn("%s: the PMT would outgrow 1024 bytes: passed on unchanged", j->name);
		return;
	}
	size_t np = ppv_ts_packetize(sec, w, (uint16_t)e->pid, &e->cc, j->pkt, sizeof j->pkt);
	put(j, j->pkt, np * PPV_TS_PACKET);
	j->have_pmt = true;
}

static void
send_cue(struct injector *j, const ppv_break *b, bool out)
{
	static ppv_scte35 c;
	uint8_t sec[PPV_SCTE35_MAX];

	ppv_scte35_insert(&c, b->event_id, out, j->first_pts + b->at + (out ? 0 : b->duration),
			  out ? b->duration : PPV_TS_NOPTS, true);
	c.insert.avail_num = c.insert.avails_expected = 1;
	long n = ppv_scte35_encode(&c, sec, sizeof sec);
	size_t np = ppv_ts_packetize(sec, (size_t)n, (uint16_t)j->cue_pid, &j->cue_cc, j->pkt, sizeof j->pkt);
	put(j, j->pkt, np * PPV_TS_PACKET);
}

/* Cues whose send time (splice minus preroll) has come, before this packet. */
static void
due_cues(struct injector *j)
{
	const ppv_inject_cfg *cfg = j->cfg;

	while (j->next < 2 * cfg->nbreaks) {
		const ppv_break *b = &cfg->breaks[j->next / 2];
		bool out = j->next % 2 == 0;
		uint64_t splice = b->at + (out ? 0 : b->duration);
		uint64_t send = splice > cfg->preroll ? splice - cfg->preroll : 0;
		if (j->now < send)
			break;
		if (j->now > splice && !cfg->quiet)
			ppv_warn("%s: break at %.3fs: the %s cue goes out %.3fs late", j->name,
				 (double)b->at / PPV_TICKS, out ? "out" : "in",
				 (double)(j->now - splice) / PPV_TICKS);
		send_cue(j, b, out);
		j->next++;
	}
}

static void
clock_tick(struct injector *j, uint64_t raw)
{
	if (!j->have_pts) {
		j->have_pts = true;
		j->first_pts = j->last_raw = raw;
		j->now = 0;
		return;
	}
	int64_t d = ppv_pts_delta(raw, j->last_raw);
	j->last_raw = raw;
	int64_t now = (int64_t)j->now + d;
	j->now = now < 0 ? 0 : (uint64_t)now;
}

static void
packet(struct injector *j, const uint8_t *p, const ppv_tspkt *pk)
{
	ppv_tspkt k = *pk;

	if (k.pid == 0) {
		ppv_section_feed(&j->pat, &k, on_pat, j);
	} else if (j->pmt_at[k.pid]) {
		struct pmt *e = &j->pmt[j->pmt_at[k.pid] - 1];
		if (!e->cc_set) {
			e->cc = k.cc;
			e->cc_set = true;
		}
		ppv_section_feed(&e->buf, &k, on_pmt, e);
		return;   /* replaced by on_pmt's packets */
	} else if (k.pid == j->cue_pid) {
		j->cue_cc = (uint8_t)(k.cc + 1);   /* cues already there: continue their counter */
	} else if (k.pid == j->clock_pid && k.pusi && j->have_pmt) {
		uint64_t pts = ppv_pes_pts(k.payload, k.plen);
		if (pts != PPV_TS_NOPTS) {
			clock_tick(j, pts);
			due_cues(j);
		}
	}
	put(j, p, PPV_TS_PACKET);
}

int
ppv_inject(const ppv_inject_cfg *cfg, ppv_input *in, FILE *out)
{
	static struct injector j;
	static ppv_tsin r;
	ppv_progress prog;
	ppv_tspkt k;
	uint8_t *p;
	int rc;

	memset(&j, 0, sizeof j);
	j.cfg = cfg;
	j.out = out;
	j.name = ppv_input_name(in);
	j.cue_pid = j.clock_pid = -1;
	ppv_tsin_init(&r, in);
	ppv_progress_start(&prog, "packets");
	while ((rc = ppv_tsin_next(&r, &p, &k)) > 0) {
		packet(&j, p, &k);
		if ((r.scan.packets & 1023) == 0)
			ppv_progress_tick(&prog, r.scan.packets);
	}
	if (rc < 0)
		ppv_die(PPV_ERR, "%s: not an MPEG transport stream (no 0x47 sync byte)", j.name);
	ppv_progress_end(&prog, r.scan.packets);
	ppv_tsin_report(&r);
	if (!j.have_pmt)
		ppv_die(PPV_ERR, "%s: no PAT/PMT found: is this an MPEG transport stream?", j.name);
	if (j.next < 2 * cfg->nbreaks) {
		const ppv_break *b = &cfg->breaks[j.next / 2];
		ppv_warn("%s: the stream ended at %.3fs: %zu cue(s) from the break at %.3fs on not sent",
			 j.name, (double)j.now / PPV_TICKS, 2 * cfg->nbreaks - j.next, (double)b->at / PPV_TICKS);
		return PPV_FAIL;
	}
	return PPV_OK;
}

/* reading the cues out ----------------------------------------------------- */

struct scan {
	int pmt_pid;
	uint16_t pid;
	uint64_t packet;
	ppv_cue_fn fn;
	void *ctx;
	uint8_t is_cue[8192];
	ppv_secbuf psi, *cues[8192];
	ppv_pmt pmt;
};

static void
scan_pat(void *ctx, const uint8_t *s, size_t n)
{
	struct scan *t = ctx;
	int pid = ppv_pat_pmt_pid(s, n);

	if (pid >= 0)
		t->pmt_pid = pid;
}

static void
scan_pmt(void *ctx, const uint8_t *s, size_t n)
{
	struct scan *t = ctx;

	if (ppv_pmt_parse(s, n, &t->pmt) < 0)
		return;
	for (int i = 0; i < t->pmt.nes; i++)
		if (t->pmt.es[i].stream_type == PPV_ST_SCTE35)
			t->is_cue[t->pmt.es[i].pid] = 1;
}

static void
scan_cue(void *ctx, const uint8_t *s, size_t n)
{
	struct scan *t = ctx;

	if (s[0] == 0xfc)
		t->fn(t->ctx, t->pid, t->packet, s, n);
}

int
ppv_cues_scan(ppv_input *in, ppv_cue_fn fn, void *ctx)
{
	static struct scan t;
	static ppv_tsin r;
	ppv_tspkt k;
	uint8_t *p;
	int rc;

	memset(&t, 0, sizeof t);
	t.pmt_pid = -1;
	t.fn = fn;
	t.ctx = ctx;
	ppv_tsin_init(&r, in);
	while ((rc = ppv_tsin_next(&r, &p, &k)) > 0) {
		t.packet = r.scan.packets;
		if (k.pid == 0) {
			ppv_section_feed(&t.psi, &k, scan_pat, &t);
		} else if (k.pid == t.pmt_pid) {
			ppv_section_feed(&t.psi, &k, scan_pmt, &t);
		} else if (t.is_cue[k.pid]) {
			if (!t.cues[k.pid])
				t.cues[k.pid] = ppv_xcalloc(1, sizeof *t.cues[0]);
			t.pid = k.pid;
			ppv_section_feed(t.cues[k.pid], &k, scan_cue, &t);
		}
	}
	if (rc == 0)
		ppv_tsin_report(&r);
	for (int i = 0; i < 8192; i++)
		free(t.cues[i]);
	return rc;
}
