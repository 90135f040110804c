// Copyright storyline authors.
//
// Names by capitalisation: runs of capitalised words, split at titles
// ("President"), stripped of sentence-initial function words, trimmed on
// title-case heading lines, classified by small word lists (name_words.cc) and
// merged (a person's surname counts under the full name).
#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/ascii.h"
#include "relate/names_internal.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace relate_internal {
namespace {

// The words of a text with what the steps below ask of them.
struct ScannedText {
  std::string_view text;
  std::vector<RawWord> words;
  std::vector<std::string> lower;  // ASCII lower case of each word
  // Capitalised words seen inside a sentence: evidence that a sentence-initial
  // single word is a name and not just the first word.
  std::unordered_set<std::string> mid_caps;

  bool Capital(size_t i) const {
    return words[i].has_letter && (words[i].upper_initial || words[i].all_upper);
  }
  // Bytes of a possessive ending ('s or ’s) of word i; 0 when it has none.
  uint32_t PossessiveCut(size_t i) const {
    std::string_view w = text.substr(words[i].begin, words[i].end - words[i].begin);
    if (w.size() > 2 && (w.substr(w.size() - 2) == "'s")) return 2;
    if (w.size() > 4 && w.substr(w.size() - 4) == "\xE2\x80\x99s") return 4;
    return 0;
  }
};

ScannedText Scan(std::string_view text) {
  ScannedText s;
  s.text = text;
  s.words = ScanWords(text);
  s.lower.resize(s.words.size());
  for (size_t i = 0; i < s.words.size(); ++i) {
    s.lower[i] = AsciiLowerCopy(text.substr(s.words[i].begin, s.words[i].end - s.words[i].begin));
  }
  for (size_t i = 0; i < s.words.size(); ++i) {
    if (s.Capital(i) && !s.words[i].sentence_start) s.mid_caps.insert(s.lower[i]);
  }
  return s;
}

// Capitalised words (with connectors between capitals: "Republic of Korea",
// "Hamad bin Khalifa") separated by single spaces; a possessive ends the run.
struct Run {
  std::vector<size_t> words;
  uint32_t cut_last = 0;  // bytes of the possessive ending of the last word
};

Run GrowRun(const ScannedText& s, size_t i) {
  const auto& words = s.words;
  const auto& conns = Connectors();
  Run run;
  run.words.push_back(i);
  size_t j = i;
  run.cut_last = s.PossessiveCut(i);
  while (run.cut_last == 0 && j + 1 < words.size()) {
    size_t k = j + 1;
    if (words[k].break_before || words[k].sentence_start) break;
    if (words[k].begin - words[j].end > 2) break;
    if (s.Capital(k)) {
      run.words.push_back(k);
      j = k;
    } else if (conns.count(s.lower[k]) && k + 1 < words.size() && s.Capital(k + 1) &&
               !words[k + 1].break_before && s.lower[k] != "and") {
      run.words.push_back(k);
      run.words.push_back(k + 1);
      j = k + 1;
    } else {
      break;
    }
    run.cut_last = s.PossessiveCut(j);
  }
  return run;
}

// A piece of a run between titles, and whether a title precedes it.
struct Part {
  std::vector<size_t> words;
  bool after_title = false;
};

// Splits a run at its titles ("Russian President Vladimir Putin"). Before a
// title: nationality or office words ("South Korean", "Russian"), dropped; a
// longer run keeps its name without the nationality that joins it to the title
// ("During Russia-Ukraine War Russian President Putin").
std::vector<Part> SplitAtTitles(const ScannedText& s, const Run& run) {
  const auto& words = s.words;
  const auto& lower = s.lower;
  const size_t i = run.words[0];
  bool title_before =
      i > 0 && !words[i].break_before && Titles().count(lower[i - 1]) && !s.Capital(i - 1);
  std::vector<Part> parts;
  Part cur;
  cur.after_title = title_before;
  for (size_t r = 0; r < run.words.size(); ++r) {
    size_t w = run.words[r];
    std::string_view next =
        r + 1 < run.words.size() ? std::string_view(lower[run.words[r + 1]]) : "";
    if (IsRunTitle(lower[w], next) && r + 1 < run.words.size()) {
      if (cur.words.size() > 2) {
        while (cur.words.size() > 2 && IsDemonym(lower[cur.words.back()])) cur.words.pop_back();
        parts.push_back(cur);
      }
      cur.words.clear();
      cur.after_title = true;
      continue;
    }
    cur.words.push_back(w);
  }
  if (!cur.words.empty()) parts.push_back(cur);
  return parts;
}

// A function, date or connector word not written all in capitals.
bool Strippable(const ScannedText& s, size_t w) {
  const std::string& l = s.lower[w];
  return (FunctionWords().count(l) || DateWords().count(l) || Connectors().count(l)) &&
         !s.words[w].all_upper;
}

// The segment of `part` words [b, e); the run's possessive ending is cut.
Segment MakeSegment(const ScannedText& s, const Run& run, const Part& part, size_t b, size_t e) {
  const auto& words = s.words;
  const std::vector<size_t>& p = part.words;
  const bool cut = p[e - 1] == run.words.back() && run.cut_last;
  Segment seg;
  seg.begin = words[p[b]].begin;
  seg.end = words[p[e - 1]].end;
  if (cut) seg.end -= run.cut_last;
  seg.after_title = part.after_title;
  seg.sentence_start = words[p[b]].sentence_start;
  for (size_t q = b; q < e; ++q) {
    std::string lw = s.lower[p[q]];
    if (q == e - 1 && cut) lw.resize(lw.size() - run.cut_last);
    seg.lower_words.push_back(lw);
    seg.word_ends.push_back(words[p[q]].end);
  }
  seg.word_ends.back() = seg.end;
  seg.acronym = seg.lower_words.size() == 1 && words[p[b]].all_upper;
  return seg;
}

// A single word is a name unless it is a demonym, a letter, a sentence-initial
// word never seen capitalised mid-sentence, a function or date word, or a
// compound on a lower-case word (an adjective: "Russian-backed", "U.S.-led").
bool KeepSingleWord(const ScannedText& s, const Segment& seg) {
  const std::string& w = seg.lower_words[0];
  if (!seg.after_title && IsDemonym(w)) return false;
  if (w.size() < 2) return false;
  if (seg.sentence_start && !seg.acronym && !seg.after_title && !s.mid_caps.count(w)) return false;
  if (FunctionWords().count(w) || DateWords().count(w)) return false;
  std::string_view sw = s.text.substr(seg.begin, seg.end - seg.begin);
  size_t h = sw.rfind('-');
  return !(h != std::string_view::npos && h + 1 < sw.size() &&
           std::islower(static_cast<unsigned char>(sw[h + 1])));
}

bool KeepSegment(const ScannedText& s, const Segment& seg) {
  const size_t n = seg.lower_words.size();
  if (n == 1) return KeepSingleWord(s, seg);
  if (n == 2 && !seg.after_title && IsDemonym(seg.lower_words[1]) &&
      !Places().count(seg.lower_words[1])) {
    return false;  // "South Korean", "North Korean"
  }
  return n <= 8;  // a longer one is a headline in title case, not a name
}

// Candidate names: every run split at titles, stripped of leading function,
// date and connector words and of trailing ones, and filtered.
std::vector<Segment> FindSegments(const ScannedText& s) {
  std::vector<Segment> segments;
  size_t i = 0;
  while (i < s.words.size()) {
    if (!s.Capital(i)) {
      ++i;
      continue;
    }
    Run run = GrowRun(s, i);
    for (const Part& part : SplitAtTitles(s, run)) {
      size_t b = 0, e = part.words.size();
      while (b < e && Strippable(s, part.words[b])) ++b;
      while (e > b && Strippable(s, part.words[e - 1])) --e;
      if (b >= e) continue;
      bool has_letter_word = false;
      for (size_t q = b; q < e; ++q) has_letter_word |= s.words[part.words[q]].has_letter;
      if (!has_letter_word) continue;
      Segment seg = MakeSegment(s, run, part, b, e);
      if (KeepSegment(s, seg)) segments.push_back(std::move(seg));
    }
    i = run.words.back() + 1;
  }
  return segments;
}

// True when the line holding byte `at` reads as a heading: at most 160 bytes,
// not ending in sentence punctuation, a comma or a closing quote.
bool OnHeadingLine(std::string_view text, uint32_t at) {
  size_t b = text.rfind('\n', at);
  b = b == std::string_view::npos ? 0 : b + 1;
  size_t e = text.find('\n', at);
  if (e == std::string_view::npos) e = text.size();
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r')) --e;
  if (e - b > 160 || e == b) return false;
  char last = text[e - 1];
  return last != '.' && last != '!' && last != '?' && last != '"' && last != ',' &&
         !(e >= 3 && text.substr(e - 3, 3) == "\xE2\x80\x9D");  // ”
}

// Words the text or the title writes in lower case: ordinary words.
std::unordered_set<std::string> LowerCaseWords(const ScannedText& s, std::string_view title) {
  std::unordered_set<std::string> lower_seen;
  for (size_t w = 0; w < s.words.size(); ++w) {
    if (s.words[w].has_letter && !s.words[w].upper_initial && !s.words[w].all_upper) {
      lower_seen.insert(s.lower[w]);
    }
  }
  for (const RawWord& w : ScanWords(title)) {
    if (w.has_letter && !w.upper_initial && !w.all_upper) {
      lower_seen.insert(AsciiLowerCopy(title.substr(w.begin, w.end - w.begin)));
    }
  }
  return lower_seen;
}

// Drops the ordinary last words of a heading segment (not organisation or
// place words); what is left follows the single-word rule of KeepSingleWord.
void TrimOrdinaryTail(const ScannedText& s, const std::unordered_set<std::string>& lower_seen,
                      Segment* seg) {
  const auto& org = OrgWords();
  const auto& place_words = PlaceWords();
  while (seg->lower_words.size() >= 2) {
    const std::string& last = seg->lower_words.back();
    if (!lower_seen.count(last) || org.count(last) || place_words.count(last)) break;
    seg->lower_words.pop_back();
    seg->word_ends.pop_back();
    seg->end = seg->word_ends.back();
  }
  if (seg->lower_words.size() == 1 && seg->sentence_start &&
      !s.mid_caps.count(seg->lower_words[0])) {
    seg->lower_words.clear();
  }
}

// A heading written in title case ("Russia Promises to expand its ties ...:",
// "Moscow and Pyongyang Relations:") capitalises ordinary words. A segment on a
// heading line that ends in a word the text (or the title) also writes in lower
// case loses that word, unless the whole segment also appears outside headings.
void TrimHeadingSegments(const ScannedText& s, std::string_view title,
                         std::vector<Segment>* segments) {
  const std::string_view text = s.text;
  std::unordered_set<std::string> lower_seen = LowerCaseWords(s, title);
  std::vector<bool> heading(segments->size());
  std::unordered_set<std::string> body_keys;
  for (size_t q = 0; q < segments->size(); ++q) {
    const Segment& seg = (*segments)[q];
    heading[q] = OnHeadingLine(text, seg.begin);
    if (!heading[q]) body_keys.insert(NameKey(text.substr(seg.begin, seg.end - seg.begin)));
  }
  for (size_t q = 0; q < segments->size(); ++q) {
    Segment& seg = (*segments)[q];
    if (!heading[q] || seg.after_title || seg.lower_words.size() < 2) continue;
    if (body_keys.count(NameKey(text.substr(seg.begin, seg.end - seg.begin)))) continue;
    TrimOrdinaryTail(s, lower_seen, &seg);
  }
  segments->erase(std::remove_if(segments->begin(), segments->end(),
                                 [](const Segment& seg) { return seg.lower_words.empty(); }),
                  segments->end());
}

// One Name per key (NameKey), in order of first mention, and a mention per
// segment. A name mentioned after a title is a person unless its words said
// otherwise. `name_words` gets each name's lower-case words.
void GroupByKey(std::string_view text, const std::vector<Segment>& segments,
                std::vector<Name>* names, std::vector<NameMention>* mentions,
                std::vector<std::vector<std::string>>* name_words) {
  std::unordered_map<std::string, int> by_key;
  for (const Segment& seg : segments) {
    std::string key = NameKey(text.substr(seg.begin, seg.end - seg.begin));
    auto it = by_key.find(key);
    int idx;
    if (it == by_key.end()) {
      idx = static_cast<int>(names->size());
      by_key.emplace(key, idx);
      Name nm;
      nm.text = std::string(text.substr(seg.begin, seg.end - seg.begin));
      nm.kind = Classify(seg);
      nm.first = seg.begin;
      names->push_back(std::move(nm));
      name_words->push_back(seg.lower_words);
    } else {
      idx = it->second;
      if (seg.after_title && (*names)[idx].kind == NameKind::kName) {
        (*names)[idx].kind = NameKind::kPerson;
      }
    }
    (*names)[idx].count++;
    mentions->push_back({seg.begin, seg.end, idx, seg.after_title});
  }
}

// For each name, the name it merges into: the most mentioned person name with
// more words that holds all of its words (a surname, "Kim Jong"), followed to
// the end of the chain; itself when none (and for places and organisations).
std::vector<int> MergeTargets(const std::vector<Name>& names,
                              const std::vector<std::vector<std::string>>& name_words) {
  std::vector<int> target(names.size());
  for (size_t a = 0; a < names.size(); ++a) {
    target[a] = static_cast<int>(a);
    const Name& na = names[a];
    if (na.kind == NameKind::kPlace || na.kind == NameKind::kOrganisation) continue;
    const auto& wa = name_words[a];
    int best = -1;
    for (size_t b = 0; b < names.size(); ++b) {
      if (b == a || names[b].kind != NameKind::kPerson) continue;
      const auto& wb = name_words[b];
      if (wb.size() <= wa.size()) continue;
      bool all = true;
      for (const auto& w : wa) {
        if (std::find(wb.begin(), wb.end(), w) == wb.end()) all = false;
      }
      if (!all) continue;
      if (best < 0 || names[b].count > names[best].count) best = static_cast<int>(b);
    }
    if (best >= 0) target[a] = best;
  }
  // Follow chains ("Kim" -> "Kim Jong" -> "Kim Jong Un"): targets always have more
  // words, so a chain ends.
  for (size_t a = 0; a < names.size(); ++a) {
    int t = target[a];
    while (target[t] != t) t = target[t];
    target[a] = t;
  }
  return target;
}

// Folds each name into its target: counts add up, the first mention is the
// earliest, and mentions point at the merged names.
void MergeNames(const std::vector<int>& target, std::vector<Name>* names,
                std::vector<NameMention>* mentions) {
  std::vector<Name> merged;
  std::vector<int> new_index(names->size(), -1);
  for (size_t a = 0; a < names->size(); ++a) {
    if (target[a] == static_cast<int>(a)) {
      new_index[a] = static_cast<int>(merged.size());
      merged.push_back((*names)[a]);
    }
  }
  for (size_t a = 0; a < names->size(); ++a) {
    if (target[a] != static_cast<int>(a)) {
      Name& into = merged[new_index[target[a]]];
      into.count += (*names)[a].count;
      into.first = std::min(into.first, (*names)[a].first);
    }
  }
  for (auto& m : *mentions) m.name = new_index[target[m.name]];
  *names = std::move(merged);
}

}  // namespace

void ExtractNamesAndMentions(std::string_view text, std::vector<Name>* names,
                             std::vector<NameMention>* mentions, std::string_view title) {
  names->clear();
  mentions->clear();
  ScannedText scanned = Scan(text);
  std::vector<Segment> segments = FindSegments(scanned);
  TrimHeadingSegments(scanned, title, &segments);
  std::vector<std::vector<std::string>> name_words;
  GroupByKey(text, segments, names, mentions, &name_words);
  MergeNames(MergeTargets(*names, name_words), names, mentions);
}

}  // namespace relate_internal

std::string_view NameKindName(NameKind kind) {
  switch (kind) {
    case NameKind::kPerson:
      return "person";
    case NameKind::kPlace:
      return "place";
    case NameKind::kOrganisation:
      return "organisation";
    case NameKind::kName:
      return "name";
    case NameKind::kTerm:
      return "term";
  }
  return "name";
}

std::vector<Name> ExtractNames(std::string_view text) {
  std::vector<Name> names;
  std::vector<relate_internal::NameMention> mentions;
  relate_internal::ExtractNamesAndMentions(text, &names, &mentions);
  std::stable_sort(names.begin(), names.end(), [](const Name& a, const Name& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.first < b.first;
  });
  return names;
}

}  // namespace storyline
