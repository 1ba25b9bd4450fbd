/* replay.c — a main for a fuzz target outside libFuzzer, as `make check`
 * runs them (SQLite's fuzzcheck, libFuzzer's StandaloneFuzzTargetMain):
 * every file named, or in a directory named, goes once through
 * LLVMFuzzerTestOneInput. With no arguments, the target's checked-in corpus:
 * $srcdir/tests/fuzz/corpus/NAME, NAME being the program's own.
 *
 * Each input runs in a child process, so an abort, a crash, a sanitizer
 * report or a hang (FUZZ_REPLAY_TIMEOUT seconds, default 10) fails the
 * replay with the input's name, and the other inputs still run. Exits 0
 * when every input passed, 1 otherwise. FUZZ_REPLAY_FORK=0 runs them in
 * this process instead, for a debugger. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *prog;
static unsigned timeout_s = 10;
static int ran, failed, in_process;

/* The whole of path in a malloc'd block of exactly its size (so ASan sees
 * a read past it), or NULL with *n untouched. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc(len ? (size_t)len : 1);
		if (data && fread(data, 1, (size_t)len, f) != (size_t)len) {
			free(data);
			data = NULL;
		}
		*n = (size_t)len;
	}
	fclose(f);
	return data;
}

static void fail(const char *path, const char *why)
{
	fprintf(stderr, "%s: FAIL on %s: %s\n", prog, path, why);
	failed++;
}

/* One input through the target: 0, or 2 when it cannot be read. */
static int run_input(const char *path)
{
	size_t n = 0;
	uint8_t *data = slurp(path, &n);

	if (!data) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, path, strerror(errno));
		return 2;
	}
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static void run_file(const char *path)
{
	int status;
	pid_t pid;
	char why[64];

	ran++;
	if (in_process) {
		if (run_input(path))
			fail(path, "unreadable");
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fail(path, strerror(errno));
		return;
	}
	if (pid == 0) {
		alarm(timeout_s);
		exit(run_input(path));    /* exit, not _exit: a leak checker runs at exit */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fail(path, strerror(errno));
			return;
		}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(why, sizeof why, "no answer in %u s", timeout_s);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
	else
		return;
	fail(path, why);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or each file of a directory in name order (dot files skipped). */
static void run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (stat(path, &st) != 0) {
		fail(path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if (!(d = opendir(path))) {
		fail(path, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		char **more;
		if (e->d_name[0] == '.')
			continue;
		more = realloc(names, (n + 1) * sizeof *names);
		if (!more || !(more[n] = malloc(strlen(path) + strlen(e->d_name) + 2))) {
			names = more ? more : names;
			fail(path, "out of memory");
			break;
		}
		names = more;
		sprintf(names[n++], "%s/%s", path, e->d_name);
	}
	closedir(d);
	if (n == 0)
		fail(path, "an empty corpus");
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		run_path(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *t = getenv("FUZZ_REPLAY_TIMEOUT"), *f = getenv("FUZZ_REPLAY_FORK");

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	in_process = f && strcmp(f, "0") == 0;
	if (t && atoi(t) > 0)
		timeout_s = (unsigned)atoi(t);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_path(argv[i]);
	} else {
		const char *srcdir = getenv("srcdir");
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", srcdir ? srcdir : ".", prog);
		run_path(dir);
	}
	printf("%s: %d inputs, %d failed\n", prog, ran, failed);
	return failed ? 1 : 0;
}
