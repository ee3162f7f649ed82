/*
 * fill_order.c: does the order in which two /dev/shm files are filled change how fast they read?
 *
 * Not part of the harness; it explains the harness's default of an even --reps (README, "Prepare order").
 * No PMDK and no .NET: two files of SIZE_MIB each are created, mapped and filled one after the other, then read
 * alternately (A B, B A, ...) ROUNDS times in CHUNK-byte pieces copied into a small buffer, like log_walk.
 *
 *   gcc -O2 -o /tmp/fill_order bench/Pmdk.PmemBench/Native/fill_order.c
 *   /tmp/fill_order 4096 1024 10      # CHUNK SIZE_MIB ROUNDS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static char *map_file(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
		perror(path);
		exit(1);
	}
	char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return m;
}

static void fill(char *m, size_t size)
{
	for (size_t i = 0; i < size; i += sizeof(long))
		*(long *)(m + i) = (long)(i * 77);
}

/* The callback's work in log_walk: copy each chunk into a DRAM buffer. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

static double read_all(const char *m, size_t size, size_t chunk, char *sink)
{
	double t0 = seconds();
	for (size_t off = 0; off + chunk <= size; off += chunk)
		copy(sink, m + off, chunk);
	return size / (seconds() - t0) / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s CHUNK SIZE_MIB ROUNDS\n", argv[0]);
		return 2;
	}
	size_t chunk = strtoul(argv[1], NULL, 10);
	size_t size = strtoul(argv[2], NULL, 10) << 20;
	int rounds = atoi(argv[3]);
	if (chunk == 0 || size < chunk || rounds < 1) {
		fprintf(stderr, "%s: need CHUNK > 0, SIZE_MIB MiB >= CHUNK and ROUNDS >= 1\n", argv[0]);
		return 2;
	}
	const char *paths[2] = { "/dev/shm/fill_order.first", "/dev/shm/fill_order.second" };
	char *m[2];
	for (int f = 0; f < 2; f++) {
		m[f] = map_file(paths[f], size);
		fill(m[f], size);
	}
	char *sink = aligned_alloc(64, (chunk + 63) & ~(size_t)63); /* C11: a multiple of the alignment */
	if (sink == NULL) {
		perror("aligned_alloc");
		return 1;
	}
	double sum[2] = { 0, 0 };
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < 2; k++) {
			int f = (r % 2 == 0) ? k : 1 - k;
			sum[f] += read_all(m[f], size, chunk, sink);
		}
	printf("chunk %zu, 2 x %zu MiB: filled first %.2f GB/s, filled second %.2f GB/s (mean of %d reads each)\n",
	       chunk, size >> 20, sum[0] / rounds, sum[1] / rounds, rounds);
	for (int f = 0; f < 2; f++) {
		munmap(m[f], size);
		unlink(paths[f]);
	}
	free(sink);
	return 0;
}
