#include "CJSONScan.h"
#include <simdjson.h>
#include <deque>
#include <string>
#include <vector>

using simdjson::dom::element;
using simdjson::dom::object;
using simdjson::dom::array;
using simdjson::dom::element_type;

struct js_scanner {
    simdjson::dom::parser parser;
    std::vector<js_tweet> tweets;
    std::vector<js_user> users;
    std::vector<js_field> fields;
    std::deque<std::string> scratch;  // numbers turned into text; deque keeps addresses stable
    std::string message;
};

namespace {

const js_text absent = {nullptr, 0};

js_text view(std::string_view s) { return js_text{s.data(), s.size()}; }

js_text keep(js_scanner *s, std::string text) {
    s->scratch.push_back(std::move(text));
    return view(s->scratch.back());
}

/// A string field. Wrong types set `problem` (first problem wins) and give absent.
js_text string_field(js_scanner *s, const object &o, const char *key, js_text &problem) {
    element value;
    if (o.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return absent;
    std::string_view text;
    if (value.get(text) == simdjson::SUCCESS) return view(text);
    if (!problem.data) problem = keep(s, std::string(key) + " is not a string");
    return absent;
}

/// An id written as a string or an integer (some converted exports write numbers).
js_text id_field(js_scanner *s, const object &o, const char *key, js_text &problem) {
    element value;
    if (o.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return absent;
    std::string_view text;
    if (value.get(text) == simdjson::SUCCESS) return view(text);
    int64_t i; uint64_t u;
    if (value.get(i) == simdjson::SUCCESS) return keep(s, std::to_string(i));
    if (value.get(u) == simdjson::SUCCESS) return keep(s, std::to_string(u));
    if (!problem.data) problem = keep(s, std::string(key) + " is neither a string nor an integer");
    return absent;
}

/// A count: integer, float or digit string; absent otherwise.
int64_t count_field(const object &o, const char *key) {
    element value;
    if (o.at_key(key).get(value) != simdjson::SUCCESS) return JS_ABSENT;
    int64_t i; double d; std::string_view text;
    if (value.get(i) == simdjson::SUCCESS) return i;
    if (value.get(d) == simdjson::SUCCESS && d > -9.2e18 && d < 9.2e18) return (int64_t)d;
    if (value.get(text) == simdjson::SUCCESS) {
        try { size_t used = 0; long long v = std::stoll(std::string(text), &used); if (used == text.size()) return v; } catch (...) {}
    }
    return JS_ABSENT;
}

/// A timestamp that dumps write as a number or a string: returned as text for PostDate.
js_text time_field(js_scanner *s, const object &o, const char *key, js_text &problem) {
    element value;
    if (o.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) return absent;
    std::string_view text; int64_t i; double d;
    if (value.get(text) == simdjson::SUCCESS) return view(text);
    if (value.get(i) == simdjson::SUCCESS) return keep(s, std::to_string(i));
    if (value.get(d) == simdjson::SUCCESS) {
        char buffer[64];
        snprintf(buffer, sizeof buffer, "%.3f", d);
        return keep(s, buffer);
    }
    if (!problem.data) problem = keep(s, std::string(key) + " is neither a string nor a number");
    return absent;
}

js_tweet read_tweet(js_scanner *s, const object &o) {
    js_tweet t{};
    t.id = id_field(s, o, "id", t.problem);
    t.text = string_field(s, o, "text", t.problem);
    t.created_at = string_field(s, o, "created_at", t.problem);
    t.lang = string_field(s, o, "lang", t.problem);
    t.author_id = id_field(s, o, "author_id", t.problem);
    t.conversation_id = id_field(s, o, "conversation_id", t.problem);
    object note;
    if (o.at_key("note_tweet").get(note) == simdjson::SUCCESS) t.note_text = string_field(s, note, "text", t.problem);
    object author;
    if (o.at_key("author").get(author) == simdjson::SUCCESS) {
        t.embedded_author_id = id_field(s, author, "id", t.problem);
        t.embedded_author_username = string_field(s, author, "username", t.problem);
    }
    array references;
    if (o.at_key("referenced_tweets").get(references) == simdjson::SUCCESS) {
        for (element reference : references) {
            object r;
            if (reference.get(r) != simdjson::SUCCESS) continue;
            std::string_view type;
            if (r.at_key("type").get(type) != simdjson::SUCCESS) continue;
            js_text id = id_field(s, r, "id", t.problem);
            if (type == "retweeted") t.reposted_id = id;
            else if (type == "replied_to") t.replied_to_id = id;
            else if (type == "quoted") t.quoted_id = id;
        }
    }
    object metrics;
    t.like_count = t.retweet_count = t.reply_count = t.quote_count = JS_ABSENT;
    if (o.at_key("public_metrics").get(metrics) == simdjson::SUCCESS) {
        t.like_count = count_field(metrics, "like_count");
        t.retweet_count = count_field(metrics, "retweet_count");
        t.reply_count = count_field(metrics, "reply_count");
        t.quote_count = count_field(metrics, "quote_count");
    }
    return t;
}

bool parse(js_scanner *s, const char *bytes, size_t length, element &doc) {
    s->tweets.clear();
    s->users.clear();
    s->fields.clear();
    s->scratch.clear();
    s->message.clear();
    auto error = s->parser.parse(bytes, length, true).get(doc);
    if (error) {
        s->message = simdjson::error_message(error);
        return false;
    }
    return true;
}

}  // namespace

extern "C" {

js_scanner *js_scanner_new(void) { return new js_scanner(); }
void js_scanner_free(js_scanner *scanner) { delete scanner; }

int js_scan_x(js_scanner *s, const char *bytes, size_t length) {
    element doc;
    if (!parse(s, bytes, length, doc)) return JS_INVALID;
    object o;
    if (doc.get(o) != simdjson::SUCCESS) return JS_OTHER;
    element data;
    if (o.at_key("data").get(data) == simdjson::SUCCESS && !data.is_null()) {
        object includes;
        array users;
        if (o.at_key("includes").get(includes) == simdjson::SUCCESS && includes.at_key("users").get(users) == simdjson::SUCCESS) {
            for (element u : users) {
                object user;
                if (u.get(user) != simdjson::SUCCESS) continue;
                js_text ignored{};
                s->users.push_back(js_user{id_field(s, user, "id", ignored), string_field(s, user, "username", ignored)});
            }
        }
        array list;
        object single;
        if (data.get(list) == simdjson::SUCCESS) {
            for (element item : list) {
                object tweet;
                if (item.get(tweet) == simdjson::SUCCESS) {
                    s->tweets.push_back(read_tweet(s, tweet));
                } else {
                    js_tweet bad{};
                    bad.problem = keep(s, "the element is not a JSON object");
                    s->tweets.push_back(bad);
                }
            }
            return JS_PAGE;
        }
        if (data.get(single) == simdjson::SUCCESS) {
            s->tweets.push_back(read_tweet(s, single));
            return JS_PAGE_OBJECT;
        }
        return JS_OTHER;
    }
    element id, text;
    if (o.at_key("id").get(id) == simdjson::SUCCESS || o.at_key("text").get(text) == simdjson::SUCCESS) {
        s->tweets.push_back(read_tweet(s, o));
        return JS_TWEET;
    }
    array errors;
    if (o.at_key("errors").get(errors) == simdjson::SUCCESS && errors.size() > 0) {
        int shown = 0;
        for (element e : errors) {
            object error;
            if (e.get(error) != simdjson::SUCCESS || shown == 3) continue;
            std::string_view detail;
            if (error.at_key("detail").get(detail) != simdjson::SUCCESS && error.at_key("title").get(detail) != simdjson::SUCCESS) detail = "unknown error";
            if (shown++) s->message += "; ";
            s->message += detail;
        }
        return JS_ERRORS;
    }
    return JS_OTHER;
}

size_t js_tweet_count(const js_scanner *s) { return s->tweets.size(); }
const js_tweet *js_tweet_at(const js_scanner *s, size_t index) { return &s->tweets[index]; }
size_t js_user_count(const js_scanner *s) { return s->users.size(); }
const js_user *js_user_at(const js_scanner *s, size_t index) { return &s->users[index]; }

int js_scan_reddit(js_scanner *s, const char *bytes, size_t length, js_reddit *out) {
    *out = js_reddit{};
    element doc;
    if (!parse(s, bytes, length, doc)) return JS_INVALID;
    object o;
    if (doc.get(o) != simdjson::SUCCESS) return JS_OTHER;
    out->id = id_field(s, o, "id", out->problem);
    out->name = string_field(s, o, "name", out->problem);
    out->title = string_field(s, o, "title", out->problem);
    out->selftext = string_field(s, o, "selftext", out->problem);
    out->body = string_field(s, o, "body", out->problem);
    out->author = string_field(s, o, "author", out->problem);
    out->subreddit = string_field(s, o, "subreddit", out->problem);
    out->created_utc = time_field(s, o, "created_utc", out->problem);
    out->link_id = string_field(s, o, "link_id", out->problem);
    out->parent_id = string_field(s, o, "parent_id", out->problem);
    out->link_title = string_field(s, o, "link_title", out->problem);
    out->score = count_field(o, "score");
    out->num_comments = count_field(o, "num_comments");
    return JS_TWEET;
}

int js_scan_object(js_scanner *s, const char *bytes, size_t length) {
    element doc;
    if (!parse(s, bytes, length, doc)) return JS_INVALID;
    object o;
    if (doc.get(o) != simdjson::SUCCESS) return JS_OTHER;
    for (auto member : o) {
        js_field f{};
        f.key = view(member.key);
        f.integer = JS_ABSENT;
        element value = member.value;
        std::string_view text;
        int64_t i; uint64_t u; double d; bool b;
        switch (value.type()) {
        case element_type::NULL_VALUE: f.kind = JS_FIELD_NULL; break;
        case element_type::STRING:
            f.kind = JS_FIELD_STRING;
            if (value.get(text) == simdjson::SUCCESS) f.text = view(text);
            break;
        case element_type::INT64:
            f.kind = JS_FIELD_INTEGER;
            if (value.get(i) == simdjson::SUCCESS) {
                f.integer = i;
                f.number = (double)i;
                f.text = keep(s, std::to_string(i));
            }
            break;
        case element_type::UINT64:
            f.kind = JS_FIELD_INTEGER;
            if (value.get(u) == simdjson::SUCCESS) { f.number = (double)u; f.text = keep(s, std::to_string(u)); }
            break;
        case element_type::DOUBLE:
            f.kind = JS_FIELD_NUMBER;
            if (value.get(d) == simdjson::SUCCESS) {
                char buffer[64];
                snprintf(buffer, sizeof buffer, "%.17g", d);
                f.number = d;
                f.text = keep(s, buffer);
            }
            break;
        case element_type::BOOL:
            f.kind = JS_FIELD_BOOL;
            if (value.get(b) == simdjson::SUCCESS) f.integer = b ? 1 : 0;
            break;
        case element_type::ARRAY: f.kind = JS_FIELD_ARRAY; break;
        case element_type::OBJECT: f.kind = JS_FIELD_OBJECT; break;
        default: f.kind = JS_FIELD_OBJECT; break;
        }
        s->fields.push_back(f);
    }
    return JS_TWEET;
}

size_t js_field_count(const js_scanner *s) { return s->fields.size(); }
const js_field *js_field_at(const js_scanner *s, size_t index) { return &s->fields[index]; }

js_text js_message(const js_scanner *s) { return view(s->message); }

}  // extern "C"
