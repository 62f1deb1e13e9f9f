/* flv.h: FLV tags and what they carry, made ready for MPEG-TS: H.264 from AVCC to Annex B
 * (parameter sets before each IDR picture, an access unit delimiter first, as FFmpeg's
 * mpegts muxer leaves it), AAC with ADTS headers, MP3 as it is. */
#ifndef PPV_FLV_H
#define PPV_FLV_H

#include <stddef.h>
#include <stdint.h>

enum { PPV_FLV_AUDIO = 8, PPV_FLV_VIDEO = 9, PPV_FLV_SCRIPT = 18 };
enum { PPV_FLV_HEADER = 9, PPV_FLV_TAG_HEADER = 11 };

/* The file header's size (its data offset), or -1 when buf is no FLV. */
int ppv_flv_header(const uint8_t *buf, size_t n);

typedef struct {
	int type;                     /* PPV_FLV_AUDIO, _VIDEO, _SCRIPT, or another */
	uint32_t size;                /* of the body */
	int64_t ms;                   /* the timestamp, 32 bits */
} ppv_flv_tag;

/* The 11 header bytes of a tag. */
void ppv_flv_tag_parse(const uint8_t *h, ppv_flv_tag *t);

/* H.264: the decoder configuration of the stream, and the state of the
 * conversion across packets (where FFmpeg's h264_mp4toannexb keeps it). */
typedef struct {
	int length_size;              /* of each NAL unit's length, 1 to 4; 0 before a configuration */
	uint8_t ps[1024];             /* SPS and PPS, each after a 4-byte start code */
	size_t ps_len, sps_at, pps_at;   /* pps_at == ps_len: none */
	int new_idr, sps_seen, pps_seen;
} ppv_avc;

/* An AVCDecoderConfigurationRecord: 0, or -1 when it is malformed. */
int ppv_avc_config(ppv_avc *a, const uint8_t *rec, size_t n);

/* A growable output buffer. */
typedef struct {
	uint8_t *b;
	size_t n, cap;
} ppv_buf;

/* One AVCC access unit (length-prefixed NAL units) to Annex B, appended to
 * out. 0, or -1 when a NAL unit's length overruns the packet. */
int ppv_avc_annexb(ppv_avc *a, const uint8_t *p, size_t n, ppv_buf *out);

/* AAC: an AudioSpecificConfig's object type, rate index and channels. */
typedef struct {
	int object, rate_index, rate, channels;   /* rate_index 15: rate explicit */
	int config;                   /* the channel configuration, 1 to 7 */
} ppv_aac;

/* An AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): 0, or -1 when it is
 * malformed or its channels are in a program config element. */
int ppv_aac_config(ppv_aac *a, const uint8_t *asc, size_t n);
/* The 7-byte ADTS header of a raw frame of n bytes; -1 when n is too long
 * or the configuration is one ADTS cannot carry. */
int ppv_adts(const ppv_aac *a, size_t n, uint8_t h[7]);

/* The MPEG audio rate of an MP3 frame header, 0 when it is none. */
int ppv_mp3_rate(const uint8_t *p, size_t n);

/* n more bytes at the end of b; NULL when out of memory. */
uint8_t *ppv_buf_room(ppv_buf *b, size_t n);
void ppv_buf_free(ppv_buf *b);

#endif
