/*
 * test_endpoint.c -- NAME=ADDRESS[:PORT] parsing, formatting back, the
 * loopback test and the shared DNS name check, as good/bad tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "tldwatch/endpoint.h"

struct good {
	const char *text;
	const char *name;	/* NULL: none */
	const char *address;
	int family;
	uint16_t port;
	const char *formatted;
	bool loopback;
};

static const struct good goods[] = {
	{ "a.root-servers.net=198.41.0.4", "a.root-servers.net", "198.41.0.4", AF_INET, 0,
	    "a.root-servers.net=198.41.0.4", false },
	{ "127.45.176.15:10053", NULL, "127.45.176.15", AF_INET, 10053,
	    "127.45.176.15:10053", true },
	{ "ns1.example=[::1]:10053", "ns1.example", "::1", AF_INET6, 10053,
	    "ns1.example=[::1]:10053", true },
	{ "::1", NULL, "::1", AF_INET6, 0, "::1", true },
	{ "ns=2001:db8::1", "ns", "2001:db8::1", AF_INET6, 0, "ns=2001:db8::1", false },
	{ "NS1.KPTC.KP.=175.45.176.15", "ns1.kptc.kp", "175.45.176.15", AF_INET, 0,
	    "ns1.kptc.kp=175.45.176.15", false },
	{ "[2001:DB8:0:0::1]:53", NULL, "2001:db8::1", AF_INET6, 53, "[2001:db8::1]:53", false },
	{ "[::1]", NULL, "::1", AF_INET6, 0, "::1", true },
	{ "x=1.2.3.4:65535", "x", "1.2.3.4", AF_INET, 65535, "x=1.2.3.4:65535", false },
	{ "x=1.2.3.4:1", "x", "1.2.3.4", AF_INET, 1, "x=1.2.3.4:1", false },
	{ "x=1.2.3.4:00053", "x", "1.2.3.4", AF_INET, 53, "x=1.2.3.4:53", false },
	{ "::ffff:127.0.0.1", NULL, "::ffff:127.0.0.1", AF_INET6, 0, "::ffff:127.0.0.1", true },
	{ "srv_1.lab-x=10.0.0.1", "srv_1.lab-x", "10.0.0.1", AF_INET, 0,
	    "srv_1.lab-x=10.0.0.1", false },
	{ "0:0:0:0:0:0:0:1", NULL, "::1", AF_INET6, 0, "::1", true },
	{ "ns=[fe80::1]:5353", "ns", "fe80::1", AF_INET6, 5353, "ns=[fe80::1]:5353", false },
};

struct bad {
	const char *text;
	const char *why;	/* fragment of the reason */
};

static const struct bad bads[] = {
	{ "", "empty" },
	{ "foo", "\"foo\" is not a numeric IPv4 or IPv6 address" },
	{ "host.example", "\"host.example\" is not a numeric IPv4 or IPv6 address" },
	{ "1.2.3.4:99999", "bad port \"99999\"" },
	{ "1.2.3.4:65536", "bad port \"65536\"" },
	{ "1.2.3.4:0", "bad port \"0\"" },
	{ "1.2.3.4:", "bad port \"\"" },
	{ "1.2.3.4:5x", "bad port \"5x\"" },
	{ "1.2.3.4:-1", "bad port \"-1\"" },
	{ "1.2.3.4:+53", "bad port \"+53\"" },
	{ "1.2.3.4:99999999999999999999999", "bad port" },
	{ "1.2.3", "\"1.2.3\" is not a numeric" },
	{ "256.1.1.1", "\"256.1.1.1\" is not a numeric" },
	{ "01.2.3.4", "is not a numeric" },
	{ "1.2.3.4 ", "is not a numeric" },
	{ " 1.2.3.4", "is not a numeric" },
	{ "=1.2.3.4", "bad server name: empty name" },
	{ ".=1.2.3.4", "the root \".\" is not a server name" },
	{ "a..b=1.2.3.4", "empty label" },
	{ "a b=1.2.3.4", "bad character ' '" },
	{ "a\tb=1.2.3.4", "bad character 0x09" },
	{ "ns=", "missing address" },
	{ "[::1", "missing \"]\"" },
	{ "[::1]x", "expected \":PORT\" after \"]\"" },
	{ "[::1]:", "bad port \"\"" },
	{ "[::1]:0", "bad port \"0\"" },
	{ "ns=[::1]:70000", "bad port \"70000\"" },
	{ "[1.2.3.4]:53", "\"1.2.3.4\" is not a numeric IPv6 address" },
	{ "[]:53", "is not a numeric IPv6 address" },
	{ "a=b=1.2.3.4", "\"b=1.2.3.4\" is not a numeric" },
	{ "fe80::1%eth0", "is not a numeric" },
	{ "1::2::3", "is not a numeric" },
	{ "ns=::1:53:x", "is not a numeric" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1.2.3.4",
	    "longer than 63" },
	{ "ns=1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa", "is not a numeric" },
};

static void
test_parse_good(void **state)
{
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];
		struct tw_endpoint ep, again;
		struct tw_error err;

		if (tw_endpoint_parse(g->text, &ep, &err) != 0)
			fail_msg("\"%s\" rejected: %s", g->text, err.msg);
		if (g->name == NULL)
			assert_null(ep.name);
		else
			assert_string_equal(ep.name, g->name);
		assert_string_equal(ep.address, g->address);
		assert_int_equal(ep.family, g->family);
		assert_int_equal(ep.port, g->port);
		assert_string_equal(tw_endpoint_format(&ep, buf, sizeof(buf)), g->formatted);
		assert_int_equal(tw_endpoint_is_loopback(&ep), g->loopback);

		/* What format writes, parse reads back to the same endpoint. */
		assert_int_equal(tw_endpoint_parse(buf, &again, &err), 0);
		if (g->name == NULL)
			assert_null(again.name);
		else
			assert_string_equal(again.name, ep.name);
		assert_string_equal(again.address, ep.address);
		assert_int_equal(again.family, ep.family);
		assert_int_equal(again.port, ep.port);
		tw_endpoint_clear(&again);
		tw_endpoint_clear(&ep);
		assert_null(ep.name);
		assert_int_equal(ep.port, 0);
	}
}

static void
test_parse_bad(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct tw_endpoint ep;
		struct tw_error err;

		memset(&ep, 'x', sizeof(ep));
		memset(&err, 'x', sizeof(err));
		if (tw_endpoint_parse(bads[i].text, &ep, &err) != -1)
			fail_msg("\"%s\" accepted", bads[i].text);
		if (strstr(err.msg, bads[i].why) == NULL)
			fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", bads[i].text, err.msg,
			    bads[i].why);
		/* A reason without a place: the caller knows where the text came from. */
		assert_string_equal(err.file, "");
		assert_int_equal(err.line, 0);
		/* A failed parse leaves nothing to free. */
		assert_null(ep.name);
		assert_string_equal(ep.address, "");
	}
}

static void
test_parse_edge(void **state)
{
	struct tw_endpoint ep;
	struct tw_error err;
	char longtext[600];

	/* NULL error, NULL text, NULL endpoint: no crash. */
	assert_int_equal(tw_endpoint_parse("junk", &ep, NULL), -1);
	assert_int_equal(tw_endpoint_parse(NULL, &ep, &err), -1);
	assert_string_equal(err.msg, "empty server address");
	assert_int_equal(tw_endpoint_parse("1.2.3.4", NULL, &err), -1);

	/* A very long bad address is quoted cut short, not copied whole. */
	memset(longtext, 'z', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	assert_int_equal(tw_endpoint_parse(longtext, &ep, &err), -1);
	assert_non_null(strstr(err.msg, "...\" is not a numeric"));
	assert_true(strlen(err.msg) < 200);
	tw_endpoint_clear(NULL);
}

static void
test_format_small_buffer(void **state)
{
	struct tw_endpoint ep;
	char buf[8];

	assert_int_equal(tw_endpoint_parse("ns1.kptc.kp=[::1]:10053", &ep, NULL), 0);
	memset(buf, '#', sizeof(buf));
	assert_ptr_equal(tw_endpoint_format(&ep, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "ns1.kpt");
	buf[0] = '#';
	assert_ptr_equal(tw_endpoint_format(&ep, buf, 0), buf);
	assert_int_equal(buf[0], '#');
	tw_endpoint_clear(&ep);
}

/* --listen values: what binds where, and what is refused. */
struct listen_case {
	const char *text;
	const char *address;	/* NULL: must be rejected */
	int family;
	uint16_t port;
	const char *why;	/* fragment of the reason when rejected */
};

static const struct listen_case listens[] = {
	{ "9853", "127.0.0.1", AF_INET, 9853, NULL },		/* a bare port: loopback */
	{ "1", "127.0.0.1", AF_INET, 1, NULL },
	{ "65535", "127.0.0.1", AF_INET, 65535, NULL },
	{ "127.0.0.1:9853", "127.0.0.1", AF_INET, 9853, NULL },
	{ "0.0.0.0:80", "0.0.0.0", AF_INET, 80, NULL },
	{ "[::1]:9853", "::1", AF_INET6, 9853, NULL },
	{ "[0:0::1]:9853", "::1", AF_INET6, 9853, NULL },
	{ "[::]:9853", "::", AF_INET6, 9853, NULL },
	{ "0", NULL, 0, 0, "bad port \"0\"" },
	{ "65536", NULL, 0, 0, "bad port \"65536\"" },
	{ "99999999999999999999", NULL, 0, 0, "bad port" },
	{ "", NULL, 0, 0, "empty listen address" },
	{ "nonsense:port", NULL, 0, 0, "\"nonsense\" is not a numeric" },
	{ "localhost:9853", NULL, 0, 0, "is not a numeric" },
	{ "127.0.0.1", NULL, 0, 0, "missing port after \"127.0.0.1\"" },
	{ "127.0.0.1:", NULL, 0, 0, "bad port \"\"" },
	{ ":9853", NULL, 0, 0, "is not a numeric" },
	{ "::1", NULL, 0, 0, "an IPv6 address takes brackets" },
	{ "::1:9853", NULL, 0, 0, "an IPv6 address takes brackets" },
	{ "[::1]", NULL, 0, 0, "missing port" },
	{ "[::1]:", NULL, 0, 0, "bad port" },
	{ "[::1]x", NULL, 0, 0, "expected \":PORT\" after \"]\"" },
	{ "[::1:9853", NULL, 0, 0, "missing \"]\"" },
	{ "[127.0.0.1]:9853", NULL, 0, 0, "is not a numeric IPv6 address" },
	{ "ns=127.0.0.1:9853", NULL, 0, 0, "is not a numeric" },	/* no NAME= here */
	{ "127.0.0.1:98 53", NULL, 0, 0, "bad port" },
	{ " 9853", NULL, 0, 0, "is not a numeric" },
	{ "+9853", NULL, 0, 0, "is not a numeric" },
};

static void
test_parse_listen(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(listens) / sizeof(listens[0]); i++) {
		const struct listen_case *c = &listens[i];
		struct tw_endpoint ep;
		struct tw_error err;
		int rc;

		memset(&ep, 'x', sizeof(ep));
		memset(&err, 0, sizeof(err));
		rc = tw_endpoint_parse_listen(c->text, &ep, &err);
		if (c->address == NULL) {
			if (rc != -1)
				fail_msg("\"%s\" accepted as %s port %u", c->text, ep.address,
				    (unsigned)ep.port);
			if (strstr(err.msg, c->why) == NULL)
				fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", c->text, err.msg,
				    c->why);
			assert_string_equal(ep.address, "");
			assert_null(ep.name);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\" rejected: %s", c->text, err.msg);
		assert_string_equal(ep.address, c->address);
		assert_int_equal(ep.family, c->family);
		assert_int_equal(ep.port, c->port);
		assert_null(ep.name);
	}
	assert_int_equal(tw_endpoint_parse_listen(NULL, &(struct tw_endpoint){ 0 }, NULL), -1);
	assert_int_equal(tw_endpoint_parse_listen("80", NULL, NULL), -1);
}

struct lb {
	const char *address;
	bool loopback;
};

static const struct lb lbs[] = {
	{ "127.0.0.1", true }, { "127.255.255.255", true }, { "127.45.176.15", true },
	{ "127.0.0.0", true }, { "::1", true }, { "0:0:0:0:0:0:0:1", true },
	{ "::ffff:127.0.0.1", true }, { "::ffff:127.45.176.15", true },
	{ "128.0.0.1", false }, { "126.255.255.255", false }, { "175.45.176.15", false },
	{ "::", false }, { "::2", false }, { "1::1", false }, { "::ffff:128.0.0.1", false },
	{ "::127.0.0.1", false }, { "2001:db8::1", false }, { "localhost", false },
	{ "", false }, { "127.0.0.1:53", false }, { "[::1]", false },
};

static void
test_loopback(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(lbs) / sizeof(lbs[0]); i++)
		if (tw_endpoint_address_is_loopback(lbs[i].address) != lbs[i].loopback)
			fail_msg("\"%s\": want loopback=%d", lbs[i].address, lbs[i].loopback);
	assert_false(tw_endpoint_address_is_loopback(NULL));
	assert_false(tw_endpoint_is_loopback(NULL));
}

struct nm {
	const char *text;
	const char *want;	/* NULL: must be rejected */
	const char *why;
};

#define L63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij012"
#define L61 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij0"
#define N253 L63 "." L63 "." L63 "." L61
#define N254 L63 "." L63 "." L63 "." L61 "x"

static const struct nm nms[] = {
	{ "KP.", "kp", NULL },
	{ "kp", "kp", NULL },
	{ ".", "", NULL },
	{ "Rodong.Rep.KP", "rodong.rep.kp", NULL },
	{ "a-b_c.d0", "a-b_c.d0", NULL },
	{ L63 ".kp", L63 ".kp", NULL },
	{ L63 "x.kp", NULL, "longer than 63" },
	{ N253, N253, NULL },
	{ N253 ".", N253, NULL },
	{ N254, NULL, "longer than 253" },
	{ "", NULL, "empty name" },
	{ "..", NULL, "empty label" },
	{ ".kp", NULL, "empty label" },
	{ "kp..", NULL, "empty label" },
	{ "a..kp", NULL, "empty label" },
	{ "k*p", NULL, "bad character '*'" },
	{ "k\xc3\xa9.kp", NULL, "bad character 0xc3" },
	{ "kp/24", NULL, "bad character '/'" },
};

static void
test_name_dup(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(nms) / sizeof(nms[0]); i++) {
		struct tw_error err;
		char *got = tw_endpoint_name_dup(nms[i].text, strlen(nms[i].text), &err);

		if (nms[i].want != NULL) {
			if (got == NULL)
				fail_msg("\"%s\" rejected: %s", nms[i].text, err.msg);
			assert_string_equal(got, nms[i].want);
		} else {
			if (got != NULL)
				fail_msg("\"%s\" accepted as \"%s\"", nms[i].text, got);
			if (strstr(err.msg, nms[i].why) == NULL)
				fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", nms[i].text,
				    err.msg, nms[i].why);
		}
		free(got);
	}
	/* The length counts, not a NUL: an embedded NUL is a bad character. */
	{
		struct tw_error err;

		assert_null(tw_endpoint_name_dup("kp\0x", 4, &err));
		assert_non_null(strstr(err.msg, "0x00"));
		assert_null(tw_endpoint_name_dup("k p", 3, NULL));
	}
	assert_int_equal(strlen(L63), 63);
	assert_int_equal(strlen(N253), 253);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_edge),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_name_dup),
		cmocka_unit_test(test_parse_listen),
	};

	return cmocka_run_group_tests_name("endpoint", tests, NULL, NULL);
}
