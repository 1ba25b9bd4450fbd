/* lease.c — see lease.h. */
#include "lease.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int open_lock(const char *data_dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/confabd.lock", data_dir);
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

int lease_acquire(const char *data_dir, int wait)
{
	int fd = open_lock(data_dir);
	char pid[32];
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
		close(fd);
		return -1;
	}
	/* The holder's pid, for people reading the file. */
	if (ftruncate(fd, 0) == 0) {
		int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
		if (pwrite(fd, pid, (size_t)n, 0) != n)
			log_warn("cannot record the pid in the lease file");
	}
	return fd;
}

void lease_release(int fd)
{
	/* No stale pid for a reader of the file (stop scripts kill it). */
	if (ftruncate(fd, 0) != 0)
		log_warn("cannot clear the pid in the lease file");
	close(fd);
}

int lease_held(const char *data_dir)
{
	int fd = open_lock(data_dir), held;
	if (fd < 0)
		return 0;
	held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);  /* closing drops the lock if we took it */
	return held;
}

int lease_start_worker(const char *data_dir, const char *worker, int idle_exit_s)
{
	char idle[16], logpath[4096];
	pid_t pid;
	if (lease_held(data_dir))
		return 0;
	snprintf(idle, sizeof idle, "%d", idle_exit_s);
	snprintf(logpath, sizeof logpath, "%s/log/confabd.log", data_dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* Double fork: the worker is nobody's child, so the responder
		 * never has to reap it, and setsid detaches it from the server. */
		int fd;
		if (fork() != 0)
			_exit(0);
		setsid();
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0)
			fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		/* Nothing of the responder's (its FastCGI socket, its database
		 * files) may live on in the worker. */
		for (int i = 3; i < 1024; i++)
			close(i);
		execl(worker, worker, "--idle-exit", idle, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
