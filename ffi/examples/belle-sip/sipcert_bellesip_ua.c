/*
 * A SIP user agent on belle-sip (Linphone's SIP stack, 5.1.64, TLS by bctoolbox on mbedTLS)
 * that sends OPTIONS and REGISTER over TLS to a sips: URI, with sipcert deciding the server
 * certificate for the SIP domain of the request.
 *
 *   sipcert_bellesip_ua CA.pem HOST:PORT sips:DOMAIN
 *
 * Same arguments and output as ffi/examples/libre/sipcert_libre_ua.c: CA.pem, the trust
 * anchors; HOST:PORT, the address the resolver returned for DOMAIN (used as the outbound
 * proxy, so no DNS is needed); sips:DOMAIN, the Request-URI, whose host is the RFC 5922
 * reference. One line per request on stdout, sipcert's message on stderr; exit status 0
 * when both requests were answered 200, 1 when sipcert refused the server, 2 otherwise.
 *
 * Public belle-sip API only. belle_tls_crypto_config_set_verify_callback() hands the
 * callback each certificate of the chain mbedTLS built, with its depth and mbedTLS's error
 * flags; mbedTLS calls it from the top of the chain down to the server's certificate
 * (depth 0) and ORs the flags of every depth into the handshake's result. The callback
 * collects the DER of each depth, clears mbedTLS's flags (sipcert decides the path too) and
 * decides at depth 0 with sipcert's chain verifier; a reject sets
 * BCTBX_CERTIFICATE_VERIFY_BADCERT_OTHER, which fails the handshake. The flags it clears
 * include BADCERT_CN_MISMATCH, mbedTLS's host-name check against the host belle-sip
 * connected to (the outbound proxy, here an IP address), which is not the SIP domain: that
 * is the check sipcert replaces. The SIP domain itself reaches the callback only through
 * its user pointer: the crypto configuration (and its listening point and provider) is
 * made for one SIP domain.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <belle-sip/belle-sip.h>
#include <bctoolbox/crypto.h>
#include <sipcert.h>

#include "../common/sipcert_example.h"

#define MAX_DEPTH 8

/* One SIP domain: its stack objects, and sipcert's last verdict. */
struct sip_account {
	const char *aor;                     /* sips:DOMAIN, the reference */
	char proxy[160];                     /* sips:HOST:PORT, the outbound proxy */
	belle_sip_stack_t *stack;
	belle_sip_provider_t *provider;
	belle_sip_listener_t *listener;
	sipcert_policy *policy;
	sipcert_chain_verifier *verifier;
	sipcert_verdict *verdict;            /* kept past the callback, for the application */
	sipcert_result check_error;
	unsigned char *der[MAX_DEPTH];       /* the chain being verified, by depth */
	size_t der_len[MAX_DEPTH];
	int top;                             /* the largest depth seen, -1: none */
	bool overflow;
	char depths[64];                     /* the order of the callbacks, for the log */
	int answered;
	bool current_done;
	int refused;
	int failed;
};

static void chain_reset(struct sip_account *acc)
{
	for (int i = 0; i < MAX_DEPTH; i++) {
		free(acc->der[i]);
		acc->der[i] = NULL;
		acc->der_len[i] = 0;
	}
	acc->top = -1;
	acc->overflow = false;
}

static bool chain_store(struct sip_account *acc, bctbx_x509_certificate_t *cert, int depth)
{
	if (depth < 0 || depth >= MAX_DEPTH)
		return false;
	int32_t len = bctbx_x509_certificate_get_der_length(cert);
	unsigned char *der = len > 0 ? malloc((size_t)len + 1) : NULL;
	if (der == NULL)
		return false;
	/* bctoolbox NUL-terminates the DER it copies: one byte more than its length. */
	if (bctbx_x509_certificate_get_der(cert, der, (size_t)len + 1) != 0) {
		free(der);
		return false;
	}
	free(acc->der[depth]);
	acc->der[depth] = der;
	acc->der_len[depth] = (size_t)len;
	if (depth > acc->top)
		acc->top = depth;
	return true;
}

/* sipcert's decision on the chain collected at depths 0..top, for the account's domain. */
static bool decide(struct sip_account *acc)
{
	sipcert_verdict_free(acc->verdict);
	acc->verdict = NULL;
	for (int i = 0; i <= acc->top; i++)
		if (acc->der[i] == NULL)
			acc->overflow = true;   /* a gap: refuse */
	acc->check_error = acc->overflow
		? SIPCERT_CERT_MALFORMED
		: sipcert_chain_verifier_check_cstr(acc->verifier, acc->policy,
						    (const uint8_t *const *)acc->der,
						    acc->der_len, (size_t)acc->top + 1, acc->aor,
						    SIPCERT_ROLE_SERVER, SIPCERT_TIME_NOW,
						    &acc->verdict);
	return acc->check_error == SIPCERT_OK && sipcert_verdict_is_accept(acc->verdict);
}

static void sipcert_verify(void *data, bctbx_x509_certificate_t *cert, int depth,
			   uint32_t *flags)
{
	struct sip_account *acc = data;
	size_t used = strlen(acc->depths);
	snprintf(acc->depths + used, sizeof acc->depths - used, "%s%d", used ? "," : "", depth);
	if (!chain_store(acc, cert, depth))
		acc->overflow = true;
	/* sipcert decides the path and the names: mbedTLS's verdict (untrusted, expired, CN
	 * mismatch with the connected host) is replaced, at every depth... */
	bctbx_x509_certificate_unset_flag(flags, BCTBX_CERTIFICATE_VERIFY_ALL_FLAGS);
	if (depth != 0)
		return;
	/* ...and at depth 0, the last call, by sipcert's verdict. */
	if (!decide(acc))
		bctbx_x509_certificate_set_flag(flags, BCTBX_CERTIFICATE_VERIFY_BADCERT_OTHER);
	chain_reset(acc);
}

static int send_request(struct sip_account *acc, const char *method);

static void quit(struct sip_account *acc)
{
	belle_sip_main_loop_quit(belle_sip_stack_get_main_loop(acc->stack));
}

/* Called from the main loop, not from inside the listener of the previous outcome: sent
 * from inside the io-error listener, the REGISTER failed at once with another io error and
 * no handshake (the verify callback did not run): the failed channel to that address was
 * still the one the provider picked. */
static void send_register(void *data)
{
	struct sip_account *acc = data;
	if (send_request(acc, "REGISTER") != 0) {
		acc->failed++;
		quit(acc);
	}
}

/* The outcome of the current request: a response, or a transport failure. */
static void finish(struct sip_account *acc, const belle_sip_response_t *resp)
{
	const char *method = acc->answered == 0 ? "OPTIONS" : "REGISTER";
	if (acc->current_done)
		return;
	acc->current_done = true;
	if (resp) {
		int code = belle_sip_response_get_status_code(resp);
		printf("%s: %d %s\n", method, code, belle_sip_response_get_reason_phrase(resp));
		if (code >= 300)
			acc->failed++;
	} else if (acc->verdict && !sipcert_verdict_is_accept(acc->verdict)) {
		example_report_refusal(method, acc->verdict);
		acc->refused++;
	} else {
		printf("%s: transport error (sipcert: %s)\n", method,
		       sipcert_result_name(acc->check_error));
		acc->failed++;
	}
	fflush(stdout);
	fprintf(stderr, "verify callback depths: %s\n", acc->depths[0] ? acc->depths : "-");
	acc->depths[0] = '\0';
	sipcert_verdict_free(acc->verdict);
	acc->verdict = NULL;
	if (++acc->answered == 1)
		belle_sip_main_loop_do_later(belle_sip_stack_get_main_loop(acc->stack),
					     send_register, acc);
	else
		quit(acc);
}

static void on_response(void *ctx, const belle_sip_response_event_t *event)
{
	const belle_sip_response_t *resp = belle_sip_response_event_get_response(event);
	if (resp && belle_sip_response_get_status_code(resp) >= 200)
		finish(ctx, resp);
}

static void on_io_error(void *ctx, const belle_sip_io_error_event_t *event)
{
	(void)event;
	finish(ctx, NULL);
}

static void on_timeout(void *ctx, const belle_sip_timeout_event_t *event)
{
	(void)event;
	finish(ctx, NULL);
}

static int send_request(struct sip_account *acc, const char *method)
{
	belle_sip_uri_t *ruri = belle_sip_uri_parse(acc->aor);
	belle_sip_uri_t *proxy = belle_sip_uri_parse(acc->proxy);
	if (ruri == NULL || proxy == NULL) {
		if (ruri)
			belle_sip_object_unref(ruri);
		if (proxy)
			belle_sip_object_unref(proxy);
		return -1;
	}
	belle_sip_request_t *req = belle_sip_request_create(
		ruri, method, belle_sip_provider_create_call_id(acc->provider),
		belle_sip_header_cseq_create((unsigned)acc->answered + 1, method),
		belle_sip_header_from_create2(acc->aor, BELLE_SIP_RANDOM_TAG),
		belle_sip_header_to_create2(acc->aor, NULL), belle_sip_header_via_new(), 70);
	if (strcmp(method, "REGISTER") == 0) {
		/* A binding (a REGISTER without Contact only asks for the bindings). A Contact
		 * without URI is "automatic": the provider fills in the channel's local address
		 * and port (fix_automatic_header_address() in src/provider.c). */
		belle_sip_message_add_header(BELLE_SIP_MESSAGE(req),
					     BELLE_SIP_HEADER(belle_sip_header_contact_new()));
		belle_sip_message_add_header(BELLE_SIP_MESSAGE(req),
					     BELLE_SIP_HEADER(belle_sip_header_expires_create(60)));
	}
	belle_sip_client_transaction_t *t =
		belle_sip_provider_create_client_transaction(acc->provider, req);
	acc->current_done = false;
	int err = belle_sip_client_transaction_send_request_to(t, proxy);
	return err;
}

static int account_open(struct sip_account *acc, const char *ca, const char *next_hop)
{
	int n = snprintf(acc->proxy, sizeof acc->proxy, "sips:%s", next_hop);
	if (n <= 0 || (size_t)n >= sizeof acc->proxy)
		return -1;
	if (sipcert_policy_new(&acc->policy) != SIPCERT_OK || example_verifier_from_pem_file(ca, &acc->verifier) != SIPCERT_OK)
		return -1;

	acc->stack = belle_sip_stack_new(NULL);
	belle_sip_listening_point_t *lp = belle_sip_stack_create_listening_point(
		acc->stack, "127.0.0.1", BELLE_SIP_LISTENING_POINT_RANDOM_PORT, "TLS");
	if (lp == NULL)
		return -1;
	belle_tls_crypto_config_t *cfg = belle_tls_crypto_config_new();
	/* The same anchors for mbedTLS, whose chain (with the root it found at the top) is what
	 * the callback sees; its verdict on that chain is replaced by sipcert's. */
	belle_tls_crypto_config_set_root_ca(cfg, ca);
	belle_tls_crypto_config_set_verify_callback(cfg, sipcert_verify, acc);
	belle_sip_tls_listening_point_set_crypto_config(BELLE_SIP_TLS_LISTENING_POINT(lp), cfg);
	belle_sip_object_unref(cfg);
	acc->provider = belle_sip_stack_create_provider(acc->stack, lp);
	belle_sip_listener_callbacks_t cbs = {
		.process_response_event = on_response,
		.process_io_error = on_io_error,
		.process_timeout = on_timeout,
	};
	acc->listener = belle_sip_listener_create_from_callbacks(&cbs, acc);
	belle_sip_provider_add_sip_listener(acc->provider, acc->listener);
	return 0;
}

static void account_close(struct sip_account *acc)
{
	if (acc->provider) {
		belle_sip_provider_remove_sip_listener(acc->provider, acc->listener);
		belle_sip_object_unref(acc->provider);
	}
	if (acc->listener)
		belle_sip_object_unref(acc->listener);
	if (acc->stack)
		belle_sip_object_unref(acc->stack);
	chain_reset(acc);
	sipcert_verdict_free(acc->verdict);
	sipcert_chain_verifier_free(acc->verifier);
	sipcert_policy_free(acc->policy);
}

static int on_deadline(void *data, unsigned int events)
{
	struct sip_account *acc = data;
	(void)events;
	printf("timeout\n");
	acc->failed++;
	quit(acc);
	return BELLE_SIP_STOP;
}

int main(int argc, char **argv)
{
	if (argc != 4 || strncmp(argv[3], "sips:", 5) != 0) {
		fprintf(stderr, "usage: %s CA.pem HOST:PORT sips:DOMAIN\n", argv[0]);
		return 2;
	}
	struct sip_account acc = {.aor = argv[3], .top = -1};
	belle_sip_set_log_level(BELLE_SIP_LOG_ERROR);
	int err = account_open(&acc, argv[1], argv[2]);
	if (!err)
		err = send_request(&acc, "OPTIONS");
	if (!err) {
		belle_sip_main_loop_t *ml = belle_sip_stack_get_main_loop(acc.stack);
		belle_sip_source_t *deadline =
			belle_sip_main_loop_create_timeout(ml, on_deadline, &acc, 15000, "deadline");
		belle_sip_stack_main(acc.stack);
		belle_sip_main_loop_remove_source(ml, deadline);
		belle_sip_object_unref(deadline);
	}
	account_close(&acc);
	if (err || acc.failed || acc.answered != 2)
		return 2;
	return acc.refused ? 1 : 0;
}
