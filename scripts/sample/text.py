"""Small text helpers: filling a fragment's slots, X's idea of a long post, and the similarity measure
behind every near-duplicate guarantee of the ground truth."""
import re

HASHTAG_RE = re.compile(r'(?<![\w&])#(\w+)', re.UNICODE)
MENTION_RE = re.compile(r'(?<![\w@])@(\w{1,15})', re.UNICODE)
URL_RE = re.compile(r'https?://\S+')
CASHTAG_RE = re.compile(r'(?<![\w$])\$([A-Za-z]{1,6})\b')

_SLOT = re.compile(r'\{([^{}]*)\}')
ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'


def tco(rng):
    """A t.co short link."""
    return 'https://t.co/' + ''.join(rng.choice(ID_CHARS) for _ in range(10))


def expand(text, rng, ctx):
    """Fill a fragment's slots: {a|b|c} picks one alternative, {name} etc. come from the post's ctx."""
    def rep(m):
        s = m.group(1)
        if '|' in s:
            return rng.choice(s.split('|'))
        return ctx[s]
    return _SLOT.sub(rep, text)


# X counts a code point outside these ranges (CJK, emoji, ...) twice.
_X_WIDE = re.compile('[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]')


def x_weighted_len(text):
    """X's weighted length: most Latin/punctuation counts 1, CJK and emoji count 2 per code point,
    URLs 23."""
    n = len(text) + len(_X_WIDE.findall(text))
    if 'http' in text:
        for u in URL_RE.findall(text):
            n += 23 - len(u) - len(_X_WIDE.findall(u))
    return n


def x_is_long(text):
    """More than 280 weighted characters (a note tweet). Nothing of 140 characters or less can be."""
    return len(text) > 140 and x_weighted_len(text) > 280


def x_truncate(text, limit=275):
    """Cut to `limit` weighted characters at a word boundary (for Latin text), then add an ellipsis."""
    head = text[:limit]
    if len(head) < len(text) and not _X_WIDE.search(head):
        s = head                          # all narrow: the first `limit` characters
        if ' ' in s[-25:] and text[len(s)] != ' ':
            s = s[:s.rfind(' ')]
        return s.rstrip() + '…'
    out = []
    n = 0
    for ch in text:
        w = 2 if _X_WIDE.match(ch) else 1
        if n + w > limit:
            break
        out.append(ch)
        n += w
    s = ''.join(out)
    if len(s) < len(text) and ' ' in s[-25:] and text[len(s)] != ' ':
        s = s[:s.rfind(' ')]
    return s.rstrip() + '…'


def shingles(text, k=5):
    """Character k-shingles of the whitespace-folded, lower-cased text."""
    t = re.sub(r'\s+', ' ', text.lower()).strip()
    if len(t) <= k:
        return {t}
    return {t[i:i + k] for i in range(len(t) - k + 1)}


def jaccard(a, b, k=5):
    sa, sb = shingles(a, k), shingles(b, k)
    return len(sa & sb) / max(1, len(sa | sb))


_NORM_STRIP = re.compile(r'https?://\S+|[@#]\w+|[^\w\s]', re.UNICODE)


def norm_text(text):
    """Lower case, no mentions, hashtags, links, emoji or punctuation: what near-duplicate checks compare."""
    return ' '.join(_NORM_STRIP.sub(' ', text.lower()).split())


def strip_decoration(text):
    """The text without leading mentions, trailing hashtags, emoji and t.co links."""
    s = re.sub(r'^(@\w+\s+)+', '', text)
    s = re.sub(r'(\s*(https://t\.co/\w+|#\w+|[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]+))+\s*$', '', s)
    return s.strip() or text
