// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_bar_bench: numbers for make bench, not a test. Maps the ivshmem BAR
 * (whole, at an aligned address) and edu BAR0 through vfio-pci and reports
 * the cost of first touch (faults, time), of mmap+munmap, and of MMIO reads.
 * Output: "# METRIC name=value" lines, one per measurement and round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "vfio_pci_util.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int bench_ivshmem(int rounds)
{
	struct vfio_region_info bar;
	struct vfio_pci_dev dev;
	long pg = sysconf(_SC_PAGESIZE);
	size_t len, align, i;
	char bdf[32];
	int r;

	if (vfio_pci_find(IVSHMEM_VENDOR, IVSHMEM_DEVICE, bdf, sizeof(bdf)) ||
	    vfio_pci_open(&dev, bdf) ||
	    vfio_pci_region_info(&dev, IVSHMEM_BAR, &bar)) {
		fprintf(stderr, "no ivshmem device\n");
		return 1;
	}
	len = bar.size;
	align = len < (1UL << 30) ? len : (1UL << 30);
	for (r = 0; r < rounds; r++) {
		double t0, t1, t2;
		long f0, f1;
		char *map;

		t0 = now_us();
		map = vfio_mmap_aligned(len, align, dev.fd, bar.offset);
		if (map == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		f0 = minflt();
		t1 = now_us();
		for (i = 0; i < len; i += pg)
			mmio_read8(map + i);
		t2 = now_us();
		f1 = minflt();
		munmap(map, len);
		printf("# METRIC ivshmem_%zuMiB_touch_minflt=%ld\n", len >> 20, f1 - f0);
		printf("# METRIC ivshmem_%zuMiB_touch_us=%.0f\n", len >> 20, t2 - t1);
		printf("# METRIC ivshmem_%zuMiB_map_touch_unmap_us=%.0f\n",
		       len >> 20, now_us() - t0);
	}
	vfio_pci_close(&dev);
	return 0;
}

static int bench_edu(int rounds)
{
	struct vfio_pci_dev dev;
	const int reads = 100000;
	char bdf[32];
	int r, i;

	if (vfio_pci_find(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)) ||
	    vfio_pci_open(&dev, bdf)) {
		fprintf(stderr, "no edu device\n");
		return 1;
	}
	for (r = 0; r < rounds; r++) {
		double t0, t1;
		char *bar;

		bar = vfio_pci_mmap(&dev, VFIO_PCI_BAR0_REGION_INDEX, NULL,
				    1 << 20, MAP_SHARED, 0);
		if (bar == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		t0 = now_us();
		for (i = 0; i < reads; i++)
			mmio_read32(bar + EDU_REG_ID);
		t1 = now_us();
		munmap(bar, 1 << 20);
		printf("# METRIC edu_mmio_read_ns=%.0f\n", (t1 - t0) * 1e3 / reads);
	}
	vfio_pci_close(&dev);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;

	return bench_ivshmem(rounds) | bench_edu(rounds);
}
