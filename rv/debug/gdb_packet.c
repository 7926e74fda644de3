/* GDB remote serial protocol framing and encodings (see gdb_packet.h). */
#include "rv/debug/gdb_packet.h"

void rv_gdb_reader_init(struct rv_gdb_reader *r)
{
	r->state = RV_GDB_RD_IDLE;
	r->sum = 0;
	r->sum_rx = 0;
	r->overflow = false;
	r->len = 0;
	r->buf[0] = '\0';
}

int rv_gdb_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static enum rv_gdb_frame_event reader_idle(struct rv_gdb_reader *r, uint8_t byte)
{
	switch (byte) {
	case '$':
		r->state = RV_GDB_RD_DATA;
		r->sum = 0;
		r->len = 0;
		r->overflow = false;
		return RV_GDB_FRAME_NONE;
	case '+': return RV_GDB_FRAME_ACK;
	case '-': return RV_GDB_FRAME_NACK;
	case RV_GDB_INTERRUPT: return RV_GDB_FRAME_INTERRUPT;
	default: return RV_GDB_FRAME_NONE; /* line noise between packets is ignored */
	}
}

enum rv_gdb_frame_event rv_gdb_reader_feed(struct rv_gdb_reader *r, uint8_t byte)
{
	switch (r->state) {
	case RV_GDB_RD_IDLE: return reader_idle(r, byte);
	case RV_GDB_RD_DATA:
		if (byte == '#') {
			r->state = RV_GDB_RD_SUM_HI;
			return RV_GDB_FRAME_NONE;
		}
		if (byte == '$') { /* a new packet inside one: the first was cut off, start over */
			r->sum = 0;
			r->len = 0;
			r->overflow = false;
			return RV_GDB_FRAME_NONE;
		}
		r->sum = (uint8_t)(r->sum + byte);
		if (r->len < RV_GDB_PACKET_MAX)
			r->buf[r->len++] = (char)byte;
		else
			r->overflow = true;
		return RV_GDB_FRAME_NONE;
	case RV_GDB_RD_SUM_HI: {
		int d = rv_gdb_hex_digit((char)byte);
		if (d < 0) {
			r->state = RV_GDB_RD_IDLE;
			return RV_GDB_FRAME_BAD_CHECKSUM;
		}
		r->sum_rx = (uint8_t)(d << 4);
		r->state = RV_GDB_RD_SUM_LO;
		return RV_GDB_FRAME_NONE;
	}
	case RV_GDB_RD_SUM_LO: {
		int d = rv_gdb_hex_digit((char)byte);
		r->state = RV_GDB_RD_IDLE;
		if (d < 0 || (uint8_t)(r->sum_rx | d) != r->sum || r->overflow)
			return RV_GDB_FRAME_BAD_CHECKSUM;
		r->buf[r->len] = '\0';
		return RV_GDB_FRAME_PACKET;
	}
	}
	return RV_GDB_FRAME_NONE;
}

uint8_t rv_gdb_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

static const char hex_digits[] = "0123456789abcdef";

size_t rv_gdb_frame(char *out, size_t cap, const void *payload, size_t len)
{
	if (len > RV_GDB_PACKET_MAX || cap < len + 4)
		return 0;
	uint8_t sum = rv_gdb_checksum(payload, len);
	out[0] = '$';
	const char *src = payload;
	for (size_t i = 0; i < len; i++)
		out[1 + i] = src[i];
	out[len + 1] = '#';
	out[len + 2] = hex_digits[sum >> 4];
	out[len + 3] = hex_digits[sum & 0xf];
	return len + 4;
}

static bool needs_escape(uint8_t b)
{
	return b == '}' || b == '#' || b == '$' || b == '*';
}

size_t rv_gdb_escape(char *out, size_t cap, const uint8_t *in, size_t len, size_t *consumed)
{
	size_t o = 0, i = 0;
	for (; i < len; i++) {
		if (needs_escape(in[i])) {
			if (o + 2 > cap)
				break;
			out[o++] = (char)RV_GDB_ESCAPE;
			out[o++] = (char)(in[i] ^ RV_GDB_ESCAPE_XOR);
		} else {
			if (o + 1 > cap)
				break;
			out[o++] = (char)in[i];
		}
	}
	*consumed = i;
	return o;
}

long rv_gdb_unescape(uint8_t *out, const char *in, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)in[i];
		if (b == RV_GDB_ESCAPE) {
			if (++i >= len)
				return -1;
			b = (uint8_t)in[i] ^ RV_GDB_ESCAPE_XOR;
		}
		out[o++] = b;
	}
	return (long)o;
}

size_t rv_gdb_hex_encode(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0xf];
	}
	return 2 * len;
}

long rv_gdb_hex_decode(uint8_t *out, size_t cap, const char *in, size_t len)
{
	if (len % 2 != 0 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = rv_gdb_hex_digit(in[2 * i]), lo = rv_gdb_hex_digit(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

bool rv_gdb_parse_hex(const char **p, uint64_t *value)
{
	const char *s = *p;
	uint64_t v = 0;
	int d;
	size_t n = 0;
	while ((d = rv_gdb_hex_digit(s[n])) >= 0) {
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)d;
		n++;
	}
	if (n == 0)
		return false;
	*p = s + n;
	*value = v;
	return true;
}
