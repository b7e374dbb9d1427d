/* libFuzzer target: the session record codec (lib/store store_record_decode/encode) on arbitrary
 * octets, in an exact-size heap copy, once as it is and once with a correct checksum (so the
 * field parsing behind the CRC is reached). A record that decodes is canonical (re-encoding gives
 * the input back) and within every limit; one that does not leaves no key material. The input also
 * serves as a B-TID for the key and slot helpers (store_key, store_key_slot). */
#include "store/store_record.h"
#include "store/store_slots.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct store_record r;
static uint8_t buf[STORE_RECORD_MAX_LEN + 16];

/* Decode in[0..size) and check the invariants. */
static void check(const uint8_t *in, size_t size)
{
	memset(&r, 0xa5, sizeof(r));
	int rc = store_record_decode(in, size, &r);
	if (rc == 0) {
		if (r.version != STORE_RECORD_VERSION || r.gba_type > 1 || r.uicc_type > 1 || r.impi_len > STORE_IMPI_MAX ||
		    r.impi[r.impi_len] != 0 || r.n_uss > STORE_USS_MAX || r.uss_blob_len > STORE_USS_BLOB_MAX)
			abort();
		unsigned sum = 0;
		for (unsigned i = 0; i < r.n_uss; i++) {
			if (r.uss[i].off != sum || (unsigned)r.uss[i].off + r.uss[i].len > r.uss_blob_len)
				abort();
			sum += r.uss[i].len;
		}
		if (sum != r.uss_blob_len)
			abort();
		int n = store_record_encode(&r, buf, sizeof(buf));
		if (n < 0 || (size_t)n != size || memcmp(buf, in, size) != 0)
			abort(); /* not canonical */
		if (store_record_encode(&r, buf, (size_t)n - 1) != -ENOSPC)
			abort();
	} else {
		if (rc != -EBADMSG && rc != -EPROTONOSUPPORT)
			abort();
		static const uint8_t zero[STORE_KS_LEN];
		if (memcmp(r.ks, zero, sizeof(zero)) != 0)
			abort(); /* a failed decode must not leave a Ks behind */
	}
	store_record_wipe(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *in = malloc(size ? size : 1);
	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	check(in, size);
	/* the same octets with their last four replaced by the right CRC-32C: the field parsing
	 * behind the checksum, which mutations of a sealed record almost never reach */
	if (size >= 4) {
		uint32_t c = store_crc32c(in, size - 4);
		in[size - 4] = (uint8_t)(c >> 24);
		in[size - 3] = (uint8_t)(c >> 16);
		in[size - 2] = (uint8_t)(c >> 8);
		in[size - 1] = (uint8_t)c;
		check(in, size);
	}
	char key[STORE_KEY_MAX + 1];
	memcpy(in, data, size);
	int kl = store_key((const char *)in, size, key, sizeof(key));
	if (kl >= 0) {
		if ((size_t)kl != size + 6 || key[kl] != 0 || store_key_slot(key, (size_t)kl) >= STORE_SLOTS)
			abort();
		/* the hash tag is the whole B-TID unless it holds a '}' (then the tag ends there) */
		if (!memchr(in, '}', size) && size > 0 && store_key_slot(key, (size_t)kl) != store_crc16(in, size) % STORE_SLOTS)
			abort();
	}
	if (store_key_slot((const char *)in, size) >= STORE_SLOTS)
		abort();
	free(in);
	return 0;
}
