/* Floating point (written for karasu): an n-body simulation of five bodies (symplectic Euler steps with
 * sqrt and division) and a dense 96x96 matrix multiply. One unit = 2000 n-body steps + one multiply (the default, 250 units, is ~0.2 s natively: FP is slow under
 * qemu-riscv64, whose soft-float helpers take ~25x native time). */
#include <math.h>

#include "bench/rv/bench.h"

#define BODIES 5
#define MN     96

struct body {
	double x, y, z, vx, vy, vz, mass;
};

static void advance(struct body *b, double dt)
{
	for (int i = 0; i < BODIES; i++)
		for (int j = i + 1; j < BODIES; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * sqrt(d2));
			b[i].vx -= dx * b[j].mass * mag;
			b[i].vy -= dy * b[j].mass * mag;
			b[i].vz -= dz * b[j].mass * mag;
			b[j].vx += dx * b[i].mass * mag;
			b[j].vy += dy * b[i].mass * mag;
			b[j].vz += dz * b[i].mass * mag;
		}
	for (int i = 0; i < BODIES; i++) {
		b[i].x += dt * b[i].vx;
		b[i].y += dt * b[i].vy;
		b[i].z += dt * b[i].vz;
	}
}

static double energy(const struct body *b)
{
	double e = 0;
	for (int i = 0; i < BODIES; i++) {
		e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
		for (int j = i + 1; j < BODIES; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

static uint64_t double_bits(double d)
{
	union {
		double d;
		uint64_t u;
	} v = {.d = d};
	return v.u;
}

int main(int argc, char **argv)
{
	long units = bench_units(argc, argv, 250);
	/* A star and four planets (arbitrary units, chosen for this benchmark). */
	struct body b[BODIES] = {
	    {0, 0, 0, 0, 0, 0, 39.47},
	    {4.84, -1.16, -0.10, 0.606, 2.81, -0.02, 0.037},
	    {8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011},
	    {12.89, -15.11, -0.22, 1.08, 0.868, -0.01, 0.0017},
	    {15.37, -25.91, 0.179, 0.979, 0.594, -0.034, 0.002},
	};
	static double ma[MN][MN], mb[MN][MN], mc[MN][MN];
	for (int i = 0; i < MN; i++)
		for (int j = 0; j < MN; j++) {
			ma[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
			mb[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.5;
		}
	uint64_t check = double_bits(energy(b));
	for (long u = 0; u < units; u++) {
		for (int s = 0; s < 2000; s++)
			advance(b, 0.001);
		for (int i = 0; i < MN; i++)
			for (int j = 0; j < MN; j++) {
				double s = 0;
				for (int k = 0; k < MN; k++)
					s += ma[i][k] * mb[k][j];
				mc[i][j] = s;
			}
		for (int i = 0; i < MN; i++)
			for (int j = 0; j < MN; j++)
				ma[i][j] = mc[i][j] * 0.125 + ma[i][j] * 0.5;
		check = check * 31 + double_bits(energy(b)) + double_bits(mc[u % MN][(u * 7) % MN]);
	}
	printf("energy %.12f\n", energy(b));
	bench_result("nbody", check);
	return 0;
}
