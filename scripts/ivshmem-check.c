// SPDX-License-Identifier: GPL-2.0-only
/*
 * ivshmem-check [-n] FILE SEED LENGTH [OFFSET INDEX]: verify on the host
 * that the guest wrote the selftests' pattern (vfio_pattern()) into an
 * ivshmem backing file; with -n, that no word of it is there (a write
 * that must not have landed).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_pci_util.h"

int main(int argc, char **argv)
{
	unsigned long long seed, len, off = 0, first = 0, i, n, bad = 0;
	const char *prog = argv[0];
	int fd, absent = 0;
	const uint64_t *p;
	struct stat st;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		absent = 1;
		argc--;
		argv++;
	}
	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: %s [-n] FILE SEED LENGTH [OFFSET INDEX]\n",
			prog);
		return 2;
	}
	seed = strtoull(argv[2], NULL, 0);
	len = strtoull(argv[3], NULL, 0);
	if (argc == 6) {
		off = strtoull(argv[4], NULL, 0);
		first = strtoull(argv[5], NULL, 0);
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[1]);
		return 2;
	}
	if (!len || len % 8 || off % 4096 ||
	    (unsigned long long)st.st_size < off + len) {
		fprintf(stderr, "%s: %lld bytes, cannot hold 0x%llx at 0x%llx\n",
			argv[1], (long long)st.st_size, len, off);
		return 1;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	n = len / 8;
	if (absent) {
		for (i = 0; i < n; i++)
			bad += p[i] == vfio_pattern(seed, first + i);
		if (bad) {
			fprintf(stderr, "%llu of %llu words hold the pattern that must not be there\n",
				bad, n);
			return 1;
		}
		printf("0x%llx bytes at 0x%llx hold none of the pattern\n",
		       len, off);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (p[i] == vfio_pattern(seed, first + i))
			continue;
		if (!bad++)
			fprintf(stderr, "first mismatch at 0x%llx: 0x%016llx, expected 0x%016llx\n",
				off + i * 8, (unsigned long long)p[i],
				(unsigned long long)vfio_pattern(seed, first + i));
	}
	if (bad) {
		fprintf(stderr, "%llu of %llu words differ\n", bad, n);
		return 1;
	}
	printf("0x%llx bytes at 0x%llx match\n", len, off);
	return 0;
}
