/*
 * A SIP-over-TLS client the way an OpenSSL-based stack would write it: OpenSSL validates the
 * path (SSL_VERIFY_PEER with the CA file), and the verify callback asks sipcert, at depth 0,
 * whether the server's certificate is valid for the SIP domain (RFC 5922 §7.2, §7.3).
 *
 * usage: openssl_client PORT SIP-DOMAIN CA.pem
 * Prints "handshake: ok" or "handshake: failed", then "verdict: <check --json object>".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common.h"

struct sip_tls_state {
  const char *domain;  /* the SIP domain of the AUS (RFC 5922 §7.3) */
  sipcert_policy *policy;
  char *verdict_json;  /* the last verdict, for the log */
};

static int state_index = -1;

static int verify_callback(int preverify_ok, X509_STORE_CTX *ctx) {
  if (!preverify_ok) {
    return 0; /* OpenSSL refused the path: keep its error */
  }
  if (X509_STORE_CTX_get_error_depth(ctx) != 0) {
    return 1; /* CA certificates: OpenSSL's job */
  }
  SSL *ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
  struct sip_tls_state *st = SSL_get_ex_data(ssl, state_index);
  X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
  unsigned char *der = NULL;
  int der_len = i2d_X509(cert, &der);
  if (der_len <= 0) {
    return 0;
  }
  sipcert_verdict *verdict = NULL;
  sipcert_result r =
      sipcert_check_end_entity(st->policy, der, (size_t)der_len, (const uint8_t *)st->domain,
                               strlen(st->domain), SIPCERT_ROLE_SERVER, &verdict);
  OPENSSL_free(der);
  if (r != SIPCERT_OK) {
    fprintf(stderr, "sipcert: %s\n", sipcert_result_name(r));
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  int ok = sipcert_verdict_is_accept(verdict);
  free(st->verdict_json);
  st->verdict_json = strdup(sipcert_verdict_json(verdict));
  if (!ok) {
    fprintf(stderr, "sipcert: %s\n", sipcert_verdict_message(verdict));
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
  }
  sipcert_verdict_free(verdict);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: openssl_client PORT SIP-DOMAIN CA.pem\n");
    return 2;
  }
  struct sip_tls_state st = {argv[2], NULL, NULL};
  CHECK(sipcert_policy_new(&st.policy) == SIPCERT_OK);

  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  CHECK(ctx != NULL);
  CHECK(SSL_CTX_load_verify_locations(ctx, argv[3], NULL) == 1);
  state_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[1]));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0);

  SSL *ssl = SSL_new(ctx);
  CHECK(ssl != NULL);
  SSL_set_ex_data(ssl, state_index, &st);
  SSL_set_verify(ssl, SSL_VERIFY_PEER, verify_callback);
  SSL_set_fd(ssl, fd);
  int ok = SSL_connect(ssl) == 1;
  printf("handshake: %s\n", ok ? "ok" : "failed");
  printf("verdict: %s\n", st.verdict_json ? st.verdict_json : "none");
  if (ok) {
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  free(st.verdict_json);
  sipcert_policy_free(st.policy);
  return 0;
}
