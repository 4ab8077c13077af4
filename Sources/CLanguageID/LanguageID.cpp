// CLD2 and fastText behind a C API. Why the details below matter is measured in
// shared/docs/platform-notes.md.
#include <cstdio>   // CLD2's public header uses FILE without including <cstdio>
#include <cstring>
#include <malloc.h>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <fasttext/fasttext.h>

#include "CLanguageID.h"

namespace CLD2 {
// Declared in cld2/internal/lang_script.h, which is not safe to include alongside fastText's headers.
const char *LanguageCode(Language lang);
}

namespace {

void copy_code(char *dst, const char *src) {
    std::strncpy(dst, src, 15);
    dst[15] = '\0';
}

// glibc trims the heap several times per CLD2 call (its scratch buffers are freed each time), which
// caps CLD2 at ~37k texts/s; raising the trim and mmap thresholds once lifts it to ~180k/s/thread.
void tune_malloc_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    });
}

} // namespace

struct CLIDFastText {
    fasttext::FastText model;
};

extern "C" int clid_cld2_detect(const char *text, int length, CLIDCld2Result *result) {
    tune_malloc_once();
    std::memset(result, 0, sizeof(*result));
    CLD2::Language language3[3];
    int percent3[3];
    double normalized3[3];
    int text_bytes = 0;
    bool reliable = false;
    int valid_prefix = 0;
    CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::ExtDetectLanguageSummaryCheckUTF8(
        text, length, true, &hints, CLD2::kCLDFlagBestEffort, language3, percent3, normalized3,
        nullptr, &text_bytes, &reliable, &valid_prefix);
    for (int i = 0; i < 3; i++) {
        copy_code(result->top[i].code, CLD2::LanguageCode(language3[i]));
        result->top[i].score = percent3[i];
    }
    result->reliable = reliable ? 1 : 0;
    result->text_bytes = text_bytes;
    result->normalized_score = normalized3[0];
    return valid_prefix < length ? -1 : 0;
}

extern "C" const char *clid_cld2_version(void) { return CLD2::DetectLanguageVersion(); }

extern "C" CLIDFastText *clid_fasttext_load(const char *path, char *error, int error_capacity) {
    auto *handle = new CLIDFastText();
    try {
        handle->model.loadModel(std::string(path));
        return handle;
    } catch (const std::exception &e) {
        if (error && error_capacity > 0) std::snprintf(error, error_capacity, "%s", e.what());
    } catch (...) {
        if (error && error_capacity > 0) std::snprintf(error, error_capacity, "unknown error loading the model");
    }
    delete handle;
    return nullptr;
}

extern "C" void clid_fasttext_free(CLIDFastText *model) { delete model; }

extern "C" int clid_fasttext_predict(const CLIDFastText *model, const char *text, int length, int k,
                                     CLIDGuess *guesses) {
    if (k < 1) return 0;
    if (k > 8) k = 8;
    // fastText reads one line: a newline inside the text would end it early, and the last word
    // counts only when the line ends with a newline. So: newlines become spaces, and one is added.
    std::string line(text, static_cast<size_t>(length));
    for (auto &c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    line.push_back('\n');
    std::istringstream in(line);
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    // predictLine is const and keeps its scratch state on the stack: safe from several threads.
    model->model.predictLine(in, predictions, k, 0.0);
    int written = 0;
    for (const auto &prediction : predictions) {
        const std::string &label = prediction.second;
        const char *code = label.c_str();
        if (label.compare(0, 9, "__label__") == 0) code += 9;
        copy_code(guesses[written].code, code);
        guesses[written].score = prediction.first;  // predictLine returns probabilities (exp applied)
        if (++written == k) break;
    }
    return written;
}
