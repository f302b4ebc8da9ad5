/* tests/test_term.c -- the two helpers that keep outside text harmless: term_escape (terminal)
 * and url_path_encode (links in the HTML outputs), against answers written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "term.h"
#include "urlenc.h"

static void escaped(const char *in, const char *want)
{
    char out[256];
    assert_string_equal(term_escape(in, out, sizeof out), want);
}

static void test_term_escape(void **state)
{
    (void)state;
    escaped("call01.wav", "call01.wav");
    escaped("a\nb\rc\td", "a\\nb\\rc\\td");
    escaped("\033]0;owned\007\033[2J", "\\x1b]0;owned\\x07\\x1b[2J");
    escaped("del\x7f", "del\\x7f");
    escaped("back\\slash", "back\\\\slash");
    escaped("caf\xc3\xa9 \xe6\x97\xa5", "caf\xc3\xa9 \xe6\x97\xa5");     /* printable UTF-8 kept */
    escaped("c1\xc2\x9b" "31m", "c1\\u{009b}31m");                     /* 8-bit CSI */
    escaped("bidi\xe2\x80\xae" "cod.exe", "bidi\\u{202e}cod.exe");      /* right-to-left override */
    escaped("bad\xff\xc3", "bad\\xff\\xc3");                           /* not UTF-8 */
    escaped("over\xc0\xaf", "over\\xc0\\xaf");                         /* overlong '/' */
    char small[12];
    assert_string_equal(term_escape("0123456789abcdef", small, sizeof small), "01234567...");
    assert_string_equal(term_escape("\n\n\n\n\n", small, sizeof small), "\\n\\n\\n\\n...");
    char one[1] = {'x'};
    assert_string_equal(term_escape("abc", one, 1), "");
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(term_fputs("x\033y", f), 0);
    rewind(f);
    char back[32] = {0};
    assert_non_null(fgets(back, sizeof back, f));
    assert_string_equal(back, "x\\x1by");
    fclose(f);
}

static void encoded(const char *in, const char *want)
{
    char out[512];
    assert_int_equal(url_path_encode(in, out, sizeof out), 0);
    assert_string_equal(out, want);
}

static void test_url_path_encode(void **state)
{
    (void)state;
    encoded("call01.html", "./call01.html");
    encoded("javascript:alert(1).html", "./javascript%3Aalert%281%29.html");
    encoded("<img src=x onerror=alert(1)>.html", "./%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.html");
    encoded("a#b?c%d e\"f'g,h\ni.html", "./a%23b%3Fc%25d%20e%22f%27g%2Ch%0Ai.html");
    encoded("../calls/2026-01-03/call~1.wav", "./../calls/2026-01-03/call~1.wav");
    encoded("/srv/calls/x y.wav", "/srv/calls/x%20y.wav");
    encoded("caf\xc3\xa9.wav", "./caf%C3%A9.wav");
    char out[8];
    assert_int_equal(url_path_encode("abcde", out, sizeof out), 0);
    assert_string_equal(out, "./abcde");
    assert_int_equal(url_path_encode("abcdef", out, sizeof out), -1);
    assert_string_equal(out, "");
    assert_int_equal(url_path_encode("a b", out, 6), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term_escape),
        cmocka_unit_test(test_url_path_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
