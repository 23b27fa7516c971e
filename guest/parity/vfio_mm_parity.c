// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_mm_parity: apply every mm operation a user may apply to a BAR
 * mapping, and print what the kernel answered, one "# PARITY op: result"
 * line each. Run on the unpatched base and on the series; the harness
 * compares the two lists line by line. Nothing here passes or fails on
 * its own: the results must only be the same on both kernels.
 *
 * Results hold no addresses or other values that differ between boots.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/iommufd.h>
#include <linux/pci_regs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "vfio_pci_util.h"

static long pg;
static struct vfio_pci_dev dev;
static struct vfio_region_info bar;
static uint64_t area;		/* BAR offset of the page used */
static const char *kind = "";	/* of mapping: prefixes the op names */

#define MAGIC	0x7061726974790000ULL
#define SZ_2M	0x200000UL

/* "op: ok ret=N [extra]" or "op: ERRNO". */
static void result(const char *op, long ret, const char *extra)
{
	if (ret < 0)
		printf("# PARITY %s%s: %s\n", kind, op,
		       strerrorname_np(errno) ?: "?");
	else
		printf("# PARITY %s%s: ok ret=%ld%s%s\n", kind, op, ret,
		       extra ? " " : "", extra ?: "");
	fflush(stdout);
}

static const char *data(uint64_t v)
{
	return v == MAGIC ? "data=ok" : "data=bad";
}

static char *map_bar(void)
{
	return vfio_pci_mmap(&dev, IVSHMEM_BAR, NULL, 4 * pg, MAP_SHARED, area);
}

static sigjmp_buf jmp;

static void on_sig(int sig)
{
	siglongjmp(jmp, sig);
}

/* Read the first word at @p: "data=ok", "SIGBUS" or "SIGSEGV". */
static const char *probe(const void *p)
{
	int sig = sigsetjmp(jmp, 1);

	if (sig)
		return sig == SIGBUS ? "SIGBUS" : "SIGSEGV";
	return data(mmio_read64(p));
}

static void proc_mem(char *map)
{
	uint64_t v = 0;
	int fd = open("/proc/self/mem", O_RDWR);

	result("proc_mem_read", pread(fd, &v, 8, (off_t)(uintptr_t)map),
	       data(v));
	result("proc_mem_write", pwrite(fd, &v, 8, (off_t)(uintptr_t)map),
	       NULL);
	close(fd);
}

static void process_vm(char *map)
{
	uint64_t v = 0;
	struct iovec local = { &v, 8 }, remote = { map, 8 };

	result("process_vm_readv", process_vm_readv(getpid(), &local, 1,
						    &remote, 1, 0), data(v));
	result("process_vm_writev", process_vm_writev(getpid(), &local, 1,
						      &remote, 1, 0), NULL);
}

static void pipes(char *map)
{
	struct iovec iov = { map, pg };
	uint64_t v = 0;
	long ret;
	int p[2];

	/* Non-blocking: the read must not wait for a write that failed. */
	if (pipe2(p, O_NONBLOCK))
		return;

	result("write_from_mapping", write(p[1], map, 8), NULL);
	ret = read(p[0], &v, 8);
	result("read_back", ret, data(v));
	result("vmsplice_gup", vmsplice(p[1], &iov, 1, 0), NULL);
	close(p[0]);
	close(p[1]);
}

static void direct_io(char *map)
{
	int fd = open("/tmp/parity-direct", O_RDWR | O_CREAT | O_DIRECT, 0600);
	long ret;

	result("open_o_direct", fd < 0 ? -1 : 0, NULL);
	if (fd < 0)
		return;
	ret = ftruncate(fd, pg);
	result("o_direct_write_from_mapping", ret ?: pwrite(fd, map, pg, 0),
	       NULL);
	result("o_direct_read_into_mapping", pread(fd, map + pg, pg, 0),
	       NULL);
	close(fd);
	unlink("/tmp/parity-direct");
}

static void futex_on_mapping(char *map)
{
	struct timespec ts = { 0, 1000 };

	result("futex_wait_shared", syscall(SYS_futex, map, FUTEX_WAIT, 1, &ts,
					    NULL, 0), NULL);
}

static void remaps(void)
{
	char *map = map_bar(), *dst, *moved;

	dst = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmio_read64(map);
	moved = mremap(map, 4 * pg, 4 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	result("mremap_move", moved == MAP_FAILED ? -1 : 0,
	       moved == MAP_FAILED ? NULL : probe(moved));
	if (moved != MAP_FAILED)
		map = moved;
	result("mremap_grow", mremap(map, 4 * pg, 8 * pg, 0) == MAP_FAILED ?
	       -1 : 0, NULL);
	result("mremap_shrink", mremap(map, 4 * pg, 2 * pg, 0) == MAP_FAILED ?
	       -1 : 0, probe(map));
	munmap(map, 4 * pg);
}

static void advice(void)
{
	static const struct { int advice; const char *name; } a[] = {
		{ MADV_NORMAL, "madvise_normal" },
		{ MADV_RANDOM, "madvise_random" },
		{ MADV_WILLNEED, "madvise_willneed" },
		{ MADV_DONTNEED, "madvise_dontneed" },
		{ MADV_FREE, "madvise_free" },
		{ MADV_COLD, "madvise_cold" },
		{ MADV_PAGEOUT, "madvise_pageout" },
		{ MADV_HUGEPAGE, "madvise_hugepage" },
		{ MADV_NOHUGEPAGE, "madvise_nohugepage" },
		{ MADV_DONTFORK, "madvise_dontfork" },
		{ MADV_DOFORK, "madvise_dofork" },
		{ MADV_DODUMP, "madvise_dodump" },
		{ MADV_DONTDUMP, "madvise_dontdump" },
		{ MADV_POPULATE_READ, "madvise_populate_read" },
		{ MADV_POPULATE_WRITE, "madvise_populate_write" },
		{ MADV_REMOVE, "madvise_remove" },
		{ MADV_WIPEONFORK, "madvise_wipeonfork" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		char *map = map_bar();

		mmio_read64(map);
		result(a[i].name, madvise(map, 4 * pg, a[i].advice),
		       probe(map));
		munmap(map, 4 * pg);
	}
}

static void locks(void)
{
	char *map = map_bar();

	result("mlock", mlock(map, 4 * pg), probe(map));
	result("munlock", munlock(map, 4 * pg), NULL);
	result("mlock2_onfault", syscall(SYS_mlock2, map, 4 * pg, 1),
	       probe(map));
	result("msync", msync(map, 4 * pg, MS_SYNC), NULL);
	result("mprotect_read", mprotect(map, pg, PROT_READ), probe(map));
	result("mprotect_exec", mprotect(map, pg, PROT_READ | PROT_EXEC),
	       NULL);
	munmap(map, 4 * pg);
}

static void forked(void)
{
	char *map = map_bar();
	int st = 0;
	pid_t pid;

	mmio_read64(map);
	pid = fork();
	if (pid == 0)
		_exit(strcmp(probe(map), "data=ok") ? 1 : 0);
	waitpid(pid, &st, 0);
	result("fork_child_reads", WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1,
	       NULL);
	munmap(map, 4 * pg);
}

/* Dump core with a BAR mapping; report its program header. */
static void core_dump(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char buf[128];
	uintptr_t at;
	int p[2], st, fd;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	pid_t pid;
	int i;

	fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
	if (fd < 0 || write(fd, "/tmp/parity-core", 16) != 16) {
		result("core_dump", -1, NULL);
		return;
	}
	close(fd);
	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		char *map = map_bar();

		setrlimit(RLIMIT_CORE, &rl);
		mmio_read64(map);
		at = (uintptr_t)map;
		if (write(p[1], &at, sizeof(at)) != sizeof(at))
			_exit(1);
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	if (read(p[0], &at, sizeof(at)) != sizeof(at))
		at = 0;
	waitpid(pid, &st, 0);
	if (!WIFSIGNALED(st) || !WCOREDUMP(st)) {
		result("core_dump", -1, "no core");
		return;
	}
	fd = open("/tmp/parity-core", O_RDONLY);
	if (fd < 0 || read(fd, &eh, sizeof(eh)) != sizeof(eh)) {
		result("core_dump", -1, NULL);
		return;
	}
	snprintf(buf, sizeof(buf), "no segment for the mapping");
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    sizeof(ph))
			break;
		if (ph.p_type == PT_LOAD && ph.p_vaddr == at)
			snprintf(buf, sizeof(buf), "filesz=%llu memsz=%llu",
				 (unsigned long long)ph.p_filesz,
				 (unsigned long long)ph.p_memsz);
	}
	close(fd);
	unlink("/tmp/parity-core");
	result("core_dump", 0, buf);
}

/* What QEMU does for every BAR: map it for DMA by address. */
static void dma_map(void)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = 1ULL << 32,
		.size = 4 * pg,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = 1ULL << 32, .size = 4 * pg,
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_ioas_map imap = {
		.size = sizeof(imap),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.length = 4 * pg,
		.iova = 1ULL << 32,
	};
	char *bmap = map_bar();
	int fd;

	mmio_read64(bmap);
	map.vaddr = (uintptr_t)bmap;
	result("vfio_iommu_map_dma", ioctl(dev.container, VFIO_IOMMU_MAP_DMA,
					   &map), NULL);
	ioctl(dev.container, VFIO_IOMMU_UNMAP_DMA, &unmap);

	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0 || ioctl(fd, IOMMU_IOAS_ALLOC, &alloc)) {
		result("iommu_ioas_map", -1, "no iommufd");
	} else {
		imap.ioas_id = alloc.out_ioas_id;
		imap.user_va = (uintptr_t)bmap;
		result("iommu_ioas_map", ioctl(fd, IOMMU_IOAS_MAP, &imap),
		       NULL);
	}
	if (fd >= 0)
		close(fd);
	munmap(bmap, 4 * pg);
}

/* edu's DMA engine: between its buffer and bus addresses (IOVAs). */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_BUFFER	0x40000
#define EDU_DMA_LEN	0x800	/* QEMU 7.2 refuses a whole 4 KiB */
#define PEER_SRC_IOVA	0x200000
#define PEER_IOVA	0x100000

static void edu_dma(char *regs, uint64_t src, uint64_t dst, uint64_t cmd)
{
	int i;

	mmio_write64(regs + EDU_DMA_SRC, src);
	mmio_write64(regs + EDU_DMA_DST, dst);
	mmio_write64(regs + EDU_DMA_COUNT, EDU_DMA_LEN);
	mmio_write64(regs + EDU_DMA_CMD, cmd | 1);
	for (i = 0; i < 10000 && mmio_read64(regs + EDU_DMA_CMD) & 1; i++)
		usleep(1000);
}

static int edu_map(struct vfio_pci_dev *edu, void *va, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va, .iova = iova, .size = pg,
	};

	return ioctl(edu->container, VFIO_IOMMU_MAP_DMA, &map);
}

/* How many words of the page at @p hold edu's pattern. */
static unsigned int landed(char *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < EDU_DMA_LEN / 8; i++)
		n += mmio_read64(p + 8 * i) == vfio_pattern(0x5a, i);
	return n;
}

static void zero(char *p)
{
	unsigned int i;

	for (i = 0; i < EDU_DMA_LEN / 8; i++)
		mmio_write64(p + 8 * i, 0);
}

/*
 * Peer-to-peer as QEMU sets it up: edu, in a container of its own, maps
 * a BAR page by the address of its mapping and DMAs into it. Then the
 * same for a mapping of an exported dma-buf, which the series refuses
 * and the base does not have (its export fails; nothing is printed).
 */
static void peer_dma(void)
{
	struct vfio_region_dma_range r = {
		.offset = area + 4 * pg, .length = pg,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = PEER_IOVA, .size = pg,
	};
	char bdf[32], buf[64], *regs, *bmap, *dmap;
	struct vfio_pci_dev edu;
	uint64_t *src;
	uint16_t cmd;
	int dbuf, i;
	long ret;

	if (vfio_pci_find(EDU_VENDOR, EDU_DEVICE, bdf, sizeof(bdf)) ||
	    vfio_pci_open(&edu, bdf)) {
		result("peer_dma_bar_mmap", -1, NULL);
		return;
	}
	vfio_pci_cfg_read16(&edu, PCI_COMMAND, &cmd);
	vfio_pci_cfg_write16(&edu, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
	regs = vfio_pci_mmap(&edu, 0, NULL, pg, MAP_SHARED, 0);
	src = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < EDU_DMA_LEN / 8; i++)
		src[i] = vfio_pattern(0x5a, i);
	edu_map(&edu, src, PEER_SRC_IOVA);
	edu_dma(regs, PEER_SRC_IOVA, EDU_DMA_BUFFER, 0);

	bmap = map_bar();
	zero(bmap);
	ret = edu_map(&edu, bmap, PEER_IOVA);
	edu_dma(regs, EDU_DMA_BUFFER, PEER_IOVA, 2);
	snprintf(buf, sizeof(buf), "landed=%u/%d", landed(bmap),
		 EDU_DMA_LEN / 8);
	result("peer_dma_bar_mmap", ret, buf);
	ioctl(edu.container, VFIO_IOMMU_UNMAP_DMA, &unmap);
	munmap(bmap, 4 * pg);

	dbuf = vfio_pci_dma_buf_export(&dev, IVSHMEM_BAR, &r, 1, O_RDWR);
	if (dbuf >= 0) {
		bmap = vfio_pci_mmap(&dev, IVSHMEM_BAR, NULL, pg, MAP_SHARED,
				     area + 4 * pg);
		zero(bmap);
		dmap = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED,
			    dbuf, 0);
		mmio_read64(dmap);
		ret = edu_map(&edu, dmap, PEER_IOVA);
		result("peer_dma_dmabuf_mmap_map", ret, NULL);
		/* The owner takes the buffer back: the DMA must not land. */
		vfio_pci_dma_buf_revoke(&dev, dbuf);
		edu_dma(regs, EDU_DMA_BUFFER, PEER_IOVA, 2);
		snprintf(buf, sizeof(buf), "landed=%u/%d", landed(bmap),
			 EDU_DMA_LEN / 8);
		result("peer_dma_dmabuf_mmap_revoked", 0, buf);
		if (!ret)
			ioctl(edu.container, VFIO_IOMMU_UNMAP_DMA, &unmap);
		munmap(dmap, pg);
		munmap(bmap, pg);
		close(dbuf);
	}
	munmap(src, pg);
	munmap(regs, pg);
	vfio_pci_close(&edu);
}

/*
 * pagemap: the page walk reports a VM_PFNMAP mapping as a hole (not
 * present) on both kernels; a frame would show as relative to the BAR.
 */
static void pagemap(char *map)
{
	uint64_t ent = 0, start;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	char buf[64];
	long ret;

	probe(map);
	ret = pread(fd, &ent, 8, (uintptr_t)map / pg * 8);
	close(fd);
	if (ret != 8 || pci_bar_start(dev.bdf, IVSHMEM_BAR, &start)) {
		result("pagemap", -1, NULL);
		return;
	}
	/* Present, and the frame relative to the mapped BAR page. */
	snprintf(buf, sizeof(buf), "present=%d frame=%+lld",
		 !!(ent & (1ULL << 63)),
		 (long long)(ent & ((1ULL << 55) - 1)) -
		 (long long)((start + area) / pg));
	result("pagemap", 0, buf);
}

/* Reach the mapping at @map by every route that does not fault on it. */
static void reach(char *map)
{
	proc_mem(map);
	process_vm(map);
	pipes(map);
	direct_io(map);
	futex_on_mapping(map);
	pagemap(map);
}

/* Map 2 MiB of @fd at @off to an aligned address (a PMD) and reach it. */
static void reach_2m(int fd, off_t off)
{
	char *map = vfio_mmap_aligned(SZ_2M, SZ_2M, fd, off);

	if (map == MAP_FAILED) {
		result("mmap", -1, NULL);
		return;
	}
	result("mmap", 0, probe(map));
	reach(map);
	munmap(map, SZ_2M);
}

/*
 * The same routes through a BAR mapping of 2 MiB at an aligned address
 * (a PMD), through a mapping whose device has memory decode off (the
 * answers of a revoked mapping), and (series only) through the mapping
 * of an exported buffer of the same 2 MiB: scripts/parity.sh holds that
 * one to the base's answers for the BAR's PMD mapping.
 */
static void huge_and_off(void)
{
	struct vfio_region_dma_range r = { .offset = area, .length = SZ_2M };
	char *map;
	int buf, ret;

	kind = "pmd_";
	reach_2m(dev.fd, bar.offset + area);

	kind = "off_";
	map = map_bar();
	probe(map);
	ret = vfio_pci_set_memory_enable(&dev, false);
	result("memory_off", ret, probe(map));
	reach(map);
	ret = vfio_pci_set_memory_enable(&dev, true);
	result("memory_on", ret, probe(map));
	munmap(map, 4 * pg);

	kind = "buf_";
	buf = vfio_pci_dma_buf_export(&dev, IVSHMEM_BAR, &r, 1, O_RDWR);
	if (buf >= 0) {
		reach_2m(buf, 0);
		close(buf);
	}
	kind = "";
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sig };
	char bdf[32], *map;

	pg = sysconf(_SC_PAGESIZE);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	if (vfio_pci_find(IVSHMEM_VENDOR, IVSHMEM_DEVICE, bdf, sizeof(bdf)) ||
	    vfio_pci_open(&dev, bdf) ||
	    vfio_pci_region_info(&dev, IVSHMEM_BAR, &bar)) {
		printf("# PARITY setup: no ivshmem device\n");
		return 1;
	}
	area = bar.size / 2;
	map = map_bar();
	if (map == MAP_FAILED) {
		printf("# PARITY setup: mmap failed\n");
		return 1;
	}
	mmio_write64(map, MAGIC);
	mmio_write64(map + 8, 1);

	reach(map);
	huge_and_off();
	remaps();
	advice();
	locks();
	forked();
	core_dump();
	dma_map();
	peer_dma();
	munmap(map, 4 * pg);
	vfio_pci_close(&dev);
	printf("# PARITY done\n");
	return 0;
}
