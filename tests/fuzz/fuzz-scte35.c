/* fuzz-scte35.c: libFuzzer target for the SCTE-35 decoder and its strict UPID check: any bytes, and what decodes must re-encode stably. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scte35.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ppv_scte35 a, b;
	static uint8_t e1[PPV_SCTE35_MAX], e2[PPV_SCTE35_MAX];
	char err[200];

	if (ppv_scte35_decode(&a, data, size, err, sizeof err) < 0)
		return 0;
	FILE *null = fopen("/dev/null", "w");
	ppv_scte35_json(&a, null);
	fclose(null);
	ppv_scte35_check(&a, err, sizeof err);
	/* reserved bits are rewritten as ones, so the first encoding may differ
	 * from the input; from then on decode and encode must agree exactly */
	long n1 = ppv_scte35_encode(&a, e1, sizeof e1);
	if (n1 < 0)
		abort();
	if (ppv_scte35_decode(&b, e1, (size_t)n1, err, sizeof err) < 0)
		abort();
	long n2 = ppv_scte35_encode(&b, e2, sizeof e2);
	if (n2 != n1 || memcmp(e1, e2, (size_t)n1))
		abort();
	return 0;
}
