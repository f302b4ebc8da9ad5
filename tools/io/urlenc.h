/* tools/io/urlenc.h -- file paths as relative URLs for href and src attributes of the HTML outputs.
 * A file name is never written raw into a link: "javascript:x.html" would be a script, "a#b.html"
 * a fragment, "a?b" a query. */
#ifndef TM_URLENC_H
#define TM_URLENC_H
#include <stddef.h>

/* Writes path (segments separated by '/') as a URL path into out: every byte of every segment
 * except the unreserved A-Z a-z 0-9 - . _ ~ is percent-encoded (%HH, upper case), the '/'
 * separators are kept, and a relative path gets a "./" prefix so its first segment can never
 * read as a scheme. An absolute path stays absolute ("/..."). The result needs no further HTML
 * escaping inside a quoted attribute. Returns 0, or -1 (out holds "") if it does not fit in cap. */
int url_path_encode(const char *path, char *out, size_t cap);

#endif
