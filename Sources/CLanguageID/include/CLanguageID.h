// A small C API over two language identifiers from Debian packages, so that Swift can call them:
// CLD2 (libcld2) and fastText (libfasttext) with the lid.176.ftz model. Every function is safe to
// call from several threads at once (no shared mutable state; buffers are per call).
#ifndef CLANGUAGEID_H
#define CLANGUAGEID_H

#ifdef __cplusplus
extern "C" {
#endif

/// One language guess: a code as the detector spells it ("en", "zh-Hant", "un" = unknown) and a
/// score (CLD2: percent of the text 0..100; fastText: probability 0..1).
typedef struct {
    char code[16];
    double score;
} CLIDGuess;

/// CLD2's answer for one text: up to three languages with the percent of text bytes in each.
typedef struct {
    CLIDGuess top[3];
    int reliable;        // CLD2's own "is reliable" verdict
    int text_bytes;      // letters CLD2 scored (its own count, excluding markup/digits)
    double normalized_score; // CLD2's score for top[0] relative to normal text (near 1 = typical)
} CLIDCld2Result;

/// Runs CLD2 (best-effort mode, plain text) on `length` bytes of UTF-8.
/// Returns 0 on success, -1 when the input is not valid UTF-8 (then `result` says "un").
int clid_cld2_detect(const char *text, int length, CLIDCld2Result *result);

/// A loaded fastText model (opaque).
typedef struct CLIDFastText CLIDFastText;

/// Loads a fastText model file. On failure returns NULL and writes a message into `error`.
CLIDFastText *clid_fasttext_load(const char *path, char *error, int error_capacity);
void clid_fasttext_free(CLIDFastText *model);

/// Predicts the top `k` labels (at most 8) of one text. Newlines in the text are read as spaces.
/// Writes the labels without fastText's "__label__" prefix and returns how many were written.
int clid_fasttext_predict(const CLIDFastText *model, const char *text, int length, int k, CLIDGuess *guesses);

/// The same through fastText's own FastText::predictLine (an istream per call; slower). Kept to
/// check that clid_fasttext_predict gives exactly the same answers.
int clid_fasttext_predict_reference(const CLIDFastText *model, const char *text, int length, int k, CLIDGuess *guesses);

/// CLD2's version string ("code version - data build date").
const char *clid_cld2_version(void);

#ifdef __cplusplus
}
#endif

#endif
