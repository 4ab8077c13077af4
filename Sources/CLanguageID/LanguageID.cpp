// CLD2 and fastText behind a C API. Why the details below matter is measured in
// shared/docs/platform-notes.md.
#include <cstdio>   // CLD2's public header uses FILE without including <cstdio>
#include <cmath>
#include <cstring>
#include <malloc.h>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include <fasttext/fasttext.h>

#include "CLanguageID.h"

namespace CLD2 {
// From cld2/internal/lang_script.h (exported by libcld2); declared here to keep to the public headers.
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

// fastText's quantized lid.176 model keeps a pruned bucket index in an std::unordered_map that
// Dictionary::pushHash consults twice (count, then at) for every character n-gram of every word
// not in the vocabulary: measured at 28% of the whole stage's CPU time. We read that index once
// (it is a protected member: a pointer-to-member taken through a derived class reaches it) into a
// direct table, and build each text's input ids ourselves, exactly as
// Dictionary::getLine does (tests compare every prediction with predictLine's).
struct DictionaryAccess : fasttext::Dictionary {
    static constexpr auto pruneIndex = &DictionaryAccess::pruneidx_;
    static constexpr auto pruneIndexSize = &DictionaryAccess::pruneidx_size_;
};

namespace {

// The pruned index as a direct table: bucket → row, -1 when the bucket was pruned. Every n-gram id
// is below `bucket` (2M for lid.176, whose index keeps 42,765 of them: 8 MB), so a lookup is one
// array read instead of two hash-map probes.
class BucketIndex {
public:
    void build(const std::unordered_map<int32_t, int32_t> &map, int32_t bucket) {
        rows_.assign(static_cast<size_t>(bucket), -1);
        for (const auto &entry : map) {
            if (entry.first >= 0 && entry.first < bucket) rows_[static_cast<size_t>(entry.first)] = entry.second;
        }
    }
    int32_t find(int32_t key) const {
        return static_cast<size_t>(key) < rows_.size() ? rows_[static_cast<size_t>(key)] : -1;
    }
private:
    std::vector<int32_t> rows_;
};

} // namespace

struct CLIDFastText {
    fasttext::FastText model;
    std::shared_ptr<const fasttext::Dictionary> dictionary;
    BucketIndex prune;
    int64_t pruneSize = 0;
    int32_t nwords = 0, minn = 0, maxn = 0, bucket = 0, wordNgrams = 1;

    void prepare() {
        dictionary = model.getDictionary();
        const fasttext::Args args = model.getArgs();
        minn = args.minn;
        maxn = args.maxn;
        bucket = args.bucket;
        wordNgrams = args.wordNgrams;
        nwords = dictionary->nwords();
        pruneSize = (*dictionary).*DictionaryAccess::pruneIndexSize;
        if (pruneSize > 0) prune.build((*dictionary).*DictionaryAccess::pruneIndex, bucket);
    }

    // Dictionary::pushHash
    void pushHash(std::vector<int32_t> &ids, int32_t id) const {
        if (pruneSize == 0 || id < 0) return;
        if (pruneSize > 0) {
            id = prune.find(id);
            if (id < 0) return;
        }
        ids.push_back(nwords + id);
    }

    // Dictionary::computeSubwords on "<" + word + ">", with the FNV-1a hash kept incrementally.
    void addSubwords(std::vector<int32_t> &ids, const std::string &word) const {
        const size_t size = word.size();
        for (size_t i = 0; i < size; i++) {
            if ((word[i] & 0xC0) == 0x80) continue;
            uint32_t h = 2166136261u;
            for (size_t j = i, n = 1; j < size && n <= static_cast<size_t>(maxn); n++) {
                h = (h ^ static_cast<uint32_t>(static_cast<int8_t>(word[j++]))) * 16777619u;
                while (j < size && (word[j] & 0xC0) == 0x80) {
                    h = (h ^ static_cast<uint32_t>(static_cast<int8_t>(word[j++]))) * 16777619u;
                }
                if (n >= static_cast<size_t>(minn) && !(n == 1 && (i == 0 || j == size))) {
                    pushHash(ids, static_cast<int32_t>(h % static_cast<uint32_t>(bucket)));
                }
            }
        }
    }

    // Dictionary::getLine for one line made of `text` (newlines read as spaces) and its end.
    void inputIds(const char *text, int length, std::vector<int32_t> &ids) const {
        // Per-thread scratch buffers: no allocation per text once they have grown.
        thread_local std::vector<int32_t> wordHashes;
        thread_local std::string token;
        wordHashes.clear();
        token.clear();
        auto addToken = [&](const std::string &word) {
            uint32_t h = dictionary->hash(word);
            int32_t wid = dictionary->getId(word, h);
            fasttext::entry_type type = wid < 0 ? dictionary->getType(word) : dictionary->getType(wid);
            if (type != fasttext::entry_type::word) return;
            if (wid < 0) {
                if (word != fasttext::Dictionary::EOS) {
                    thread_local std::string wrapped;
                    wrapped.assign(fasttext::Dictionary::BOW);
                    wrapped += word;
                    wrapped += fasttext::Dictionary::EOW;
                    addSubwords(ids, wrapped);
                }
            } else if (maxn <= 0) {
                ids.push_back(wid);
            } else {
                const auto &subwords = dictionary->getSubwords(wid);
                ids.insert(ids.end(), subwords.begin(), subwords.end());
            }
            wordHashes.push_back(static_cast<int32_t>(h));
        };
        for (int i = 0; i < length; i++) {
            char c = text[i];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0') {
                if (!token.empty()) { addToken(token); token.clear(); }
            } else {
                token.push_back(c);
            }
        }
        if (!token.empty()) addToken(token);
        addToken(fasttext::Dictionary::EOS);
        // Dictionary::addWordNgrams
        for (size_t i = 0; i < wordHashes.size(); i++) {
            uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(wordHashes[i]));
            for (size_t j = i + 1; j < wordHashes.size() && j < i + static_cast<size_t>(wordNgrams); j++) {
                h = h * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(wordHashes[j]));
                pushHash(ids, static_cast<int32_t>(h % static_cast<uint64_t>(bucket)));
            }
        }
    }
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
        handle->prepare();
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
    thread_local std::vector<int32_t> ids;
    thread_local fasttext::Predictions predictions;
    ids.clear();
    predictions.clear();
    model->inputIds(text, length, ids);
    // FastText::predict is const and keeps its scratch state on the stack: safe from several threads.
    model->model.predict(k, ids, predictions, 0.0);
    int written = 0;
    for (const auto &prediction : predictions) {
        const std::string label = model->dictionary->getLabel(prediction.second);
        const char *code = label.c_str();
        if (label.compare(0, 9, "__label__") == 0) code += 9;
        copy_code(guesses[written].code, code);
        guesses[written].score = std::exp(prediction.first);  // predict gives log-probabilities
        if (++written == k) break;
    }
    return written;
}

extern "C" int clid_fasttext_predict_reference(const CLIDFastText *model, const char *text, int length, int k,
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
