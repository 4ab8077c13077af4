"""The authors. X users per language, with handles, display names, bios, account ages and follower
counts; Reddit users with Reddit-style names. A few people write most posts (power-law activity)."""
import math

from .draws import cumulative
from .phrases import PEOPLE
from .text import ID_CHARS
from .timeline import iso_ms, snowflake, ts

# Each language's share of the X authors.
X_USER_SHARES = [('en', 0.47), ('zh-Hans', 0.12), ('zh-Hant', 0.035), ('ja', 0.15), ('ko', 0.04), ('es', 0.04),
                 ('fr', 0.033), ('de', 0.033), ('pt', 0.04)]


def _pick_active(rng, pool, cum, exclude, key):
    """A user by activity, not one in `exclude` (a copy is by someone else than its source)."""
    for _ in range(50):
        u = rng.choices(pool, cum_weights=cum)[0]
        if u[key] not in exclude:
            return u
    return rng.choice(pool)


class Users:
    """Author pools with power-law activity."""

    def __init__(self, rng, n_x=1560, n_reddit=500):
        self.rng = rng
        self.x = {}
        used_names = set()
        used_ids = set()
        for lang, sh in X_USER_SHARES:
            pool = []
            for i in range(max(20, int(n_x * sh))):
                pool.append(self._x_user(lang, used_names, used_ids))
            rng.shuffle(pool)
            for rank, u in enumerate(pool):
                u['w'] = 1.0 / (rank + 3) ** 0.95
            self.x[lang] = pool
        self.x_cum = {lang: cumulative(u['w'] for u in pool) for lang, pool in self.x.items()}
        self.reddit = []
        used = set()
        while len(self.reddit) < n_reddit:
            name = self._reddit_name()
            if name in used or len(name) > 20:
                continue
            used.add(name)
            self.reddit.append({'name': name})
        rng.shuffle(self.reddit)
        self.rd_cum = cumulative(1.0 / (rank + 2) ** 0.9 for rank in range(len(self.reddit)))

    def _reddit_name(self):
        """Reddit's suggested Adjective_Noun1234, a chosen word pair, or a throwaway."""
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            sep = rng.choice('_-')
            return rng.choice(PEOPLE.reddit_adjectives) + sep + rng.choice(PEOPLE.reddit_nouns) + \
                rng.choice([sep, '']) + str(rng.randint(10, 9999))
        if r < 0.85:
            name = rng.choice(PEOPLE.reddit_words) + rng.choice(['_', '', '-']) + \
                rng.choice(PEOPLE.reddit_words + PEOPLE.x_handle_parts['en']['first'])
            if rng.random() < 0.4:
                name += str(rng.randint(1, 99))
            return name
        return rng.choice(PEOPLE.reddit_throwaway_prefixes) + rng.choice(['_', '']) + \
            rng.choice(PEOPLE.reddit_throwaway_topics) + str(rng.randint(1, 9999))

    def _x_handle(self, lang, f, w, r):
        """A handle from a first part f and a word w, in one of the patterns people use (r picks it)."""
        rng = self.rng
        if lang == 'en':
            if r < 0.25:
                return f + w
            if r < 0.45:
                return f + '_' + w
            if r < 0.6:
                return w + rng.choice(['', '_']) + f
            if r < 0.75:
                return f + str(rng.randint(1, 9999))
            if r < 0.85:
                return w + '_' + rng.choice(PEOPLE.x_handle_parts[lang]['word'])
            if r < 0.93:
                return rng.choice(PEOPLE.x_handle_prefixes) + f + rng.choice(['', 'x', '_'])
            return f + rng.choice(PEOPLE.x_handle_4o_suffixes)
        if r < 0.4:
            return f + str(rng.randint(1, 9999))
        if r < 0.7:
            return f + '_' + w
        return f + rng.choice(['', '_', '__']) + str(rng.randint(0, 99)) + rng.choice(['', w])

    def _x_user(self, lang, used_names, used_ids):
        rng = self.rng
        parts = PEOPLE.x_handle_parts[lang]
        for _ in range(100):
            r = rng.random()
            f, w = rng.choice(parts['first']), rng.choice(parts['word'])
            name = self._x_handle(lang, f, w, r)
            if rng.random() < 0.15:
                name = name.capitalize()
            if len(name) <= 15 and name.lower() not in used_names:
                used_names.add(name.lower())
                break
        # display name
        if lang in PEOPLE.display_names:
            dn = rng.choice(PEOPLE.display_names[lang])
        else:
            dn = f.capitalize()
            for plain, accented in PEOPLE.display_name_accents.items():
                dn = dn.replace(plain, accented)
            if rng.random() < 0.3:
                dn += ' ' + rng.choice('ABCDEFGHJKLMNPRSTV') + '.'
            elif rng.random() < 0.2:
                dn = dn.lower()
        r = rng.random()
        if r < 0.15:
            dn += ' ' + rng.choice(PEOPLE.display_name_emoji)
        elif r < 0.22:
            dn += rng.choice(PEOPLE.display_name_tags)
        # account age and id: accounts from before 2014 have small sequential ids, later ones snowflakes
        year = rng.choices([2009, 2011, 2013, 2015, 2017, 2019, 2021, 2022, 2023, 2024, 2025],
                           weights=[2, 3, 4, 4, 5, 6, 7, 8, 10, 12, 9])[0]
        ct = ts(year, 1, 1) + rng.randrange(330 * 86400)
        if year < 2014:
            uid = str(rng.randrange(10 ** 7, 2 * 10 ** 9))
        else:
            uid = snowflake(rng, ct, used_ids)
        followers = int(math.exp(rng.gauss(4.6, 1.6)))
        if rng.random() < 0.01:
            followers *= 40
        bio = rng.choice(PEOPLE.bios.get(lang, ['']))
        return {
            'id': uid, 'username': name, 'name': dn, 'lang': lang, 'created_at': iso_ms(ct),
            'description': bio, 'location': rng.choice(PEOPLE.locations.get(lang, [''])),
            'followers': followers, 'following': int(math.exp(rng.gauss(5.5, 1.1))),
            'listed': int(followers / rng.randint(40, 400)), 'tweets': int(math.exp(rng.gauss(8.2, 1.5))),
            'verified': rng.random() < 0.04, 'protected': False,
            'image': 'https://pbs.twimg.com/profile_images/%d/%s_normal.jpg' % (
                rng.randrange(10 ** 18, 2 * 10 ** 18), ''.join(rng.choice(ID_CHARS) for _ in range(8))),
        }

    def pick_x(self, lang, exclude=()):
        """An X author of the language, by activity; `exclude`: user ids that may not be picked."""
        if lang == 'mixed':
            lang = self.rng.choice(['en', 'en', 'ja', 'ja', 'zh-Hans'])
        elif lang not in self.x:
            lang = 'en'
        return _pick_active(self.rng, self.x[lang], self.x_cum[lang], exclude, 'id')

    def pick_reddit(self, exclude=()):
        return _pick_active(self.rng, self.reddit, self.rd_cum, exclude, 'name')
