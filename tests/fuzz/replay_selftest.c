/* replay_selftest.c — a fuzz target that fails on purpose, for
 * replay-selftest.sh: an input starting "abort" aborts, "segv" writes
 * through NULL, "exit" exits 3, "hang" never returns; any other passes. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int starts(const uint8_t *data, size_t size, const char *word)
{
	return size >= strlen(word) && memcmp(data, word, strlen(word)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (starts(data, size, "abort"))
		abort();
	if (starts(data, size, "segv"))
		raise(SIGSEGV);
	if (starts(data, size, "exit"))
		exit(3);
	if (starts(data, size, "hang"))
		for (;;)
			pause();
	return 0;
}
