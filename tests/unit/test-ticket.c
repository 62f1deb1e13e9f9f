/* test-ticket.c: ticket ids against Python's hmac, the revocation map read and written. */
#include <stdlib.h>
#include <unistd.h>

#include "accesslog.h"
#include "audit.h"
#include "ticket.h"
#include "unit.h"

UNIT_TEST(test_ticket)
{
	ppv_mac *m = ppv_mac_new(PPV_SHA256, (const uint8_t *)"s3cr3t", 6);
	char t[PPV_TICKET_LEN + 1], t2[PPV_TICKET_LEN + 1];

	/* python3: hmac.new(b's3cr3t', b'ppv-ticket\n/live/ev1\nalice', sha256).hexdigest()[:16] */
	ppv_ticket_derive(m, "alice", 5, "/live/ev1/index.m3u8", 20, t);
	CHECK_STR(t, "6d945d921b690f4c");
	/* one id for every file of the event, another for the next event */
	ppv_ticket_derive(m, "alice", 5, "/live/ev1/index_144p3.ts", 24, t2);
	CHECK_STR(t2, t);
	ppv_ticket_derive(m, "alice", 5, "/live/ev2/index.m3u8", 20, t2);
	CHECK(strcmp(t2, t) != 0);
	ppv_mac_free(m);

	CHECK(ppv_ticket_valid("6d945d921b690f4c", 16));
	CHECK(!ppv_ticket_valid("6D945D921B690F4C", 16));
	CHECK(!ppv_ticket_valid("6d945d921b690f4", 15));
	CHECK(!ppv_ticket_valid("6d945d921b690f4g", 16));
	CHECK(ppv_ticket_value("00000000000000ff") == 255);

	char path[] = "/tmp/ppv-unit-map.XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# a comment\n\n6d945d921b690f4c 1;\n00000000000000ff\t1 ;\n6d945d921b690f4c 1;\n", f);
	fclose(f);
	ppv_revset r = { 0 };
	CHECK(ppv_revset_load(&r, path, 0, err, sizeof err) == 0);
	CHECK(r.n == 2);
	CHECK(ppv_revset_has(&r, "6d945d921b690f4c", 16));
	CHECK(!ppv_revset_has(&r, "6d945d921b690f4d", 16));
	CHECK(!ppv_revset_has(&r, "nonsense", 8));
	char *buf = NULL;
	size_t bn = 0;
	FILE *mf = open_memstream(&buf, &bn);
	CHECK(ppv_revset_write(&r, mf) == 0);
	fclose(mf);
	CHECK_STR(buf, "00000000000000ff 1;\n6d945d921b690f4c 1;\n");
	free(buf);
	ppv_revset_free(&r);

	f = fopen(path, "w");
	fputs("6d945d921b690f4c 1;\nzz 1;\n", f);
	fclose(f);
	CHECK(ppv_revset_load(&r, path, 0, err, sizeof err) == -1);
	CHECK(strstr(err, ":2: ") != NULL);
	ppv_revset_free(&r);
	unlink(path);
	CHECK(ppv_revset_load(&r, path, 1, err, sizeof err) == 0 && r.n == 0);
	CHECK(ppv_revset_load(&r, path, 0, err, sizeof err) == -1);
}

UNIT_TEST(test_accesslog)
{
	ppv_logclock clk = { 0 };
	ppv_logline l;
	const char *s = "203.0.113.9 - - [30/Nov/2026:20:00:01 +0100] \"GET /t/a/1/x/live/ev1/i.ts HTTP/1.1\" "
	                "200 1234 \"-\" \"Mozilla/5.0 (iPhone)\"";
	uint64_t a, b;

	CHECK(ppv_logline_parse(&clk, s, strlen(s), &l) == 0);
	CHECK(l.addrn == 11 && !memcmp(l.addr, "203.0.113.9", 11));
	CHECK(l.urin == 22 && !memcmp(l.uri, "/t/a/1/x/live/ev1/i.ts", 22));
	CHECK(l.status == 200);
	CHECK(l.time == 1796065201);  /* date -d 2026-11-30T19:00:01Z +%s */
	/* a request nginx could not read, and lines that are not the format */
	s = "::1 - - [30/Nov/2026:20:00:01 +0000] \"-\" 400 0 \"-\" \"-\"";
	CHECK(ppv_logline_parse(&clk, s, strlen(s), &l) == 0 && l.urin == 0 && l.status == 400);
	const char *bad[] = {
		"", "garbage", "1.2.3.4 - - [30/Nov/2026:20:00:01 +0000]",
		"1.2.3.4 - - [30/Nov/2026:20:00:01 +0000] \"GET / HTTP/1.1\" 2x0 0 \"-\" \"-\"",
		"1.2.3.4 - - [31/Foo/2026:20:00:01 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"-\"",
		"1.2.3.4 - - [30/Nov/2026:25:00:01 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"-\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(ppv_logline_parse(&clk, bad[i], strlen(bad[i]), &l) == -1);

	/* /24 and /64: one network however the last bits change */
	CHECK(ppv_log_network("203.0.113.9", 11, &a) == 0 && ppv_log_network("203.0.113.250", 13, &b) == 0 && a == b);
	CHECK(ppv_log_network("203.0.114.9", 11, &b) == 0 && a != b);
	CHECK(ppv_log_network("::ffff:203.0.113.7", 18, &b) == 0 && a == b);
	CHECK(ppv_log_network("2001:db8:1:2::1", 15, &a) == 0 && ppv_log_network("2001:db8:1:2:ffff::9", 20, &b) == 0 && a == b);
	CHECK(ppv_log_network("2001:db8:1:3::1", 15, &b) == 0 && a != b);
	CHECK(ppv_log_network("256.1.1.1", 9, &a) == -1);
	CHECK(ppv_log_network("1.2.3", 5, &a) == -1);
	CHECK(ppv_log_network("example.com", 11, &a) == -1);
}

static void
line(ppv_audit *a, const char *addr, int sec, const char *uri)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "%s - - [30/Nov/2026:20:00:%02d +0000] \"GET %s HTTP/1.1\" 200 10 \"-\" \"-\"",
	                 addr, sec, uri);
	CHECK(ppv_audit_line(a, buf, (size_t)n) == 1);
}

UNIT_TEST(test_audit)
{
	ppv_auditcfg cfg = { .window = 60, .token_path = "/t/", .shared_at = 3, .max_tickets = 1000 };
	ppv_audit *a = ppv_audit_new(&cfg);
	char seg[128], *out = NULL;
	size_t on = 0;

	for (int i = 0; i < 4; i++) {
		snprintf(seg, sizeof seg, "/t/m/1/aaaaaaaaaaaaaaaa/live/ev1/s%d.ts", i);
		line(a, "10.0.0.1", i, seg);
		line(a, "10.9.0.1", i, seg);          /* the same segment, another network */
		line(a, "10.9.0.1", i, "/t/m/1/aaaaaaaaaaaaaaaa/live/ev1/index.m3u8");
		/* the query form of a ticket, one network */
		snprintf(seg, sizeof seg, "/live/ev1/s%d.ts?md5=m&expires=1&ticket=bbbbbbbbbbbbbbbb", i);
		line(a, "10.0.0.2", i, seg);
		line(a, "10.0.0.3", i, seg);          /* the same /24 */
	}
	/* a '?' before the ticket (the fuzzer's find): the path is what follows */
	line(a, "10.0.0.1", 9, "/t/m?x/1/cccccccccccccccc/live/ev1/s.ts");
	const char *nt = "10.0.0.1 - - [30/Nov/2026:20:00:09 +0000] \"GET /t/m/1/dddddddddddddddd? HTTP/1.1\" 200 1 \"-\" \"-\"";
	CHECK(ppv_audit_line(a, nt, strlen(nt)) == 0);
	/* refused by nginx (forged, expired, revoked): no ticket of anyone's */
	const char *forged = "10.0.0.1 - - [30/Nov/2026:20:00:09 +0000] \"GET /t/m/1/eeeeeeeeeeeeeeee/x.ts HTTP/1.1\" 403 1 \"-\" \"-\"";
	CHECK(ppv_audit_line(a, forged, strlen(forged)) == 0);
	FILE *f = open_memstream(&out, &on);
	CHECK(ppv_audit_report(a, f) == 1);
	fclose(f);
	CHECK_STR(out, "ticket,networks,overlaps,requests,first_seen,last_seen,verdict\n"
	               "aaaaaaaaaaaaaaaa,2,4,12,2026-11-30T20:00:00Z,2026-11-30T20:00:03Z,shared\n"
	               "bbbbbbbbbbbbbbbb,1,0,8,2026-11-30T20:00:00Z,2026-11-30T20:00:03Z,ok\n"
	               "cccccccccccccccc,1,0,1,2026-11-30T20:00:09Z,2026-11-30T20:00:09Z,ok\n");
	free(out);
	ppv_audit_free(a);

	/* past max_tickets, a new ticket is counted, not tracked; known ones go on */
	cfg.max_tickets = 1;
	a = ppv_audit_new(&cfg);
	line(a, "10.0.0.1", 1, "/t/m/1/aaaaaaaaaaaaaaaa/s.ts");
	const char *more = "10.0.0.1 - - [30/Nov/2026:20:00:02 +0000] \"GET /t/m/1/bbbbbbbbbbbbbbbb/s.ts HTTP/1.1\" 200 1 \"-\" \"-\"";
	CHECK(ppv_audit_line(a, more, strlen(more)) == 0);
	line(a, "10.0.0.1", 3, "/t/m/1/aaaaaaaaaaaaaaaa/s.ts");
	CHECK(ppv_audit_untracked(a) == 1);
	ppv_audit_free(a);
}
