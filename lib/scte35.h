/* scte35.h: SCTE-35 splice_info_section, decoded completely, encoded byte-exact, printed as JSON. */
#ifndef PPV_SCTE35_H
#define PPV_SCTE35_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ts.h"

#define PPV_SCTE35_MAX 4096          /* 12-bit section_length + 3 */
#define PPV_SCTE35_MAX_DESC 682      /* a descriptor takes at least 6 bytes */
#define PPV_SCTE35_CUEI 0x43554549u

enum {
	PPV_SPLICE_NULL = 0x00,
	PPV_SPLICE_SCHEDULE = 0x04,
	PPV_SPLICE_INSERT = 0x05,
	PPV_TIME_SIGNAL = 0x06,
	PPV_BANDWIDTH_RESERVATION = 0x07,
	PPV_PRIVATE_COMMAND = 0xff,
};

enum {
	PPV_DESC_AVAIL = 0, PPV_DESC_DTMF = 1, PPV_DESC_SEGMENTATION = 2,
	PPV_DESC_TIME = 3, PPV_DESC_AUDIO = 4,
};

/* A splice_time(): pts is meaningful only when specified. */
typedef struct {
	bool specified;
	uint64_t pts;
} ppv_splice_time;

typedef struct {
	uint8_t tag;
	ppv_splice_time time;    /* splice_insert */
	uint32_t utc;            /* splice_schedule */
} ppv_splice_comp;

/* One splice_insert, or one event of a splice_schedule. Components point
 * into the cue's pool. */
typedef struct {
	uint32_t event_id;
	bool cancel, out_of_network, program_splice, has_duration, immediate;
	bool event_id_compliance;   /* 2022: 0 = not compliant; reserved (1) before */
	ppv_splice_time time;       /* insert, program splice */
	uint32_t utc;               /* schedule, program splice */
	int ncomp;
	ppv_splice_comp *comp;
	bool auto_return;
	uint64_t duration;          /* 90 kHz */
	uint16_t unique_program_id;
	uint8_t avail_num, avails_expected;
} ppv_splice_event;

typedef struct {
	uint32_t event_id;
	bool cancel, event_id_compliance, program, has_duration,
	     delivery_not_restricted, web_delivery_allowed,
	     no_regional_blackout, archive_allowed;
	uint8_t device_restrictions;
	uint8_t ncomp;
	const uint8_t *comp;      /* 6 bytes each: tag, 7 reserved + 33-bit offset */
	uint64_t duration;
	uint8_t upid_type, upid_len;
	const uint8_t *upid;
	uint8_t type_id, num, expected;
	bool has_sub;
	uint8_t sub_num, sub_expected;
} ppv_splice_seg;

typedef struct {
	uint8_t tag, len;
	uint32_t identifier;
	const uint8_t *body;        /* after the identifier */
	size_t bodylen;
	bool known;                 /* a CUEI tag this decoder parses field by field */
	union {
		uint32_t provider_avail_id;
		struct {
			uint8_t preroll, count;
			char chars[8];
		} dtmf;
		ppv_splice_seg seg;
		struct {
			uint64_t tai_seconds;
			uint32_t tai_ns;
			uint16_t utc_offset;
		} time;
		struct {
			uint8_t count;
			const uint8_t *comp;      /* 5 bytes each */
		} audio;
	} u;
} ppv_splice_desc;

typedef struct {
	uint8_t sap_type, protocol_version;
	bool encrypted;
	uint8_t encryption_algorithm, cw_index;
	uint64_t pts_adjustment;
	uint16_t tier;
	bool unknown_command_length;   /* 0xfff, as legacy encoders write */
	uint8_t command_type;
	ppv_splice_time time;          /* time_signal */
	ppv_splice_event insert;       /* splice_insert */
	int nevents;                   /* splice_schedule */
	ppv_splice_event events[255];
	uint32_t private_id;           /* private_command */
	const uint8_t *private_bytes;
	size_t private_len;
	const uint8_t *encrypted_body; /* command to descriptors, when encrypted */
	size_t encrypted_len;
	int ndesc;
	ppv_splice_desc desc[PPV_SCTE35_MAX_DESC];
	const uint8_t *stuffing;
	size_t stuffing_len;
	uint32_t ecrc;                 /* E_CRC_32, when encrypted */
	uint32_t crc;
	ppv_splice_comp pool[1024];
	int npool;
	uint8_t raw[PPV_SCTE35_MAX];   /* the bytes the pointers above point into */
	size_t rawlen;
} ppv_scte35;

/* Parses a whole section. On failure returns -1 with a reason in err. */
int ppv_scte35_decode(ppv_scte35 *c, const uint8_t *p, size_t n, char *err, size_t errcap);
/* Writes the section with lengths and CRC computed; returns its size, -1 if
 * it exceeds cap or a field is out of range. */
long ppv_scte35_encode(const ppv_scte35 *c, uint8_t *out, size_t cap);
/* A fresh cue: protocol 0, tier 0xfff, sap_type 3 (unspecified). */
void ppv_scte35_init(ppv_scte35 *c);
/* A fresh time_signal at pts (wrapped to 33 bits), or with no time when
 * pts is PPV_TS_NOPTS. */
void ppv_scte35_time_signal(ppv_scte35 *c, uint64_t pts);
/* A fresh program splice_insert: out of the network for duration ticks
 * (PPV_TS_NOPTS: no duration), ending by itself when auto_return, or back
 * in; at pts (wrapped to 33 bits), or at once when pts is PPV_TS_NOPTS. */
void ppv_scte35_insert(ppv_scte35 *c, uint32_t event_id, bool out, uint64_t pts, uint64_t duration,
		       bool auto_return);
/* Adds a segmentation descriptor of the program; upid must outlive c.
 * -1 when the cue holds no more descriptors. */
int ppv_scte35_add_segmentation(ppv_scte35 *c, uint8_t type, uint32_t event_id, uint64_t duration,
				uint8_t upid_type, const uint8_t *upid, uint8_t upid_len);
/* -1 with the reason when a UPID's length contradicts its type (SCTE 35
 * table 21) or a MID's list does not end on its last byte. */
int ppv_scte35_upid_check(uint8_t type, const uint8_t *p, size_t n, char *err, size_t cap);
/* What the decoder lets through, since a player only needs the splice
 * times, but a strict reader refuses: the UPID checks above, for every
 * segmentation descriptor. 0, or -1 with the reason. */
int ppv_scte35_check(const ppv_scte35 *c, char *err, size_t cap);
/* A UPID given as TYPE:HEX, TYPE a number or a short name (ti, adi, uri,
 * mid, eidr, uuid...): its type and length, -1 when it is not one. */
int ppv_scte35_upid_arg(const char *arg, uint8_t *type, uint8_t *upid, size_t cap);
/* Reads a cue written as base64 or 0x-hex (either case, spaces ignored). */
long ppv_scte35_text(const char *s, uint8_t *out, size_t cap);
/* One JSON object, no newline. */
void ppv_scte35_json(const ppv_scte35 *c, FILE *fp);
/* The same members without the braces, to embed with more. */
void ppv_scte35_json_members(const ppv_scte35 *c, FILE *fp);
const char *ppv_scte35_command_name(uint8_t type);
const char *ppv_scte35_segtype_name(uint8_t id);
const char *ppv_scte35_upid_name(uint8_t type);
/* A cue as HLS tags carry it: 0x and upper-case hex; out holds 2n+3. */
void ppv_scte35_hex(char *out, const uint8_t *p, size_t n);
/* What a segmentation_type_id means for an ad break: 1 it opens one (break,
 * advertisement, placement opportunity, ad block), -1 it closes one, 0 neither. */
int ppv_scte35_break(uint8_t type_id);

#endif
