/* GDB remote serial protocol framing: `$payload#cc` packets, +/- acknowledgements, the 0x03 interrupt
 * byte, hex and binary (escaped) encodings. Pure functions over byte buffers: no I/O. */
#ifndef KARASU_RV_DEBUG_GDB_PACKET_H
#define KARASU_RV_DEBUG_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest payload the stub accepts and sends (announced as PacketSize in qSupported). */
#define RV_GDB_PACKET_MAX 16384
/* Largest framed packet: '$' + payload + '#' + 2 checksum digits. */
#define RV_GDB_FRAME_MAX  (RV_GDB_PACKET_MAX + 4)

#define RV_GDB_INTERRUPT  0x03 /* Ctrl-C from gdb while the target runs */
#define RV_GDB_ESCAPE     0x7d /* '}': the next byte is XORed with RV_GDB_ESCAPE_XOR */
#define RV_GDB_ESCAPE_XOR 0x20

/* What one received byte completed. */
enum rv_gdb_frame_event {
	RV_GDB_FRAME_NONE = 0,     /* nothing yet (inside a packet, or noise between packets) */
	RV_GDB_FRAME_PACKET,       /* a packet with a good checksum: payload in the reader */
	RV_GDB_FRAME_BAD_CHECKSUM, /* a packet arrived damaged (or too long): answer '-' */
	RV_GDB_FRAME_ACK,          /* '+' */
	RV_GDB_FRAME_NACK,         /* '-': resend the last packet */
	RV_GDB_FRAME_INTERRUPT     /* 0x03 outside a packet */
};

/* Incremental packet reader: feed it bytes in any chunking. */
struct rv_gdb_reader {
	enum { RV_GDB_RD_IDLE, RV_GDB_RD_DATA, RV_GDB_RD_SUM_HI, RV_GDB_RD_SUM_LO } state;
	uint8_t sum;    /* running sum of the payload bytes as received (escapes included) */
	uint8_t sum_rx; /* checksum digits received so far */
	bool overflow;  /* the payload did not fit: the packet is rejected */
	size_t len;     /* payload bytes in buf (raw: escapes are kept, the commands decode them) */
	char buf[RV_GDB_PACKET_MAX + 1]; /* NUL-terminated after RV_GDB_FRAME_PACKET */
};

void rv_gdb_reader_init(struct rv_gdb_reader *r);
enum rv_gdb_frame_event rv_gdb_reader_feed(struct rv_gdb_reader *r, uint8_t byte);

/* Modulo-256 sum of the bytes: the packet checksum. */
uint8_t rv_gdb_checksum(const void *data, size_t len);

/* Frames payload (already encoded: hex text or escaped binary) as `$payload#cc` into out. Returns the
 * framed length, or 0 if it does not fit in cap. */
size_t rv_gdb_frame(char *out, size_t cap, const void *payload, size_t len);

/* Escapes binary data for a packet: '}' '#' '$' '*' become '}' followed by the byte XOR 0x20. Stops
 * before the input byte that would not fit; *consumed = input bytes encoded. Returns bytes written. */
size_t rv_gdb_escape(char *out, size_t cap, const uint8_t *in, size_t len, size_t *consumed);
/* Decodes escaped binary in place-safe fashion (out may equal in). Returns the decoded length, or -1 if
 * the data ends in the middle of an escape. */
long rv_gdb_unescape(uint8_t *out, const char *in, size_t len);

/* Hex: lowercase pairs, in memory order. encode returns 2*len (out must hold it); decode returns the bytes
 * decoded, or -1 on an odd length or a non-hex digit. */
size_t rv_gdb_hex_encode(char *out, const uint8_t *in, size_t len);
long rv_gdb_hex_decode(uint8_t *out, size_t cap, const char *in, size_t len);
/* Value of one hex digit, or -1. */
int rv_gdb_hex_digit(char c);
/* Parses a big-endian hex number (as in addresses and lengths) at *p, advancing *p past it. False if
 * there is no digit or it overflows 64 bits. */
bool rv_gdb_parse_hex(const char **p, uint64_t *value);

#endif
