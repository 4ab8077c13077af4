"""How people actually type: lower-case English, curly apostrophes, dropped full stops, the odd typo,
missing accents; and which hashtags they add. Style never changes what a post says."""
import re

from .phrases import POSTS

_ACCENTS = str.maketrans('áéíóúÁÉÍÓÚãõâêôçà', 'aeiouAEIOUaoaeoca')


def en_proper(s):
    """The banks are written lower-case; some people capitalise 'I' and sentence starts."""
    s = re.sub(r"(?<![\w'’])i(?=(?:'|’)?(?:m|ve|d|ll)?\b)(?![\w])", 'I', s)
    s = re.sub(r"\bi(?=['’](m|ve|d|ll)\b)", 'I', s)
    return re.sub(r'(^|[.!?]\s+|\n)([a-z])', lambda m: m.group(1) + m.group(2).upper(), s)


def typo(rng, s):
    """One slip in a word of five letters or more: two letters swapped, one dropped or one doubled."""
    words = [m for m in re.finditer(r'(?<![#@/\w])[a-z]{5,}(?![\w/])', s)]
    if not words:
        return s
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 2)
    op = rng.random()
    if op < 0.5:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op < 0.75:
        w2 = w[:i] + w[i + 1:]
    else:
        w2 = w[:i] + w[i] + w[i:]
    return s[:m.start()] + w2 + s[m.end():]


def stylize(rng, s, lang, platform, side='sup'):
    """The post as this person would type it; Reddit users write a little more carefully than X users."""
    if lang == 'en':
        proper = 0.55 if platform == 'reddit' else 0.35
        if rng.random() < proper:
            s = en_proper(s)
        if rng.random() < 0.3:
            s = s.replace("'", '’')
        if rng.random() < 0.5 and s.endswith('.') and not s.endswith('..'):
            s = s[:-1]
        if rng.random() < 0.09:
            s = typo(rng, s)
        if rng.random() < 0.05 and s.endswith('.'):
            s = s[:-1] + '!!'
    elif lang in ('zh-Hans', 'zh-Hant'):
        if rng.random() < 0.3:
            s = s.replace('，', ',').replace('！', '!').replace('？', '?')
        if rng.random() < 0.3 and s.endswith('。'):
            s = s[:-1]
    elif lang == 'ja':
        if rng.random() < 0.3 and s.endswith('。'):
            s = s[:-1]
        r = rng.random()
        if r < 0.1 and side != 'sup':
            s += 'w'
        elif r < 0.08 and side == 'sup':
            s += '…'
    elif lang == 'ko':
        if side == 'sup' and rng.random() < 0.25:
            s = s.rstrip('.') + ' ㅠㅠ'
    else:
        if rng.random() < 0.15:
            s = s.translate(_ACCENTS).replace('¿', '').replace('¡', '')
        if rng.random() < 0.2 and s[:1].isupper() and s[1:2].islower():
            s = s[0].lower() + s[1:]
        if rng.random() < 0.4 and s.endswith('.') and not s.endswith('..'):
            s = s[:-1]
    return s


def pick_hashtags(rng, lang, n):
    """Up to n different hashtags of the language, by popularity."""
    pool = POSTS.hashtags.get(lang, POSTS.hashtags['en'])
    tags = []
    for _ in range(n * 3):
        tg = rng.choices(list(pool), weights=list(pool.values()))[0]
        if tg not in tags:
            tags.append(tg)
        if len(tags) == n:
            break
    return tags
