// Copyright storyline authors.
//
// Direct quotes and who said them. Pairing marks is local: a quote never crosses
// a paragraph unless the next paragraph reopens it (the typographic convention
// for a quote that runs over paragraphs), so one stray mark cannot swallow the
// rest of an article. The speaker comes from the words around the quote
// ("..., KCNA said", "said Yoon", "according to ...", "the KCNA article stated",
// "Yoon ... said that ... \"...\""); pronouns and "the commentary" are resolved to
// the last named speaker, else the nearest fitting name before the quote.
#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>

#include "core/ascii.h"
#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace {

using relate_internal::IsSpeechVerb;
using relate_internal::NameMention;

constexpr size_t kMaxQuoteBytes = 6000;

enum class Mark { kNone, kStraight, kCurlyOpen, kCurlyClose, kLowOpen, kGuillOpen, kGuillClose };

// The quote mark at byte i, and its length in bytes.
Mark MarkAt(std::string_view t, size_t i, size_t* len) {
  unsigned char c = t[i];
  *len = 1;
  if (c == '"') return Mark::kStraight;
  if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80) {
    unsigned char d = t[i + 2];
    *len = 3;
    if (d == 0x9C) return Mark::kCurlyOpen;   // “
    if (d == 0x9D) return Mark::kCurlyClose;  // ”
    if (d == 0x9E) return Mark::kLowOpen;     // „
  }
  if (c == 0xC2 && i + 1 < t.size()) {
    unsigned char d = t[i + 1];
    *len = 2;
    if (d == 0xAB) return Mark::kGuillOpen;   // «
    if (d == 0xBB) return Mark::kGuillClose;  // »
  }
  *len = 1;
  return Mark::kNone;
}

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A straight quote opens when what precedes is a start, space or opening punctuation
// and what follows is not a space.
bool StraightOpens(std::string_view t, size_t i) {
  if (i + 1 >= t.size() || IsSpace(t[i + 1])) return false;
  if (i == 0) return true;
  unsigned char p = t[i - 1];
  return IsSpace(p) || p == '(' || p == '[' || p == '-' || p == ':' || p == '/' ||
         (p & 0x80);  // after a dash or other non-ASCII punctuation
}
bool StraightCloses(std::string_view t, size_t i) {
  if (i == 0 || IsSpace(t[i - 1])) return false;
  if (i + 1 >= t.size()) return true;
  unsigned char n = t[i + 1];
  return !std::isalnum(n);
}

bool Closes(Mark open, Mark m, std::string_view t, size_t i) {
  switch (open) {
    case Mark::kStraight:
      return m == Mark::kStraight && StraightCloses(t, i);
    case Mark::kCurlyOpen:
      return m == Mark::kCurlyClose;
    case Mark::kLowOpen:
      return m == Mark::kCurlyOpen || m == Mark::kCurlyClose;  // „...“ (German), „...” (Polish)
    case Mark::kGuillOpen:
      return m == Mark::kGuillClose;
    default:
      return false;
  }
}

bool Opens(Mark m, std::string_view t, size_t i) {
  if (m == Mark::kStraight) return StraightOpens(t, i);
  return m == Mark::kCurlyOpen || m == Mark::kLowOpen || m == Mark::kGuillOpen;
}

uint32_t CountWords(std::string_view s) {
  uint32_t n = 0;
  bool in = false;
  for (unsigned char c : s) {
    bool w = std::isalnum(c) || (c & 0x80);
    if (w && !in) ++n;
    in = w;
  }
  return n;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

struct Span {
  size_t begin, end;
};

// The words of a short stretch of text as (begin, end) byte spans.
std::vector<Span> SimpleWords(std::string_view t, size_t from, size_t to) {
  std::vector<Span> out;
  size_t i = from;
  while (i < to) {
    while (i < to && !(std::isalnum(static_cast<unsigned char>(t[i])) || (t[i] & 0x80))) ++i;
    if (i >= to) break;
    size_t b = i;
    while (i < to && (std::isalnum(static_cast<unsigned char>(t[i])) || (t[i] & 0x80) ||
                      ((t[i] == '.' || t[i] == '\'' || t[i] == '-') && i + 1 < to &&
                       std::isalnum(static_cast<unsigned char>(t[i + 1]))))) {
      ++i;
    }
    // Curly apostrophe / closing marks (non-ASCII punctuation) end the word.
    std::string_view w = t.substr(b, i - b);
    size_t cut = w.find("\xE2\x80");
    if (cut != std::string_view::npos && cut > 0) {
      out.push_back({b, b + cut});
      continue;
    }
    if (cut == 0) {
      i = b + 3;
      continue;
    }
    out.push_back({b, i});
  }
  return out;
}

bool IsSentenceEnd(std::string_view t, size_t i) {
  char c = t[i];
  if (c == '\n') return true;
  if (c != '.' && c != '!' && c != '?') return false;
  if (i + 1 >= t.size()) return true;
  return IsSpace(t[i + 1]);
}

// Where the sentence around [qb, qe) starts and ends (bounded look-around).
void SentenceAround(std::string_view t, size_t qb, size_t qe, size_t* sb, size_t* se) {
  size_t lo = qb > 400 ? qb - 400 : 0;
  size_t b = qb;
  while (b > lo) {
    if (t[b - 1] == '\n') break;
    if (b >= 2 && (t[b - 2] == '.' || t[b - 2] == '!' || t[b - 2] == '?') && IsSpace(t[b - 1])) {
      // "U.N. General": an initialism is not a sentence end.
      if (!(b >= 4 && t[b - 4] == '.')) break;
    }
    --b;
  }
  *sb = b;
  size_t hi = std::min(t.size(), qe + 250);
  size_t e = qe;
  while (e < hi) {
    if (IsSentenceEnd(t, e) && e > qe + 1) break;
    if (t[e] == '\n') break;
    ++e;
  }
  *se = e;
}

bool IsPronoun(std::string_view lower) {
  return lower == "he" || lower == "she" || lower == "it" || lower == "they" || lower == "we" ||
         lower == "i";
}
bool IsPersonPronoun(std::string_view lower) {
  return lower == "he" || lower == "she" || lower == "i";
}

// "SEOUL (Reuters) -": the place and the agency of a dateline are not speakers.
bool InDateline(std::string_view t, const NameMention& m) {
  return t.substr(m.end, 2) == " (" || (m.begin > 0 && t[m.begin - 1] == '(');
}

struct Attribution {
  std::string evidence;  // the words as written
  size_t begin = 0, end = 0;
};

// Attribution after the quote: ', KCNA said', ', said Yoon', ', the KCNA article stated'.
bool AttributionAfter(std::string_view t, size_t qe, size_t se, Attribution* out) {
  std::vector<Span> w = SimpleWords(t, qe, se);
  if (w.empty()) return false;
  // Must start right after the quote (only punctuation and spaces between).
  for (size_t i = qe; i < w[0].begin; ++i) {
    unsigned char c = t[i];
    if (!(IsSpace(c) || c == ',' || c == '"' || (c & 0x80) || c == '-' || c == ';')) return false;
  }
  size_t limit = std::min<size_t>(w.size(), 8);
  for (size_t k = 0; k < limit; ++k) {
    std::string lw = AsciiLowerCopy(t.substr(w[k].begin, w[k].end - w[k].begin));
    if (!IsSpeechVerb(lw)) continue;
    if (k > 0) {
      out->begin = w[0].begin;
      out->end = w[k].end;
    } else {
      // "said Yoon", "according to KCNA": the speaker follows.
      size_t s = 1;
      if (s < w.size() && AsciiLowerCopy(t.substr(w[s].begin, w[s].end - w[s].begin)) == "to") ++s;
      size_t e = std::min(w.size(), s + 5);
      if (s >= e) return false;
      out->begin = w[0].begin;
      out->end = w[e - 1].end;
      // stop at punctuation
      for (size_t i = w[s].begin; i < out->end; ++i) {
        if (t[i] == ',' || t[i] == '.' || t[i] == ';') {
          out->end = i;
          break;
        }
      }
    }
    out->evidence = Trim(t.substr(out->begin, out->end - out->begin));
    return true;
  }
  return false;
}

// Attribution before the quote: 'Yoon ... said that ... "...' or 'KCNA said: "...'.
bool AttributionBefore(std::string_view t, size_t sb, size_t qb, Attribution* out) {
  std::vector<Span> w = SimpleWords(t, sb, qb);
  if (w.empty()) return false;
  for (size_t k = w.size(); k-- > 0;) {
    std::string lw = AsciiLowerCopy(t.substr(w[k].begin, w[k].end - w[k].begin));
    if (!IsSpeechVerb(lw) || lw == "according") continue;
    out->begin = w[0].begin;
    out->end = w[k].end;
    out->evidence = Trim(t.substr(out->begin, out->end - out->begin));
    return true;
  }
  return false;
}

// The content spans of the quote opened by mark `m` (`len` bytes) at byte i,
// and in *close_end the end of its closing mark. The closing mark is looked for
// within the paragraph; the quote continues into the next paragraph only when
// that reopens with the same mark. Empty when the quote does not close.
std::vector<Span> QuoteParts(std::string_view text, size_t i, Mark m, size_t len,
                             size_t* close_end) {
  const size_t n = text.size();
  std::vector<Span> parts;
  size_t content_begin = i + len;
  size_t j = content_begin;
  while (j < n && j - i < kMaxQuoteBytes) {
    size_t l2;
    Mark m2 = MarkAt(text, j, &l2);
    if (m2 != Mark::kNone && Closes(m, m2, text, j)) {
      parts.push_back({content_begin, j});
      *close_end = j + l2;
      return parts;
    }
    if (text[j] == '\n') {
      size_t k = j;
      while (k < n && IsSpace(text[k])) ++k;
      size_t l3;
      Mark m3 = k < n ? MarkAt(text, k, &l3) : Mark::kNone;
      if (k < n && m3 == m && Opens(m3, text, k)) {
        parts.push_back({content_begin, j});
        content_begin = k + l3;
        j = content_begin;
        continue;
      }
      break;
    }
    j += l2;
  }
  return {};
}

// The quote of the given content spans: their trimmed text joined by spaces,
// the byte range without surrounding spaces, and its word count.
Quote MakeQuote(std::string_view text, const std::vector<Span>& parts) {
  Quote q;
  for (const Span& p : parts) {
    std::string part = Trim(text.substr(p.begin, p.end - p.begin));
    if (part.empty()) continue;
    if (!q.text.empty()) q.text += ' ';
    q.text += part;
  }
  q.begin = static_cast<uint32_t>(parts.front().begin);
  q.end = static_cast<uint32_t>(parts.back().end);
  while (q.begin < q.end && IsSpace(text[q.begin])) ++q.begin;
  while (q.end > q.begin && IsSpace(text[q.end - 1])) --q.end;
  q.words = CountWords(q.text);
  return q;
}

// The name (index) an attribution gives: a name inside it (not a dateline's),
// else, for an attribution before the quote, the first name of the sentence
// (starting at `sb`) before the quote ("Yoon, speaking at ..., said that"); -1
// when none.
int NamedInAttribution(std::string_view text, const std::vector<NameMention>& mentions,
                       const Attribution& att, size_t sb, size_t quote_begin) {
  for (const NameMention& mm : mentions) {
    if (mm.begin >= att.begin && mm.end <= att.end && !InDateline(text, mm)) return mm.name;
  }
  for (const NameMention& mm : mentions) {
    if (mm.begin >= sb && mm.end <= att.end && mm.begin < quote_begin) {
      // a dateline ("SEOUL (Reuters) -") names a place, not the speaker
      if (InDateline(text, mm)) continue;
      // only when the attribution is before the quote and starts the sentence
      return att.end <= quote_begin ? mm.name : -1;
    }
  }
  return -1;
}

// The lower-case subject word of an attribution (words `aw`): its first word,
// or for an attribution before the quote the word right before the verb.
std::string SubjectWord(std::string_view text, const std::vector<Span>& aw, const Attribution& att,
                        size_t quote_begin) {
  std::string first_lower =
      aw.empty() ? "" : AsciiLowerCopy(text.substr(aw[0].begin, aw[0].end - aw[0].begin));
  if (att.end <= quote_begin && aw.size() >= 2) {
    first_lower = AsciiLowerCopy(
        text.substr(aw[aw.size() - 2].begin, aw[aw.size() - 2].end - aw[aw.size() - 2].begin));
  }
  return first_lower;
}

// The nearest person (or, for a thing, organisation) named before the quote,
// within 800 bytes; empty when none.
std::string NearestName(const std::vector<Name>& names, const std::vector<NameMention>& mentions,
                        size_t quote_begin, bool person) {
  for (size_t k = mentions.size(); k-- > 0;) {
    const NameMention& mm = mentions[k];
    if (mm.end > quote_begin) continue;
    if (quote_begin - mm.end > 800) break;
    const Name& nm = names[mm.name];
    if (nm.kind == (person ? NameKind::kPerson : NameKind::kOrganisation)) return nm.text;
  }
  return "";
}

// The words of an attribution before its speech verbs, when there are one to
// four of them ("Officials said" -> "Officials"); empty otherwise.
std::string WordsBeforeVerb(std::string_view text, const std::vector<Span>& aw) {
  size_t cut = aw.size();
  while (cut > 0 && IsSpeechVerb(AsciiLowerCopy(
                        text.substr(aw[cut - 1].begin, aw[cut - 1].end - aw[cut - 1].begin)))) {
    --cut;
  }
  if (cut > 0 && cut <= 4) return Trim(text.substr(aw[0].begin, aw[cut - 1].end - aw[0].begin));
  return "";
}

// The speakers that pronouns and "the commentary" refer back to: the last
// person and the last other speaker of a full (non-fragment) quote.
struct LastSpeakers {
  std::string person, thing;
};

// The speaker of an attribution without a name: a pronoun's last speaker of its
// kind, else the nearest fitting name before the quote, else the words before
// the verb.
void SpeakerFromContext(std::string_view text, const std::vector<Name>& names,
                        const std::vector<NameMention>& mentions, const std::vector<Span>& aw,
                        const std::string& first_lower, LastSpeakers* last, Quote* q) {
  bool person = IsPersonPronoun(first_lower);
  bool thing = !person;  // "it", "the commentary", "the statement"
  if (person && !last->person.empty()) {
    q->speaker = last->person;
  } else if (thing && !last->thing.empty()) {
    q->speaker = last->thing;
  } else {
    q->speaker = NearestName(names, mentions, q->begin, person);
    if (q->speaker.empty() && !IsPronoun(first_lower) && !aw.empty() && first_lower != "the") {
      q->speaker = WordsBeforeVerb(text, aw);
    }
  }
  if (!q->speaker.empty() && !q->fragment()) (person ? last->person : last->thing) = q->speaker;
}

// Finds the attribution of q (which closes at byte close_end) and its speaker.
void AttributeSpeaker(std::string_view text, const std::vector<Name>& names,
                      const std::vector<NameMention>& mentions, size_t close_end,
                      LastSpeakers* last, Quote* q) {
  size_t sb, se;
  SentenceAround(text, q->begin, close_end, &sb, &se);
  Attribution att;
  bool found = AttributionAfter(text, close_end, se, &att) ||
               AttributionBefore(text, sb, q->begin > 0 ? q->begin - 1 : 0, &att);
  if (!found) return;
  q->speaker_evidence = att.evidence;
  int named = NamedInAttribution(text, mentions, att, sb, q->begin);
  std::vector<Span> aw = SimpleWords(text, att.begin, att.end);
  std::string first_lower = SubjectWord(text, aw, att, q->begin);
  if (named < 0) {
    SpeakerFromContext(text, names, mentions, aw, first_lower, last, q);
    return;
  }
  const Name& nm = names[named];
  q->speaker = nm.text;
  if (!q->fragment()) (nm.kind == NameKind::kPerson ? last->person : last->thing) = nm.text;
}

}  // namespace

std::vector<Quote> ExtractQuotes(std::string_view text) {
  if (text.empty()) return {};
  std::vector<Name> names;
  std::vector<NameMention> mentions;
  relate_internal::ExtractNamesAndMentions(text, &names, &mentions);
  return relate_internal::ExtractQuotesWithNames(text, names, mentions);
}

std::vector<Quote> relate_internal::ExtractQuotesWithNames(
    std::string_view text, const std::vector<Name>& names,
    const std::vector<NameMention>& mentions) {
  std::vector<Quote> quotes;
  if (text.empty()) return quotes;

  const size_t n = text.size();
  size_t i = 0;
  LastSpeakers last;
  while (i < n) {
    size_t len;
    Mark m = MarkAt(text, i, &len);
    if (m == Mark::kNone || !Opens(m, text, i)) {
      i += len;
      continue;
    }
    size_t close_end = 0;
    std::vector<Span> parts = QuoteParts(text, i, m, len, &close_end);
    if (parts.empty()) {
      i += len;  // an unbalanced mark: skip it, never swallow the text
      continue;
    }
    Quote q = MakeQuote(text, parts);
    i = close_end;
    if (q.words == 0) continue;
    AttributeSpeaker(text, names, mentions, close_end, &last, &q);
    quotes.push_back(std::move(q));
  }
  return quotes;
}

namespace relate_internal {

bool IsSpeechVerb(std::string_view w) {
  static const std::unordered_set<std::string_view> k = {
      "said",        "says",       "say",       "added",      "adds",       "stated",
      "states",      "told",       "tells",     "wrote",      "writes",     "noted",
      "notes",       "warned",     "warns",     "asked",      "asks",       "explained",
      "explains",    "declared",   "declares",  "insisted",   "insists",    "continued",
      "claimed",     "claims",     "reported",  "reports",    "commented",  "argued",
      "argues",      "stressed",   "stresses",  "emphasized", "emphasised", "emphasizes",
      "remarked",    "replied",    "responded", "announced",  "announces",  "concluded",
      "highlighted", "reaffirmed", "affirmed",  "according",  "saying",     "adding",
      "tweeted",     "posted",     "urged",     "vowed",      "pledged",    "acknowledged",
      "admitted",    "confirmed",  "denied",    "described",  "called",     "recalled",
      "observed",    "suggested",  "predicted", "promised",   "cautioned",  "maintained",
      "countered",   "thundered",  "quipped",   "sagte",      "erklärte",   "dijo",
      "afirmó",      "declaró",    "a déclaré", "dit",        "powiedział", "dedi"};
  return k.count(w) > 0;
}

}  // namespace relate_internal

}  // namespace storyline
