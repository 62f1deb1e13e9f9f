/* fuzz-flv.c: libFuzzer target for ppv-ingest's own FLV to MPEG-TS path: FLV bytes as a file or
 * an RTMP publisher's tags bring them, through tag reading, H.264/AAC/MP3 handling and the TS writer. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "feed.h"
#include "flvremux.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null = -1;
	feed f = { data, size, 4093 };   /* uneven reads, so tags are cut anywhere */
	char err[256];

	if (null < 0) {
		ppv_init("fuzz-flv");
		null = open("/dev/null", O_WRONLY);
	}
	ppv_remux_cfg rc = { .stats_fd = null, .stats_every_ms = 0 };
	ppv_flvremux_cfg c = { .read = feed_read, .rctx = &f, .fd = null, .record_fd = -1, .cfg = &rc };
	ppv_flvremux(&c, err, sizeof err);
	return 0;
}
