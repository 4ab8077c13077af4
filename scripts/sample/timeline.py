"""When people posted: the eras of the protest, how activity rose and fell day by day and hour by hour,
and the ids and timestamps X and Reddit derive from the time of a post. No wall-clock time is read."""
import calendar
import time as _time   # only gmtime(): formatting fixed timestamps, never the clock

from .draws import cumulative


def ts(y, mo, d, h=0, mi=0, s=0):
    """Unix seconds of a UTC date and time."""
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


T_AUG_START = ts(2025, 8, 7, 17)          # GPT-5 launch stream: 4o leaves the model picker
T_TAIL = ts(2025, 9, 16)                  # the August storm has died down
T_FEB = ts(2026, 1, 29)                   # final retirement announced
T_RETIRE = ts(2026, 2, 13, 18)            # 10:00 PT on 13 Feb 2026: 4o switched off
T_END = ts(2026, 2, 21)                   # end of the collection
T_GPT51 = ts(2025, 11, 12)                # from here the successor is called GPT-5.1 ...
T_GPT52 = ts(2025, 12, 11)                # ... and from here GPT-5.2


def _day_buckets():
    """(start, end, weight) spans of the study period; a weight is the relative volume of a whole day."""
    b = []

    def days(y, mo, d0, d1, w):        # inclusive day range, weight per day
        for d in range(d0, d1 + 1):
            b.append((ts(y, mo, d), ts(y, mo, d) + 86400, w))
    b.append((T_AUG_START, ts(2025, 8, 8), 1.0))
    for d, w in zip(range(8, 16), [3.0, 2.6, 1.9, 1.6, 1.9, 1.7, 1.2, 0.9]):
        b.append((ts(2025, 8, d), ts(2025, 8, d + 1), w))
    days(2025, 8, 16, 31, 0.15)
    days(2025, 9, 1, 25, 0.05)
    days(2025, 9, 26, 30, 0.10)          # safety-routing complaints
    days(2025, 10, 1, 3, 0.10)
    b.append((ts(2025, 10, 4), ts(2026, 1, 1), 0.02 * 89))
    b.append((ts(2026, 1, 1), T_FEB, 0.02 * 28))
    for d, w in zip([29, 30, 31], [2.8, 2.2, 1.4]):
        b.append((ts(2026, 1, d), ts(2026, 1, d) + 86400, w))
    days(2026, 2, 1, 10, 0.7)
    for d, w in zip([11, 12, 13, 14, 15], [1.1, 1.9, 3.2, 2.2, 1.3]):
        b.append((ts(2026, 2, d), ts(2026, 2, d) + 86400, w))
    days(2026, 2, 16, 20, 0.5)
    return b


DAY_BUCKETS = _day_buckets()
_BUCKET_CUM = cumulative(w for _, _, w in DAY_BUCKETS)
BUCKET_TOTAL = _BUCKET_CUM[-1]

# Hour-of-day activity (UTC) by audience: Americas-heavy, East Asia, Europe.
DIURNAL = {
    'am': [1.0, 1.0, 0.95, 0.85, 0.7, 0.55, 0.4, 0.3, 0.25, 0.25, 0.3, 0.35, 0.45, 0.55, 0.65, 0.7,
           0.75, 0.8, 0.85, 0.9, 0.9, 0.95, 1.0, 1.0],
    'asia': [0.6, 0.7, 0.8, 0.85, 0.85, 0.8, 0.75, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.8,
             0.6, 0.45, 0.3, 0.2, 0.2, 0.25, 0.35, 0.5],
    'eu': [0.4, 0.3, 0.25, 0.2, 0.2, 0.25, 0.35, 0.5, 0.6, 0.7, 0.75, 0.8, 0.8, 0.8, 0.8, 0.85,
           0.9, 0.95, 1.0, 1.0, 1.0, 0.95, 0.8, 0.6],
}
LANG_REGION = {'en': 'am', 'zh-Hans': 'asia', 'zh-Hant': 'asia', 'ja': 'asia', 'ko': 'asia',
               'es': 'am', 'pt': 'am', 'fr': 'eu', 'de': 'eu', 'mixed': 'asia', 'und': 'am'}


def sample_time(rng, lang='en'):
    """A posting time: a day bucket by volume, then a second within it, kept with the probability of
    that hour's activity where the language's audience lives."""
    curve = DIURNAL[LANG_REGION.get(lang, 'am')]
    while True:
        u = rng.random() * BUCKET_TOTAL
        lo, hi = 0, len(_BUCKET_CUM) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if _BUCKET_CUM[mid] < u:
                lo = mid + 1
            else:
                hi = mid
        a, b, _ = DAY_BUCKETS[lo]
        t = a + int(rng.random() * (b - a))
        if rng.random() < curve[(t // 3600) % 24]:
            return t


def hour_table():
    """Hourly (start, end) spans with cumulative weight over the study period (all audiences averaged),
    for drawing increasing timestamps along a long file."""
    curve = [(a + b + c) / 3.0 for a, b, c in zip(DIURNAL['am'], DIURNAL['asia'], DIURNAL['eu'])]
    hours, cum, acc = [], [], 0.0
    for a, b, w in DAY_BUCKETS:
        h = a - a % 3600
        while h < b:
            lo, hi = max(h, a), min(h + 3600, b)
            if hi > lo:
                acc += w * (hi - lo) / 86400.0 * curve[(h // 3600) % 24]
                hours.append((lo, hi))
                cum.append(acc)
            h += 3600
    return hours, cum, acc


def later(rng, t, mean_s, min_s=45, cap=None):
    """A time after t (a reply, a copy, a retweet): exponential delay, never past the cap."""
    d = min_s + int(rng.expovariate(1.0 / mean_s))
    out = t + d
    cap = cap or T_END - 60
    return min(out, cap) if out > t else t + min_s


def era_of(t):
    if t < T_TAIL:
        return 'aug'
    if t < T_FEB:
        return 'tail'
    if t < T_RETIRE:
        return 'pre13'
    return 'post13'


def era_ok(frag_era, era):
    """May a fragment marked @frag_era be used in a post of `era`? (Eras: header of any bank file.)"""
    if not frag_era:
        return True
    if frag_era == 'aug':
        return era == 'aug'
    if frag_era == 'late':
        return era != 'aug'
    if frag_era == 'feb':
        return era in ('pre13', 'post13')
    return frag_era == era


def _gm(t):
    g = _time.gmtime(t)
    return g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec


def iso_ms(t):
    """X's created_at: 2025-08-08T14:03:11.000Z."""
    y, mo, d, h, mi, s = _gm(t)
    return '%04d-%02d-%02dT%02d:%02d:%02d.000Z' % (y, mo, d, h, mi, s)


TWITTER_EPOCH_MS = 1288834974657


def snowflake(rng, t, used):
    """A tweet or user id that encodes time t, as X's do; unique within `used`."""
    while True:
        ms = t * 1000 + rng.randrange(1000)
        i = ((ms - TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22)
        if i not in used:
            used.add(i)
            return str(i)


B36 = '0123456789abcdefghijklmnopqrstuvwxyz'


def base36(n):
    """Reddit's ids are base-36 counters."""
    s = ''
    while n:
        n, r = divmod(n, 36)
        s = B36[r] + s
    return s or '0'
