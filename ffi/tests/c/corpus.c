/*
 * The fixture corpus through the C API. Reads a plan (one case per line, tab-separated,
 * written by ffi/tests/c_api.rs):
 *
 *   id  role  reference  now  flags  srv_target  chain(,-separated DER files)  root(- or DER)  crls(- or ,-separated)
 *
 * flags: any of n (no CN fallback), u (require sip URI), i (IP literals), w (DANGER
 * wildcards), r (EKU rfc5924), or "-". srv_target: a domain or "-".
 *
 * Prints for each case: id, accept|reject, chain status, chain_checked, the reason codes,
 * the hint codes, the relaxations (each ,-joined or "-"), the matched name and source, the
 * verdict JSON, the verdict's identities and ignored names through the typed accessors,
 * then the identities JSON of the leaf (or the error name), tab-separated.
 */
#include "common.h"

#define MAX_FIELDS 9
#define MAX_DERS 16

static void split_list(char *s, char **items, size_t *count) {
  *count = 0;
  if (strcmp(s, "-") == 0) {
    return;
  }
  char *save = NULL;
  for (char *tok = strtok_r(s, ",", &save); tok != NULL && *count < MAX_DERS;
       tok = strtok_r(NULL, ",", &save)) {
    items[(*count)++] = tok;
  }
}

static void print_codes(const sipcert_verdict *v, size_t n,
                        const char *(*get)(const sipcert_verdict *, size_t)) {
  if (n == 0) {
    fputs("-", stdout);
  }
  for (size_t i = 0; i < n; i++) {
    const char *c = get(v, i);
    CHECK(c != NULL);
    printf("%s%s", i ? "," : "", c);
  }
  /* out of range is null, never a crash */
  CHECK(get(v, n) == NULL);
}

/* The bytes of a name, control characters (a NUL included) as \xNN. */
static void print_bytes(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x20) {
      printf("\\x%02x", c);
    } else {
      putchar(c);
    }
  }
}

/* The verdict's identities and ignored names through the typed accessors:
 * name/source;...  TAB  value/source/reason;...  ("-" for none). */
static void print_names(const sipcert_verdict *v) {
  const char *p, *reason;
  size_t len;
  sipcert_source src;
  size_t n = sipcert_verdict_identity_count(v);
  if (n == 0) {
    fputs("-", stdout);
  }
  for (size_t i = 0; i < n; i++) {
    CHECK(sipcert_verdict_identity(v, i, &p, &len, &src) == SIPCERT_OK);
    CHECK(p != NULL && p[len] == '\0' && sipcert_source_code(src) != NULL);
    fputs(i ? ";" : "", stdout);
    print_bytes(p, len);
    printf("/%s", sipcert_source_code(src));
  }
  CHECK(sipcert_verdict_identity(v, n, &p, &len, &src) == SIPCERT_INDEX_OUT_OF_RANGE);
  putchar('\t');
  n = sipcert_verdict_ignored_count(v);
  if (n == 0) {
    fputs("-", stdout);
  }
  for (size_t i = 0; i < n; i++) {
    CHECK(sipcert_verdict_ignored(v, i, &p, &len, &src, &reason) == SIPCERT_OK);
    CHECK(p != NULL && p[len] == '\0' && reason != NULL && sipcert_source_code(src) != NULL);
    fputs(i ? ";" : "", stdout);
    print_bytes(p, len);
    printf("/%s/%s", sipcert_source_code(src), reason);
  }
  CHECK(sipcert_verdict_ignored(v, n, &p, &len, &src, &reason) == SIPCERT_INDEX_OUT_OF_RANGE);
}

static void run_case(char *line) {
  char *f[MAX_FIELDS];
  size_t nf = 0;
  char *save = NULL;
  for (char *tok = strtok_r(line, "\t", &save); tok != NULL && nf < MAX_FIELDS;
       tok = strtok_r(NULL, "\t", &save)) {
    f[nf++] = tok;
  }
  CHECK(nf == MAX_FIELDS);
  const char *id = f[0];
  unsigned role = (unsigned)strtoul(f[1], NULL, 10);
  const char *reference = f[2];
  uint64_t now = strtoull(f[3], NULL, 10);

  sipcert_policy *policy = NULL;
  CHECK(sipcert_policy_new(&policy) == SIPCERT_OK);
  for (const char *p = f[4]; *p; p++) {
    switch (*p) {
      case 'n': CHECK(sipcert_policy_set_cn_fallback(policy, false) == SIPCERT_OK); break;
      case 'u': CHECK(sipcert_policy_set_require_sip_uri(policy, true) == SIPCERT_OK); break;
      case 'i': CHECK(sipcert_policy_set_allow_ip_literals(policy, true) == SIPCERT_OK); break;
      case 'w': CHECK(sipcert_policy_danger_allow_wildcards(policy) == SIPCERT_OK); break;
      case 'r': CHECK(sipcert_policy_set_eku_mode(policy, SIPCERT_EKU_RFC5924) == SIPCERT_OK); break;
      case '-': break;
      default: fprintf(stderr, "%s: unknown flag %c\n", id, *p); exit(2);
    }
  }
  if (strcmp(f[5], "-") != 0) {
    CHECK(sipcert_policy_set_secure_srv_target(policy, (const uint8_t *)f[5], strlen(f[5])) ==
          SIPCERT_OK);
  }

  char *paths[MAX_DERS];
  size_t nchain = 0;
  split_list(f[6], paths, &nchain);
  CHECK(nchain >= 1);
  unsigned char *chain[MAX_DERS];
  size_t chain_lens[MAX_DERS];
  for (size_t i = 0; i < nchain; i++) {
    read_file(paths[i], &chain[i], &chain_lens[i]);
  }

  sipcert_verdict *v = NULL;
  sipcert_result r;
  if (strcmp(f[7], "-") == 0) {
    r = sipcert_check_end_entity(policy, chain[0], chain_lens[0], (const uint8_t *)reference,
                                 strlen(reference), role, &v);
  } else {
    unsigned char *root;
    size_t root_len;
    read_file(f[7], &root, &root_len);
    char *crl_paths[MAX_DERS];
    size_t ncrl = 0;
    split_list(f[8], crl_paths, &ncrl);
    unsigned char *crls[MAX_DERS];
    size_t crl_lens[MAX_DERS];
    for (size_t i = 0; i < ncrl; i++) {
      read_file(crl_paths[i], &crls[i], &crl_lens[i]);
    }
    const uint8_t *anchors[1] = {root};
    sipcert_chain_verifier *verifier = NULL;
    r = sipcert_chain_verifier_new(anchors, &root_len, 1, (const uint8_t *const *)crls,
                                   crl_lens, ncrl, 0, &verifier);
    CHECK(r == SIPCERT_OK);
    r = sipcert_chain_verifier_check(verifier, policy, (const uint8_t *const *)chain,
                                     chain_lens, nchain, (const uint8_t *)reference,
                                     strlen(reference), role, now, &v);
    sipcert_chain_verifier_free(verifier);
    for (size_t i = 0; i < ncrl; i++) {
      free(crls[i]);
    }
    free(root);
  }
  if (r != SIPCERT_OK) {
    fprintf(stderr, "%s: check returned %s\n", id, sipcert_result_name(r));
    exit(1);
  }
  CHECK(v != NULL);

  bool accept = sipcert_verdict_is_accept(v);
  printf("%s\t%s\t%s\t%d\t", id, accept ? "accept" : "reject", sipcert_verdict_chain_status(v),
         sipcert_verdict_chain_checked(v) ? 1 : 0);
  print_codes(v, sipcert_verdict_reason_count(v), sipcert_verdict_reason_code);
  putchar('\t');
  print_codes(v, sipcert_verdict_hint_count(v), sipcert_verdict_hint_code);
  putchar('\t');
  print_codes(v, sipcert_verdict_relaxation_count(v), sipcert_verdict_relaxation_code);
  const char *name = sipcert_verdict_matched_name(v);
  const char *source = sipcert_verdict_matched_source(v);
  CHECK((name != NULL) == accept && (source != NULL) == accept);
  CHECK((sipcert_verdict_matched_via(v) != NULL) == accept);
  for (size_t i = 0; i < sipcert_verdict_reason_count(v); i++) {
    CHECK(sipcert_verdict_reason_message(v, i) != NULL);
  }
  for (size_t i = 0; i < sipcert_verdict_hint_count(v); i++) {
    CHECK(sipcert_verdict_hint_message(v, i) != NULL);
  }
  CHECK(sipcert_verdict_message(v) != NULL && strlen(sipcert_verdict_message(v)) > 0);
  printf("\t%s\t%s\t%s\t", name ? name : "-", source ? source : "-", sipcert_verdict_json(v));
  print_names(v);
  putchar('\t');
  sipcert_verdict_free(v);

  sipcert_identities *ids = NULL;
  r = sipcert_extract_identities(policy, chain[0], chain_lens[0], &ids);
  if (r == SIPCERT_OK) {
    size_t n = sipcert_identities_count(ids);
    const char *p, *reason;
    size_t len;
    sipcert_source src;
    for (size_t i = 0; i < n; i++) {
      CHECK(sipcert_identities_name(ids, i) != NULL && sipcert_identities_source(ids, i) != NULL);
      /* the typed accessor gives the same name and source */
      CHECK(sipcert_identities_identity(ids, i, &p, &len, &src) == SIPCERT_OK);
      CHECK(memchr(p, 0, len) != NULL || strcmp(p, sipcert_identities_name(ids, i)) == 0);
      CHECK(strcmp(sipcert_source_code(src), sipcert_identities_source(ids, i)) == 0);
    }
    CHECK(sipcert_identities_name(ids, n) == NULL);
    CHECK(sipcert_identities_identity(ids, n, &p, &len, &src) == SIPCERT_INDEX_OUT_OF_RANGE);
    size_t m = sipcert_identities_ignored_count(ids);
    for (size_t i = 0; i < m; i++) {
      CHECK(sipcert_identities_ignored_value(ids, i) != NULL &&
            sipcert_identities_ignored_reason(ids, i) != NULL);
      CHECK(sipcert_identities_ignored(ids, i, &p, &len, &src, &reason) == SIPCERT_OK);
      CHECK(memchr(p, 0, len) != NULL || strcmp(p, sipcert_identities_ignored_value(ids, i)) == 0);
      CHECK(strcmp(sipcert_source_code(src), sipcert_identities_ignored_source(ids, i)) == 0);
      CHECK(strcmp(reason, sipcert_identities_ignored_reason(ids, i)) == 0);
    }
    CHECK(sipcert_identities_ignored(ids, m, &p, &len, &src, &reason) ==
          SIPCERT_INDEX_OUT_OF_RANGE);
    printf("%s\n", sipcert_identities_json(ids));
  } else {
    CHECK(ids == NULL);
    printf("%s\n", sipcert_result_name(r));
  }
  sipcert_identities_free(ids);
  for (size_t i = 0; i < nchain; i++) {
    free(chain[i]);
  }
  sipcert_policy_free(policy);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: corpus PLAN\n");
    return 2;
  }
  FILE *plan = fopen(argv[1], "r");
  if (plan == NULL) {
    fprintf(stderr, "cannot open %s\n", argv[1]);
    return 2;
  }
  char line[16384];
  while (fgets(line, sizeof line, plan) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    if (line[0] != '\0') {
      run_case(line);
    }
  }
  fclose(plan);
  return 0;
}
