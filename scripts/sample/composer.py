"""How a post is composed. A supporter's post is one core fragment carrying its main theme, maybe more
fragments, an opener or a closing line; a critic's or an onlooker's post is one or two sentences of
their own. Slots are filled per post, the text is typed the way people type, then decorated with
emoji, mentions, hashtags and links. The post's categories are the union of its fragments' tags:
decoration never adds one."""
import re

from .codebook import cats_tuple, merge_cats
from .draws import cumulative, wchoice
from .phrases import BANKS, POSTS, REDDIT
from .style import en_proper, pick_hashtags, stylize
from .text import HASHTAG_RE, expand, tco
from .timeline import T_GPT51, T_GPT52, era_of, era_ok

LATIN = ('en', 'es', 'fr', 'de', 'pt')
# What joins two sentences: CJK scripts need no space.
JOIN = {'en': ' ', 'es': ' ', 'fr': ' ', 'de': ' ', 'pt': ' ', 'ko': ' ', 'zh-Hans': '', 'zh-Hant': '',
        'ja': ''}
# A supporter's post names what it is about; one that does not gets a closing line with "4o".
ANCHOR = re.compile(r'4o|4\.0|GPT|gpt|OpenAI|openai|OAI|ChatGPT|模型|モデル|모델', re.UNICODE)

# Who speaks on X (supporters, critics, onlookers) and what a supporter's post is mainly about
# (tag letters as in the banks). Reddit communities have their own profiles (reddit_posts.py).
X_PROFILE = dict(side=(('sup', 0.80), ('crit', 0.10), ('neut', 0.10)),
                 prim=(('M', 0.28), ('C', 0.085), ('A', 0.03), ('I', 0.09), ('G', 0.13), ('D', 0.13),
                       ('P', 0.11), ('N', 0.145)))

EMOJI_BY_SIDE = {'sup': 'supporter', 'crit': 'critic', 'neut': 'onlooker'}     # keys of posts.json's emoji

# Extra fragments (after the first) are drawn with these weights, to keep the category mix near the
# published figures (companion ~22%, relational attachment ~27%, more than a tool ~35%, work ~13%).
EXTRA_W = {'C': 0.3, 'A': 0.2, 'I': 0.45, 'M': 1.4, 'G': 0.9}


def frag_weight(f):
    w = 1.0
    if 'C' in f.letters:
        w *= EXTRA_W['C']
    elif 'A' in f.letters:
        w *= EXTRA_W['A']
    for ch in 'IMG':
        if ch in f.letters:
            w *= EXTRA_W[ch]
    return w


def g5_name(rng, t, lang):
    """What a post at time t calls the successor model."""
    model = 'GPT-5' if t < T_GPT51 else 'GPT-5.1' if t < T_GPT52 else 'GPT-5.2'
    names = POSTS.successor_names[model]
    return rng.choice(names['all'] + (names.get('en', []) if lang == 'en' else []))


def make_ctx(rng, lang, t):
    """The slot values of one post: the companion's name and pronouns, the successor's name, ..."""
    base = lang if lang in POSTS.companion_names else 'en'
    he = rng.random() < 0.62
    return {
        'name': rng.choice(POSTS.companion_names[base]),
        'he': 'he' if he else 'she', 'He': 'He' if he else 'She',
        'him': 'him' if he else 'her', 'his': 'his' if he else 'her',
        'spouse': rng.choice(POSTS.spouse_words['he' if he else 'she']),
        'G5': g5_name(rng, t, base),
        'OAI': rng.choice(POSTS.openai_forms),
        'dur': rng.choice(POSTS.durations[base]),
    }


class Content:
    """The text of one post and the categories it was built to express."""
    __slots__ = ('text', 'cats', 'lang', 'side', 'core', 'title')

    def __init__(self, text, cats, lang, side, core=None, title=None):
        self.text = text
        self.cats = cats
        self.lang = lang
        self.side = side
        self.core = core if core is not None else text   # text without decorations
        self.title = title


class Composer:
    def __init__(self, rng):
        self.rng = rng
        self.b = BANKS
        self._era_cache = {}
        self.mixed_pool = {o: BANKS[o]['core'] + BANKS[o]['short'] for o in ('ja', 'zh-Hans')}
        for lang in BANKS:
            for frags in BANKS[lang].values():
                for f in frags:
                    f.w = frag_weight(f)

    def _pick(self, frags, era, exclude=(), pred=None, weighted=False, letter=None):
        """One fragment usable in `era`; `letter`: must carry that category; `pred`/`exclude`: further
        conditions (tried by rejection first, which keeps the draw cheap and the same in distribution)."""
        key = (id(frags), era, letter)
        pool = self._era_cache.get(key)
        if pool is None:
            pool = [f for f in frags if era_ok(f.era, era) and (letter is None or letter in f.letters)]
            if not pool:
                pool = [f for f in frags if era_ok(f.era, era)]
            self._era_cache[key] = pool = (pool, cumulative(f.w for f in pool))
        pool, cum = pool
        rng = self.rng
        for _ in range(12):
            f = rng.choices(pool, cum_weights=cum)[0] if weighted else rng.choice(pool)
            if f not in exclude and (pred is None or pred(f)):
                return f
        cands = [f for f in pool if f not in exclude and (pred is None or pred(f))] or pool
        if weighted:
            return rng.choices(cands, weights=[f.w for f in cands])[0]
        return rng.choice(cands)

    def _n_extra(self, platform, long_form, lang='en'):
        """How many fragments follow the first: CJK posts are shorter, long-form ones longer."""
        r = self.rng.random()
        cjk = lang in ('zh-Hans', 'zh-Hant', 'ja', 'ko')
        if long_form:
            return self.rng.randint(2, 3) if (cjk or platform == 'reddit') else self.rng.randint(3, 5)
        if cjk:
            return 0 if r < 0.50 else 1 if r < 0.88 else 2 if r < 0.98 else 3
        if platform == 'x':
            return 0 if r < 0.40 else 1 if r < 0.78 else 2 if r < 0.94 else 3
        return 0 if r < 0.40 else 1 if r < 0.80 else 2 if r < 0.95 else 3

    def segments(self, lang, era, profile, platform, long_form=False, side=None, prim=None):
        """Choose fragments. Returns (side, [Frag, ...]). A disclaimer ('!') and a companion or
        more-than-a-tool fragment never meet in one post: together they would contradict each other."""
        rng = self.rng
        bank = self.b[lang]
        side = side or wchoice(rng, profile['side'])
        segs = []
        if side == 'sup':
            prim = prim or wchoice(rng, profile['prim'])
            first = self._pick(bank['core'], era, letter=prim)
            segs.append(first)
            for _ in range(self._n_extra(platform, long_form, lang)):
                neg = any(f.neg for f in segs)
                comp = any('C' in f.letters or 'M' in f.letters for f in segs)
                segs.append(self._pick(bank['core'], era, exclude=segs, weighted=True,
                                       pred=lambda f: not (neg and ('C' in f.letters or 'M' in f.letters))
                                       and not (f.neg and comp)))
        elif side == 'crit':
            segs.append(self._pick(bank['crit'], era))
            if rng.random() < (0.5 if long_form else 0.25):
                segs.append(self._pick(bank['crit'], era, exclude=segs))
        else:
            segs.append(self._pick(bank['neut'], era))
            if rng.random() < 0.08:
                segs.append(self._pick(bank['neut'], era, exclude=segs))
        return side, segs

    def render(self, frags, lang, ctx, sep=None):
        """The fragments' filled texts, joined with a space, a line break or a blank line."""
        rng = self.rng
        parts = [expand(f.text, rng, ctx) for f in frags]
        if lang in LATIN:
            for i in range(1, len(parts)):
                p = parts[i]
                if parts[i - 1].endswith((',', ':')) and p[:1].isupper() and p[1:2].islower() and \
                        p.split(' ')[0].strip('.,') not in POSTS.companion_names.get(lang, []):
                    parts[i] = p[0].lower() + p[1:]
        if sep is None:
            j = JOIN.get(lang, ' ')
            r = rng.random()
            sep = '\n\n' if r < 0.15 else '\n' if r < 0.25 else j
        if sep == '':
            out = parts[0]
            for p in parts[1:]:
                out += (' ' if re.search(r'[#@]\w+$', out) else '') + p
            return out
        return sep.join(parts)

    def post(self, lang, t, platform='x', profile=X_PROFILE, side=None, long_form=False, prim=None):
        """A whole post (X tweet or Reddit comment) in `lang` (not 'mixed')."""
        rng = self.rng
        era = era_of(t)
        ctx = make_ctx(rng, lang, t)
        bank = self.b[lang]
        side, segs = self.segments(lang, era, profile, platform, long_form, side, prim)
        frags = list(segs)
        if side != 'neut' and rng.random() < (0.12 if side == 'sup' else 0.06):
            frags.insert(0, self._pick(bank['open'], era))
        if side == 'sup' and rng.random() < 0.28:
            frags.append(self._pick(bank['close'], era, pred=lambda f: platform == 'x' or '@' not in f.text))
        if side == 'sup' and not any(ANCHOR.search(f.text) or '{G5}' in f.text for f in frags):
            frags.append(self._pick(bank['close'], era, pred=lambda f: '4o' in f.text and '@' not in f.text))
        if platform == 'reddit' and rng.random() < 0.3:
            react = bank.get('creact' if side == 'crit' else 'react')
            if react:
                frags.insert(0, self._pick(react, era))
        core = self.render(frags, lang, ctx, sep='\n\n' if platform == 'reddit' and len(frags) > 2
                           and rng.random() < 0.5 else None)
        core = stylize(rng, core, lang, platform, side)
        cats = merge_cats(*[f.cats for f in frags])
        text = self.decorate(core, lang, side, platform)
        return Content(text, cats, lang, side, core)

    def decorate(self, core, lang, side, platform):
        """Emoji, mentions, hashtags and a link: on X often, on Reddit rarely; none adds a category."""
        rng = self.rng
        text = core
        if platform == 'x':
            p_tags = {'sup': 0.72, 'crit': 0.35, 'neut': 0.55}[side]
            p_emoji = {'sup': 0.30, 'crit': 0.2, 'neut': 0.12}[side]
            p_mention = {'sup': 0.22, 'crit': 0.05, 'neut': 0.08}[side]
        else:
            p_tags, p_emoji, p_mention = 0.04, {'sup': 0.18, 'crit': 0.1, 'neut': 0.05}[side], 0.0
        if rng.random() < p_emoji:
            e = rng.choice(POSTS.emoji[EMOJI_BY_SIDE[side]])
            text = text + ('' if lang in ('zh-Hans', 'zh-Hant', 'ja') else ' ') + e
        if rng.random() < p_mention:
            m = rng.choice(POSTS.mentions)
            text = (m + ' ' + text) if rng.random() < 0.7 else (text + ' ' + m)
        if rng.random() < p_tags:
            present = set(HASHTAG_RE.findall(text))
            tags = [tg for tg in pick_hashtags(rng, lang, rng.choice([1, 1, 1, 2, 2, 3]))
                    if tg[1:] not in present]
            if tags:
                if rng.random() < 0.12:
                    text = ' '.join(tags) + ' ' + text
                else:
                    text = text + ('\n\n' if rng.random() < 0.2 else ' ') + ' '.join(tags)
        if platform == 'x' and rng.random() < 0.06:
            text = text + ' ' + tco(rng)
        return text

    def mixed(self, t, platform='x'):
        """English with a Japanese or Chinese sentence (code-switching)."""
        rng = self.rng
        era = era_of(t)
        other = 'ja' if rng.random() < 0.55 else 'zh-Hans'
        ctx_en = make_ctx(rng, 'en', t)
        ctx_o = make_ctx(rng, other, t)
        side, segs = self.segments('en', era, X_PROFILE, platform, side='sup')
        segs = segs[:2]
        neg = any(f.neg for f in segs)
        pool = self.mixed_pool[other]
        o = self._pick(pool, era, weighted=True,
                       pred=lambda f: not (neg and ('C' in f.letters or 'M' in f.letters)))
        en_txt = stylize(rng, ' '.join(expand(f.text, rng, ctx_en) for f in segs), 'en', platform)
        o_txt = expand(o.text, rng, ctx_o)
        if rng.random() < 0.6:
            core = en_txt + (' ' if rng.random() < 0.6 else '\n') + o_txt
        else:
            core = o_txt + (' ' if rng.random() < 0.6 else '\n') + en_txt
        cats = merge_cats(*[f.cats for f in segs], o.cats)
        text = self.decorate(core, 'en' if rng.random() < 0.6 else other, 'sup', platform)
        return Content(text, cats, 'mixed', 'sup', core), other

    def short(self, lang, t):
        """A post under 30 characters ("bring back 4o")."""
        rng = self.rng
        era = era_of(t)
        ctx = make_ctx(rng, lang, t)
        for _ in range(20):
            f = self._pick(self.b[lang]['short'], era)
            s = expand(f.text, rng, ctx)
            if lang == 'en' and rng.random() < 0.3:
                s = en_proper(s)
            if len(s) < 30:
                return Content(s, f.cats, lang, 'sup' if f.cats else 'neut')
        return Content('bring back 4o', cats_tuple('-'), lang, 'sup')

    def noise(self, lang, t, platform='x'):
        """Off-topic or spam under the hashtag: never relevant."""
        rng = self.rng
        f = self._pick(self.b[lang]['noise'], era_of(t))
        s = expand(f.text, rng, make_ctx(rng, lang, t))
        if rng.random() < 0.25:
            s += ' ' + rng.choice(POSTS.emoji['after_noise'])
        if platform == 'x' and rng.random() < 0.2:
            s += ' ' + tco(rng)
        return Content(s, (), lang, 'noise')

    def emoji(self):
        return Content(self.rng.choice(POSTS.emoji['whole_post']), (), 'und', 'emoji')

    def title(self, lang, t, profile):
        """A Reddit submission title plus its categories."""
        rng = self.rng
        era = era_of(t)
        ctx = make_ctx(rng, lang, t)
        bank = self.b[lang]
        if 'title' in bank:
            side = wchoice(rng, profile['side'])
            if side == 'crit':
                pred = lambda f: 'X' in f.letters
            elif side == 'neut':
                pred = lambda f: f.letters == ''
            else:
                pred = lambda f: f.letters and 'X' not in f.letters
            f = self._pick(bank['title'], era, pred=pred)
            return expand(f.text, rng, ctx), f.cats, side, ctx, f.letters
        side, segs = self.segments(lang, era, profile, 'reddit')
        return expand(segs[0].text, rng, ctx), segs[0].cats, side, ctx, segs[0].letters

    def submission_body(self, lang, t, profile, side, ctx, letters=''):
        """Body paragraphs; the first one takes up the title's theme."""
        rng = self.rng
        era = era_of(t)
        bank = self.b[lang]
        prim = rng.choice(letters.replace('X', '')) if letters.replace('X', '') else None
        _, segs = self.segments(lang, era, profile, 'reddit', long_form=rng.random() < 0.35, side=side, prim=prim)
        paras = []
        cats = [f.cats for f in segs]
        if side == 'sup' and rng.random() < 0.15:
            c = self._pick(bank['crit'], era)
            paras.append('> ' + expand(c.text, rng, ctx))       # quoted only to be rebutted: no category
        for f in segs:
            p = expand(f.text, rng, ctx)
            if rng.random() < 0.12:
                p = '**' + p + '**'
            if 'P' in f.letters and lang == 'en' and rng.random() < 0.5:
                p += ' [petition](https://www.change.org/p/keep-gpt-4o-for-everyone)'
            paras.append(p)
        r = rng.random()
        if len(paras) > 2 and r < 0.5:
            k = rng.randint(1, len(paras) - 1)
            body = (' ' if lang in LATIN or lang == 'ko' else '').join(paras[:k]) + '\n\n' + \
                   (' ' if lang in LATIN or lang == 'ko' else '').join(paras[k:])
        else:
            body = '\n\n'.join(paras)
        body = stylize(rng, body, lang, 'reddit', side)
        if lang == 'en' and rng.random() < 0.1:
            body += rng.choice(REDDIT.edit_lines)
        return body, merge_cats(*cats)
