/* 8 threads make their first simdkern call at the same instant; built with -fsanitize=thread.
 * Every thread must see the same table and the same result; TSan reports any data race. */
#include <pthread.h>
#include <simdkern.h>
#include <stdio.h>

#define NT 8
static pthread_barrier_t bar;
static sk_isa seen[NT];
static double res[NT];

static void *run(void *arg) {
  size_t t = (size_t)arg;
  double a[37];
  for (int i = 0; i < 37; i++) a[i] = i * 0.5;
  pthread_barrier_wait(&bar);
  sk_dot_f64(a, a, 37, &res[t]);
  seen[t] = sk_isa_active();
  return NULL;
}

int main(void) {
  pthread_t th[NT];
  pthread_barrier_init(&bar, NULL, NT);
  for (size_t t = 0; t < NT; t++) pthread_create(&th[t], NULL, run, (void *)t);
  for (size_t t = 0; t < NT; t++) pthread_join(th[t], NULL);
  int bad = 0;
  for (size_t t = 1; t < NT; t++) bad |= seen[t] != seen[0] || res[t] != res[0];
  printf("%d threads, first call at once: isa %s, %s\n", NT, sk_isa_name(seen[0]),
         bad ? "DISAGREE" : "agree");
  return bad;
}
