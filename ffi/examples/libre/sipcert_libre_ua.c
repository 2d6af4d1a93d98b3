/*
 * A SIP user agent on libre (baresip's SIP stack, 1.1.0) that sends OPTIONS and REGISTER
 * over TLS to a sips: URI, with sipcert deciding the server certificate for the SIP domain
 * of the request.
 *
 *   sipcert_libre_ua CA.pem HOST:PORT sips:DOMAIN
 *
 * CA.pem: the trust anchors; HOST:PORT: the address the SIP resolver (RFC 3263) returned for
 * DOMAIN (a numeric address, so that no DNS is needed); sips:DOMAIN: the Request-URI, whose
 * host is the RFC 5922 reference.
 *
 * Public libre API only. libre 1.1.0's SIP transport starts TLS with tls_start_tcp() and
 * neither sends SNI nor checks a name (src/sip/transp.c, conn_send()), and tells the TLS
 * layer nothing about the request: the SIP domain reaches the verify hook through the
 * SSL_CTX of a `struct tls` (and a `struct sip`) made for that one domain. sipcert replaces
 * OpenSSL's path validation too (SSL_CTX_set_cert_verify_callback), so an expired or
 * untrusted chain is refused with sipcert's chain status, like a name mismatch.
 *
 * Prints one line per request:
 *   OPTIONS: 200 OK
 *   REGISTER: refused by sipcert: no-matching-identity hint-host-within-domain (chain: valid)
 * and sipcert's message (one paragraph) on stderr. Exit status 0 when both requests were
 * answered 200, 1 when sipcert refused the server, 2 on any other failure.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
/* re_tls.h declares tls_openssl_context() only under USE_OPENSSL, which libre's own build
 * defines but its pkg-config file (libre.pc) does not. */
#define USE_OPENSSL 1
#include <re.h>
#include <sipcert.h>

#include "../common/sipcert_example.h"
#include "openssl_chain.h"

/* One SIP domain: its stack instance, TLS context and sipcert's last verdict. */
struct sip_account {
	const char *aor;                     /* sips:DOMAIN, the reference */
	struct sip *sip;
	struct tls *tls;
	sipcert_policy *policy;
	sipcert_chain_verifier *verifier;
	sipcert_verdict *verdict;            /* kept past the callback, for the application */
	sipcert_result check_error;          /* a misuse of the C API, else SIPCERT_OK */
	struct uri route;                    /* sip:HOST:PORT;transport=tls */
	char route_text[128];
	int answered;                        /* responses to OPTIONS and REGISTER */
	int refused;
	int failed;
};

/*
 * OpenSSL's certificate verification, replaced: sipcert validates the path against its
 * trust anchors and checks the names for the account's SIP domain. OpenSSL calls it once
 * per full handshake with the peer's chain (X509_STORE_CTX_get0_untrusted, the end entity
 * first); a resumed session does not call it (resumption is off below).
 */
static int sipcert_verify(X509_STORE_CTX *ctx, void *arg)
{
	struct sip_account *acc = arg;
	struct der_chain chain = {0};
	bool ok = der_chain_collect(&chain, ctx);

	sipcert_verdict_free(acc->verdict);
	acc->verdict = NULL;
	acc->check_error = ok ? sipcert_chain_verifier_check_cstr(
					acc->verifier, acc->policy,
					(const uint8_t *const *)chain.der, chain.len,
					chain.count, acc->aor, SIPCERT_ROLE_SERVER,
					SIPCERT_TIME_NOW, &acc->verdict)
			      : SIPCERT_CERT_MALFORMED;
	der_chain_free(&chain);

	if (acc->check_error != SIPCERT_OK) {
		X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	if (!sipcert_verdict_is_accept(acc->verdict)) {
		X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	X509_STORE_CTX_set_error(ctx, X509_V_OK);
	return 1;
}

static int send_request(struct sip_account *acc, const char *method);

static void response_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_account *acc = arg;
	const char *method = acc->answered == 0 ? "OPTIONS" : "REGISTER";

	if (err && acc->verdict && !sipcert_verdict_is_accept(acc->verdict)) {
		example_report_refusal(method, acc->verdict);
		acc->refused++;
	} else if (err) {
		printf("%s: transport error: %s (sipcert: %s)\n", method, strerror(err),
		       sipcert_result_name(acc->check_error));
		acc->failed++;
	} else {
		printf("%s: %u %.*s\n", method, msg->scode, (int)msg->reason.l,
		       msg->reason.p);
		if (msg->scode >= 300)
			acc->failed++;
	}
	fflush(stdout);
	/* Every connection is verified afresh: forget the verdict of this one. */
	sipcert_verdict_free(acc->verdict);
	acc->verdict = NULL;

	if (++acc->answered == 1 && send_request(acc, "REGISTER") != 0) {
		acc->failed++;
		re_cancel();
	} else if (acc->answered == 2) {
		re_cancel();
	}
}

static int send_request(struct sip_account *acc, const char *method)
{
	struct sa laddr;
	int err = sip_transp_laddr(acc->sip, &laddr, SIP_TRANSP_TLS, NULL);
	if (err)
		return err;
	return sip_requestf(NULL, acc->sip, true, method, acc->aor, &acc->route, NULL,
			    NULL, response_handler, acc,
			    "To: <%s>\r\n"
			    "From: <%s>;tag=%x\r\n"
			    "Call-ID: %x@sipcert-libre\r\n"
			    "CSeq: %u %s\r\n"
			    "Contact: <sip:ua@%J;transport=tls>\r\n"
			    "Expires: 60\r\n"
			    "Content-Length: 0\r\n\r\n",
			    acc->aor, acc->aor, rand_u32(), rand_u32(),
			    acc->answered + 1, method, &laddr);
}

static void timeout_handler(void *arg)
{
	struct sip_account *acc = arg;
	printf("timeout\n");
	acc->failed++;
	re_cancel();
}

static int account_open(struct sip_account *acc, const char *ca, const char *next_hop)
{
	int n = snprintf(acc->route_text, sizeof acc->route_text, "sip:%s;transport=tls",
			 next_hop);
	if (n <= 0 || (size_t)n >= sizeof acc->route_text)
		return EINVAL;
	struct pl route;
	pl_set_str(&route, acc->route_text);
	int err = uri_decode(&acc->route, &route);
	if (err)
		return err;
	if (sipcert_policy_new(&acc->policy) != SIPCERT_OK)
		return ENOMEM;
	if (example_verifier_from_pem_file(ca, &acc->verifier) != SIPCERT_OK)
		return EINVAL;

	err = tls_alloc(&acc->tls, TLS_METHOD_SSLV23, NULL, NULL);
	if (err)
		return err;
	SSL_CTX *ctx = tls_openssl_context(acc->tls);
	/* sipcert decides; no OpenSSL CA store, no libre host-name check (the SIP transport
	 * of libre 1.1.0 calls none). A resumed session would skip the callback: off. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, sipcert_verify, acc);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);

	err = sip_alloc(&acc->sip, NULL, 32, 32, 32, "sipcert-libre-ua", NULL, NULL);
	if (err)
		return err;
	struct sa laddr;
	sa_set_str(&laddr, "127.0.0.1", 0);
	return sip_transp_add(acc->sip, SIP_TRANSP_TLS, &laddr, acc->tls);
}

static void account_close(struct sip_account *acc)
{
	sip_close(acc->sip, true);
	acc->sip = mem_deref(acc->sip);
	acc->tls = mem_deref(acc->tls);
	sipcert_verdict_free(acc->verdict);
	sipcert_chain_verifier_free(acc->verifier);
	sipcert_policy_free(acc->policy);
}

int main(int argc, char **argv)
{
	if (argc != 4 || strncmp(argv[3], "sips:", 5) != 0) {
		fprintf(stderr, "usage: %s CA.pem HOST:PORT sips:DOMAIN\n", argv[0]);
		return 2;
	}
	struct sip_account acc = {.aor = argv[3]};
	struct tmr timeout;
	int err = libre_init();
	if (err)
		return 2;
	tmr_init(&timeout);
	err = account_open(&acc, argv[1], argv[2]);
	if (!err)
		err = send_request(&acc, "OPTIONS");
	if (!err) {
		tmr_start(&timeout, 15000, timeout_handler, &acc);
		err = re_main(NULL);
	}
	if (err)
		fprintf(stderr, "libre: %s\n", strerror(err));
	tmr_cancel(&timeout);
	account_close(&acc);
	libre_close();
	tmr_debug();
	mem_debug();
	if (err || acc.failed || acc.answered != 2)
		return 2;
	return acc.refused ? 1 : 0;
}
