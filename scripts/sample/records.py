"""A record: one post as a collection holds it, with everything the writers and the ground truth need."""


class Rec:
    def __init__(self, platform, kind, content, t, user):
        self.platform = platform
        self.kind = kind
        self.lang = content.lang if content else 'und'
        self.cats = content.cats if content else ()
        self.text = content.text if content else ''
        self.core = content.core if content else ''
        self.side = content.side if content else ''
        self.t = t
        self.user = user
        self.cluster = ''
        self.ref_type = ''          # retweeted | quoted | replied_to
        self.parent = None
        self.id = ''
        self.conv = ''
        self.hint = ''
        self.metrics = None
        self.edit_ids = None
        self.file = ''
        self.broken = ''
        self.n_rt = self.n_reply = self.n_quote = 0
        self.popular = 1.0
        # reddit
        self.rtype = ''
        self.title = ''
        self.subreddit = ''
        self.link = None
        self.score = 0
        self.num_comments = 0
        self.created_repr = 'int'


class Clusters:
    """Numbers the copy clusters (c0001, ...) in the order their sources are first copied."""

    def __init__(self):
        self.n = 0

    def ensure(self, rec):
        if not rec.cluster:
            self.n += 1
            rec.cluster = 'c%04d' % self.n
        return rec.cluster
