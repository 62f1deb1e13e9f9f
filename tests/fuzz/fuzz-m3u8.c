/* fuzz-m3u8.c: libFuzzer target for the playlist parser, cue markers of every style included. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "m3u8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	ppv_m3u8 *pl = ppv_m3u8_parse(text, size, "fuzz.m3u8", err, sizeof err);
	if (pl) {
		/* every index the parser hands out must point inside its arrays */
		for (size_t i = 0; i < pl->nsegs; i++) {
			const ppv_m3u8_seg *s = &pl->segs[i];
			if (s->tag0 + s->ntags > pl->ntags || s->map >= (int)pl->ntags || s->key >= (int)pl->ntags)
				abort();
			char *u = ppv_uri_rebase(s->uri, "a/b/in.m3u8", "c/d");
			free(u);
		}
		for (size_t i = 0; i < pl->ntags; i++) {
			char *t = ppv_tag_rebase(pl->tags[i].text, "in.m3u8", "out");
			free(t);
		}
		ppv_m3u8_free(pl);
	}
	free(text);
	return 0;
}
