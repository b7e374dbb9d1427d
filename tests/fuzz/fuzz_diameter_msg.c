/* libFuzzer target: generic lib/diameter parsing on arbitrary input: header, AVP iteration,
 * recursive grouped checks (dictionary-driven, depth-limited), typed accessors, the printer and
 * error answers. Nothing may read past the input; the printer must agree with the iterator. */
#include "diameter/diameter.h"

#include <stdio.h>
#include <stdlib.h>

static uint8_t out[70000];
static FILE *null_out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dia_hdr h;
	if (null_out == NULL)
		null_out = fopen("/dev/null", "w");
	int rc = dia_hdr_parse(data, size, &h);
	if (rc == 0) {
		struct dia_avp_iter it;
		struct dia_avp a, bad;
		dia_avp_iter_msg(&it, data, size);
		while ((rc = dia_avp_next(&it, &a)) == 1) {
			if (a.raw + a.raw_len > data + size)
				abort();
			const struct dia_dict_entry *d = dia_dict_find(a.code, a.vendor);
			uint32_t u;
			uint64_t u64;
			int64_t t;
			struct dia_address ad;
			dia_avp_u32(&a, &u);
			dia_avp_u64(&a, &u64);
			dia_avp_time(&a, &t);
			dia_avp_address(&a, &ad);
			if (d && d->type == DIA_T_GROUPED) {
				int g = dia_avp_check_group(&a, &it, &bad);
				if (g && (bad.raw < data || bad.raw + bad.raw_len > data + size))
					abort();
			}
		}
		if (rc != 0 && rc != DIA_INVALID_AVP_LENGTH)
			abort();
		if (rc && (a.raw < data || a.raw + a.raw_len > data + size))
			abort();
		int prc = dia_msg_print(null_out, data, size);
		if (prc != 0 && prc != DIA_INVALID_AVP_LENGTH && prc != DIA_INVALID_AVP_VALUE)
			abort();
		if (rc && prc == 0)
			abort(); /* the printer walked past a framing error the iterator saw */
	}
	if (size >= DIA_HDR_LEN) {
		int n = dia_error_answer_build(out, sizeof(out), data, size, DIA_UNABLE_TO_COMPLY, data + DIA_HDR_LEN,
					       size - DIA_HDR_LEN, "h", "r");
		if (n < 0 || dia_hdr_parse(out, (size_t)n, &h) != 0)
			abort();
		struct dia_avp_iter it;
		struct dia_avp a;
		dia_avp_iter_msg(&it, out, (size_t)n);
		while ((rc = dia_avp_next(&it, &a)) == 1)
			;
		if (rc != 0)
			abort(); /* our answers are always well framed */
	}
	return 0;
}
