"""The Reddit collection: submissions in six communities that discussed 4o (and a few off-topic ones),
comment threads under them, copypasta and echo replies, the English open letter pasted from X, and
removed, deleted and damaged records."""
import math
import re

from .codebook import cats_tuple, merge_cats
from .composer import Content
from .copies import novel_noise, novel_post, template_variant
from .draws import cumulative, wchoice
from .phrases import REDDIT, parse_frag
from .records import Rec
from .timeline import B36, T_AUG_START, T_END, T_FEB, T_RETIRE, base36, later, sample_time

SUBS = [('ChatGPT', 0.30), ('ChatGPTcomplaints', 0.24), ('MyBoyfriendIsAI', 0.18), ('OpenAI', 0.13),
        ('singularity', 0.10), ('LocalLLaMA', 0.05)]
# Who speaks in each community and what supporters there mainly write about (as composer.X_PROFILE).
SUB_PROFILES = {
    'MyBoyfriendIsAI': dict(side=(('sup', 0.96), ('crit', 0.01), ('neut', 0.03)),
                            prim=(('C', 0.35), ('A', 0.06), ('G', 0.2), ('M', 0.22), ('D', 0.09), ('P', 0.08))),
    'ChatGPTcomplaints': dict(side=(('sup', 0.92), ('crit', 0.03), ('neut', 0.05)),
                              prim=(('N', 0.24), ('D', 0.24), ('P', 0.2), ('A', 0.05), ('M', 0.14), ('I', 0.08),
                                    ('G', 0.05))),
    'ChatGPT': dict(side=(('sup', 0.62), ('crit', 0.22), ('neut', 0.16)),
                    prim=(('I', 0.14), ('N', 0.22), ('M', 0.22), ('A', 0.08), ('D', 0.18), ('C', 0.05), ('G', 0.1))),
    'OpenAI': dict(side=(('sup', 0.5), ('crit', 0.27), ('neut', 0.23)),
                   prim=(('I', 0.25), ('N', 0.2), ('D', 0.2), ('P', 0.15), ('M', 0.1), ('A', 0.1))),
    'singularity': dict(side=(('sup', 0.3), ('crit', 0.42), ('neut', 0.28)),
                        prim=(('M', 0.3), ('N', 0.2), ('P', 0.2), ('I', 0.15), ('A', 0.15))),
    'LocalLLaMA': dict(side=(('sup', 0.5), ('crit', 0.15), ('neut', 0.35)),
                       prim=(('P', 0.5), ('I', 0.3), ('N', 0.2))),
}
# Comments in the general communities are sometimes in other languages; submissions are in English.
REDDIT_LANG_W = [('en', 0.84), ('es', 0.035), ('pt', 0.035), ('de', 0.035), ('fr', 0.03), ('zh-Hans', 0.008),
                 ('ja', 0.007), ('mixed', 0.01)]


def reddit_id(rng, t, kind, used):
    """A base-36 id that grows with time, within the range Reddit used in those months."""
    if kind == 'sub':
        a, b = int('1mk0000', 36), int('1r50000', 36)
    else:
        a, b = int('n700000', 36), int('o9k0000', 36)
    frac = (t - T_AUG_START) / float(T_END - T_AUG_START)
    while True:
        n = a + int(frac * (b - a)) + rng.randrange(0, 40000)
        s = base36(n)
        if s not in used and any(c.isalpha() for c in s):
            used.add(s)
            return s


def slugify(title):
    words = re.findall(r'[a-z0-9]+', title.lower().replace("'", '').replace('’', ''))
    slug = '_'.join(words[:9])[:50].rstrip('_')
    return slug or '4o'


def build_reddit(rng, comp, users, clusters, novelty, x_template_sources, x_pool):
    """Every Reddit record; returns (submissions, comments). x_pool: tweets a link post may point at."""
    subs = []
    comments = []
    # -- submissions
    for i in range(140):
        off = i >= 128
        if off:
            sub = rng.choice(REDDIT.offtopic_subreddits)
            t = sample_time(rng, 'en')
            r = Rec('reddit', 'noise', Content('', (), 'en', 'noise'), t, users.pick_reddit())
            r.title = rng.choice(REDDIT.offtopic_titles)
            r.text = rng.choice(REDDIT.offtopic_bodies)
        else:
            sub = wchoice(rng, SUBS)
            prof = SUB_PROFILES[sub]
            lang = 'en'           # submissions in these communities are in English
            t = sample_time(rng, lang)
            title, tcats, side, ctx, letters = comp.title(lang, t, prof)
            r = Rec('reddit', 'original', Content('', (), lang, side), t, users.pick_reddit())
            r.title = title
            link = rng.random() < 0.09
            if link:
                r.text = ''
                r.cats = merge_cats(tcats)
                if rng.random() < 0.5 and x_pool:
                    tw = rng.choice(x_pool)
                    r.url = 'https://x.com/%s/status/%s' % (tw.user['username'], tw.id)
                else:
                    r.url = 'https://i.redd.it/%s.png' % ''.join(rng.choice(B36) for _ in range(13))
            else:
                for _ in range(20):
                    body, bcats = comp.submission_body(lang, t, prof, side, ctx, letters)
                    if novelty.ok('all', title + ' ' + body):
                        break
                novelty.add('all', title + ' ' + body)
                r.text = body
                r.cats = merge_cats(tcats, bcats)
            if not link and rng.random() < 0.025:
                r.text = '[removed]'          # selftext removed, title still there
                r.cats = merge_cats(tcats)
            if not r.cats:
                r.cats = cats_tuple('-')
        r.rtype, r.subreddit = 'sub', sub
        r.score = int(math.exp(rng.gauss(3.2, 1.6)))
        r.popular = math.exp(rng.gauss(0, 1.1)) * (0.3 if off else 1.0)
        subs.append(r)
    used = set()
    for r in subs:
        r.id = reddit_id(rng, r.t, 'sub', used)
        r.slug = slugify(r.title)
        if not hasattr(r, 'url'):
            r.url = 'https://www.reddit.com/r/%s/comments/%s/%s/' % (r.subreddit, r.id, r.slug)
    cum = cumulative(r.popular for r in subs)

    def new_comment(kind, content, thread=None, parent=None, t=None):
        """A comment in a thread (by popularity), replying to the submission or to an earlier comment."""
        thread = thread or rng.choices(subs, cum_weights=cum)[0]
        if parent is None:
            earlier = [c for c in comments if c.link is thread]
            if earlier and rng.random() < 0.45:
                parent = rng.choice(earlier)
        base = parent.t if parent is not None else thread.t
        if t is None or t <= base:
            t = later(rng, base, 9 * 3600, min_s=60)
        c = Rec('reddit', kind, content, t, users.pick_reddit())
        c.rtype, c.subreddit, c.link = 'com', thread.subreddit, thread
        c.parent = parent or thread
        c.score = int(math.exp(rng.gauss(1.4, 1.3))) - (rng.randint(0, 6) if c.side == 'crit' else 0)
        comments.append(c)
        return c

    def comment_content(thread, t):
        if thread.kind == 'noise':
            return 'noise', novel_noise(comp, novelty, 'en', t, 'reddit')
        prof = SUB_PROFILES[thread.subreddit]
        lang = wchoice(rng, REDDIT_LANG_W) if thread.subreddit in ('ChatGPT', 'OpenAI', 'ChatGPTcomplaints') \
            else 'en'
        return 'original', novel_post(rng, comp, novelty, lang, t, 'reddit', prof, long_form=rng.random() < 0.04)

    # -- ordinary comments (content is made for the time of the comment)
    plan = ['original'] * 563 + ['short'] * 24 + ['emoji_only'] * 4 + ['chatter'] * 16 + ['offnoise'] * 28
    rng.shuffle(plan)
    off_subs = [s for s in subs if s.kind == 'noise']
    on_subs = [s for s in subs if s.kind != 'noise']
    for what in plan:
        if what == 'offnoise':
            thread = rng.choice(off_subs)
        else:
            thread = rng.choices(subs, cum_weights=cum)[0]
            if thread.kind == 'noise' and what != 'original':
                thread = rng.choice(on_subs)
        c = new_comment('original', None, thread=thread)
        if what == 'original' or what == 'offnoise':
            kind, content = comment_content(thread, c.t)
        elif what == 'short':
            kind, content = 'short', comp.short('en', c.t)
        elif what == 'emoji_only':
            kind, content = 'emoji_only', comp.emoji()
        else:
            f = parse_frag(rng.choice(REDDIT.chatter))
            kind, content = 'noise', Content(f.text, (), 'en', 'noise')
        c.kind, c.lang, c.cats, c.text, c.core, c.side = kind, content.lang, content.cats, content.text, \
            content.core, content.side
    # -- exact copies (copypasta comments)
    srcs = [c for c in comments if c.kind == 'original' and 60 <= len(c.text) <= 400 and c.side == 'sup']
    for src, k in zip(rng.sample(srcs, 3), (3, 3, 2)):
        clusters.ensure(src)
        for _ in range(k):
            th = rng.choice(on_subs)
            c = new_comment('exact_copy', None, thread=th, t=later(rng, max(src.t, th.t), 30 * 3600))
            c.lang, c.cats, c.text, c.core, c.side = src.lang, src.cats, src.text, src.core, src.side
            c.cluster = src.cluster
    # -- replies that repeat their parent comment
    ps = [c for c in comments if c.kind == 'original' and 30 <= len(c.text) <= 300 and c.side != 'noise']
    for p in rng.sample(ps, 8):
        clusters.ensure(p)
        c = new_comment('reply_echo', None, thread=p.link, parent=p)
        if rng.random() < 0.5:
            c.text = p.text
        else:
            c.text = '> ' + p.text.replace('\n\n', '\n\n> ') + '\n\n' + rng.choice(REDDIT.echo_endings)
        c.lang, c.cats, c.side, c.cluster = p.lang, p.cats, p.side, p.cluster
    # -- the English open letter pasted from X
    src = x_template_sources['en-letter']
    for _ in range(5):
        th = rng.choice([s for s in on_subs if s.subreddit in ('ChatGPTcomplaints', 'MyBoyfriendIsAI', 'ChatGPT')])
        t = later(rng, max(src.t, th.t), 20 * 3600, cap=T_RETIRE - 3600)
        text, cats = template_variant(rng, src.template, t)
        pasted = Content(rng.choice(REDDIT.x_paste_prefixes) + text, cats, 'en', 'sup')
        c = new_comment('near_copy', pasted, thread=th, t=t)
        c.cluster = src.cluster
    # -- removed / deleted comments (rejected by ingest as `removed`)
    for i in range(6):
        c = new_comment('broken', Content('[removed]' if i < 4 else '[deleted]', (), 'und', 'noise'))
        c.broken = 'removed'
        c.user = {'name': '[deleted]'}
    # -- two damaged records: a bad created_utc, and one with no title/selftext/body at all
    c = new_comment('broken', comp.post('en', T_FEB + 86400 * 3, 'reddit', SUB_PROFILES['ChatGPT']))
    c.broken, c.cats = 'bad_date', ()
    c = new_comment('broken', Content('', (), 'und', 'noise'))
    c.broken = 'missing_field'
    for c in rng.sample([c for c in comments if c.kind == 'original'], 14):
        c.user = {'name': '[deleted]'}
    for r in subs:
        if rng.random() < 0.03:
            r.user = {'name': '[deleted]'}
    used = set()
    for c in sorted(comments, key=lambda c: c.t):
        c.id = reddit_id(rng, c.t, 'com', used)
    for r in subs:
        r.num_comments = sum(1 for c in comments if c.link is r) + int(rng.expovariate(1 / 30.0))
    for r in subs + comments:
        x = rng.random()
        r.created_repr = 'int' if x < 0.85 else 'float' if x < 0.95 else 'str'
    return subs, comments
