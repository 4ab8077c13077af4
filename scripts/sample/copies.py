"""Planted copies, and keeping everything else apart.

The ground truth promises that every near-duplicate pair in the sample is one it knows about. So copies
are made on purpose (campaign templates with small edits, cheap variants for the benchmark), every
independently written post is redrawn until it is not close to an earlier one (Novelty), and what is
still alike in the end (the same slogan by several people) is put into a shared `same-` cluster."""
import math
import re
import zlib

from .codebook import cats_tuple, merge_cats
from .composer import LATIN, X_PROFILE, make_ctx
from .draws import wchoice
from .phrases import BANKS, CAMPAIGNS, POSTS, parse_frag
from .style import pick_hashtags
from .text import HASHTAG_RE, expand, jaccard, norm_text, shingles


class Novelty:
    """Keeps independently written posts from being accidental near-duplicates of each other
    (5-shingle Jaccard >= 0.6 on normalised text), so that every near-duplicate pair in the sample is
    one the ground truth knows about. Candidate lookup uses a deterministic bottom-6 MinHash sketch."""

    def __init__(self, threshold=0.6):
        self.threshold = threshold
        self.index = {}
        self.sets = []

    _common = None

    @classmethod
    def common_shingles(cls):
        """Shingles found in many different fragments ("4o wa", " the "): useless as lookup keys."""
        if cls._common is None:
            df = {}
            for lang in BANKS:
                for frags in BANKS[lang].values():
                    for f in frags:
                        for x in shingles(norm_text(f.text)):
                            df[x] = df.get(x, 0) + 1
            cls._common = frozenset(x for x, n in df.items() if n > 3)
        return cls._common

    def _sketch(self, sh):
        common = self.common_shingles()
        keys = sorted(zlib.crc32(x.encode('utf-8')) for x in sh if x not in common)[:6]
        return keys or sorted(zlib.crc32(x.encode('utf-8')) for x in sh)[:6]

    @staticmethod
    def _shingles(text):
        """The shingles compared, or None for a text too short to be a near-duplicate of anything."""
        t = norm_text(text)
        return shingles(t) if len(t) >= 12 else None

    def ok(self, lang, text):
        """Is the text not a near-duplicate of any added one?"""
        sh = self._shingles(text)
        if sh is None:
            return True
        cands = set()
        for k in self._sketch(sh):
            cands.update(self.index.get((lang, k), ()))
        for c in sorted(cands):
            o = self.sets[c]
            if len(sh & o) >= self.threshold * len(sh | o):
                return False
        return True

    def add(self, lang, text):
        sh = self._shingles(text)
        if sh is None:
            return
        self.sets.append(sh)
        for k in self._sketch(sh):
            self.index.setdefault((lang, k), []).append(len(self.sets) - 1)


def novel_post(rng, comp, novelty, lang, t, platform='x', profile=X_PROFILE, long_form=False):
    """comp.post / comp.mixed, retried until the text is not a near-duplicate of an earlier post.
    Side and main theme are drawn once, so retries do not shift the category mix."""
    side = wchoice(rng, profile['side'])
    prim = wchoice(rng, profile['prim'])
    for attempt in range(30):
        if lang == 'mixed':
            content = comp.mixed(t, platform)[0]
        else:
            content = comp.post(lang, t, platform, profile, side=side, prim=prim,
                                long_form=long_form or attempt >= 20)
        if novelty.ok('all', content.core):
            break
    novelty.add('all', content.core)
    return content


def novel_noise(comp, novelty, lang, t, platform='x'):
    """comp.noise, retried (a few times: spam may repeat itself) until it is not close to an earlier post."""
    for _ in range(20):
        c = comp.noise(lang, t, platform)
        if novelty.ok('all', c.text):
            break
    novelty.add('all', c.text)
    return c


def link_near_duplicates(recs):
    """Independent posts that ended up (nearly) identical anyway, e.g. "bring back 4o" by several people
    or the same spam from several accounts, share a `same-NNN` cluster: identical normalised text, or
    5-shingle Jaccard >= 0.6 when the normalised text has 30+ characters. A post that is that close to
    a member of an exact-copy/repost cluster joins that cluster (existing clusters are never merged).
    Template and decoy clusters are left as they are."""
    uniq, seen = [], set()
    for r in recs:
        if id(r) not in seen and r.kind not in ('broken', 'repost'):
            seen.add(id(r))
            uniq.append(r)
    norm = [norm_text((r.title + ' ' + r.text) if r.title else r.text) for r in uniq]
    parent = list(range(len(uniq)))
    sets_by = {}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # exact all-pairs search for Jaccard >= 0.6 with prefix filtering (rarest shingles first)
    by_text, items = {}, []
    for i, t in enumerate(norm):
        if not t:
            continue
        if t in by_text:
            parent[find(i)] = find(by_text[t])
            continue
        by_text[t] = i
        if len(t) >= 30:
            items.append((i, shingles(t)))
    df = {}
    for _, sh in items:
        for x in sh:
            df[x] = df.get(x, 0) + 1
    index = {}
    for i, sh in items:
        order = sorted(sh, key=lambda x: (df[x], x))
        plen = len(order) - int(math.ceil(0.6 * len(order))) + 1
        cands = set()
        for x in order[:plen]:
            cands.update(index.get(x, ()))
        for j in sorted(cands):
            o = sets_by[j]
            if 0.6 * len(sh) <= len(o) <= len(sh) / 0.6 and len(sh & o) >= 0.6 * len(sh | o):
                a, b = uniq[i].cluster, uniq[j].cluster
                if a.startswith(('tpl-', 'decoy-')) or b.startswith(('tpl-', 'decoy-')):
                    continue
                parent[find(i)] = find(j)
        sets_by[i] = sh
        for x in order[:plen]:
            index.setdefault(x, []).append(i)
    groups = {}
    for i in range(len(uniq)):
        groups.setdefault(find(i), []).append(i)
    n = 0
    for root in sorted(groups):
        members = [uniq[i] for i in groups[root]]
        if len(members) < 2:
            continue
        existing = sorted(set(r.cluster for r in members if r.cluster))
        if existing:
            target = existing[0]
        else:
            n += 1
            target = 'same-%03d' % n
        for r in members:
            if not r.cluster:
                r.cluster = target


def template_canonical(tpl):
    """A campaign template's own text: every <<first|alt|...>> slot takes its first option."""
    return re.sub(r'<<([^<>]*)>>', lambda m: m.group(1).split('|')[0], tpl['text'])


def template_variant(rng, tpl, ctx_t):
    """A copy of a campaign template with small edits, plus the categories its additions carry.
    Redrawn until its 5-shingle Jaccard with the template is between 0.6 and 0.95 (a near copy)."""
    lang = tpl['lang']
    canon = template_canonical(tpl)
    extra = CAMPAIGNS.copier_lines.get(lang, CAMPAIGNS.copier_lines['en'])
    ctx = make_ctx(rng, lang if lang in POSTS.companion_names else 'en', ctx_t)
    for attempt in range(60):
        s = re.sub(r'<<([^<>]*)>>',
                   lambda m: m.group(1).split('|')[0] if rng.random() < 0.6 else rng.choice(m.group(1).split('|')),
                   tpl['text'])
        cats = [cats_tuple(tpl['tags'])]
        tags = HASHTAG_RE.findall(s)
        r = rng.random()
        if r < 0.3 and tags:
            tg = '#' + rng.choice(tags)
            s = re.sub(r'\s*' + re.escape(tg) + r'(?!\w)', '', s, count=1)
        elif r < 0.6:
            cand = [h for h in pick_hashtags(rng, lang, 2) if h[1:] not in tags]
            if cand:
                s = s.rstrip() + ' ' + cand[0]
        if rng.random() < 0.35:
            e = rng.choice(POSTS.emoji['supporter'])
            if rng.random() < 0.6:
                s = s.rstrip() + ('' if lang in ('zh-Hans', 'ja') else ' ') + e
            else:
                s = re.sub(r'([.。！!])(\s)', lambda m: m.group(1) + e + m.group(2), s, count=1)
        if rng.random() < 0.25:
            f = parse_frag(rng.choice(extra['pre']))
            s = expand(f.text, rng, ctx) + ('\n' if rng.random() < 0.5 else ' ') + s
            cats.append(f.cats)
        if rng.random() < 0.25:
            f = parse_frag(rng.choice(extra['post']))
            s = s.rstrip() + ('\n' if rng.random() < 0.4 else ' ') + expand(f.text, rng, ctx)
            cats.append(f.cats)
        if rng.random() < 0.3:
            op = rng.random()
            if op < 0.3:
                s = s.replace('. ', '! ', 1)
            elif op < 0.5:
                s = s.replace('!', '!!', 1) if '!' in s else s.replace('！', '！！', 1)
            elif op < 0.7:
                s = s.replace('。', '！', 1)
            else:
                s = s.replace(', ', ' ', 1)
        if '\n\n' in s and rng.random() < 0.3:
            s = s.replace('\n\n', rng.choice(['\n', ' ']))
        if lang == 'en' and rng.random() < 0.1:
            s = s.lower()
        if rng.random() < 0.15:
            if '@OpenAI' in s and rng.random() < 0.5:
                s = s.replace('@OpenAI ', '', 1).replace('@OpenAI,', '', 1)
            else:
                s = '@sama ' + s if rng.random() < 0.5 else s + ' @sama'
        s = s.strip()
        if s == canon:
            continue
        j = jaccard(s, canon)
        if 0.6 <= j <= 0.95 or (attempt > 3 and rng.random() < 0.1 and 0.5 <= j < 1.0):
            return s, merge_cats(*cats)
    return s, merge_cats(*cats)


def generic_variant(rng, text, lang):
    """A cheap near copy of any post (the benchmark's): 1-3 small edits, no similarity check."""
    extra = CAMPAIGNS.copier_lines.get(lang, CAMPAIGNS.copier_lines['en'])
    cats = []
    for _ in range(rng.randint(1, 3)):
        before = text
        op = rng.random()
        if op < 0.2:
            tags = HASHTAG_RE.findall(text)
            if tags:
                text = text.replace('#' + rng.choice(tags), '', 1).strip()
            else:
                text += ' #keep4o'
        elif op < 0.38:
            text += ' ' + rng.choice(POSTS.emoji['supporter'])
        elif op < 0.52:
            f = parse_frag(rng.choice(extra['pre']))
            text = f.text.replace('{2|3|4|5}', '3') + ' ' + text
            cats.append(f.cats)
        elif op < 0.64:
            f = parse_frag(rng.choice(extra['post']))
            text = text + ' ' + f.text
            cats.append(f.cats)
        elif op < 0.76:
            text = text.replace('. ', '! ', 1).replace('。', '！', 1)
        elif op < 0.86 and lang == 'en':
            text = text.lower()
        elif lang in LATIN and ' ' in text:
            words = text.split(' ')
            k = rng.randrange(len(words))
            if words[k].isalpha() and len(words[k]) <= 12:
                del words[k]
            text = ' '.join(words)
        elif len(text) > 20:
            k = rng.randrange(len(text))
            if text[k].isalpha():
                text = text[:k] + text[k + 1:]
        if len(norm_text(text)) < 0.7 * len(norm_text(before)):
            text = before
    return text, cats
