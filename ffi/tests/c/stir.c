/*
 * A STIR/SHAKEN Identity header through the C API: verified with the x5u chain, then the
 * failures a network maps to a response (another calling number, a changed signature, an
 * STI-CA that did not issue the certificate), and misuse: each its own error code, never a
 * crash, the out-pointer left null.
 *
 * usage: stir IDENTITY.txt STI-CA.der STI-LEAF.der ORIG DEST OTHER-CA.der
 */
#include "common.h"

static int str_is(const char *got, const char *want) {
  return got != NULL && strcmp(got, want) == 0;
}

/* Verifies `identity` for orig/dest with one anchor and the one-certificate chain. */
static sipcert_stir_verdict *verify(const char *identity, const char *orig, const char *dest,
                                    const uint8_t *anchor, size_t anchor_len,
                                    const uint8_t *leaf, size_t leaf_len) {
  sipcert_stir_verdict *v = NULL;
  EXPECT(sipcert_stir_verify((const uint8_t *)identity, strlen(identity), (const uint8_t *)orig,
                             strlen(orig), (const uint8_t *)dest, strlen(dest), &anchor,
                             &anchor_len, 1, NULL, NULL, 0, &leaf, &leaf_len, 1,
                             SIPCERT_TIME_NOW, &v),
         SIPCERT_OK);
  CHECK(v != NULL);
  return v;
}

static void expect_failure(sipcert_stir_verdict *v, const char *code, uint16_t response) {
  if (!str_is(sipcert_stir_verdict_code(v), code)) {
    fprintf(stderr, "expected %s, got %s: %s\n", code,
            sipcert_stir_verdict_code(v) ? sipcert_stir_verdict_code(v) : "(verified)",
            sipcert_stir_verdict_message(v));
    exit(1);
  }
  CHECK(!sipcert_stir_verdict_verified(v));
  CHECK(sipcert_stir_verdict_response_code(v) == response);
  char prefix[32];
  snprintf(prefix, sizeof prefix, "STIR;cause=%u;text=", (unsigned)response);
  CHECK(sipcert_stir_verdict_reason(v) != NULL);
  CHECK(strncmp(sipcert_stir_verdict_reason(v), prefix, strlen(prefix)) == 0);
  CHECK(str_is(sipcert_stir_verdict_verstat(v), "TN-Validation-Failed"));
  sipcert_stir_verdict_free(v);
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: stir IDENTITY.txt STI-CA.der STI-LEAF.der ORIG DEST OTHER-CA.der\n");
    return 2;
  }
  unsigned char *text, *ca, *leaf, *other;
  size_t text_len, ca_len, leaf_len, other_len;
  read_file(argv[1], &text, &text_len);
  read_file(argv[2], &ca, &ca_len);
  read_file(argv[3], &leaf, &leaf_len);
  read_file(argv[6], &other, &other_len);
  const char *orig = argv[4], *dest = argv[5];
  char *identity = malloc(text_len + 1);
  CHECK(identity != NULL);
  memcpy(identity, text, text_len);
  identity[text_len] = '\0';

  /* Verified. */
  sipcert_stir_verdict *v = verify(identity, orig, dest, ca, ca_len, leaf, leaf_len);
  if (!sipcert_stir_verdict_verified(v)) {
    fprintf(stderr, "not verified: %s\n", sipcert_stir_verdict_message(v));
    return 1;
  }
  CHECK(sipcert_stir_verdict_code(v) == NULL);
  CHECK(sipcert_stir_verdict_reason(v) == NULL);
  CHECK(sipcert_stir_verdict_response_code(v) == 0);
  CHECK(str_is(sipcert_stir_verdict_verstat(v), "TN-Validation-Passed"));
  CHECK(sipcert_stir_verdict_message(v) != NULL);
  sipcert_stir_verdict_free(v);

  /* The same through the NUL-terminated variant, with a tel: URI for the caller. */
  char tel[64];
  snprintf(tel, sizeof tel, "tel:+%s", orig);
  const uint8_t *anchor = ca, *chain = leaf;
  v = NULL;
  EXPECT(sipcert_stir_verify_cstr(identity, tel, dest, &anchor, &ca_len, 1, NULL, NULL, 0,
                                  &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_OK);
  CHECK(sipcert_stir_verdict_verified(v));
  sipcert_stir_verdict_free(v);

  /* What the network sees on failure. */
  expect_failure(verify(identity, "12155550000", dest, ca, ca_len, leaf, leaf_len),
                 "stir-orig-mismatch", 438);
  expect_failure(verify(identity, orig, dest, other, other_len, leaf, leaf_len),
                 "stir-chain-invalid", 437);
  char *tampered = strdup(identity);
  CHECK(tampered != NULL);
  char *sig = strchr(strchr(tampered, '.') + 1, '.') + 1;
  *sig = *sig == 'A' ? 'B' : 'A';
  expect_failure(verify(tampered, orig, dest, ca, ca_len, leaf, leaf_len),
                 "stir-signature-invalid", 438);
  free(tampered);

  /* Misuse: an error code and a null out-pointer. */
  size_t id_len = strlen(identity), o_len = strlen(orig), d_len = strlen(dest);
  const uint8_t *id = (const uint8_t *)identity, *o = (const uint8_t *)orig,
                *d = (const uint8_t *)dest;
  v = (sipcert_stir_verdict *)1;
  EXPECT(sipcert_stir_verify(NULL, id_len, o, o_len, d, d_len, &anchor, &ca_len, 1, NULL, NULL, 0,
                             &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_NULL_PARAMETER);
  CHECK(v == NULL);
  EXPECT(sipcert_stir_verify(id, id_len, o, o_len, d, d_len, &anchor, &ca_len, 1, NULL, NULL, 0,
                             &chain, &leaf_len, 0, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_stir_verify(id, id_len, (const uint8_t *)"alice", 5, d, d_len, &anchor, &ca_len,
                             1, NULL, NULL, 0, &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_REFERENCE);
  EXPECT(sipcert_stir_verify(id, id_len, (const uint8_t *)"\xff\xfe", 2, d, d_len, &anchor,
                             &ca_len, 1, NULL, NULL, 0, &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_UTF8);
  EXPECT(sipcert_stir_verify(id, 0, o, o_len, d, d_len, &anchor, &ca_len, 1, NULL, NULL, 0,
                             &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_LENGTH);
  const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
  const uint8_t *junk_p = junk;
  size_t junk_len = sizeof junk;
  EXPECT(sipcert_stir_verify(id, id_len, o, o_len, d, d_len, &junk_p, &junk_len, 1, NULL, NULL,
                             0, &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_TRUST_ANCHOR);
  EXPECT(sipcert_stir_verify(id, id_len, o, o_len, d, d_len, &anchor, &ca_len, 1, &junk_p,
                             &junk_len, 1, &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_CRL);
  EXPECT(sipcert_stir_verify_cstr(identity, NULL, dest, &anchor, &ca_len, 1, NULL, NULL, 0,
                                  &chain, &leaf_len, 1, SIPCERT_TIME_NOW, &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_stir_verify(id, id_len, o, o_len, d, d_len, &anchor, &ca_len, 1, NULL, NULL, 0,
                             &chain, &leaf_len, 1, SIPCERT_TIME_NOW, NULL),
         SIPCERT_NULL_PARAMETER);
  CHECK(v == NULL);

  /* A garbage certificate in the chain is a verdict, not an error. */
  expect_failure(verify(identity, orig, dest, ca, ca_len, junk, sizeof junk),
                 "stir-chain-invalid", 437);

  /* Accessors on NULL. */
  CHECK(!sipcert_stir_verdict_verified(NULL));
  CHECK(sipcert_stir_verdict_code(NULL) == NULL);
  CHECK(sipcert_stir_verdict_verstat(NULL) == NULL);
  CHECK(sipcert_stir_verdict_reason(NULL) == NULL);
  CHECK(sipcert_stir_verdict_message(NULL) == NULL);
  CHECK(sipcert_stir_verdict_response_code(NULL) == 0);
  sipcert_stir_verdict_free(NULL);

  free(identity);
  free(text);
  free(ca);
  free(leaf);
  free(other);
  printf("stir: ok\n");
  return 0;
}
