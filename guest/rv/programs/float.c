/* Floating point through libc and libm: printf of doubles (%f %e %g %a, many digits), math functions,
 * rounding modes with fesetround, exception flags with fetestexcept, float vs double, conversions. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double zero = 0.0, one = 1.0, three = 3.0, big = DBL_MAX, tiny = DBL_MIN;

static void print_flags(const char *what)
{
	printf("%-14s flags:%s%s%s%s%s\n", what, fetestexcept(FE_INVALID) ? " invalid" : "",
	       fetestexcept(FE_DIVBYZERO) ? " divbyzero" : "", fetestexcept(FE_OVERFLOW) ? " overflow" : "",
	       fetestexcept(FE_UNDERFLOW) ? " underflow" : "", fetestexcept(FE_INEXACT) ? " inexact" : "");
}

static uint32_t fbits(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof(u));
	return u;
}

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u;
}

int main(void)
{
	printf("%.17g %.17g %.17g\n", one / three, M_PI, exp(1.0));
	printf("%f %e %g %a\n", 1234.5678, 1234.5678, 1234.5678, 1234.5678);
	printf("%.3f %.0f %.0f %.0f %10.4f|\n", 2.0005, 0.5, 1.5, 2.5, -3.14159265);
	printf("%g %g %g %g %g\n", 1e-300 * 1e-300, -1.0 / zero, 1.0 / zero, sqrt(-one), -0.0);
	printf("float %.9g double %.17g long double %.21Lg\n", 1.0f / 3.0f, 1.0 / 3.0, 1.0L / 3.0L);

	double sum = 0;
	for (int i = 1; i <= 1000; i++) {
		double x = i * 0.01;
		sum += sin(x) * cos(x) + exp(-x) + log(x + 1) + sqrt(x) + atan2(x, 1 + x) + pow(x, 1.5) +
		       tanh(x) + cbrt(x) + hypot(x, 2);
	}
	printf("libm sum %.17g\n", sum);
	printf("fma %.17g floor %g ceil %g trunc %g round %g lround %ld fmod %g remainder %g\n",
	       fma(0.1, 10.0, -1.0), floor(-2.5), ceil(-2.5), trunc(-2.7), round(2.5), lround(-2.5),
	       fmod(10.0, 3.0), remainder(10.0, 3.0));
	printf("frexp/ldexp: ");
	int e;
	double m = frexp(1536.0, &e);
	printf("%g*2^%d %g\n", m, e, ldexp(0.75, 11));
	printf("float funcs %.9g %.9g %.9g\n", sinf(0.5f), expf(2.0f), sqrtf(2.0f));

	/* Rounding modes: the same division under each, and rint. */
	const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
	const char *names[] = {"nearest", "upward", "downward", "towardzero"};
	for (int i = 0; i < 4; i++) {
		fesetround(modes[i]);
		volatile double q = one / three, nq = -one / three;
		volatile float fq = (float)one / (float)three;
		printf("%-10s 1/3=%016llx -1/3=%016llx f=%08x rint(2.5)=%g rint(-1.5)=%g getround ok %d\n",
		       names[i], (unsigned long long)bits(q), (unsigned long long)bits(nq),
		       (unsigned)fbits(fq), rint(2.5), rint(-1.5), fegetround() == modes[i]);
	}
	fesetround(FE_TONEAREST);

	/* Exception flags. */
	feclearexcept(FE_ALL_EXCEPT);
	print_flags("none");
	volatile double r = one / zero;
	print_flags("1/0");
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	print_flags("0/0");
	feclearexcept(FE_ALL_EXCEPT);
	r = big * 2.0;
	print_flags("max*2");
	feclearexcept(FE_ALL_EXCEPT);
	r = tiny * tiny;
	print_flags("min*min");
	feclearexcept(FE_ALL_EXCEPT);
	r = one / three;
	print_flags("1/3");
	feclearexcept(FE_ALL_EXCEPT);
	r = sqrt(-one);
	print_flags("sqrt(-1)");
	feclearexcept(FE_ALL_EXCEPT);
	volatile long l = (long)(r = 1e30);
	(void)l;
	feclearexcept(FE_ALL_EXCEPT);
	fexcept_t saved;
	feraiseexcept(FE_OVERFLOW | FE_INEXACT);
	fegetexceptflag(&saved, FE_ALL_EXCEPT);
	feclearexcept(FE_ALL_EXCEPT);
	fesetexceptflag(&saved, FE_OVERFLOW);
	print_flags("restored OF");
	(void)r;

	/* Conversions at the edges of the integer ranges. */
	volatile double d1 = 4294967295.0, d2 = -2147483648.0, d3 = 9007199254740993.0;
	printf("conv %u %d %lld %llu %.1f %.1f\n", (unsigned)d1, (int)d2, (long long)d3,
	       (unsigned long long)18446744073709549568.0, (double)UINT64_MAX, (double)(int64_t)INT64_MIN);
	printf("nan compare %d %d %d isnan %d isinf %d signbit %d\n", NAN == NAN, NAN < 1.0, NAN != NAN,
	       isnan(zero / zero), isinf(-one / zero), signbit(-0.0));
	return 0;
}
