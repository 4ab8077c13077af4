"""The X collection: original posts, replies and quotes with words of their own, short, emoji-only and
noise posts, the campaign templates and their near copies, decoys, copypasta, retweets, replies that only
repeat their parent, and damaged records. Then ids, conversations, X's language labels and metrics."""
import math
import re

from .codebook import cats_tuple
from .composer import Content
from .copies import novel_noise, novel_post, template_canonical, template_variant
from .draws import quota
from .phrases import CAMPAIGNS, X_API
from .records import Rec
from .text import strip_decoration, tco
from .timeline import T_AUG_START, T_END, T_RETIRE, later, sample_time, snowflake, ts

# Language mixes: of X posts, of noise under the hashtag, of short posts.
X_LANG_W = [('en', 0.402), ('zh-Hans', 0.112), ('zh-Hant', 0.032), ('ja', 0.145), ('ko', 0.04), ('es', 0.032),
            ('fr', 0.042), ('de', 0.047), ('pt', 0.047), ('mixed', 0.057)]
NOISE_LANG_W = [('en', 0.6), ('zh-Hans', 0.09), ('zh-Hant', 0.03), ('ja', 0.11), ('ko', 0.04), ('es', 0.04),
                ('fr', 0.03), ('de', 0.03), ('pt', 0.03)]
SHORT_LANG_W = [('en', 0.5), ('zh-Hans', 0.12), ('zh-Hant', 0.05), ('ja', 0.13), ('ko', 0.05), ('es', 0.04),
                ('fr', 0.035), ('de', 0.035), ('pt', 0.04)]


def x_hint(rng, rec):
    """X's `lang` for a post: mostly right, `zh` for both Chinese scripts, sometimes wrong or `und`."""
    if rec.kind == 'emoji_only':
        return rng.choice(X_API.emoji_only_hints)
    if rec.kind == 'short':
        if re.fullmatch(r'(#\w+\s*)+', rec.text.strip()):
            return 'qht'
        if rng.random() < 0.25:
            return rng.choice(['und'] + X_API.wrong_lang_hints.get(rec.lang, ['und']))
    if rec.lang == 'mixed':
        return rng.choice(X_API.mixed_hints)
    if rng.random() < 0.07:
        return rng.choice(X_API.wrong_lang_hints.get(rec.lang, ['und']))
    return X_API.lang_hint.get(rec.lang, 'und')


def build_x(rng, comp, users, clusters, novelty, n_orig=1520):
    """Every X record; returns (records, {template key: the template's source record})."""
    recs = []
    originals = []

    def add(rec):
        recs.append(rec)
        return rec

    # -- plain originals
    for lang in quota(rng, X_LANG_W, n_orig):
        t = sample_time(rng, lang)
        content = novel_post(rng, comp, novelty, lang, t, long_form=rng.random() < 0.06)
        r = add(Rec('x', 'original', content, t, users.pick_x(lang)))
        r.popular = math.exp(rng.gauss(0, 1))
        originals.append(r)
    originals.sort(key=lambda r: r.t)

    def pick_parent(lang=None, pred=None):
        for _ in range(200):
            p = rng.choice(originals)
            if (lang is None or p.lang == lang or rng.random() < 0.25) and (pred is None or pred(p)):
                return p
        return rng.choice(originals)

    # -- replies and quotes with their own content
    for kind_ref, n in (('replied_to', 170), ('quoted', 50)):
        for lang in quota(rng, X_LANG_W, n):
            if lang == 'mixed':
                lang = 'en'
            p = pick_parent(lang, pred=lambda p: not p.ref_type)
            t = later(rng, p.t, 5 * 3600)
            content = novel_post(rng, comp, novelty, lang, t)
            u = users.pick_x(lang, exclude=(p.user['id'],))
            r = add(Rec('x', 'original', content, t, u))
            r.ref_type, r.parent = kind_ref, p
            if kind_ref == 'replied_to':
                r.text = '@' + p.user['username'] + ' ' + r.text
                p.n_reply += 1
            else:
                r.text = r.text + ' ' + tco(rng)
                p.n_quote += 1
            originals.append(r)
    # -- short, emoji-only, noise
    for lang in quota(rng, SHORT_LANG_W, 112):
        t = sample_time(rng, lang)
        add(Rec('x', 'short', comp.short(lang, t), t, users.pick_x(lang)))
    for _ in range(30):
        t = sample_time(rng, 'en')
        add(Rec('x', 'emoji_only', comp.emoji(), t, users.pick_x(rng.choice(['en', 'en', 'ja', 'zh-Hans']))))
    for lang in quota(rng, NOISE_LANG_W, 150):
        t = sample_time(rng, lang)
        add(Rec('x', 'noise', novel_noise(comp, novelty, lang, t), t, users.pick_x(lang)))

    # -- campaign templates: source + near copies, in the days the campaign ran
    template_sources = {}
    for tpl in CAMPAIGNS.templates:
        era = tpl['era']
        if era == 'aug':
            t0, cap = ts(2025, 8, 8, 2) + rng.randrange(3 * 86400), ts(2025, 8, 31)
        elif era == 'pre13':
            t0, cap = ts(2026, 1, 29, 20) + rng.randrange(5 * 86400), T_RETIRE - 3600
        else:
            t0, cap = ts(2026, 1, 30) + rng.randrange(9 * 86400), T_END - 3600
        canon = template_canonical(tpl)
        src = add(Rec('x', 'original', Content(canon, cats_tuple(tpl['tags']), tpl['lang'], 'sup'), t0,
                      users.pick_x(tpl['lang'])))
        src.cluster = 'tpl-' + tpl['key']
        src.popular = 25.0
        src.template = tpl
        template_sources[tpl['key']] = src
        seen = [src.user['id']]
        for _ in range(tpl['copies']):
            t = later(rng, t0, 22 * 3600, cap=cap)
            text, cats = template_variant(rng, tpl, t)
            u = users.pick_x(tpl['lang'], exclude=seen)
            seen.append(u['id'])
            r = add(Rec('x', 'near_copy', Content(text, cats, tpl['lang'], 'sup'), t, u))
            r.cluster = src.cluster
    # -- decoys: share hashtags and words with a template, say something else
    for i, decoy in enumerate(CAMPAIGNS.decoys):
        src = template_sources[decoy['template']]
        lang, tags = decoy['lang'], decoy['tags']
        t = min(T_END - 60, max(T_AUG_START, src.t + rng.randint(-2 * 86400, 4 * 86400)))
        r = add(Rec('x', 'original', Content(decoy['text'], cats_tuple(tags), lang, 'sup' if tags != '0' else 'noise'),
                    t, users.pick_x(lang)))
        r.cluster = 'decoy-%02d' % (i + 1)

    # -- exact copies (copypasta): 2-6 authors post the same text
    cands = [r for r in originals if not r.ref_type and len(r.text) >= 50 and r.kind == 'original']
    n_copies = 0
    sources = []
    while n_copies < 72:
        src = rng.choice(cands)
        if src in sources:
            continue
        sources.append(src)
        k = min(rng.choice([1, 1, 2, 2, 3, 4, 5]), 72 - n_copies)
        clusters.ensure(src)
        seen = [src.user['id']]
        for _ in range(k):
            u = users.pick_x(src.lang, exclude=seen)
            seen.append(u['id'])
            r = add(Rec('x', 'exact_copy', None, later(rng, src.t, 20 * 3600), u))
            r.lang, r.cats, r.text, r.core, r.side = src.lang, src.cats, src.text, src.core, src.side
            r.cluster = src.cluster
            n_copies += 1

    # -- retweets: of every template, of some copypasta, then of popular posts
    rt_plan = []
    for key, src in template_sources.items():
        rt_plan += [src] * rng.randint(5, 11)
    for src in sources[:10]:
        rt_plan += [src] * rng.randint(1, 3)
    pop = sorted([r for r in originals if not r.ref_type], key=lambda r: -r.popular)[:120]
    while len(rt_plan) < 150:
        rt_plan.append(rng.choice(pop))
    rt_plan = rt_plan[:150]
    for src in rt_plan:
        clusters.ensure(src)
        lang = src.lang if rng.random() < 0.75 else 'en'
        u = users.pick_x(lang, exclude=(src.user['id'],))
        r = add(Rec('x', 'repost', None, later(rng, src.t, 10 * 3600), u))
        r.lang, r.cats, r.side, r.core = src.lang, src.cats, src.side, src.core
        r.ref_type, r.parent, r.cluster = 'retweeted', src, src.cluster
        src.n_rt += 1
    # -- replies that only repeat the parent
    echo_parents = [r for r in originals if not r.ref_type and 40 <= len(r.text) <= 260]
    for _ in range(22):
        p = rng.choice(echo_parents)
        clusters.ensure(p)
        u = users.pick_x(p.lang, exclude=(p.user['id'],))
        r = add(Rec('x', 'reply_echo', None, later(rng, p.t, 4 * 3600), u))
        body = p.text if rng.random() < 0.5 else strip_decoration(p.text)
        r.lang, r.cats, r.side = p.lang, p.cats, p.side
        r.text = r.core = '@' + p.user['username'] + ' ' + body
        r.ref_type, r.parent, r.cluster = 'replied_to', p, p.cluster
        p.n_reply += 1
    return recs, template_sources


def make_x_broken(rng, comp, users):
    """Damaged X records, each with real content so they look like the rest of the file; the writers
    damage them (reason -> record)."""
    out = {}

    def mk(reason, lang, pred=None):
        for _ in range(200):
            t = sample_time(rng, lang)
            c = comp.post(lang, t, 'x')
            if pred is None or pred(c.text):
                break
        r = Rec('x', 'broken', c, t, users.pick_x(lang))
        r.broken = reason
        out[reason] = r
        return r

    mk('invalid_json', 'en', pred=lambda s: s.count('"') >= 2)
    r = mk('invalid_utf8', 'fr', pred=lambda s: any(128 <= ord(ch) < 256 for ch in s) and
           all(ord(ch) < 256 for ch in s) and 'http' not in s and len(s) < 200)
    while not all(ord(ch) < 256 for ch in r.user['name'] + r.user['username']):
        r.user = users.pick_x('fr')
    mk('nul_byte', 'en')
    mk('bad_date', 'ja')
    mk('missing_field', 'en')
    r = mk('empty_text', 'en')
    r.lang = 'und'
    mk('truncated', 'en')
    mk('wrong_column_count', 'en')
    mk('bad_date_csv', 'zh-Hans').broken = 'bad_date'
    return out


def finish_x(rng, recs):
    """Ids, conversations, lang hints, metrics, edits, retweet text."""
    used = set()
    recs.sort(key=lambda r: (r.t, r.kind))
    for r in recs:
        r.id = snowflake(rng, r.t, used)
    for r in recs:
        if r.ref_type == 'replied_to':
            r.conv = r.parent.conv
        else:
            r.conv = r.id
        if r.ref_type == 'retweeted':
            full = 'RT @' + r.parent.user['username'] + ': ' + r.parent.text
            r.text = full if len(full) <= 140 else full[:139].rstrip() + '…'
            r.hint = r.parent.hint
        else:
            r.hint = x_hint(rng, r)
        r.edit_ids = [r.id]
        if r.kind in ('original', 'near_copy') and rng.random() < 0.03:
            r.edit_ids = [snowflake(rng, r.t - rng.randint(60, 1800), used), r.id]
    for r in reversed(recs):          # children before parents: counts are known
        if r.ref_type == 'retweeted':
            continue
        f = r.user['followers']
        likes = int(math.exp(rng.gauss(0.55 * math.log(f + 5), 1.1)) * r.popular)
        r.metrics = {
            'retweet_count': max(r.n_rt, int(likes * rng.uniform(0.02, 0.3))),
            'reply_count': max(r.n_reply, int(likes * rng.uniform(0.01, 0.15))),
            'like_count': likes,
            'quote_count': max(r.n_quote, int(likes * rng.uniform(0.0, 0.04))),
            'impression_count': likes * rng.randint(15, 120) + rng.randint(8, 600),
        }
    for r in recs:
        if r.ref_type == 'retweeted':
            r.metrics = {'retweet_count': r.parent.metrics['retweet_count'], 'reply_count': 0, 'like_count': 0,
                         'quote_count': 0, 'impression_count': 0}
