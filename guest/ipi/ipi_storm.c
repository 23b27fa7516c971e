// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipi_storm: an mm workload that opens no device: threads of one process
 * map, touch and unmap anonymous memory while a thread forks (TLB
 * shootdown IPIs between vCPUs), for IPI_STORM_SECONDS (default 60). Used
 * to tell the emulator's lockups from the series': see README.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static atomic_bool stop;
static atomic_long ops;

static void *mapper(void *arg)
{
	while (!atomic_load(&stop)) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			continue;
		memset(p, 1, 1 << 20);
		mprotect(p, 4096, PROT_READ);
		munmap(p, 1 << 20);
		atomic_fetch_add(&ops, 1);
	}
	return NULL;
}

static void *forker(void *arg)
{
	while (!atomic_load(&stop)) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		usleep(10000);
	}
	return NULL;
}

int main(void)
{
	const char *env = getenv("IPI_STORM_SECONDS");
	int seconds = env ? atoi(env) : 60, i;
	pthread_t t[5];

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, mapper, NULL);
	pthread_create(&t[4], NULL, forker, NULL);
	sleep(seconds);
	atomic_store(&stop, true);
	for (i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	printf("# ipi_storm: %ld map/touch/unmap cycles in %d s on %ld CPUs\n",
	       atomic_load(&ops), seconds, sysconf(_SC_NPROCESSORS_ONLN));
	return 0;
}
