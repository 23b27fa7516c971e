// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_bar_bench: numbers for make bench, not a test. Maps the ivshmem BAR
 * (whole, at an aligned address) and edu BAR0 through vfio-pci and reports
 * the cost of first touch (faults, time) for 2 MiB, 64 MiB and 1 GiB, at
 * aligned and at unaligned BAR offsets, of mmap+munmap, of MMIO reads, of
 * dma-buf export+close, the slab memory of 1000 live BAR mappings, and
 * the cost of revoking one buffer while 1, 100 or 1000 other mappings live,
 * and the first touch of a buffer of 65536 ranges against one range.
 * Output: "# METRIC name=value" lines, one per measurement and round.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_pci_util.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * First touch of every page of [map, map + len): microseconds taken, and
 * the minor faults in *@faults.
 */
static double touch_pages(const char *map, size_t len, long pg, long *faults)
{
	double t0, t;
	long f0;
	size_t i;

	f0 = vfio_minflt();
	t0 = now_us();
	for (i = 0; i < len; i += pg)
		mmio_read8(map + i);
	t = now_us() - t0;
	*faults = vfio_minflt() - f0;
	return t;
}

static int bench_ivshmem(int rounds)
{
	struct vfio_region_info bar;
	struct vfio_pci_dev dev;
	long pg = sysconf(_SC_PAGESIZE);
	size_t len, align;
	int r;

	if (vfio_pci_open_first_region(&dev, IVSHMEM_VENDOR, IVSHMEM_DEVICE,
				       IVSHMEM_BAR, &bar)) {
		fprintf(stderr, "no ivshmem device\n");
		return 1;
	}
	len = bar.size;
	align = len < (1UL << 30) ? len : (1UL << 30);
	for (r = 0; r < rounds; r++) {
		double t0, us;
		long faults;
		char *map;

		t0 = now_us();
		map = vfio_mmap_aligned(len, align, dev.fd, bar.offset);
		if (map == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		us = touch_pages(map, len, pg, &faults);
		munmap(map, len);
		printf("# METRIC ivshmem_%zuMiB_touch_minflt=%ld\n", len >> 20, faults);
		printf("# METRIC ivshmem_%zuMiB_touch_us=%.0f\n", len >> 20, us);
		printf("# METRIC ivshmem_%zuMiB_map_touch_unmap_us=%.0f\n",
		       len >> 20, now_us() - t0);
	}
	vfio_pci_close(&dev);
	return 0;
}

/* First touch of @len bytes at BAR offset @off, at an aligned address. */
static void touch(struct vfio_pci_dev *dev, struct vfio_region_info *bar,
		  size_t len, size_t off, const char *name)
{
	size_t align = len < (1UL << 30) ? len : (1UL << 30);
	long pg = sysconf(_SC_PAGESIZE), faults;
	char *map;
	double us;

	if (off + len > bar->size)
		return;
	map = vfio_mmap_aligned(len, align, dev->fd, bar->offset + off);
	if (map == MAP_FAILED)
		return;
	us = touch_pages(map, len, pg, &faults);
	munmap(map, len);
	printf("# METRIC touch_%zuMiB_%s_minflt=%ld\n", len >> 20, name, faults);
	printf("# METRIC touch_%zuMiB_%s_us=%.0f\n", len >> 20, name, us);
}

static long slab_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int bench_sizes(int rounds)
{
	struct vfio_region_info bar;
	struct vfio_pci_dev dev;
	long pg = sysconf(_SC_PAGESIZE);
	int r;

	if (vfio_pci_open_first_region(&dev, IVSHMEM_VENDOR, IVSHMEM_DEVICE,
				       IVSHMEM_BAR, &bar))
		return 1;
	for (r = 0; r < rounds; r++) {
		/*
		 * Unaligned: a page into the BAR at an aligned address, so
		 * that address and physical address never agree; the
		 * biggest such span is half the BAR.
		 */
		touch(&dev, &bar, 2UL << 20, 0, "aligned");
		touch(&dev, &bar, 2UL << 20, pg, "unaligned");
		touch(&dev, &bar, 64UL << 20, 0, "aligned");
		touch(&dev, &bar, 64UL << 20, pg, "unaligned");
		touch(&dev, &bar, 1UL << 30, 0, "aligned");
		touch(&dev, &bar, bar.size / 2, pg, "unaligned");
	}
	vfio_pci_close(&dev);
	return 0;
}

/* mmap+munmap of one page of a BAR, and dma-buf export+close, per second. */
static int bench_cycles(int rounds)
{
	struct vfio_region_dma_range range = { 0 };
	const int n = 2000, live = 8000;
	static char *maps[8000];
	struct vfio_pci_dev dev;
	long pg = sysconf(_SC_PAGESIZE), s0, s1;
	double t0;
	int r, i;

	if (vfio_pci_open_first(&dev, EDU_VENDOR, EDU_DEVICE))
		return 1;
	range.length = pg;
	for (r = 0; r < rounds; r++) {
		double in_mmap = 0, t1;

		t0 = now_us();
		for (i = 0; i < n; i++) {
			char *bar;

			t1 = now_us();
			bar = vfio_pci_mmap(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					    NULL, pg, MAP_SHARED, 0);
			in_mmap += now_us() - t1;
			if (bar == MAP_FAILED)
				return 1;
			munmap(bar, pg);
		}
		t1 = now_us() - t0;
		printf("# METRIC bar_mmap_munmap_per_s=%.0f\n", n / (t1 / 1e6));
		/* Split: mmap() alone, and munmap() with the release it causes. */
		printf("# METRIC bar_mmap_us=%.2f\n", in_mmap / n);
		printf("# METRIC bar_munmap_us=%.2f\n", (t1 - in_mmap) / n);

		t0 = now_us();
		for (i = 0; i < n; i++) {
			int fd = vfio_pci_dma_buf_export(&dev,
							 VFIO_PCI_BAR0_REGION_INDEX,
							 &range, 1, O_RDWR);

			if (fd < 0)
				break;
			close(fd);
		}
		if (i == n)
			printf("# METRIC dmabuf_export_close_per_s=%.0f\n",
			       n / ((now_us() - t0) / 1e6));

		/*
		 * Slab memory of live, touched BAR mappings, per 1000: 8000 of
		 * them, so that partly filled slabs do not dominate.
		 */
		s0 = slab_kb();
		for (i = 0; i < live; i++) {
			maps[i] = vfio_pci_mmap(&dev, VFIO_PCI_BAR0_REGION_INDEX,
						NULL, pg, MAP_SHARED, 0);
			if (maps[i] == MAP_FAILED)
				return 1;
			mmio_read32(maps[i]);
		}
		s1 = slab_kb();
		for (i = 0; i < live; i++)
			munmap(maps[i], pg);
		printf("# METRIC slab_kb_per_1000_bar_mappings=%ld\n",
		       (s1 - s0) * 1000 / live);
	}
	vfio_pci_close(&dev);
	return 0;
}

static int bench_edu(int rounds)
{
	struct vfio_pci_dev dev;
	const int reads = 100000;
	int r, i;

	if (vfio_pci_open_first(&dev, EDU_VENDOR, EDU_DEVICE)) {
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

/* Minor faults taken by touching the first byte of each of @maps. */
static long touch_all(char **maps, int n)
{
	long f0 = vfio_minflt();
	int i;

	for (i = 0; i < n; i++)
		mmio_read8(maps[i]);
	return vfio_minflt() - f0;
}

/*
 * The cost of taking one buffer back while @n other mappings of the same
 * device are live and touched: on the series, revoking the buffer
 * (feature 14) zaps its own mappings only, so it should cost the same for
 * every @n and leave the others' page table entries alone; on the base the
 * only way is to turn memory decode off and on again, which zaps every
 * mapping of the device (reported on both, with the refaults it causes).
 */
static int bench_revoke(int rounds)
{
	static const int sizes[] = { 1, 100, 1000 };
	struct vfio_region_dma_range range = { 0 };
	static char *maps[1000];
	struct vfio_region_info bar;
	struct vfio_pci_dev dev;
	long pg = sysconf(_SC_PAGESIZE);
	int r, k, i, buf, ret;
	double t0, t1;
	char *map;

	if (vfio_pci_open_first_region(&dev, IVSHMEM_VENDOR, IVSHMEM_DEVICE,
				       IVSHMEM_BAR, &bar))
		return 1;
	range.offset = bar.size / 2;
	range.length = pg;
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < 3; k++) {
			int n = sizes[k];

			for (i = 0; i < n; i++) {
				maps[i] = vfio_pci_mmap(&dev, IVSHMEM_BAR, NULL,
							pg, MAP_SHARED,
							bar.size / 2 + i * pg);
				if (maps[i] == MAP_FAILED)
					return 1;
			}
			touch_all(maps, n);

			buf = vfio_pci_dma_buf_export(&dev, IVSHMEM_BAR, &range,
						      1, O_RDWR);
			if (buf >= 0) {
				map = vfio_dma_buf_mmap(buf, pg, MAP_SHARED, 0);
				if (map == MAP_FAILED)
					return 1;
				mmio_read32(map);
				t0 = now_us();
				ret = vfio_pci_dma_buf_revoke(&dev, buf);
				t1 = now_us();
				if (!ret) {
					printf("# METRIC revoke_one_us_with_%d_others=%.1f\n",
					       n, t1 - t0);
					printf("# METRIC revoke_one_refaults_of_%d_others=%ld\n",
					       n, touch_all(maps, n));
				}
				munmap(map, pg);
				close(buf);
			}

			t0 = now_us();
			if (vfio_pci_set_memory_enable(&dev, false) ||
			    vfio_pci_set_memory_enable(&dev, true))
				return 1;
			t1 = now_us();
			printf("# METRIC decode_toggle_us_with_%d_mappings=%.1f\n",
			       n, t1 - t0);
			printf("# METRIC decode_toggle_refaults_of_%d_mappings=%ld\n",
			       n, touch_all(maps, n));
			for (i = 0; i < n; i++)
				munmap(maps[i], pg);
		}
	}
	vfio_pci_close(&dev);
	return 0;
}

/* Map @len bytes of dma-buf @fd, touch each page: us taken, or -1. */
static double touch_buf(int fd, size_t len, long pg, long *faults)
{
	char *map;
	double t;

	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	t = touch_pages(map, len, pg, faults);
	munmap(map, len);
	return t;
}

/*
 * First touch, page by page, of a 256 MiB dma-buf made of 65536 ranges of
 * one page against one of a single range over the same pages (BAR offset
 * one page, so that neither can take a PMD): a fault finds its range by
 * binary search, so the many ranges may cost little more. Needs a BAR of
 * more than 256 MiB (the 1 GiB ivshmem), and the series (the export).
 */
static int bench_ranges(int rounds)
{
	const uint32_t n = 65536;
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)n * pg, i;
	struct vfio_region_dma_range *r, one;
	double t_many, t_one;
	struct vfio_region_info bar;
	struct vfio_pci_dev dev;
	int k, many_fd, one_fd;
	long f_many, f_one;

	if (vfio_pci_open_first_region(&dev, IVSHMEM_VENDOR, IVSHMEM_DEVICE,
				       IVSHMEM_BAR, &bar))
		return 1;
	if (bar.size <= len + pg) {
		vfio_pci_close(&dev);
		return 0;
	}
	r = calloc(n, sizeof(*r));
	if (!r)
		return 1;
	for (i = 0; i < n; i++) {
		r[i].offset = pg + i * pg;
		r[i].length = pg;
	}
	one.offset = pg;
	one.length = len;
	for (k = 0; k < rounds; k++) {
		many_fd = vfio_pci_dma_buf_export(&dev, IVSHMEM_BAR, r, n, O_RDWR);
		one_fd = vfio_pci_dma_buf_export(&dev, IVSHMEM_BAR, &one, 1,
						 O_RDWR);
		if (many_fd < 0 || one_fd < 0) {
			/* The base has no export (ENOTTY). */
			printf("# bench_ranges: export: %d, %d\n", many_fd,
			       one_fd);
			break;
		}

		t_many = touch_buf(many_fd, len, pg, &f_many);
		t_one = touch_buf(one_fd, len, pg, &f_one);
		if (t_many < 0 || t_one < 0)
			return 1;
		close(many_fd);
		close(one_fd);

		printf("# METRIC touch_256MiB_65536_ranges_us=%.0f\n", t_many);
		printf("# METRIC touch_256MiB_1_range_us=%.0f\n", t_one);
		printf("# METRIC touch_256MiB_65536_ranges_minflt=%ld\n", f_many);
		printf("# METRIC touch_256MiB_1_range_minflt=%ld\n", f_one);
		printf("# METRIC touch_65536_ranges_over_1_range_pct=%.1f\n",
		       100 * t_many / t_one);
	}
	free(r);
	vfio_pci_close(&dev);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;

	/* "cycles": only the mmap, export and slab figures (quick runs). */
	if (argc > 2 && !strcmp(argv[2], "cycles"))
		return bench_cycles(rounds);
	/* "ranges": only the many-ranges first touch. */
	if (argc > 2 && !strcmp(argv[2], "ranges"))
		return bench_ranges(rounds);
	return bench_ivshmem(rounds) | bench_edu(rounds) |
	       bench_sizes(rounds) | bench_cycles(rounds) |
	       bench_revoke(rounds) | bench_ranges(rounds);
}
