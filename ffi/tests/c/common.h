/* Helpers shared by the C tests (test code only). */
#ifndef SIPCERT_TEST_COMMON_H
#define SIPCERT_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipcert.h"

/* Reads a whole file; exits on error. The caller frees *data. */
static inline void read_file(const char *path, unsigned char **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap);
  size_t r;
  while (buf != NULL && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      cap *= 2;
      unsigned char *grown = realloc(buf, cap);
      if (grown == NULL) {
        free(buf);
        buf = NULL;
      } else {
        buf = grown;
      }
    }
  }
  fclose(f);
  if (buf == NULL) {
    fprintf(stderr, "out of memory reading %s\n", path);
    exit(2);
  }
  *data = buf;
  *len = n;
}

/* Fails the test unless `call` returns the sipcert_result `code`. */
#define EXPECT(call, code)                                                              \
  do {                                                                                  \
    sipcert_result got_ = (call);                                                       \
    if (got_ != (code)) {                                                               \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, #call, \
              sipcert_result_name(got_), #code);                                        \
      exit(1);                                                                          \
    }                                                                                   \
  } while (0)

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

#endif
