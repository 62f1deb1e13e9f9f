/* codec.h: base64, base64url (no padding) and hex, through libavutil where it has them. */
#ifndef PPV_CODEC_H
#define PPV_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define PPV_B64_LEN(n) (((n) + 2) / 3 * 4)

/* Encoders write a NUL and return the length written (without it). */
size_t ppv_b64_encode(char *out, const uint8_t *in, size_t n);
size_t ppv_b64url_encode(char *out, const uint8_t *in, size_t n);
size_t ppv_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decoders return the bytes written, or -1 on any character outside the
 * alphabet, bad length or padding, or when the result exceeds cap. */
long ppv_b64_decode(uint8_t *out, size_t cap, const char *in, size_t n);
long ppv_b64url_decode(uint8_t *out, size_t cap, const char *in, size_t n);
long ppv_hex_decode(uint8_t *out, size_t cap, const char *in, size_t n);
/* 0-15 for a hex digit of either case, -1 otherwise. */
int ppv_hex_digit(char c);

#endif
