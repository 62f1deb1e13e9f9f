/* fuzz-accesslog.c: libFuzzer target for ppv-mint --audit's reading of access logs: any bytes, line by line, then the report. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "accesslog.h"
#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ppv_auditcfg cfg = { .window = 60, .token_path = "/t", .shared_at = 3, .max_tickets = 1000 };
	ppv_audit *a = ppv_audit_new(&cfg);
	const char *p = (const char *)data, *e = p + size;
	ppv_logline l;
	ppv_logclock clk = { 0 };
	uint64_t net;

	if (!a)
		return 0;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = (size_t)((nl ? nl : e) - p);
		/* the parser alone must stay inside the line it is given */
		if (ppv_logline_parse(&clk, p, n, &l) == 0) {
			if (l.addr < p || l.addr + l.addrn > p + n || l.uri < p || l.uri + l.urin > p + n)
				__builtin_trap();
			ppv_log_network(l.addr, l.addrn, &net);
		}
		ppv_audit_line(a, p, n);
		p += n + 1;
	}
	FILE *f = fopen("/dev/null", "w");
	if (f) {
		ppv_audit_report(a, f);
		fclose(f);
	}
	ppv_audit_free(a);
	return 0;
}
