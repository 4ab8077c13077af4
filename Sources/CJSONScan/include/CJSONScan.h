// A small C API over simdjson that pulls the fields `ingest` needs out of one JSON line.
// simdjson validates the whole document (syntax and UTF-8); only the named fields are read.
#ifndef CJSONSCAN_H
#define CJSONSCAN_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A string inside the scanner's buffers; `data == NULL` means absent (or JSON null).
/// Valid until the next scan with the same scanner.
typedef struct { const char *data; size_t length; } js_text;

#define JS_ABSENT INT64_MIN

typedef struct {
    js_text id, text, note_text, created_at, lang, author_id, conversation_id;
    js_text embedded_author_id, embedded_author_username;
    js_text reposted_id, replied_to_id, quoted_id;
    int64_t like_count, retweet_count, reply_count, quote_count;
    js_text problem;  ///< set when a field has the wrong type: the tweet cannot be used
} js_tweet;

typedef struct { js_text id, username; } js_user;

typedef struct {
    js_text id, name, title, selftext, body, author, subreddit, created_utc, link_id, parent_id;
    js_text link_title;  ///< a comment's thread title, as Reddit API listings carry it
    int64_t score, num_comments;
    js_text problem;
} js_reddit;

enum js_kind { JS_INVALID = -1, JS_TWEET = 0, JS_PAGE = 1, JS_ERRORS = 2, JS_OTHER = 3, JS_PAGE_OBJECT = 4 };

typedef struct js_scanner js_scanner;

js_scanner *js_scanner_new(void);
void js_scanner_free(js_scanner *scanner);

/// Scans an X API v2 line: a tweet object, or a page with `data` (array or object) and
/// `includes.users`, or an error page. Returns a js_kind.
int js_scan_x(js_scanner *scanner, const char *bytes, size_t length);
size_t js_tweet_count(const js_scanner *scanner);
const js_tweet *js_tweet_at(const js_scanner *scanner, size_t index);
size_t js_user_count(const js_scanner *scanner);
const js_user *js_user_at(const js_scanner *scanner, size_t index);

/// Scans a Reddit NDJSON line into `out`. Returns JS_TWEET (a usable object), JS_INVALID or JS_OTHER (not an object).
int js_scan_reddit(js_scanner *scanner, const char *bytes, size_t length, js_reddit *out);

/// One top-level field of a flat JSON object (MediaCrawler records): its key, its kind, and its
/// value as text (strings as they are, integers in decimal, other numbers with 17 significant
/// digits; empty for null, booleans, arrays and objects).
enum js_field_kind {
    JS_FIELD_NULL = 0, JS_FIELD_STRING = 1, JS_FIELD_INTEGER = 2, JS_FIELD_NUMBER = 3,
    JS_FIELD_BOOL = 4, JS_FIELD_ARRAY = 5, JS_FIELD_OBJECT = 6
};

typedef struct {
    js_text key;
    int kind;
    js_text text;
    int64_t integer;  ///< JS_FIELD_INTEGER within int64; JS_ABSENT for larger integers (see text)
    double number;    ///< JS_FIELD_INTEGER and JS_FIELD_NUMBER
} js_field;

/// Scans a line that should hold one JSON object and lists its top-level fields. Returns JS_TWEET
/// for an object, JS_INVALID (not JSON) or JS_OTHER (JSON, but not an object).
int js_scan_object(js_scanner *scanner, const char *bytes, size_t length);
size_t js_field_count(const js_scanner *scanner);
const js_field *js_field_at(const js_scanner *scanner, size_t index);

/// For JS_INVALID: simdjson's description of the syntax error. For JS_ERRORS: the API's messages.
js_text js_message(const js_scanner *scanner);

#ifdef __cplusplus
}
#endif
#endif
