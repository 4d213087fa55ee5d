/*
 * delegation.c -- parent and child NS sets and glue compared (see delegation.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/delegation.h"
#include "tldwatch/vec.h"

static const char *const kind_names[TW_DELEG_KIND_COUNT] = {
	[TW_DELEG_CHILD_ONLY] = "child_only",
	[TW_DELEG_PARENT_ONLY] = "parent_only",
	[TW_DELEG_NO_ADDRESS] = "no_address",
	[TW_DELEG_GLUE_MISMATCH] = "glue_mismatch",
};

const char *
tw_delegation_kind_str(enum tw_delegation_kind k)
{
	return (unsigned)k < TW_DELEG_KIND_COUNT ? kind_names[k] : "invalid";
}

int
tw_delegation_kind_from_str(const char *s, enum tw_delegation_kind *out)
{
	unsigned i;

	for (i = 0; i < TW_DELEG_KIND_COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum tw_delegation_kind)i;
			return 0;
		}
	return -1;
}

static void
findings_free(struct tw_delegation *d)
{
	size_t i;

	for (i = 0; i < d->n_findings; i++) {
		free(d->findings[i].name);
		free(d->findings[i].detail);
	}
	free(d->findings);
	d->findings = NULL;
	d->n_findings = 0;
}

static const char *
parent_words(const struct tw_delegation *d)
{
	return d->parent == NULL || d->parent[0] == '\0' ? "the root" : d->parent;
}

static bool
is_v6(const char *a)
{
	return strchr(a, ':') != NULL;
}

/* The addresses of one family in ${a}, joined by ", ", into ${b}. */
static void
family_list(struct tw_vec *b, char *const *a, size_t n, bool v6)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++)
		if (is_v6(a[i]) == v6) {
			(void)tw_vec_printf(b, "%s%s", sep, a[i]);
			sep = ", ";
		}
}

static size_t
family_count(char *const *a, size_t n, bool v6)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += is_v6(a[i]) == v6;
	return k;
}

/* Both lists hold addresses of this family, and not the same ones (both are sorted). */
static bool
family_differs(const struct tw_ns_name *n, bool v6)
{
	size_t ng = family_count(n->glue, n->n_glue, v6), i = 0, j = 0;

	if (ng == 0 || family_count(n->addrs, n->n_addrs, v6) == 0)
		return false;
	if (ng != family_count(n->addrs, n->n_addrs, v6))
		return true;
	for (;;) {
		while (i < n->n_glue && is_v6(n->glue[i]) != v6)
			i++;
		while (j < n->n_addrs && is_v6(n->addrs[j]) != v6)
			j++;
		if (i >= n->n_glue || j >= n->n_addrs)
			return false;
		if (strcmp(n->glue[i++], n->addrs[j++]) != 0)
			return true;
	}
}

static int
add(struct tw_vec *out, enum tw_delegation_kind kind, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
add(struct tw_vec *out, enum tw_delegation_kind kind, const char *name, const char *fmt, ...)
{
	struct tw_delegation_finding *f;
	struct tw_vec text;
	va_list ap;
	int rc;

	tw_vec_init(&text, 1, NULL);
	va_start(ap, fmt);
	rc = tw_vec_vprintf(&text, fmt, ap);
	va_end(ap);
	if (rc != 0 || (f = tw_vec_push(out)) == NULL) {
		tw_vec_free(&text);
		return -1;
	}
	f->kind = kind;
	f->detail = text.v;
	if ((f->name = strdup(name)) == NULL)
		return -1;
	return 0;
}

static int
judge_name(const struct tw_delegation *d, const struct tw_ns_name *n, struct tw_vec *out)
{
	bool both = d->parent != NULL && d->child_seen;
	struct tw_vec b;
	int rc = 0, fam;

	if (both && n->in_child && !n->in_parent)
		rc |= add(out, TW_DELEG_CHILD_ONLY, n->name, "listed by %s's servers, not in %s's referral",
		    d->zone, parent_words(d));
	if (both && n->in_parent && !n->in_child)
		rc |= add(out, TW_DELEG_PARENT_ONLY, n->name, "in %s's referral, not in %s's own NS set",
		    parent_words(d), d->zone);
	if (n->n_glue == 0 && n->n_addrs == 0 && n->lookup == TW_NS_LOOKUP_EMPTY)
		rc |= add(out, TW_DELEG_NO_ADDRESS, n->name, "%s, and no glue",
		    n->lookup_outcome == TW_OUTCOME_NXDOMAIN ? "no such name (NXDOMAIN)" :
		    "neither an A nor an AAAA record");
	for (fam = 0; fam < 2; fam++) {
		if (!family_differs(n, fam == 1))
			continue;
		tw_vec_init(&b, 1, NULL);
		(void)tw_vec_printf(&b, "%s's glue ", parent_words(d));
		family_list(&b, n->glue, n->n_glue, fam == 1);
		(void)tw_vec_printf(&b, ", %s's servers say ", d->zone);
		family_list(&b, n->addrs, n->n_addrs, fam == 1);
		rc |= b.v == NULL ? -1 : add(out, TW_DELEG_GLUE_MISMATCH, n->name, "%s",
		    tw_vec_str(&b));
		tw_vec_free(&b);
	}
	return rc;
}

int
tw_delegation_judge(struct tw_delegation *d)
{
	struct tw_vec out;
	size_t i;
	int rc = 0;

	findings_free(d);
	tw_vec_init(&out, sizeof(struct tw_delegation_finding), NULL);
	for (i = 0; i < d->n_names && rc == 0; i++)
		rc = judge_name(d, &d->names[i], &out);
	d->findings = out.v;
	d->n_findings = out.n;
	if (rc != 0) {
		findings_free(d);
		return -1;
	}
	return 0;
}

void
tw_delegation_count(const struct tw_delegation *d, size_t n, unsigned counts[TW_DELEG_KIND_COUNT])
{
	size_t i, j;

	memset(counts, 0, TW_DELEG_KIND_COUNT * sizeof(counts[0]));
	for (i = 0; i < n; i++)
		for (j = 0; j < d[i].n_findings; j++)
			if ((unsigned)d[i].findings[j].kind < TW_DELEG_KIND_COUNT)
				counts[d[i].findings[j].kind]++;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
tw_delegation_free(struct tw_delegation *d, size_t n)
{
	size_t i, j;

	if (d == NULL)
		return;
	for (i = 0; i < n; i++) {
		findings_free(&d[i]);
		for (j = 0; j < d[i].n_names; j++) {
			free(d[i].names[j].name);
			strv_free(d[i].names[j].glue, d[i].names[j].n_glue);
			strv_free(d[i].names[j].addrs, d[i].names[j].n_addrs);
		}
		free(d[i].names);
		free(d[i].zone);
		free(d[i].parent);
	}
	free(d);
}
