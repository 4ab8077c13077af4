"""The hand-written material of the sample, read from scripts/sample_data/ (its README.md says what is where).

Fragment banks (banks/<lang>.txt) become lists of Frag per language and section; the JSON files become
namespaces of their keys. Everything here is data a person edits; the code that uses it is elsewhere."""
import json
import os
import re
from types import SimpleNamespace

from .codebook import LANGS, cats_tuple

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'sample_data')


class Frag:
    """One fragment: its text and the categories it expresses (see the header of any bank file)."""
    __slots__ = ('text', 'cats', 'letters', 'era', 'neg', 'w')

    def __init__(self, text, tags, era, neg):
        self.text = text
        self.letters = '' if tags in ('0', '-') else tags
        self.cats = cats_tuple(tags)
        self.era = era
        self.neg = neg          # a disclaimer ("it's not my boyfriend"): kept apart from C and M fragments
        self.w = 1.0            # drawing weight, set by the Composer


_BANK_LINE = re.compile(r'^([0MCAIGDPNX\-]+)(!?)(?:@(\w+))?\|(.*)$')


def parse_frag(line):
    """`TAGS[!][@ERA]|text` -> Frag; the two characters \\n in the text become a line break."""
    m = _BANK_LINE.match(line)
    if not m:
        raise ValueError('bad fragment line (want TAGS[!][@ERA]|text): %r' % line)
    return Frag(m.group(4).replace('\\n', '\n'), m.group(1), m.group(3) or '', m.group(2) == '!')


def read_bank(path):
    """{section: [Frag, ...]} from one bank file: `[section]` lines open sections, `#` lines are comments."""
    sections = {}
    current = None
    with open(path, encoding='utf-8', newline='') as f:
        lines = f.read().split('\n')
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith('[') and line.endswith(']'):
            current = sections.setdefault(line[1:-1], [])
            continue
        if current is None:
            raise ValueError('%s:%d: fragment before the first [section] line' % (path, number))
        try:
            current.append(parse_frag(line))
        except ValueError as e:
            raise ValueError('%s:%d: %s' % (path, number, e)) from None
    return sections


def _data(name):
    """A JSON file of word lists as a namespace of its keys."""
    with open(os.path.join(DATA, name), encoding='utf-8') as f:
        return SimpleNamespace(**json.load(f))


# Every language with its own posts ('mixed' borrows from en, ja and zh-Hans; 'und' has no words).
BANKS = {lang: read_bank(os.path.join(DATA, 'banks', lang + '.txt')) for lang in LANGS if lang not in ('mixed', 'und')}

# The word lists, one namespace per file; a key of the file is an attribute (PEOPLE.bios is "bios"
# in people.json), so the code says where to edit.
POSTS = _data('posts.json')
PEOPLE = _data('people.json')
CAMPAIGNS = _data('campaigns.json')
REDDIT = _data('reddit.json')
X_API = _data('x_api.json')


def readme_template():
    """data/sample/README.md as Python %-format text: %(name)s fields filled by study.py, %% for a percent sign."""
    with open(os.path.join(DATA, 'readme_template.md'), encoding='utf-8', newline='') as f:
        return f.read()
