/* GUSS scanner: see sub_guss.h. */
#include "subscriber/sub_guss.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

static const char *find(const char *s, const char *end, const char *pat)
{
	size_t n = strlen(pat);
	for (const char *p = s; p + n <= end; p++)
		if (*p == pat[0] && !memcmp(p, pat, n))
			return p;
	return NULL;
}

static bool name_end(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/'; }

/* the first start tag "<name" (followed by a name end) in [s, end) */
static const char *find_tag(const char *s, const char *end, const char *name)
{
	char pat[32];
	size_t n = strlen(name);
	pat[0] = '<';
	memcpy(pat + 1, name, n + 1);
	for (const char *p = s; (p = find(p, end, pat)) != NULL; p++)
		if (p + n + 1 < end && name_end(p[n + 1]))
			return p;
	return NULL;
}

/* end of the start tag at p (one past '>'), skipping quoted attribute values; NULL if none */
static const char *tag_end(const char *p, const char *end)
{
	char q = 0;
	for (; p < end; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '>') {
			return p + 1;
		}
	}
	return NULL;
}

static void trim(const char **a, const char **b)
{
	while (*a < *b && (**a == ' ' || **a == '\t' || **a == '\r' || **a == '\n'))
		(*a)++;
	while (*b > *a && ((*b)[-1] == ' ' || (*b)[-1] == '\t' || (*b)[-1] == '\r' || (*b)[-1] == '\n'))
		(*b)--;
}

/* text of <name>TEXT</name> inside [s, end): 1 found, 0 absent, -1 malformed */
static int elem_text(const char *s, const char *end, const char *name, const char **ta, const char **tb)
{
	const char *p = find_tag(s, end, name);
	if (p == NULL)
		return 0;
	const char *te = tag_end(p, end);
	if (te == NULL || te[-2] == '/')
		return -1;
	char close[40];
	close[0] = '<';
	close[1] = '/';
	size_t n = strlen(name);
	memcpy(close + 2, name, n);
	close[n + 2] = '>';
	close[n + 3] = '\0';
	const char *c = find(te, end, close);
	if (c == NULL)
		return -1;
	*ta = te;
	*tb = c;
	trim(ta, tb);
	return 1;
}

static int parse_u64(const char *a, const char *b, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (a == b || b - a > 19)
		return -1;
	for (; a < b; a++) {
		if (*a < '0' || *a > '9')
			return -1;
		v = v * 10 + (uint64_t)(*a - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* value of attribute name in the start tag [p, te): 1 found, 0 absent, -1 malformed */
static int attr(const char *p, const char *te, const char *name, const char **va, const char **vb)
{
	size_t n = strlen(name);
	for (const char *s = p; s + n + 2 < te; s++) {
		if ((s[-1] != ' ' && s[-1] != '\t' && s[-1] != '\r' && s[-1] != '\n') || memcmp(s, name, n))
			continue;
		const char *e = s + n;
		while (e < te && (*e == ' ' || *e == '\t'))
			e++;
		if (e >= te || *e != '=')
			continue;
		e++;
		while (e < te && (*e == ' ' || *e == '\t'))
			e++;
		if (e >= te || (*e != '"' && *e != '\''))
			return -1;
		const char *q = memchr(e + 1, *e, (size_t)(te - e - 1));
		if (q == NULL)
			return -1;
		*va = e + 1;
		*vb = q;
		return 1;
	}
	return 0;
}

int sub_guss_parse(const char *xml, size_t len, struct sub_guss *g)
{
	if (xml == NULL || g == NULL)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	g->uicc_type = -1;
	if (len > SUB_GUSS_MAX)
		return -EMSGSIZE;
	const char *end = xml + len;
	if (find_tag(xml, end, "guss") == NULL)
		return -EBADMSG;
	const char *bi = find_tag(xml, end, "bsfInfo");
	if (bi) {
		const char *be = find(bi, end, "</bsfInfo>"), *a, *b;
		if (be == NULL)
			return -EBADMSG;
		int r = elem_text(bi, be, "lifeTime", &a, &b);
		uint64_t v;
		if (r < 0 || (r == 1 && (parse_u64(a, b, SUB_LIFETIME_MAX, &v) < 0 || v == 0)))
			return -EBADMSG;
		if (r == 1)
			g->lifetime_s = (int64_t)v;
		r = elem_text(bi, be, "uiccType", &a, &b);
		if (r < 0)
			return -EBADMSG;
		if (r == 1) {
			size_t n = (size_t)(b - a);
			if ((n == 3 && !memcmp(a, "GBA", 3)) || (n == 1 && *a == '0'))
				g->uicc_type = 0;
			else if ((n == 5 && !memcmp(a, "GBA_U", 5)) || (n == 1 && *a == '1'))
				g->uicc_type = 1;
			else
				return -EBADMSG;
		}
	}
	for (const char *p = xml; (p = find_tag(p, end, "uss")) != NULL;) {
		const char *te = tag_end(p, end), *ee;
		if (te == NULL)
			return -EBADMSG;
		if (te[-2] == '/') {
			ee = te; /* <uss .../> */
		} else {
			const char *c = find(te, end, "</uss>");
			if (c == NULL)
				return -EBADMSG;
			ee = c + 6;
		}
		const char *va, *vb;
		uint64_t gsid;
		int r = attr(p + 4, te, "type", &va, &vb);
		if (r == 0)
			r = attr(p + 4, te, "id", &va, &vb);
		if (r != 1 || parse_u64(va, vb, UINT32_MAX, &gsid) < 0)
			return -EBADMSG;
		if (g->n_uss == SUB_GUSS_USS_MAX)
			return -ENOSPC;
		g->uss[g->n_uss].gsid = (uint32_t)gsid;
		g->uss[g->n_uss].off = (uint32_t)(p - xml);
		g->uss[g->n_uss].len = (uint32_t)(ee - p);
		g->n_uss++;
		p = ee;
	}
	return 0;
}
