/* printf-style formatting without libc (see lib/fmt.h). */
#include "lib/fmt.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/mem.h"

enum length_mod { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_INTMAX, LEN_PTRDIFF };

struct spec {
	bool left;     /* '-' */
	bool zero;     /* '0' */
	bool alt;      /* '#' */
	bool plus;     /* '+' */
	bool space;    /* ' ' */
	int width;     /* -1 = none */
	int precision; /* -1 = none */
	enum length_mod length;
};

struct out {
	k_putc_fn putc;
	void *ctx;
	int count;
};

static void emit(struct out *o, char c)
{
	o->putc(o->ctx, c);
	if (o->count < INT_MAX) {
		o->count++;
	}
}

static void emit_repeat(struct out *o, char c, int n)
{
	for (int i = 0; i < n; i++) {
		emit(o, c);
	}
}

/* Emits body (len bytes) with prefix, zero padding to `zeros` digits and width padding. */
static void emit_padded(struct out *o, const struct spec *sp, const char *prefix, const char *body, int len,
                        int zeros)
{
	int prefix_len = (int)k_strlen(prefix);
	int total = prefix_len + zeros + len;
	int pad = sp->width > total ? sp->width - total : 0;

	if (!sp->left) {
		emit_repeat(o, ' ', pad);
	}
	for (int i = 0; i < prefix_len; i++) {
		emit(o, prefix[i]);
	}
	emit_repeat(o, '0', zeros);
	for (int i = 0; i < len; i++) {
		emit(o, body[i]);
	}
	if (sp->left) {
		emit_repeat(o, ' ', pad);
	}
}

static void format_integer(struct out *o, struct spec *sp, uint64_t value, bool negative, unsigned base,
                           bool upper, bool is_pointer)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24]; /* 2^64 in octal is 22 digits */
	int len = 0;
	char prefix[3] = "";
	int zeros = 0;

	/* Digits, least significant first, then reversed. Value 0 with precision 0 prints no digits. */
	if (value != 0 || sp->precision != 0) {
		do {
			buf[len++] = digits[value % base];
			value /= base;
		} while (value != 0);
	}
	for (int i = 0; i < len / 2; i++) {
		char t = buf[i];
		buf[i] = buf[len - 1 - i];
		buf[len - 1 - i] = t;
	}

	if (negative) {
		prefix[0] = '-';
	} else if (sp->plus && base == 10 && !is_pointer) {
		prefix[0] = '+';
	} else if (sp->space && base == 10 && !is_pointer) {
		prefix[0] = ' ';
	} else if (base == 16 && (is_pointer || (sp->alt && len > 0 && !(len == 1 && buf[0] == '0')))) {
		prefix[0] = '0';
		prefix[1] = upper ? 'X' : 'x';
	}

	if (sp->precision >= 0) {
		zeros = sp->precision > len ? sp->precision - len : 0;
	} else if (sp->zero && !sp->left && sp->width > 0) {
		int used = (int)k_strlen(prefix) + len;
		zeros = sp->width > used ? sp->width - used : 0;
	}
	/* '#' with octal: the first digit must be 0. */
	if (base == 8 && sp->alt && zeros == 0 && (len == 0 || buf[0] != '0')) {
		zeros = 1;
	}
	emit_padded(o, sp, prefix, buf, len, zeros);
}

static uint64_t fetch_unsigned(va_list *ap, enum length_mod length)
{
	switch (length) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_INTMAX: return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_INT: break;
	}
	return va_arg(*ap, unsigned int);
}

static int64_t fetch_signed(va_list *ap, enum length_mod length)
{
	switch (length) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	/* %zd: the signed type corresponding to size_t. */
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	case LEN_INTMAX: return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_INT: break;
	}
	return va_arg(*ap, int);
}

/* Parses flags, width, precision and length at *fmt (just after '%'). */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
	const char *p = *fmt;

	*sp = (struct spec){.width = -1, .precision = -1, .length = LEN_INT};
	for (;; p++) {
		if (*p == '-') {
			sp->left = true;
		} else if (*p == '0') {
			sp->zero = true;
		} else if (*p == '#') {
			sp->alt = true;
		} else if (*p == '+') {
			sp->plus = true;
		} else if (*p == ' ') {
			sp->space = true;
		} else {
			break;
		}
	}
	if (*p == '*') {
		int w = va_arg(*ap, int);
		if (w < 0) {
			sp->left = true;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		sp->width = w;
		p++;
	} else {
		while (k_isdigit(*p)) {
			int d = *p++ - '0';
			int w = sp->width < 0 ? 0 : sp->width;
			sp->width = w > (INT_MAX - d) / 10 ? INT_MAX : w * 10 + d;
		}
	}
	if (*p == '.') {
		p++;
		sp->precision = 0;
		if (*p == '*') {
			int prec = va_arg(*ap, int);
			sp->precision = prec < 0 ? -1 : prec;
			p++;
		} else {
			while (k_isdigit(*p)) {
				int d = *p++ - '0';
				sp->precision =
				    sp->precision > (INT_MAX - d) / 10 ? INT_MAX : sp->precision * 10 + d;
			}
		}
	}
	switch (*p) {
	case 'h':
		p++;
		sp->length = LEN_SHORT;
		if (*p == 'h') {
			p++;
			sp->length = LEN_CHAR;
		}
		break;
	case 'l':
		p++;
		sp->length = LEN_LONG;
		if (*p == 'l') {
			p++;
			sp->length = LEN_LLONG;
		}
		break;
	case 'z': p++, sp->length = LEN_SIZE; break;
	case 'j': p++, sp->length = LEN_INTMAX; break;
	case 't': p++, sp->length = LEN_PTRDIFF; break;
	default: break;
	}
	*fmt = p;
}

static void format_string(struct out *o, const struct spec *sp, const char *s)
{
	int len;

	if (s == NULL) {
		s = "(null)";
	}
	/* Never read past the precision: the string need not be terminated within it. */
	len = (int)(sp->precision >= 0 ? k_strnlen(s, (size_t)sp->precision) : k_strnlen(s, INT_MAX));
	emit_padded(o, sp, "", s, len, 0);
}

int k_vformat(k_putc_fn putc, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = {.putc = putc, .ctx = ctx, .count = 0};
	struct spec sp;
	va_list ap;

	/* A copy, so that helpers can take a pointer to it (va_list may be an array type). */
	va_copy(ap, ap_in);
	while (*fmt != '\0') {
		const char *start = fmt;
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &ap, &sp);
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(&ap, sp.length);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
			format_integer(&o, &sp, mag, v < 0, 10, false, false);
			break;
		}
		case 'u':
			format_integer(&o, &sp, fetch_unsigned(&ap, sp.length), false, 10, false, false);
			break;
		case 'x':
			format_integer(&o, &sp, fetch_unsigned(&ap, sp.length), false, 16, false, false);
			break;
		case 'X':
			format_integer(&o, &sp, fetch_unsigned(&ap, sp.length), false, 16, true, false);
			break;
		case 'o':
			format_integer(&o, &sp, fetch_unsigned(&ap, sp.length), false, 8, false, false);
			break;
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			format_integer(&o, &sp, v, false, 16, false, true);
			break;
		}
		case 's': format_string(&o, &sp, va_arg(ap, const char *)); break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			emit_padded(&o, &sp, "", &c, 1, 0);
			break;
		}
		case '%': emit(&o, '%'); break;
		default:
			/* Unknown or unsupported conversion: print it as written so the mistake is visible. */
			if (*fmt == '\0') {
				fmt--;
			}
			while (start <= fmt) {
				emit(&o, *start++);
			}
			break;
		}
		fmt++;
	}
	va_end(ap);
	return o.count;
}

int k_format(k_putc_fn putc, void *ctx, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = k_vformat(putc, ctx, fmt, ap);
	va_end(ap);
	return n;
}

struct buffer_sink {
	char *buf;
	size_t size;
	size_t pos;
};

static void buffer_putc(void *ctx, char c)
{
	struct buffer_sink *s = ctx;

	if (s->pos + 1 < s->size) {
		s->buf[s->pos] = c;
	}
	s->pos++;
}

int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer_sink sink = {.buf = buf, .size = size, .pos = 0};
	int n = k_vformat(buffer_putc, &sink, fmt, ap);

	if (size > 0) {
		buf[sink.pos < size ? sink.pos : size - 1] = '\0';
	}
	return n;
}

int k_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = k_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
