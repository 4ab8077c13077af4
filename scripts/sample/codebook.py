"""What the ground truth can say about a post: the codebook's categories, the letters the fragment banks
use for them, and the values of the ground truth's other columns."""

# Codebook order (codebooks/keep4o.yaml); the ground truth lists a post's categories in this order.
CATS = ['relevant', 'more_than_tool', 'companion', 'relational_attachment',
        'instrumental_dependency', 'grief', 'choice_deprivation', 'rights_protest',
        'gpt5_negative', 'critique_of_attachment']
# Tag letters of the fragment banks (scripts/sample_data/banks/*.txt); '0' and '-' are explained there.
CODE = {'M': 'more_than_tool', 'C': 'companion', 'A': 'relational_attachment',
        'I': 'instrumental_dependency', 'G': 'grief', 'D': 'choice_deprivation',
        'P': 'rights_protest', 'N': 'gpt5_negative', 'X': 'critique_of_attachment'}

LANGS = ['en', 'zh-Hans', 'zh-Hant', 'ja', 'ko', 'es', 'fr', 'de', 'pt', 'mixed', 'und']
KINDS = ['original', 'exact_copy', 'repost', 'reply_echo', 'near_copy', 'noise', 'short',
         'emoji_only', 'broken']
GT_HEADER = ['platform', 'external_id', 'source_file', 'line', 'lang', 'kind', 'cluster',
             'canonical_external_id', 'categories', 'broken_reason']


def cats_tuple(tagstr):
    """'MCA' -> ('relevant', 'more_than_tool', ...) in codebook order; '0' -> (); '-' -> relevant."""
    if tagstr == '0':
        return ()
    s = {'relevant'}
    for ch in tagstr:
        if ch == '-':
            continue
        s.add(CODE[ch])
        if ch == 'C':
            s.add('relational_attachment')
    return tuple(c for c in CATS if c in s)


def merge_cats(*tuples):
    """The categories of a post built from several parts: their union, with the codebook's implications
    (companion implies relational attachment; any category implies relevant)."""
    s = set()
    for t in tuples:
        s.update(t)
    if 'companion' in s:
        s.add('relational_attachment')
    if s and 'relevant' not in s:
        s.add('relevant')
    return tuple(c for c in CATS if c in s)
