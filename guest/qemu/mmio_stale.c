// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio_stale: does the emulator serve MMIO reads from a stale memory map?
 * Threads read edu's ID register through one BAR mmap, installed once and
 * never zapped: edu's memory decode is never touched. Meanwhile a thread
 * turns the memory decode of another device (ivshmem) off and on, which
 * changes the machine's memory map. On a faithful machine every read
 * returns the ID; any other value is the emulator's. Runs on any kernel
 * with vfio-pci (the base included) for MMIO_STALE_SECONDS (default 60).
 * Prints "# MMIO_STALE reads=N wrong=M toggles=T" (see README).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "vfio_pci_util.h"

static atomic_bool stop;
static atomic_long reads, wrong, toggles;
static const char *regs;

static void *reader(void *arg)
{
	while (!atomic_load(&stop)) {
		uint32_t v = mmio_read32(regs + EDU_REG_ID);

		atomic_fetch_add(&reads, 1);
		if (v != EDU_ID_VALUE) {
			uint32_t again = mmio_read32(regs + EDU_REG_ID);

			if (atomic_fetch_add(&wrong, 1) < 10)
				printf("# read 0x%x, again 0x%x\n", v, again);
		}
	}
	return NULL;
}

static void *toggler(void *arg)
{
	struct vfio_pci_dev *shm = arg;

	while (!atomic_load(&stop)) {
		if (vfio_pci_set_memory_enable(shm, false) ||
		    vfio_pci_set_memory_enable(shm, true))
			break;
		atomic_fetch_add(&toggles, 1);
	}
	return NULL;
}

int main(void)
{
	const char *env = getenv("MMIO_STALE_SECONDS");
	int seconds = env ? atoi(env) : 60, i, n;
	struct vfio_pci_dev edu, shm;
	char bdf[32];
	pthread_t t[8];

	if (vfio_pci_find(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)) ||
	    vfio_pci_open(&edu, bdf) ||
	    vfio_pci_find(IVSHMEM_VENDOR, IVSHMEM_DEVICE, bdf, sizeof(bdf)) ||
	    vfio_pci_open(&shm, bdf)) {
		printf("# MMIO_STALE setup failed\n");
		return 1;
	}
	regs = vfio_pci_mmap(&edu, VFIO_PCI_BAR0_REGION_INDEX, NULL,
			     sysconf(_SC_PAGESIZE), MAP_SHARED, 0);
	if (regs == MAP_FAILED || mmio_read32(regs + EDU_REG_ID) !=
	    EDU_ID_VALUE) {
		printf("# MMIO_STALE setup failed: edu mapping\n");
		return 1;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n > 8)
		n = 8;
	pthread_create(&t[0], NULL, toggler, &shm);
	for (i = 1; i < n; i++)
		pthread_create(&t[i], NULL, reader, NULL);
	sleep(seconds);
	atomic_store(&stop, true);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("# MMIO_STALE reads=%ld wrong=%ld toggles=%ld cpus=%d seconds=%d\n",
	       atomic_load(&reads), atomic_load(&wrong),
	       atomic_load(&toggles), n, seconds);
	return 0;
}
