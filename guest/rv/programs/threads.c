/* Threads: pthread_create/join, a mutex-protected counter, C11 atomics (AMO and LR/SC loops), a condition
 * variable hand-off, thread-local storage, and a barrier. The printed results do not depend on scheduling. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS  20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long locked_counter;
static atomic_long atomic_counter;
static _Atomic uint32_t cas_counter;
static int turn;
static __thread long tls_value;
static long tls_results[THREADS];
static char order[THREADS + 1];

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	tls_value = id * 1000;
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		locked_counter++;
		pthread_mutex_unlock(&lock);
		atomic_fetch_add(&atomic_counter, 2);
		uint32_t old = atomic_load(&cas_counter);
		while (!atomic_compare_exchange_weak(&cas_counter, &old, old + 3)) {
		}
		tls_value++;
	}
	tls_results[id] = tls_value;
	/* take turns in id order */
	pthread_mutex_lock(&lock);
	while (turn != id)
		pthread_cond_wait(&turn_changed, &lock);
	order[id] = (char)('A' + id);
	turn++;
	pthread_cond_broadcast(&turn_changed);
	pthread_mutex_unlock(&lock);
	return (void *)(intptr_t)(id * id);
}

int main(void)
{
	pthread_t t[THREADS];
	pthread_barrier_init(&barrier, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
	long joined = 0;
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		joined += (long)(intptr_t)r;
	}
	printf("mutex counter %ld (expected %d)\n", locked_counter, THREADS * ROUNDS);
	printf("atomic counter %ld (expected %d)\n", atomic_load(&atomic_counter), 2 * THREADS * ROUNDS);
	printf("cas counter %u (expected %d)\n", (unsigned)atomic_load(&cas_counter), 3 * THREADS * ROUNDS);
	for (int i = 0; i < THREADS; i++)
		printf("thread %d tls %ld\n", i, tls_results[i]);
	printf("turn order %s, join results %ld, main tls %ld\n", order, joined, tls_value);
	return locked_counter != THREADS * ROUNDS;
}
