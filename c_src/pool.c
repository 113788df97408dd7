/*
 * pool.c - the engine's helper threads: fork-join over numbered chunks.
 *
 * gl_parallel(n, fn, ctx) runs fn(ctx, i, thread) for i = 0 ... n-1 and
 * returns when all have run (thread: 0 for the caller, k for helper k, for
 * per-thread scratch).  A call made from inside a chunk runs serially.  The
 * calling thread takes chunks too; each thread starts on a run of its own
 * and then takes any chunk not yet started, so a helper that is slow to wake
 * (descheduled, or still asleep) only means the others do more.
 * Which thread runs a chunk never changes what the chunk computes: the
 * kernels split their output (rows or columns of a product), never a sum, so
 * every thread count gives the same bits (tests/c/test_engine.c and the node
 * parity test check it).
 *
 * Helpers spin for a while after each job (a training step is a string of
 * products microseconds apart), then sleep on a condition variable; an idle
 * engine costs no CPU.  The pool is process-wide and grows on demand up to
 * GL_MAX_THREADS; gl_threads_set(1) (the default) leaves any helpers asleep.
 *
 * Built without GL_THREADS (the single-threaded WebAssembly build, which
 * needs no SharedArrayBuffer), gl_threads_max() is 1 and gl_parallel is a
 * plain loop.
 */
#include <stdio.h>

#include "gl_internal.h"

static char thread_err[160];

const char *gl_threads_errmsg(void) { return thread_err; }

#ifndef GL_THREADS

int gl_threads_max(void) { return 1; }
int gl_threads_get(void) { return 1; }
int gl_threads_set(int n) {
  if (n == 1) return GL_OK;
  snprintf(thread_err, sizeof thread_err,
           "threads: %d requested, but this build of the engine runs on one thread", n);
  return GL_EINVAL;
}
void gl_parallel(int n, gl_chunk_fn fn, void *ctx) {
  for (int i = 0; i < n; i++) fn(ctx, i, 0);
}

#else /* GL_THREADS */

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* spins (about 100 us) before a helper goes to sleep */
#define SPIN (1 << 17)
/* chunks a job may have (layers: depth <= 1000 + 2); more run serially */
#define MAX_CHUNKS 4096

/* A job is published through seq, a sequence lock: odd while the caller
 * writes the job's fields, even (2 x the job number) once they are set.  A
 * helper copies the fields between two equal even reads of seq.  Each chunk
 * is claimed by writing the job number into claim[chunk] (numbers only
 * grow), so a chunk runs once, and a helper holding an old job's copy cannot
 * claim anything of it once that job is over: every chunk already carries
 * that job's number or a later one. */
static struct {
  _Atomic int want;              /* threads in use, the caller included */
  int started;                   /* helpers running */
  pthread_t tid[GL_MAX_THREADS];
  _Atomic int n, t;              /* the job: chunks, threads */
  _Atomic(gl_chunk_fn) fn;
  _Atomic(void *) ctx;
  _Alignas(64) _Atomic uint64_t seq;
  _Alignas(64) _Atomic int done; /* chunks of the current job finished */
  _Alignas(64) _Atomic int sleepers;
  _Atomic int busy; /* a job is running: a nested call (or a second caller) runs serially */
  pthread_mutex_t m;
  pthread_cond_t c;
} P = {.want = 1, .m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER};

static _Alignas(64) _Atomic uint64_t claim[MAX_CHUNKS];

/* this thread's number: 0 for the caller, k for helper k */
static _Thread_local int self_index;

/* Thread k of t first takes its own run of chunks, [a, b) = [k n/t,
 * (k+1) n/t) in order, so that a layer or a block of rows stays on one core
 * from one phase to the next; then whatever the others have not started,
 * from the far end of their runs down (a-1, a-2, ..., 0, n-1, ..., b), so a
 * slow thread loses its last chunks, not the one it is about to take. */
static void run_job(uint64_t job, int n, int t, gl_chunk_fn fn, void *ctx) {
  const int k = self_index;
  const int a = (int)((int64_t)k * n / t), b = (int)((int64_t)(k + 1) * n / t);
  for (int i = 0; i < n; i++) {
    const int c = a + i < b ? a + i : (a - 1 - (i - (b - a)) + n) % n;
    uint64_t v = atomic_load(&claim[c]);
    if (v >= job || !atomic_compare_exchange_strong(&claim[c], &v, job)) continue;
    fn(ctx, c, k);
    atomic_fetch_add(&P.done, 1);
  }
}

/* Helper k (1, 2, ...) works while k < want; past it, it only sleeps. */
static void *helper(void *arg) {
  const int k = (int)(intptr_t)arg;
  self_index = k;
  uint64_t seen = atomic_load(&P.seq) & ~(uint64_t)1;
  for (;;) {
    uint64_t s = seen;
    if (k < atomic_load(&P.want))
      for (int i = 0; i < SPIN && (s == seen || (s & 1)); i++) s = atomic_load(&P.seq);
    if (s == seen || (s & 1)) {
      pthread_mutex_lock(&P.m);
      atomic_fetch_add(&P.sleepers, 1);
      while ((s = atomic_load(&P.seq)) == seen || (s & 1)) pthread_cond_wait(&P.c, &P.m);
      atomic_fetch_sub(&P.sleepers, 1);
      pthread_mutex_unlock(&P.m);
    }
    const int n = atomic_load(&P.n), t = atomic_load(&P.t);
    const gl_chunk_fn fn = atomic_load(&P.fn);
    void *const ctx = atomic_load(&P.ctx);
    if (atomic_load(&P.seq) != s) continue; /* rewritten meanwhile: read again */
    seen = s;
    if (k < t) run_job(s / 2, n, t, fn, ctx);
  }
  return NULL;
}

int gl_threads_max(void) { return GL_MAX_THREADS; }
int gl_threads_get(void) { return P.want; }

int gl_threads_set(int n) {
  if (n < 1 || n > GL_MAX_THREADS) {
    snprintf(thread_err, sizeof thread_err, "threads: %d is out of range (1 to %d)", n,
             GL_MAX_THREADS);
    return GL_EINVAL;
  }
  while (P.started < n - 1) {
    if (pthread_create(&P.tid[P.started], NULL, helper, (void *)(intptr_t)(P.started + 1)) != 0) {
      snprintf(thread_err, sizeof thread_err,
               "threads: could not start helper thread %d; %d thread(s) in use", P.started + 1,
               P.started + 1);
      P.want = P.started + 1;
      return GL_ENOMEM;
    }
    pthread_detach(P.tid[P.started]);
    P.started++;
  }
  P.want = n;
  return GL_OK;
}

void gl_parallel(int n, gl_chunk_fn fn, void *ctx) {
  int idle = 0;
  const int want = atomic_load(&P.want);
  if (want <= 1 || n <= 1 || n > MAX_CHUNKS ||
      !atomic_compare_exchange_strong(&P.busy, &idle, 1)) {
    for (int i = 0; i < n; i++) fn(ctx, i, self_index);
    return;
  }
  const int t = want < n ? want : n;
  const uint64_t s = atomic_load(&P.seq);
  atomic_store(&P.seq, s + 1);
  atomic_store(&P.n, n);
  atomic_store(&P.t, t);
  atomic_store(&P.fn, fn);
  atomic_store(&P.ctx, ctx);
  atomic_store(&P.done, 0);
  atomic_store(&P.seq, s + 2);
  if (atomic_load(&P.sleepers)) {
    pthread_mutex_lock(&P.m);
    pthread_cond_broadcast(&P.c);
    pthread_mutex_unlock(&P.m);
  }
  run_job((s + 2) / 2, n, t, fn, ctx);
  while (atomic_load(&P.done) < n) {
  }
  atomic_store(&P.busy, 0);
}

#endif /* GL_THREADS */
