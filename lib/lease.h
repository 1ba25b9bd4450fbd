/* lease.h — one worker per data directory. The lease is an exclusive
 * flock on DATA_DIR/confabd.lock: the kernel drops it when the worker
 * dies, however it dies, so no lease is ever left stale. */
#ifndef CONFAB_LEASE_H
#define CONFAB_LEASE_H

/* Take the lease: the open fd (keep it open), or -1 if another process
 * holds it (wait=0) or on error. With wait=1, blocks until it is free. */
int lease_acquire(const char *data_dir, int wait);

/* Give the lease back: empty the pid it records, then close fd. */
void lease_release(int fd);

/* 1 if some process holds the lease now. */
int lease_held(const char *data_dir);

/* Where no service may run (shared hosting): when nobody holds the lease,
 * start `worker --idle-exit SECONDS` detached (its own session, output to
 * DATA_DIR/log/confabd.log). Racing starters are harmless: the loser of
 * the lease exits at once. 0 if a worker runs or was started. */
int lease_start_worker(const char *data_dir, const char *worker, int idle_exit_s);

#endif
