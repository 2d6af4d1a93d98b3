/*
 * What the SIP stack examples share: the trust anchors from a CA file, and how a refusal is
 * reported to the application. Plain C and sipcert only (no stack, no TLS library).
 */
#ifndef SIPCERT_EXAMPLE_H
#define SIPCERT_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>

#include <sipcert.h>

/* A verifier trusting the certificates of the PEM file `path` (the stack's CA file). */
static sipcert_result example_verifier_from_pem_file(const char *path,
						     sipcert_chain_verifier **out)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return SIPCERT_INVALID_TRUST_ANCHOR;
	char *text = NULL;
	size_t len = 0;
	long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (size > 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size)) != NULL)
		len = fread(text, 1, (size_t)size, f);
	fclose(f);
	sipcert_result r = sipcert_chain_verifier_new_pem((const uint8_t *)text, len, 0, out);
	free(text);
	if (r != SIPCERT_OK)
		fprintf(stderr, "%s: %s\n", path, sipcert_result_name(r));
	return r;
}

/* "WHAT: refused by sipcert: CODES (chain: STATUS)" on stdout, the message on stderr. */
static void example_report_refusal(const char *what, const sipcert_verdict *v)
{
	printf("%s: refused by sipcert: %s (chain: %s)\n", what, sipcert_verdict_codes(v),
	       sipcert_verdict_chain_status(v));
	fprintf(stderr, "sipcert: %s\n", sipcert_verdict_message(v));
}

#endif
