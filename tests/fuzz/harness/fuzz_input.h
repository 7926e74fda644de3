/* Shared by the libFuzzer harnesses (tests/fuzz/harness/NAME.c): takes typed values from the front of the
 * fuzzer's input, so one input can carry a structured description (numbers, flags, short strings) followed
 * by a blob. Past the end every value reads as 0 and every string as "", so any input is a valid
 * description. Harness-only code: it may use libc. */
#ifndef KARASU_TESTS_FUZZ_HARNESS_FUZZ_INPUT_H
#define KARASU_TESTS_FUZZ_HARNESS_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t size, pos;
};

static inline struct fuzz_input fuzz_input_init(const uint8_t *data, size_t size)
{
	return (struct fuzz_input){data, size, 0};
}

/* n bytes (n <= 8), little-endian. */
static inline uint64_t fuzz_take_bytes(struct fuzz_input *in, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t byte = in->pos < in->size ? in->data[in->pos++] : 0;
		v |= byte << (8 * i);
	}
	return v;
}

static inline uint8_t fuzz_take_u8(struct fuzz_input *in)
{
	return (uint8_t)fuzz_take_bytes(in, 1);
}

static inline uint32_t fuzz_take_u32(struct fuzz_input *in)
{
	return (uint32_t)fuzz_take_bytes(in, 4);
}

static inline uint64_t fuzz_take_u64(struct fuzz_input *in)
{
	return fuzz_take_bytes(in, 8);
}

static inline bool fuzz_take_bool(struct fuzz_input *in)
{
	return (fuzz_take_u8(in) & 1) != 0;
}

/* A string: the bytes up to the next NUL (consumed) or the end of the input, at most size-1 of them,
 * copied NUL-terminated into buf. */
static inline const char *fuzz_take_string(struct fuzz_input *in, char *buf, size_t size)
{
	size_t n = 0;
	while (in->pos < in->size && in->data[in->pos] != '\0' && n + 1 < size) {
		buf[n++] = (char)in->data[in->pos++];
	}
	if (in->pos < in->size && in->data[in->pos] == '\0') {
		in->pos++;
	}
	buf[n] = '\0';
	return buf;
}

/* What is left of the input. */
static inline const uint8_t *fuzz_rest(const struct fuzz_input *in, size_t *size)
{
	*size = in->size - in->pos;
	return in->data + in->pos;
}

#endif
