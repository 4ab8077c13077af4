/// Tables owned by `language-detect`. Documented column by column in docs/schema.md.
enum LanguageDetectSchema {
    static let sql = """
        CREATE TABLE post_languages (
            post_id     INTEGER PRIMARY KEY REFERENCES posts(post_id),
            language    TEXT NOT NULL,   -- BCP-47 style: en, ja, ko, zh-Hans, zh-Hant, zh, es, ... or 'und'
            confidence  REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
            detector    TEXT NOT NULL,   -- combined | cld2 | fasttext | script | none
            script      TEXT,            -- dominant writing system (ISO 15924), NULL without letters
            lang_hint   TEXT,            -- the platform's own tag, as given (posts.lang_hint)
            hint_agrees INTEGER,         -- 1/0: hint and language name the same language; NULL: no usable hint or 'und'
            guess       TEXT NOT NULL,   -- best guess before the confidence threshold
            und_reason  TEXT CHECK (und_reason IN ('no_letters', 'too_short', 'uncertain')),
            text_chars  INTEGER NOT NULL, -- characters the detectors saw (after removing URLs, mentions, emoji)
            run_id      INTEGER NOT NULL REFERENCES runs(run_id),
            CHECK ((language = 'und') = (und_reason IS NOT NULL))
        );
        CREATE INDEX post_languages_by_language ON post_languages(language);
        """
}
