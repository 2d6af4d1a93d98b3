/*
 * Misuse and hostile input through the C API: every case returns its own error code (or a
 * reject verdict for a hostile certificate), never a crash, and leaves the out-pointer null.
 * Freeing twice is undefined behaviour (documented, not tested).
 *
 * usage: bad_input LEAF.der ROOT.der
 */
#include "common.h"

static const uint8_t REF[] = "example.com";
#define REF_LEN (sizeof REF - 1)

#define EXPECT(call, code)                                                              \
  do {                                                                                  \
    sipcert_result got_ = (call);                                                       \
    if (got_ != (code)) {                                                               \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, #call, \
              sipcert_result_name(got_), #code);                                        \
      exit(1);                                                                          \
    }                                                                                   \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bad_input LEAF.der ROOT.der\n");
    return 2;
  }
  unsigned char *leaf, *root;
  size_t leaf_len, root_len;
  read_file(argv[1], &leaf, &leaf_len);
  read_file(argv[2], &root, &root_len);

  sipcert_policy *policy = NULL;
  EXPECT(sipcert_policy_new(NULL), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_new(&policy), SIPCERT_OK);
  CHECK(policy != NULL);

  /* Setters: null policy, unknown EKU mode, bad SRV targets. */
  EXPECT(sipcert_policy_set_cn_fallback(NULL, true), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_set_require_sip_uri(NULL, true), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_set_allow_ip_literals(NULL, true), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_danger_allow_wildcards(NULL), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_set_eku_mode(policy, 7), SIPCERT_INVALID_ARGUMENT);
  EXPECT(sipcert_policy_set_eku_mode(NULL, SIPCERT_EKU_RFC5924), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_set_secure_srv_target(policy, NULL, 3), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_set_secure_srv_target(policy, REF, 0), SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_policy_set_secure_srv_target(policy, (const uint8_t *)"\xff\xfe", 2),
         SIPCERT_INVALID_UTF8);
  EXPECT(sipcert_policy_set_secure_srv_target(policy, (const uint8_t *)"a b", 3),
         SIPCERT_INVALID_DOMAIN);

  sipcert_verdict *v = (sipcert_verdict *)&v; /* must come back null on error */
  /* Null arguments. */
  EXPECT(sipcert_check_end_entity(NULL, leaf, leaf_len, REF, REF_LEN, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_NULL_PARAMETER);
  CHECK(v == NULL);
  EXPECT(sipcert_check_end_entity(policy, NULL, leaf_len, REF, REF_LEN, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, NULL, REF_LEN, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, REF, REF_LEN, SIPCERT_ROLE_SERVER, NULL),
         SIPCERT_NULL_PARAMETER);
  /* Zero and huge lengths (a huge length is refused before the memory is read). */
  EXPECT(sipcert_check_end_entity(policy, leaf, 0, REF, REF_LEN, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_check_end_entity(policy, leaf, SIZE_MAX, REF, REF_LEN, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_check_end_entity(policy, leaf, SIPCERT_MAX_DER_LEN + 1, REF, REF_LEN,
                                  SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, REF, SIZE_MAX, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  /* Empty, non-UTF-8 and unusable references; an unknown role. */
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, REF, 0, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, (const uint8_t *)"ex\xc3\x28.com", 8,
                                  SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_UTF8);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, (const uint8_t *)"sip:", 4,
                                  SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_REFERENCE);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, (const uint8_t *)"exa mple.com", 12,
                                  SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_REFERENCE);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, (const uint8_t *)"a\0b.com", 7,
                                  SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_REFERENCE);
  EXPECT(sipcert_check_end_entity(policy, leaf, leaf_len, REF, REF_LEN, 2, &v),
         SIPCERT_INVALID_ARGUMENT);
  CHECK(v == NULL);

  /* Garbage DER as the peer's certificate: a cert-malformed reject, not an error. */
  static const uint8_t garbage[] = {0x30, 0x82, 0xff, 0xff, 0x00, 0x01, 0x02};
  EXPECT(sipcert_check_end_entity(policy, garbage, sizeof garbage, REF, REF_LEN,
                                  SIPCERT_ROLE_SERVER, &v),
         SIPCERT_OK);
  CHECK(!sipcert_verdict_is_accept(v));
  CHECK(strcmp(sipcert_verdict_reason_code(v, 0), "cert-malformed") == 0);
  CHECK(strcmp(sipcert_verdict_chain_status(v), "cert-malformed") == 0);
  CHECK(strstr(sipcert_verdict_json(v), "\"verdict\":\"reject\"") != NULL);
  sipcert_verdict_free(v);
  v = NULL;
  /* ... and an error for identity extraction. */
  sipcert_identities *ids = (sipcert_identities *)&ids;
  EXPECT(sipcert_extract_identities(policy, garbage, sizeof garbage, &ids),
         SIPCERT_CERT_MALFORMED);
  CHECK(ids == NULL);
  EXPECT(sipcert_extract_identities(NULL, leaf, leaf_len, &ids), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_extract_identities(policy, leaf, 0, &ids), SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_extract_identities(policy, leaf, leaf_len, NULL), SIPCERT_NULL_PARAMETER);

  /* Accessors on null: null, zero, false. */
  CHECK(!sipcert_verdict_is_accept(NULL));
  CHECK(!sipcert_verdict_chain_checked(NULL));
  CHECK(sipcert_verdict_json(NULL) == NULL);
  CHECK(sipcert_verdict_message(NULL) == NULL);
  CHECK(sipcert_verdict_reason_count(NULL) == 0);
  CHECK(sipcert_verdict_reason_code(NULL, 0) == NULL);
  CHECK(sipcert_identities_count(NULL) == 0);
  CHECK(sipcert_identities_json(NULL) == NULL);
  sipcert_verdict_free(NULL);
  sipcert_identities_free(NULL);
  sipcert_policy_free(NULL);
  sipcert_chain_verifier_free(NULL);
  CHECK(strcmp(sipcert_result_name(SIPCERT_INVALID_UTF8), "SIPCERT_INVALID_UTF8") == 0);
  CHECK(strcmp(sipcert_result_name(9999), "SIPCERT_UNKNOWN") == 0);

  /* Verifier: garbage anchors and CRLs, null arrays, zero-length items, unknown flags. */
  sipcert_chain_verifier *ver = (sipcert_chain_verifier *)&ver;
  const uint8_t *g[1] = {garbage};
  size_t glen = sizeof garbage;
  EXPECT(sipcert_chain_verifier_new(g, &glen, 1, NULL, NULL, 0, 0, &ver),
         SIPCERT_INVALID_TRUST_ANCHOR);
  CHECK(ver == NULL);
  const uint8_t *a[1] = {root};
  EXPECT(sipcert_chain_verifier_new(a, &root_len, 1, g, &glen, 1, 0, &ver), SIPCERT_INVALID_CRL);
  EXPECT(sipcert_chain_verifier_new(NULL, &root_len, 1, NULL, NULL, 0, 0, &ver),
         SIPCERT_NULL_PARAMETER);
  size_t zero = 0;
  EXPECT(sipcert_chain_verifier_new(a, &zero, 1, NULL, NULL, 0, 0, &ver), SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_chain_verifier_new(a, &root_len, SIZE_MAX, NULL, NULL, 0, 0, &ver),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_chain_verifier_new(a, &root_len, 1, NULL, NULL, 0, 0x80, &ver),
         SIPCERT_INVALID_ARGUMENT);
  EXPECT(sipcert_chain_verifier_new(a, &root_len, 1, NULL, NULL, 0, 0, NULL),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_chain_verifier_new(a, &root_len, 1, NULL, NULL, 0, 0, &ver), SIPCERT_OK);
  CHECK(ver != NULL);

  const uint8_t *chain[1] = {leaf};
  EXPECT(sipcert_chain_verifier_check(ver, policy, chain, &leaf_len, 0, REF, REF_LEN,
                                      SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_chain_verifier_check(NULL, policy, chain, &leaf_len, 1, REF, REF_LEN,
                                      SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_chain_verifier_check(ver, policy, NULL, &leaf_len, 1, REF, REF_LEN,
                                      SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_chain_verifier_check(ver, policy, chain, &leaf_len, 1, (const uint8_t *)"\x80", 1,
                                      SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_UTF8);
  EXPECT(sipcert_chain_verifier_check(ver, policy, chain, &leaf_len, 1, REF, REF_LEN, 5,
                                      SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_ARGUMENT);
  CHECK(v == NULL);
  const uint8_t *gchain[1] = {garbage};
  EXPECT(sipcert_chain_verifier_check(ver, policy, gchain, &glen, 1, REF, REF_LEN,
                                      SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_OK);
  CHECK(!sipcert_verdict_is_accept(v));
  CHECK(strcmp(sipcert_verdict_chain_status(v), "cert-malformed") == 0);
  sipcert_verdict_free(v);

  sipcert_chain_verifier_free(ver);
  sipcert_policy_free(policy);
  free(leaf);
  free(root);
  puts("bad_input: ok");
  return 0;
}
