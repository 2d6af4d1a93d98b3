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

  /* Typed accessors of a verdict (the leaf presents URI:sip:atlanta.com and
   * DNS:atlanta.com; the URI suppresses the DNS name). */
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, "sips:alice@atlanta.com",
                                       SIPCERT_ROLE_SERVER, &v),
         SIPCERT_OK);
  CHECK(sipcert_verdict_is_accept(v));
  CHECK(sipcert_verdict_identity_count(v) == 1);
  CHECK(sipcert_verdict_ignored_count(v) == 1);
  const char *name = NULL, *reason = NULL;
  size_t name_len = 0;
  sipcert_source source = SIPCERT_SOURCE_UNKNOWN;
  EXPECT(sipcert_verdict_identity(v, 0, &name, &name_len, &source), SIPCERT_OK);
  CHECK(name_len == strlen("atlanta.com") && memcmp(name, "atlanta.com", name_len) == 0);
  CHECK(name[name_len] == '\0');
  CHECK(source == SIPCERT_SOURCE_SAN_URI);
  CHECK(strcmp(sipcert_source_code(source), "san-uri") == 0);
  EXPECT(sipcert_verdict_ignored(v, 0, &name, &name_len, &source, &reason), SIPCERT_OK);
  CHECK(name_len == strlen("atlanta.com") && strcmp(name, "atlanta.com") == 0);
  CHECK(source == SIPCERT_SOURCE_SAN_DNS);
  CHECK(strcmp(reason, "dns-suppressed-by-sip-uri") == 0);
  /* Out of range: an error code, and every out-pointer cleared. */
  EXPECT(sipcert_verdict_identity(v, 1, &name, &name_len, &source), SIPCERT_INDEX_OUT_OF_RANGE);
  CHECK(name == NULL && name_len == 0 && source == SIPCERT_SOURCE_UNKNOWN);
  reason = "x";
  EXPECT(sipcert_verdict_ignored(v, SIZE_MAX, &name, &name_len, &source, &reason),
         SIPCERT_INDEX_OUT_OF_RANGE);
  CHECK(name == NULL && name_len == 0 && source == SIPCERT_SOURCE_UNKNOWN && reason == NULL);
  /* Null verdict or out-pointers. */
  EXPECT(sipcert_verdict_identity(NULL, 0, &name, &name_len, &source), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_verdict_identity(v, 0, NULL, &name_len, &source), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_verdict_identity(v, 0, &name, NULL, &source), SIPCERT_NULL_PARAMETER);
  CHECK(name == NULL);
  EXPECT(sipcert_verdict_identity(v, 0, &name, &name_len, NULL), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_verdict_ignored(NULL, 0, &name, &name_len, &source, &reason),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_verdict_ignored(v, 0, &name, &name_len, &source, NULL), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_verdict_ignored(v, 0, NULL, NULL, NULL, NULL), SIPCERT_NULL_PARAMETER);
  CHECK(sipcert_verdict_identity_count(NULL) == 0);
  CHECK(sipcert_verdict_ignored_count(NULL) == 0);
  sipcert_verdict_free(v);
  v = NULL;

  /* The same through sipcert_extract_identities. */
  EXPECT(sipcert_extract_identities(policy, leaf, leaf_len, &ids), SIPCERT_OK);
  EXPECT(sipcert_identities_identity(ids, 0, &name, &name_len, &source), SIPCERT_OK);
  CHECK(strcmp(name, "atlanta.com") == 0 && source == SIPCERT_SOURCE_SAN_URI);
  EXPECT(sipcert_identities_ignored(ids, 0, &name, &name_len, &source, &reason), SIPCERT_OK);
  CHECK(strcmp(reason, "dns-suppressed-by-sip-uri") == 0 && source == SIPCERT_SOURCE_SAN_DNS);
  CHECK(strcmp(sipcert_identities_ignored_source(ids, 0), "san-dns") == 0);
  CHECK(sipcert_identities_ignored_source(ids, 1) == NULL);
  CHECK(sipcert_identities_ignored_source(NULL, 0) == NULL);
  EXPECT(sipcert_identities_identity(ids, 1, &name, &name_len, &source),
         SIPCERT_INDEX_OUT_OF_RANGE);
  EXPECT(sipcert_identities_ignored(ids, 1, &name, &name_len, &source, &reason),
         SIPCERT_INDEX_OUT_OF_RANGE);
  EXPECT(sipcert_identities_identity(NULL, 0, &name, &name_len, &source), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_identities_ignored(ids, 0, &name, NULL, &source, &reason),
         SIPCERT_NULL_PARAMETER);
  sipcert_identities_free(ids);
  ids = NULL;

  /* Source codes: every enumerator has one; anything else is NULL. */
  CHECK(strcmp(sipcert_source_code(SIPCERT_SOURCE_SAN_DNS), "san-dns") == 0);
  CHECK(strcmp(sipcert_source_code(SIPCERT_SOURCE_SAN_IP), "san-ip") == 0);
  CHECK(strcmp(sipcert_source_code(SIPCERT_SOURCE_SAN_OTHER), "san-other") == 0);
  CHECK(strcmp(sipcert_source_code(SIPCERT_SOURCE_CN), "cn") == 0);
  CHECK(sipcert_source_code(SIPCERT_SOURCE_UNKNOWN) == NULL);
  CHECK(sipcert_source_code((sipcert_source)77) == NULL);

  /* NUL-terminated inputs: NULL, empty, over-long, non-UTF-8, unusable. */
  v = (sipcert_verdict *)&v;
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, NULL, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_NULL_PARAMETER);
  CHECK(v == NULL);
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, "", SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  char *huge = malloc(SIPCERT_MAX_TEXT_LEN + 2);
  CHECK(huge != NULL);
  memset(huge, 'a', SIPCERT_MAX_TEXT_LEN + 1);
  huge[SIPCERT_MAX_TEXT_LEN + 1] = '\0';
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, huge, SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_policy_set_secure_srv_target_cstr(policy, huge), SIPCERT_INVALID_LENGTH);
  free(huge);
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, "ex\xc3\x28.com",
                                       SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_UTF8);
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, "sip:", SIPCERT_ROLE_SERVER, &v),
         SIPCERT_INVALID_REFERENCE);
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, "atlanta.com", 9, &v),
         SIPCERT_INVALID_ARGUMENT);
  EXPECT(sipcert_check_end_entity_cstr(NULL, leaf, leaf_len, "atlanta.com", SIPCERT_ROLE_SERVER,
                                       &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_check_end_entity_cstr(policy, leaf, leaf_len, "atlanta.com",
                                       SIPCERT_ROLE_SERVER, NULL),
         SIPCERT_NULL_PARAMETER);
  CHECK(v == NULL);
  EXPECT(sipcert_policy_set_secure_srv_target_cstr(policy, NULL), SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_policy_set_secure_srv_target_cstr(policy, ""), SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_policy_set_secure_srv_target_cstr(policy, "a b"), SIPCERT_INVALID_DOMAIN);
  EXPECT(sipcert_policy_set_secure_srv_target_cstr(NULL, "sip.atlanta.com"),
         SIPCERT_NULL_PARAMETER);

  /* Version: the header's macros are the library's version. */
  char version[64];
  snprintf(version, sizeof version, "%d.%d.%d", SIPCERT_VERSION_MAJOR, SIPCERT_VERSION_MINOR,
           SIPCERT_VERSION_PATCH);
  CHECK(strcmp(sipcert_version(), version) == 0);
  /* The enums are 32-bit integers, as the functions take them. */
  CHECK(sizeof(sipcert_role) == 4 && sizeof(sipcert_eku_mode) == 4 && sizeof(sipcert_source) == 4);
  CHECK(SIPCERT_REVOCATION_END_ENTITY_ONLY == 1 && SIPCERT_REVOCATION_ALLOW_UNKNOWN == 2 &&
        SIPCERT_REVOCATION_ENFORCE_EXPIRATION == 4);
  CHECK(strcmp(sipcert_result_name(SIPCERT_INDEX_OUT_OF_RANGE), "SIPCERT_INDEX_OUT_OF_RANGE") == 0);

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
  v = NULL;
  /* The chain check with a NUL-terminated reference. */
  const uint8_t *rchain[1] = {leaf};
  EXPECT(sipcert_chain_verifier_check_cstr(ver, policy, rchain, &leaf_len, 1, NULL,
                                           SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_NULL_PARAMETER);
  EXPECT(sipcert_chain_verifier_check_cstr(ver, policy, rchain, &leaf_len, 0, "atlanta.com",
                                           SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_chain_verifier_check_cstr(NULL, policy, rchain, &leaf_len, 1, "atlanta.com",
                                           SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_NULL_PARAMETER);
  CHECK(v == NULL);
  EXPECT(sipcert_chain_verifier_check_cstr(ver, policy, rchain, &leaf_len, 1, "atlanta.com",
                                           SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW, &v),
         SIPCERT_OK);
  CHECK(v != NULL && sipcert_verdict_json(v) != NULL);
  sipcert_verdict_free(v);

  /* The verdict's codes line: null for null. */
  CHECK(sipcert_verdict_codes(NULL) == NULL);

  /* Trust anchors from PEM text: null, empty, no certificate, garbage. */
  sipcert_chain_verifier *pver = (sipcert_chain_verifier *)1;
  static const char KEY_ONLY[] =
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  static const char BROKEN[] = "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n";
  EXPECT(sipcert_chain_verifier_new_pem(NULL, 5, 0, &pver), SIPCERT_NULL_PARAMETER);
  CHECK(pver == NULL);
  EXPECT(sipcert_chain_verifier_new_pem((const uint8_t *)KEY_ONLY, 0, 0, &pver),
         SIPCERT_INVALID_LENGTH);
  EXPECT(sipcert_chain_verifier_new_pem((const uint8_t *)KEY_ONLY, sizeof KEY_ONLY - 1, 0,
                                        &pver),
         SIPCERT_INVALID_TRUST_ANCHOR);
  EXPECT(sipcert_chain_verifier_new_pem((const uint8_t *)BROKEN, sizeof BROKEN - 1, 0, &pver),
         SIPCERT_INVALID_TRUST_ANCHOR);
  EXPECT(sipcert_chain_verifier_new_pem(leaf, leaf_len, 0, NULL), SIPCERT_NULL_PARAMETER);
  CHECK(pver == NULL);

  /* The session rule: misuse leaves the answer false. */
  bool reusable = true;
  EXPECT(sipcert_session_reusable_for_cstr("example.com", NULL, &reusable),
         SIPCERT_NULL_PARAMETER);
  CHECK(!reusable);
  EXPECT(sipcert_session_reusable_for_cstr("example.com", "example.com", NULL),
         SIPCERT_NULL_PARAMETER);
  reusable = true;
  EXPECT(sipcert_session_reusable_for(REF, 0, REF, REF_LEN, &reusable), SIPCERT_INVALID_LENGTH);
  CHECK(!reusable);
  EXPECT(sipcert_session_reusable_for_cstr("example.com", "no domain!", &reusable),
         SIPCERT_INVALID_REFERENCE);
  CHECK(!reusable);
  EXPECT(sipcert_session_reusable_for_cstr("sips:bob@EXAMPLE.com", "example.com", &reusable),
         SIPCERT_OK);
  CHECK(reusable);
  EXPECT(sipcert_session_reusable_for(REF, REF_LEN, (const uint8_t *)"sip.example.com", 15,
                                      &reusable),
         SIPCERT_OK);
  CHECK(!reusable);

  sipcert_chain_verifier_free(ver);
  sipcert_policy_free(policy);
  free(leaf);
  free(root);
  puts("bad_input: ok");
  return 0;
}
