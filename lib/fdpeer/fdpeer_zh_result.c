/* fdpeer_zh_classify: what a Zh MAA means for the BSF; see fdpeer_zh.h. Kept apart from the
 * freeDiameter code so that it links (and is unit-tested) without libfdcore. */
#include "fdpeer/fdpeer_zh.h"

enum fdpeer_zh_outcome fdpeer_zh_classify(const struct fdpeer_maa *a, int resync, size_t max_guss)
{
	if (a->experimental_result == FDPEER_ZH_IMPI_UNKNOWN ||
	    (!a->experimental_result && a->result_code == FDPEER_ZH_CX_USER_UNKNOWN))
		return FDPEER_ZH_UNKNOWN_USER;
	if (resync && !a->experimental_result && a->result_code == FDPEER_ZH_AUTH_REJECTED)
		return FDPEER_ZH_AUTS_REJECTED;
	if (a->experimental_result || a->result_code != 2001 || a->error_bit)
		return FDPEER_ZH_ERROR_RESULT;
	if (!a->have_av || a->xres_len != 8 || a->guss_len > max_guss)
		return FDPEER_ZH_NO_VECTOR; /* XRES: 8 octets (Milenage f2, the Digest password we use) */
	return FDPEER_ZH_VECTOR;
}
