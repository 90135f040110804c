// Copyright storyline authors.
//
// BoilerplateFilter: splits a text into lines, applies the per-line rules of
// boilerplate_rules.cc and the passes that look across lines (the repeated
// title, photo credits and their captions, lists under a read-also header,
// lines a source repeats across its articles, the site name and tag lines at
// the end), and learns the repeated lines (Observe). docs/text.md lists the
// rules and their reasons.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/hash.h"
#include "core/simd.h"
#include "storyline/text.h"
#include "text/boilerplate_internal.h"

namespace storyline {
namespace text_internal {
namespace {

// FindNewlines; kSimd: sixteen bytes at a time where the build has SSE2 (lines
// are short: a call to memchr per line costs more), with the same offsets.
template <bool kSimd>
void FindNewlinesIn(std::string_view text, std::vector<uint32_t>* out) {
  out->clear();
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
#if STORYLINE_SSE2
  if constexpr (kSimd) {
    const __m128i k_nl = _mm_set1_epi8('\n');
    for (; i + 16 <= n; i += 16) {
      uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(
          _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), k_nl)));
      while (m != 0) {
        out->push_back(static_cast<uint32_t>(i + __builtin_ctz(m)));
        m &= m - 1;
      }
    }
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == '\n') out->push_back(static_cast<uint32_t>(i));
  }
}

}  // namespace

void FindNewlines(std::string_view text, std::vector<uint32_t>* out) {
  FindNewlinesIn<STORYLINE_SSE2 != 0>(text, out);
}

void FindNewlinesScalar(std::string_view text, std::vector<uint32_t>* out) {
  FindNewlinesIn<false>(text, out);
}

}  // namespace text_internal

namespace {

using text_internal::Contains;
using text_internal::CreditHint;
using text_internal::EndsWith;
using text_internal::EndsWithTerminal;
using text_internal::FindNewlines;
using text_internal::Fold;
using text_internal::FoldInto;
using text_internal::Hints;
using text_internal::IsTailTag;
using text_internal::IsUrlLine;
using text_internal::kHintCredit;
using text_internal::LineInfo;
using text_internal::LineReadAlsoKind;
using text_internal::PerLineReason;
using text_internal::PhotoCreditStart;
using text_internal::StartsWithPhrase;
using text_internal::Trim;

constexpr uint64_t kLineSeed = 0x6c69'6e65'6861'7368ULL;  // "linehash" (in-memory only)

// A line Observe saw in this many distinct articles of a source is set aside
// above the article's first or below its last sentence; between sentences it
// must have been seen in kMinArticlesInside (a team sheet or a kick-off time
// repeated in three previews is content).
constexpr uint32_t kMinArticles = 3;
constexpr uint32_t kMinArticlesInside = 10;

// ---- Line properties ---------------------------------------------------------------

std::string LettersOnly(std::string_view f) {
  std::string out;
  for (char c : f) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

bool LooksLikeProse(const LineInfo& l) {
  if (l.words >= 15) return true;
  return l.words >= 6 && EndsWithTerminal(l.trimmed);
}

bool StartsLower(std::string_view t) { return !t.empty() && t[0] >= 'a' && t[0] <= 'z'; }

bool EndsSentence(std::string_view t) {
  if (t.empty()) return false;
  char c = t.back();
  if (c == '.' || c == '!' || c == '?' || c == '"') return true;
  if (static_cast<unsigned char>(c) < 0x80) return false;  // the marks below end in >= 0x80
  return EndsWith(t, "\xE2\x80\x9D") || EndsWith(t, "\xE3\x80\x82");
}

// The tail of a hard-wrapped sentence ("said.", "share." in Reuters-21578):
// starts in lower case right under a line that does not end a sentence.
bool ComputeContinuation(const std::vector<LineInfo>& lines, size_t i) {
  if (i == 0 || lines[i - 1].blank || !StartsLower(lines[i].trimmed)) return false;
  std::string_view p = lines[i - 1].trimmed;
  return !(EndsSentence(p) || EndsWith(p, ":") || EndsWith(p, ";"));
}
// The lines never change while a text is cleaned: computed once per line.
bool IsContinuation(std::vector<LineInfo>& lines, size_t i) {
  int8_t& c = lines[i].continuation;
  if (c < 0) c = ComputeContinuation(lines, i) ? 1 : 0;
  return c != 0;
}

// A paragraph of prose that can close an article: a sentence, or a
// parenthesised credit such as "(Reporting by ...; Editing by ...)".
bool ClosesProse(const LineInfo& l) {
  if (l.words < 6) return false;
  return EndsSentence(l.trimmed) || (l.trimmed.front() == '(' && l.trimmed.back() == ')');
}

// A line that stands alone, as furniture does: it starts a unit (first line,
// or after a blank line or a line ending a sentence), is itself complete, and
// does not start in lower case (a hard-wrapped sentence's tail, "said.").
bool StandsAlone(const std::vector<LineInfo>& lines, size_t i) {
  const LineInfo& l = lines[i];
  unsigned char c0 = static_cast<unsigned char>(l.trimmed[0]);
  if (c0 >= 'a' && c0 <= 'z') return false;
  bool starts = i == 0 || lines[i - 1].blank || EndsSentence(lines[i - 1].trimmed);
  bool ends = i + 1 == lines.size() || lines[i + 1].blank ||
              (EndsSentence(l.trimmed) && !StartsLower(lines[i + 1].trimmed));
  if (!(starts && ends)) return false;
  // Short stock sentences ("Terms were not disclosed.") recur in news because
  // reporters write them, not because a site adds them: a repeated sentence
  // counts only when it is long, like a disclaimer or an author's bio.
  return !EndsSentence(l.trimmed) || l.words >= 10;
}

// The nearest kept line above line i closes a paragraph of prose.
bool ProseAbove(const std::vector<LineInfo>& lines, size_t i) {
  while (i-- > 0) {
    if (lines[i].blank || lines[i].reason) continue;
    return ClosesProse(lines[i]);
  }
  return false;
}

uint64_t LineKey(uint64_t source_hash, std::string_view folded) {
  return Hash64(folded, kLineSeed ^ source_hash);
}

// ---- Splitting a text into lines ------------------------------------------------

// Splits `text` into *lines, folding each non-blank line into *arena (which
// must not change while the lines are used). Both are reused across calls.
void SplitLines(std::string_view text, std::vector<LineInfo>* out, std::string* arena) {
  std::vector<LineInfo>& lines = *out;
  lines.clear();
  arena->resize(text.size() + 1);
  thread_local std::vector<uint32_t> newlines;
  FindNewlines(text, &newlines);
  size_t next_nl = 0;
  size_t used = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = next_nl < newlines.size() ? newlines[next_nl++] : std::string_view::npos;
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    LineInfo l;
    l.begin = static_cast<uint32_t>(pos);
    l.end = static_cast<uint32_t>(end);
    l.trimmed = Trim(text.substr(pos, end - pos));
    l.blank = l.trimmed.empty();
    if (!l.blank) {
      size_t n = FoldInto(l.trimmed, arena->data() + used, &l.words);
      l.prose = LooksLikeProse(l);
      l.folded = std::string_view(arena->data() + used, n);
      used += n;
    }
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  // A huge text must not pin its offsets to this thread for good.
  if (newlines.capacity() > (1u << 18)) std::vector<uint32_t>().swap(newlines);
}

struct Scratch {
  std::vector<LineInfo> lines;
  std::string arena;
  std::string title;  // the given title, folded
};
Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

// ---- The passes of CleanInto, in order -------------------------------------------

// The first non-blank line (lines.size() when there is none) and the number
// of non-blank lines.
struct NonBlank {
  size_t first;
  size_t count;
};
NonBlank CountNonBlank(const std::vector<LineInfo>& lines) {
  NonBlank nb{lines.size(), 0};
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank) continue;
    ++nb.count;
    if (nb.first == lines.size()) nb.first = i;
  }
  return nb;
}

// Fold(Trim(title)) in *buf, which is reused (no allocation per article).
std::string_view FoldTitle(std::string_view title, std::string* buf) {
  const std::string_view t = Trim(title);
  buf->resize(t.size());
  buf->resize(FoldInto(t, buf->data()));
  return *buf;
}

// The per-line rules. Long prose lines only face the photo-credit rule (their
// hints serve only it). A line equal to the given title is left to
// MarkRepeatedTitle.
void ApplyLineRules(std::vector<LineInfo>& lines, std::string_view given_title) {
  for (size_t i = 0; i < lines.size(); ++i) {
    LineInfo& l = lines[i];
    if (l.blank || l.folded.empty()) continue;
    if (!given_title.empty() && l.folded == given_title) continue;
    if (IsUrlLine(l.folded, l.trimmed)) {
      l.reason = "URL line";
      continue;
    }
    // Hints serve only the rules below and the photo-credit rule, none of
    // which looks at a URL line or a wrapped sentence's tail.
    if (IsContinuation(lines, i)) continue;
    if (l.words <= 40) {
      l.hints = Hints(l.folded);
      l.reason = PerLineReason(l);
    } else {
      l.hints = CreditHint(l.folded);
    }
  }
}

// The title, repeated. With a title given apart from the text, every copy in
// the text repeats it; without one, the first line is the title and later
// copies repeat it. Returns the line that is the title itself (lines.size()
// when the title was given).
size_t MarkRepeatedTitle(std::vector<LineInfo>& lines, std::string_view given_title, size_t first) {
  std::string_view title = given_title;
  size_t keep_title = lines.size();
  if (title.empty() && first < lines.size()) {
    title = lines[first].folded;  // in the arena, which lives until the end
    keep_title = first;
  }
  if (title.empty()) return keep_title;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == keep_title || lines[i].blank || lines[i].reason) continue;
    if (lines[i].folded == title) lines[i].reason = "repeated title";
  }
  return keep_title;
}

// Sets aside the bare caption that the credited caption at line i repeats:
// a kept line within 3 lines of it equal to `caption`.
void MarkCaption(std::vector<LineInfo>& lines, size_t i, size_t keep_title,
                 std::string_view caption) {
  size_t lo = i >= 3 ? i - 3 : 0, hi = std::min(lines.size(), i + 4);
  for (size_t j = lo; j < hi; ++j) {
    if (j == i || j == keep_title || lines[j].blank || lines[j].reason) continue;
    if (lines[j].folded == caption) lines[j].reason = "photo caption";
  }
}

// Photo credits, and the bare caption a credited caption repeats.
void MarkPhotoCredits(std::vector<LineInfo>& lines, size_t keep_title) {
  for (size_t i = 0; i < lines.size(); ++i) {
    LineInfo& l = lines[i];
    if (l.blank || l.folded.empty() || l.reason || i == keep_title || IsContinuation(lines, i)) {
      continue;
    }
    if (!(l.hints & kHintCredit)) continue;
    size_t at = PhotoCreditStart(l.folded);
    if (at == std::string_view::npos) continue;
    l.reason = "photo credit";
    std::string_view caption = Trim(std::string_view(l.folded).substr(0, at));
    if (!caption.empty()) MarkCaption(lines, i, keep_title, caption);
  }
}

// An item of a list of links: a bullet, or a headline (no final period), and
// not long.
bool IsListItem(const LineInfo& l) {
  std::string_view t = l.trimmed;
  bool bullet = t[0] == '-' || t[0] == '*' || t.substr(0, 3) == "\xE2\x80\xA2" ||
                t.substr(0, 3) == "\xE2\x80\x93" || t.substr(0, 2) == "\xC2\xBB";
  bool headline = l.words <= 15 && !EndsWith(t, ".");
  return l.words <= 20 && (bullet || headline);
}

// Lists under a bare "Check also;" / "Related:" header: up to 10 items.
void MarkReadAlsoLists(std::vector<LineInfo>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank || lines[i].folded.empty() || LineReadAlsoKind(lines[i]) != 2) continue;
    for (size_t j = i + 1, taken = 0; j < lines.size() && taken < 10; ++j) {
      LineInfo& l = lines[j];
      if (l.blank) continue;
      if (l.reason || !IsListItem(l)) break;
      l.reason = "read-also link";
      ++taken;
    }
  }
}

// The lines seen often enough to be set aside, given seen[i], the number of
// articles of the source line i was seen in: kMinArticles outside the
// article's own prose (sentences not repeated elsewhere), kMinArticlesInside
// within it.
std::vector<size_t> RepeatedLines(const std::vector<LineInfo>& lines,
                                  const std::vector<uint32_t>& seen) {
  size_t first_prose = lines.size(), last_prose = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank || !lines[i].prose || seen[i] >= kMinArticles) continue;
    first_prose = std::min(first_prose, i);
    last_prose = i;
  }
  std::vector<size_t> hits;
  for (size_t i = 0; i < lines.size(); ++i) {
    bool edge = i < first_prose || i > last_prose;
    if (seen[i] >= (edge ? kMinArticles : kMinArticlesInside)) hits.push_back(i);
  }
  return hits;
}

// Lines a source repeats across its articles. If they would take most of the
// article, the article is a copy of another rather than furniture around it,
// and nothing is set aside. The reasons (with numbers) go to *reason_texts,
// which must outlive the lines' use.
void MarkRepeatedLines(std::vector<LineInfo>& lines, const std::vector<uint32_t>& seen,
                       const std::string& source, std::vector<std::string>* reason_texts) {
  const std::vector<size_t> hits = RepeatedLines(lines, seen);
  size_t prose = 0;
  for (const LineInfo& l : lines) prose += (!l.blank && !l.reason) ? 1 : 0;
  if (hits.empty() || hits.size() * 2 > prose) return;
  reason_texts->resize(hits.size());  // never resized again: the pointers stay
  for (size_t h = 0; h < hits.size(); ++h) {
    (*reason_texts)[h] =
        "repeated across " + std::to_string(seen[hits[h]]) + " articles of " + source;
    lines[hits[h]].reason = (*reason_texts)[h].c_str();
  }
}

// Why the kept line i after the last sentence is the site's name or a tag
// line, or nullptr when it is neither. `source` is the folded source;
// `url_letters` the letters of a URL line removed below it.
const char* TailReason(const std::vector<LineInfo>& lines, size_t i, std::string_view source,
                       std::string_view url_letters) {
  const LineInfo& l = lines[i];
  std::string_view name = l.folded;
  if (StartsWithPhrase(name, "the ")) name.remove_prefix(4);
  std::string letters = LettersOnly(name);
  if ((!source.empty() && l.folded == source) ||
      (letters.size() >= 4 && !url_letters.empty() && Contains(url_letters, letters))) {
    return "site name at end";
  }
  if (IsTailTag(l.trimmed, l.words) && ProseAbove(lines, i)) return "tag line at end";
  return nullptr;
}

// The tail: the site's name and tag lines after the last sentence (up to 5
// lines), when some prose is kept.
void MarkTail(std::vector<LineInfo>& lines, size_t first, std::string_view article_source) {
  bool prose_above = false;
  for (const LineInfo& l : lines) prose_above |= (!l.blank && !l.reason && l.prose);
  if (!prose_above) return;
  const std::string source = Fold(article_source);
  std::string url_letters;  // letters of a URL removed below, to name the site
  for (size_t i = lines.size(), taken = 0; i-- > 0 && taken < 5;) {
    LineInfo& l = lines[i];
    if (l.blank) continue;
    if (l.reason) {
      if (std::string_view(l.reason) == "URL line") url_letters = LettersOnly(l.folded);
      continue;
    }
    if (l.prose || i == first) break;
    const char* reason = TailReason(lines, i, source, url_letters);
    if (reason == nullptr) break;
    l.reason = reason;
    ++taken;
  }
}

// Writes the kept lines of `text` to out->text and the set-aside ones to
// out->removed. Returns false, writing nothing, when no line or every
// non-blank line is set aside (a text is never emptied).
bool WriteCleaned(std::string_view text, const std::vector<LineInfo>& lines, size_t nonblank,
                  CleanedText* out) {
  size_t removed = 0;
  for (const LineInfo& l : lines) removed += (!l.blank && l.reason) ? 1 : 0;
  if (removed == 0 || removed >= nonblank) return false;
  out->text.reserve(text.size());
  bool first_out = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineInfo& l = lines[i];
    std::string_view raw = text.substr(l.begin, l.end - l.begin);
    if (!l.blank && l.reason) {
      SetAsideLine s;
      s.line = static_cast<uint32_t>(i);
      s.begin = l.begin;
      s.end = l.end;
      s.text = std::string(raw);
      s.reason = l.reason;
      out->removed.push_back(std::move(s));
      continue;
    }
    if (!first_out) out->text.push_back('\n');
    out->text.append(raw);
    first_out = false;
  }
  return true;
}

// A huge text must not pin its scratch memory to this thread for good.
struct ReleaseScratch {
  Scratch* s;
  ~ReleaseScratch() {
    if (s->arena.capacity() > (16u << 20)) std::string().swap(s->arena);
    if (s->lines.capacity() > (1u << 18)) std::vector<LineInfo>().swap(s->lines);
  }
};

}  // namespace

// ---- The table of repeated lines -----------------------------------------------

// Open addressing over 64-bit line keys (source and folded line hashed
// together), with the number of distinct articles each was seen in. Capped:
// when it fills up, lines seen once are dropped.
struct BoilerplateFilter::Impl {
  static constexpr size_t kCapacity = 1 << 20;  // 12 MiB of keys and counts
  std::vector<uint64_t> keys;                   // 0 = empty
  std::vector<uint32_t> counts;
  size_t used = 0;
  std::unordered_set<uint64_t> seen_texts;  // exact copies count once (capped)

  // For each line of a text from the source, the number of articles it was
  // seen in, if it stands alone (0 for the other lines).
  std::vector<uint32_t> Seen(uint64_t source_hash, const std::vector<LineInfo>& lines) const {
    std::vector<uint32_t> seen(lines.size(), 0);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].blank || lines[i].reason || !StandsAlone(lines, i)) continue;
      seen[i] = Count(LineKey(source_hash, lines[i].folded));
    }
    return seen;
  }
  uint32_t Count(uint64_t key) const {
    if (keys.empty()) return 0;
    key |= 1;
    size_t mask = keys.size() - 1;
    for (size_t i = key & mask;; i = (i + 1) & mask) {
      if (keys[i] == key) return counts[i];
      if (keys[i] == 0) return 0;
    }
  }
  void Add(uint64_t key) {
    if (keys.empty()) {
      keys.assign(kCapacity, 0);
      counts.assign(kCapacity, 0);
    }
    key |= 1;
    size_t mask = keys.size() - 1;
    size_t i = key & mask;
    for (;; i = (i + 1) & mask) {
      if (keys[i] == key) {
        ++counts[i];
        return;
      }
      if (keys[i] == 0) break;
    }
    if (used + 1 > kCapacity * 7 / 10) {
      Evict();
      Add(key);
      return;
    }
    keys[i] = key;
    counts[i] = 1;
    ++used;
  }
  // Drops the lines seen in fewer than `floor` articles, raising the floor
  // until the table is at most half full.
  void Evict() {
    for (uint32_t floor = 2; used > kCapacity / 2; ++floor) {
      std::vector<uint64_t> k;
      std::vector<uint32_t> c;
      k.swap(keys);
      c.swap(counts);
      keys.assign(kCapacity, 0);
      counts.assign(kCapacity, 0);
      used = 0;
      size_t mask = kCapacity - 1;
      for (size_t j = 0; j < k.size(); ++j) {
        if (k[j] == 0 || c[j] < floor) continue;
        size_t i = k[j] & mask;
        while (keys[i] != 0) i = (i + 1) & mask;
        keys[i] = k[j];
        counts[i] = c[j];
        ++used;
      }
    }
  }
};

BoilerplateFilter::BoilerplateFilter() : impl_(std::make_unique<Impl>()) {}
BoilerplateFilter::~BoilerplateFilter() = default;

void BoilerplateFilter::Observe(const Article& article) {
  if (article.source.empty()) return;
  uint64_t text_hash = Hash64(article.text, kLineSeed);
  if (impl_->seen_texts.size() < (1u << 18)) {
    if (!impl_->seen_texts.insert(text_hash).second) return;
  }
  uint64_t source_hash = Hash64(article.source, kLineSeed);
  Scratch& scratch = ThreadScratch();
  std::vector<LineInfo>& lines = scratch.lines;
  SplitLines(article.text, &lines, &scratch.arena);
  std::vector<uint64_t> keys;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].blank || !StandsAlone(lines, i)) continue;
    keys.push_back(LineKey(source_hash, lines[i].folded));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (uint64_t k : keys) impl_->Add(k);
}

CleanedText BoilerplateFilter::Clean(const Article& article) const {
  CleanedText out;
  if (!CleanInto(article, &out)) out.text = article.text;
  return out;
}

bool BoilerplateFilter::CleanInto(const Article& article, CleanedText* cleaned) const {
  cleaned->text.clear();
  cleaned->removed.clear();
  Scratch& scratch = ThreadScratch();
  std::vector<LineInfo>& lines = scratch.lines;
  SplitLines(article.text, &lines, &scratch.arena);
  const NonBlank nonblank = CountNonBlank(lines);
  // The first line, when it is the article's title, is the title.
  const std::string_view given_title = FoldTitle(article.title, &scratch.title);
  ApplyLineRules(lines, given_title);
  const size_t keep_title = MarkRepeatedTitle(lines, given_title, nonblank.first);
  MarkPhotoCredits(lines, keep_title);
  MarkReadAlsoLists(lines);
  std::vector<std::string> reason_texts;  // reasons with numbers, for the lines below
  if (!article.source.empty() && impl_->used > 0) {
    const uint64_t source_hash = Hash64(article.source, kLineSeed);
    MarkRepeatedLines(lines, impl_->Seen(source_hash, lines), article.source, &reason_texts);
  }
  MarkTail(lines, nonblank.first, article.source);
  ReleaseScratch release{&scratch};
  return WriteCleaned(article.text, lines, nonblank.count, cleaned);
}

}  // namespace storyline
