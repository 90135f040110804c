// Copyright storyline authors.
//
// Names by capitalisation: runs of capitalised words, split at titles
// ("President"), stripped of sentence-initial function words, classified by
// small word lists (organisation words, places) and merged (a person's surname
// counts under the full name). No gazetteer beyond a few hundred common places:
// the point is overlap between articles, not a complete tagger.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "relate/relate_internal.h"
#include "storyline/relate.h"

namespace storyline {
namespace relate_internal {
namespace {

bool IsAbbreviation(std::string_view w) {
  static const std::unordered_set<std::string_view> kAbbr = {
      "Mr",  "Mrs",  "Ms",   "Dr",  "St",   "Jr",     "Sr",  "Gen", "Gov", "Sen", "Rep", "Lt",
      "Col", "Capt", "Prof", "Inc", "Corp", "Co",     "Ltd", "No",  "vs",  "Jan", "Feb", "Mar",
      "Apr", "Jun",  "Jul",  "Aug", "Sep",  "Sept",   "Oct", "Nov", "Dec", "Mt",  "Ft",  "Gov",
      "Adm", "Sgt",  "Maj",  "Rev", "Hon",  "approx", "etc", "e.g", "i.e"};
  return kAbbr.count(w) > 0;
}

bool IsOpenQuoteAt(std::string_view t, size_t i) {
  unsigned char c = t[i];
  if (c == '"' || c == '(' || c == '[') return true;
  // “ „ « ‘ in UTF-8
  if (c == 0xE2 && i + 2 < t.size() && (unsigned char)t[i + 1] == 0x80) {
    unsigned char d = t[i + 2];
    return d == 0x9C || d == 0x9E || d == 0x98;
  }
  if (c == 0xC2 && i + 1 < t.size() && (unsigned char)t[i + 1] == 0xAB) return true;
  return false;
}

}  // namespace

namespace {
// ICU property look-ups with an ASCII fast path (ScanWords was a visible cost in
// callgrind; most news text is mostly ASCII). Same answers as the ICU calls.
inline bool IsAlpha(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha(c);
}
inline bool IsDigit(UChar32 c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return u_isdigit(c);
}
inline bool IsUpperOrTitle(UChar32 c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return u_isupper(c) || u_istitle(c);
}
inline bool IsLower(UChar32 c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  return u_islower(c);
}
inline bool IsWordPart(UChar32 c) {
  if (c < 0x80) return IsAlpha(c) || IsDigit(c);
  return u_isalpha(c) || u_isdigit(c) ||
         u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY) == U_NON_SPACING_MARK;
}
}  // namespace

std::vector<RawWord> ScanWords(std::string_view t) {
  std::vector<RawWord> out;
  const int32_t n = static_cast<int32_t>(t.size());
  const uint8_t* s = reinterpret_cast<const uint8_t*>(t.data());
  int32_t i = 0;
  bool pending_start = true;
  bool pending_break = false;
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    bool alnum = c >= 0 && (IsAlpha(c) || IsDigit(c));
    if (!alnum) {
      unsigned char b = s[start];
      if (b == '\n') pending_start = true;
      if (b == '.' || b == '!' || b == '?') {
        // A sentence end unless the previous word is an abbreviation or an initialism.
        bool abbrev = false;
        if (!out.empty() && out.back().end == static_cast<uint32_t>(start)) {
          std::string_view w = t.substr(out.back().begin, out.back().end - out.back().begin);
          abbrev = b == '.' && (IsAbbreviation(w) || w.find('.') != std::string_view::npos ||
                                (w.size() == 1 && out.back().upper_initial));
        }
        if (!abbrev) pending_start = true;
      }
      if (b == ':' || b == ';') pending_start = pending_start || false;
      if (IsOpenQuoteAt(t, start) && b != '(' && b != '[') {
        // a quote opens a new "sentence" for capitalisation purposes
        pending_start = true;
      }
      if (b != ' ' && b != '\t' && !(c == 0xA0)) pending_break = true;
      continue;
    }
    RawWord w;
    w.begin = static_cast<uint32_t>(start);
    int letters = 0, uppers = 0, lowers = 0;
    auto count = [&](UChar32 ch, bool first) {
      if (IsAlpha(ch)) {
        ++letters;
        if (IsUpperOrTitle(ch)) {
          ++uppers;
          if (first) w.upper_initial = true;
        } else if (IsLower(ch)) {
          ++lowers;
        }
      }
    };
    count(c, true);
    while (i < n) {
      int32_t j = i;
      UChar32 d;
      U8_NEXT(s, j, n, d);
      if (d >= 0 && IsWordPart(d)) {
        count(d, false);
        i = j;
        continue;
      }
      // Inner joiners: . - ' ’ followed by a letter or digit.
      bool joiner = d == '.' || d == '-' || d == '\'' || d == 0x2019;
      if (joiner && j < n) {
        int32_t k = j;
        UChar32 e;
        U8_NEXT(s, k, n, e);
        if (e >= 0 && (IsAlpha(e) || IsDigit(e))) {
          i = j;
          continue;
        }
        // Initialism with a final dot: "U.N." keeps its dot.
        if (d == '.') {
          std::string_view sofar = t.substr(w.begin, i - w.begin);
          if (sofar.find('.') != std::string_view::npos) i = j;
        }
      }
      break;
    }
    w.end = static_cast<uint32_t>(i);
    w.has_letter = letters > 0;
    w.all_upper = letters >= 2 && lowers == 0;
    w.sentence_start = pending_start || out.empty();
    w.break_before = pending_break;
    pending_start = false;
    pending_break = false;
    out.push_back(w);
  }
  return out;
}

namespace {

std::string AsciiLower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool InSet(const std::unordered_set<std::string_view>& set, std::string_view w) {
  return set.count(w) > 0;
}

const std::unordered_set<std::string_view>& FunctionWords() {
  static const std::unordered_set<std::string_view> k = {
      "the",      "a",       "an",      "in",     "on",        "at",         "for",
      "but",      "and",     "or",      "as",     "by",        "with",       "from",
      "to",       "of",      "this",    "that",   "these",     "those",      "his",
      "her",      "its",     "their",   "our",    "my",        "your",       "it",
      "he",       "she",     "we",      "they",   "i",         "you",        "if",
      "when",     "while",   "after",   "before", "however",   "meanwhile",  "moreover",
      "although", "though",  "despite", "during", "since",     "last",       "next",
      "both",     "any",     "all",     "every",  "some",      "many",       "most",
      "such",     "other",   "another", "also",   "recently",  "conversely", "firstly",
      "secondly", "finally", "yet",     "so",     "then",      "there",      "here",
      "what",     "who",     "why",     "how",    "where",     "which",      "according",
      "under",    "over",    "about",   "into",   "through",   "between",    "among",
      "against",  "without", "within",  "not",    "no",        "yes",        "do",
      "does",     "did",     "is",      "are",    "was",       "were",       "be",
      "been",     "has",     "have",    "had",    "will",      "would",      "could",
      "should",   "may",     "might",   "must",   "can",       "once",       "still",
      "even",     "just",    "only",    "now",    "today",     "yesterday",  "tomorrow",
      "earlier",  "later",   "new",     "first",  "one",       "two",        "three",
      "more",     "less",    "than",    "each",   "read",      "photo",      "image",
      "video",    "watch",   "click",   "share",  "subscribe", "published",  "updated",
      "by",       "via",     "de",      "la",     "le",        "el",         "der",
      "die",      "das",     "und",     "en",     "et",        "los",        "las",
      "il",       "un",      "una",     "ein",    "eine",      "w",          "z",
      "na",       "i",       "ve",      "bir",    "bu"};
  return k;
}

const std::unordered_set<std::string_view>& DateWords() {
  static const std::unordered_set<std::string_view> k = {
      "monday",   "tuesday",  "wednesday", "thursday", "friday", "saturday", "sunday", "january",
      "february", "march",    "april",     "may",      "june",   "july",     "august", "september",
      "october",  "november", "december",  "jan",      "feb",    "mar",      "apr",    "jun",
      "jul",      "aug",      "sep",       "sept",     "oct",    "nov",      "dec"};
  return k;
}

const std::unordered_set<std::string_view>& Titles() {
  static const std::unordered_set<std::string_view> k = {"president",    "prime",
                                                         "minister",     "mr",
                                                         "mrs",          "ms",
                                                         "dr",           "sen",
                                                         "senator",      "gov",
                                                         "governor",     "king",
                                                         "queen",        "pope",
                                                         "chancellor",   "secretary",
                                                         "chairman",     "chairwoman",
                                                         "ceo",          "vice",
                                                         "deputy",       "ambassador",
                                                         "judge",        "justice",
                                                         "rep",          "representative",
                                                         "prince",       "princess",
                                                         "sheikh",       "premier",
                                                         "commissioner", "director",
                                                         "spokesman",    "spokeswoman",
                                                         "spokesperson", "chief",
                                                         "lord",         "sir",
                                                         "dame",         "professor",
                                                         "prof",         "leader",
                                                         "mayor",        "envoy",
                                                         "emir",         "sultan",
                                                         "general",      "gen",
                                                         "lt",           "col",
                                                         "colonel",      "captain",
                                                         "capt",         "admiral",
                                                         "sergeant",     "officer",
                                                         "coach",        "manager",
                                                         "striker",      "midfielder",
                                                         "defender",     "goalkeeper",
                                                         "actor",        "actress",
                                                         "singer",       "author",
                                                         "economist",    "analyst",
                                                         "reporter",     "correspondent",
                                                         "head",         "founder",
                                                         "chair",        "commander",
                                                         "marshal",      "foreign",
                                                         "defence",      "defense",
                                                         "finance",      "interior",
                                                         "trade",        "counterpart",
                                                         "dictator",     "premier",
                                                         "cardinal",     "bishop",
                                                         "rabbi",        "imam",
                                                         "dalai"};
  return k;
}

// Title words that are titles even when capitalised inside a run.
bool IsRunTitle(std::string_view lower, std::string_view next_lower) {
  static const std::unordered_set<std::string_view> k = {
      "president",  "prime",        "minister",   "mr",        "mrs",      "ms",        "dr",
      "sen",        "senator",      "gov",        "governor",  "king",     "queen",     "pope",
      "chancellor", "chairman",     "ambassador", "judge",     "prince",   "princess",  "sheikh",
      "premier",    "commissioner", "lord",       "sir",       "dame",     "professor", "prof",
      "mayor",      "emir",         "sultan",     "gen",       "lt",       "col",       "colonel",
      "capt",       "admiral",      "leader",     "secretary", "cardinal", "bishop",    "rabbi",
      "imam"};
  if (!k.count(lower)) return false;
  // "Secretary of State", "General Assembly": not a title before an org word.
  static const std::unordered_set<std::string_view> not_before = {"of", "assembly", "council"};
  return !not_before.count(next_lower);
}

const std::unordered_set<std::string_view>& Connectors() {
  static const std::unordered_set<std::string_view> k = {
      "of",  "de", "del", "della", "di", "da", "van", "von", "der", "den", "bin",
      "ibn", "al", "el",  "la",    "le", "du", "des", "y",   "for", "and"};
  return k;
}

const std::unordered_set<std::string_view>& OrgWords() {
  static const std::unordered_set<std::string_view> k = {
      "agency",       "council",      "ministry",
      "party",        "bank",         "inc",
      "corp",         "corporation",  "company",
      "group",        "association",  "committee",
      "union",        "organization", "organisation",
      "assembly",     "university",   "institute",
      "reuters",      "times",        "post",
      "news",         "press",        "forum",
      "court",        "army",         "navy",
      "force",        "forces",       "department",
      "office",       "commission",   "parliament",
      "congress",     "senate",       "government",
      "federation",   "league",       "foundation",
      "club",         "network",      "service",
      "services",     "authority",    "board",
      "bureau",       "center",       "centre",
      "fund",         "alliance",     "coalition",
      "front",        "movement",     "nations",
      "airlines",     "airways",      "motors",
      "exchange",     "police",       "guard",
      "cabinet",      "school",       "college",
      "hospital",     "church",       "administration",
      "media",        "television",   "tv",
      "radio",        "journal",      "herald",
      "tribune",      "gazette",      "daily",
      "broadcasting", "industries",   "holdings",
      "ltd",          "llc",          "plc",
      "ag",           "gmbh",         "nato",
      "u.n.",         "eu",           "kcna",
      "ap",           "afp",          "bbc",
      "cnn",          "nasa",         "fbi",
      "cia",          "who",          "imf",
      "opec",         "fifa",         "uefa",
      "yonhap",       "xinhua",       "tass",
      "interfax",     "dpa",          "ministerium",
      "regierung",    "partei",       "ministerio",
      "gobierno",     "partido",      "bakanlığı",
      "partisi",      "ministère",    "gouvernement",
      "ministerstwo", "rząd"};
  return k;
}

const std::unordered_set<std::string_view>& PlaceWords() {
  static const std::unordered_set<std::string_view> k = {
      "city",     "region",     "province",  "island", "islands",   "peninsula", "river",
      "sea",      "ocean",      "mountains", "mount",  "lake",      "valley",    "bay",
      "strait",   "cosmodrome", "airport",   "street", "county",    "district",  "square",
      "coast",    "desert",     "border",    "oblast", "territory", "state",     "states",
      "republic", "kingdom",    "emirates",  "gulf",   "port",      "station",   "base",
      "village",  "town",       "capital",   "avenue", "road",      "park",      "bridge"};
  return k;
}

const std::unordered_set<std::string_view>& Places() {
  static const std::unordered_set<std::string_view> k = {
      // countries and common short forms
      "afghanistan", "albania", "algeria", "angola", "argentina", "armenia", "australia", "austria",
      "azerbaijan", "bahrain", "bangladesh", "belarus", "belgium", "bolivia", "bosnia", "brazil",
      "bulgaria", "cambodia", "cameroon", "canada", "chad", "chile", "china", "colombia", "congo",
      "croatia", "cuba", "cyprus", "czechia", "denmark", "ecuador", "egypt", "eritrea", "estonia",
      "ethiopia", "finland", "france", "georgia", "germany", "ghana", "greece", "guatemala",
      "haiti", "honduras", "hungary", "iceland", "india", "indonesia", "iran", "iraq", "ireland",
      "israel", "italy", "jamaica", "japan", "jordan", "kazakhstan", "kenya", "korea", "kosovo",
      "kuwait", "kyrgyzstan", "laos", "latvia", "lebanon", "libya", "lithuania", "luxembourg",
      "madagascar", "malaysia", "mali", "malta", "mexico", "moldova", "mongolia", "montenegro",
      "morocco", "mozambique", "myanmar", "namibia", "nepal", "netherlands", "nicaragua", "niger",
      "nigeria", "norway", "oman", "pakistan", "palestine", "panama", "paraguay", "peru",
      "philippines", "poland", "portugal", "qatar", "romania", "russia", "rwanda", "senegal",
      "serbia", "singapore", "slovakia", "slovenia", "somalia", "spain", "sudan", "sweden",
      "switzerland", "syria", "taiwan", "tajikistan", "tanzania", "thailand", "tunisia", "turkey",
      "türkiye", "turkmenistan", "uganda", "ukraine", "uruguay", "uzbekistan", "venezuela",
      "vietnam", "yemen", "zambia", "zimbabwe", "america", "britain", "england", "scotland",
      "wales", "us", "u.s.", "usa", "u.s.a.", "uk", "u.k.", "uae", "dprk", "rok", "prc", "ussr",
      // regions
      "europe", "asia", "africa", "americas", "antarctica", "arctic", "siberia", "balkans",
      "caribbean", "pacific", "atlantic", "sahara", "kashmir", "tibet", "xinjiang", "donbas",
      "crimea", "donetsk", "luhansk", "kherson", "dnipro", "zaporizhzhia", "kharkiv", "gaza",
      "amur", "middle", "scandinavia",
      // cities
      "seoul", "pyongyang", "moscow", "kyiv", "kiev", "beijing", "tokyo", "washington", "london",
      "paris", "berlin", "brussels", "jerusalem", "tehran", "baghdad", "damascus", "kabul", "delhi",
      "taipei", "vladivostok", "geneva", "rome", "madrid", "ankara", "istanbul", "cairo", "riyadh",
      "dubai", "mumbai", "shanghai", "sydney", "toronto", "ottawa", "brasilia", "lagos", "nairobi",
      "johannesburg", "warsaw", "vienna", "athens", "lisbon", "dublin", "edinburgh", "osaka",
      "manila", "jakarta", "bangkok", "hanoi", "karachi", "islamabad", "dhaka", "colombo",
      "kathmandu", "doha", "beirut", "amman", "minsk", "tbilisi", "yerevan", "baku", "astana",
      "tashkent", "chicago", "boston", "houston", "miami", "atlanta", "seattle", "munich",
      "hamburg", "cologne", "köln", "frankfurt", "barcelona", "milan", "naples", "marseille",
      "lyon", "krakow", "kraków", "izmir", "hong", "new", "los", "san", "buenos", "kuala", "abu",
      "tel", "mexico", "bavaria", "bayern", "catalonia", "andalusia", "california", "texas",
      "florida", "york", "hollywood", "sochi", "odesa", "odessa", "mariupol", "bakhmut"};
  return k;
}

const std::unordered_set<std::string_view>& PlaceAcronyms() {
  static const std::unordered_set<std::string_view> k = {
      "us", "u.s.", "usa", "u.s.a.", "uk", "u.k.", "uae", "dprk", "rok", "prc", "ussr"};
  return k;
}

bool IsDemonym(std::string_view lower) {
  static const std::unordered_set<std::string_view> k = {
      "israeli",    "iraqi",      "pakistani",    "saudi",   "afghan",    "arab",      "french",
      "dutch",      "greek",      "swiss",        "thai",    "german",    "soviet",    "western",
      "eastern",    "northern",   "southern",     "british", "chinese",   "japanese",  "european",
      "american",   "african",    "asian",        "korean",  "russian",   "ukrainian", "polish",
      "spanish",    "turkish",    "islamic",      "muslim",  "christian", "jewish",    "catholic",
      "democratic", "republican", "conservative", "liberal", "socialist", "communist", "north",
      "south",      "east",       "west",         "uzbek",   "kazakh",    "kurdish",   "nato",
      "olympic"};
  if (k.count(lower)) return true;
  auto ends = [&](std::string_view suf) {
    return lower.size() > suf.size() + 2 && lower.substr(lower.size() - suf.size()) == suf;
  };
  return ends("ian") || ends("ean") || ends("ese") || ends("ish") || ends("ans");
}

// Folds a name into a key: ASCII lower case, dots dropped, ’ as '.
std::string NameKey(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '.') continue;
    // "Russia-Ukraine War" and "Russia Ukraine War" are one name.
    r.push_back(c == '-' ? ' ' : static_cast<char>(std::tolower(c)));
  }
  return r;
}

struct Segment {
  uint32_t begin, end;  // bytes
  std::vector<std::string> lower_words;
  std::vector<uint32_t> word_ends;  // byte end of each of lower_words
  bool after_title = false;
  bool sentence_start = false;
  bool acronym = false;
};

std::string Classify(const Segment& seg) {
  const auto& org = OrgWords();
  const auto& places = Places();
  const auto& place_words = PlaceWords();
  size_t n = seg.lower_words.size();
  for (const auto& w : seg.lower_words)
    if (org.count(w)) return "org";
  if (n == 1 && PlaceAcronyms().count(seg.lower_words[0])) return "place";
  for (const auto& w : seg.lower_words)
    if (place_words.count(w) && n > 1) return "place";
  static const std::unordered_set<std::string_view> compass = {
      "north",   "south",   "east",    "west",  "northern", "southern",
      "eastern", "western", "central", "upper", "lower",    "greater"};
  if (places.count(seg.lower_words.back()) &&
      (n == 1 || compass.count(seg.lower_words[0]) || n <= 3))
    return "place";
  if (seg.after_title) return "person";
  if (seg.acronym) return "org";
  // Events, eras and documents ("Cold War", "Winter Olympics", "Paris Agreement")
  // are named like people; their last word gives them away.
  static const std::unordered_set<std::string_view> event_words = {
      "war",        "wars",         "games",         "olympics",  "cup",       "summit",
      "crisis",     "championship", "championships", "election",  "elections", "revolution",
      "agreement",  "treaty",       "accord",        "accords",   "act",       "festival",
      "conference", "forum",        "pandemic",      "era",       "doctrine",  "declaration",
      "protocol",   "initiative",   "program",       "programme", "plan"};
  if (n >= 2 && event_words.count(seg.lower_words.back())) return "other";
  if (n >= 2 && n <= 4) return "person";
  return "other";
}

}  // namespace

void ExtractNamesAndMentions(std::string_view text, std::vector<Name>* names,
                             std::vector<NameMention>* mentions, std::string_view title) {
  names->clear();
  mentions->clear();
  std::vector<RawWord> words = ScanWords(text);
  const auto& fw = FunctionWords();
  const auto& dates = DateWords();
  const auto& titles = Titles();
  const auto& conns = Connectors();
  std::vector<std::string> lower(words.size());
  for (size_t i = 0; i < words.size(); ++i)
    lower[i] = AsciiLower(text.substr(words[i].begin, words[i].end - words[i].begin));

  auto capital = [&](size_t i) {
    return words[i].has_letter && (words[i].upper_initial || words[i].all_upper);
  };
  // Capitalised words seen inside a sentence: evidence that a sentence-initial
  // single word is a name and not just the first word.
  std::unordered_set<std::string> mid_caps;
  for (size_t i = 0; i < words.size(); ++i)
    if (capital(i) && !words[i].sentence_start) mid_caps.insert(lower[i]);

  std::vector<Segment> segments;
  auto possessive = [&](size_t i, uint32_t* cut) {
    std::string_view w = text.substr(words[i].begin, words[i].end - words[i].begin);
    if (w.size() > 2 && (w.substr(w.size() - 2) == "'s")) {
      *cut = 2;
      return true;
    }
    if (w.size() > 4 && w.substr(w.size() - 4) == "\xE2\x80\x99s") {
      *cut = 4;
      return true;
    }
    return false;
  };

  size_t i = 0;
  while (i < words.size()) {
    if (!capital(i)) {
      ++i;
      continue;
    }
    // Grow a run of capitalised words (with connectors) separated by single spaces.
    size_t j = i;
    std::vector<size_t> run{i};
    uint32_t cut_last = 0;
    bool poss = possessive(i, &cut_last);
    while (!poss && j + 1 < words.size()) {
      size_t k = j + 1;
      if (words[k].break_before || words[k].sentence_start) break;
      if (words[k].begin - words[j].end > 2) break;
      if (capital(k)) {
        run.push_back(k);
        j = k;
        poss = possessive(k, &cut_last);
        continue;
      }
      // a connector between capitals: "Republic of Korea", "Hamad bin Khalifa"
      if (conns.count(lower[k]) && k + 1 < words.size() && capital(k + 1) &&
          !words[k + 1].break_before && lower[k] != "and") {
        run.push_back(k);
        run.push_back(k + 1);
        j = k + 1;
        poss = possessive(k + 1, &cut_last);
        continue;
      }
      break;
    }
    bool title_before =
        i > 0 && !words[i].break_before && titles.count(lower[i - 1]) && !capital(i - 1);
    // Split the run at titles into segments.
    std::vector<std::vector<size_t>> parts;
    std::vector<bool> part_after_title;
    std::vector<size_t> cur;
    bool cur_after_title = title_before;
    for (size_t r = 0; r < run.size(); ++r) {
      size_t w = run[r];
      std::string_view next = r + 1 < run.size() ? std::string_view(lower[run[r + 1]]) : "";
      if (IsRunTitle(lower[w], next) && r + 1 < run.size()) {
        if (!cur.empty()) {
          // Before a title: nationality or office words ("South Korean", "Russian").
          // A longer run keeps its name without the nationality that joins it to
          // the title ("During Russia-Ukraine War Russian President Putin").
          if (cur.size() > 2) {
            while (cur.size() > 2 && IsDemonym(lower[cur.back()])) cur.pop_back();
            parts.push_back(cur);
            part_after_title.push_back(cur_after_title);
          }
          cur.clear();
        }
        cur_after_title = true;
        continue;
      }
      cur.push_back(w);
    }
    if (!cur.empty()) {
      parts.push_back(cur);
      part_after_title.push_back(cur_after_title);
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      auto& part = parts[p];
      // Strip leading function/date words and trailing connectors and date words.
      size_t b = 0, e = part.size();
      while (b < e &&
             (fw.count(lower[part[b]]) || dates.count(lower[part[b]]) ||
              conns.count(lower[part[b]])) &&
             !words[part[b]].all_upper)
        ++b;
      while (e > b &&
             (conns.count(lower[part[e - 1]]) || dates.count(lower[part[e - 1]]) ||
              fw.count(lower[part[e - 1]])) &&
             !words[part[e - 1]].all_upper)
        --e;
      if (b >= e) continue;
      Segment seg;
      seg.begin = words[part[b]].begin;
      seg.end = words[part[e - 1]].end;
      if (part[e - 1] == run.back() && cut_last) seg.end -= cut_last;
      seg.after_title = part_after_title[p];
      seg.sentence_start = words[part[b]].sentence_start;
      for (size_t q = b; q < e; ++q) {
        std::string lw = lower[part[q]];
        if (q == e - 1 && part[q] == run.back() && cut_last) lw.resize(lw.size() - cut_last);
        seg.lower_words.push_back(lw);
        seg.word_ends.push_back(words[part[q]].end);
      }
      seg.word_ends.back() = seg.end;
      size_t n = seg.lower_words.size();
      seg.acronym = n == 1 && words[part[b]].all_upper;
      bool has_letter_word = false;
      for (size_t q = b; q < e; ++q) has_letter_word |= words[part[q]].has_letter;
      if (!has_letter_word) continue;
      // Single words: drop demonyms and sentence-initial words never seen mid-sentence.
      if (n == 1) {
        const std::string& w = seg.lower_words[0];
        if (!seg.after_title && IsDemonym(w)) continue;
        if (w.size() < 2) continue;
        if (seg.sentence_start && !seg.acronym && !seg.after_title && !mid_caps.count(w)) continue;
        if (fw.count(w) || dates.count(w)) continue;
        // A compound on a lower-case word is an adjective: "Russian-backed", "U.S.-led".
        std::string_view sw = text.substr(seg.begin, seg.end - seg.begin);
        size_t h = sw.rfind('-');
        if (h != std::string_view::npos && h + 1 < sw.size() &&
            std::islower(static_cast<unsigned char>(sw[h + 1])))
          continue;
      } else if (n == 2 && !seg.after_title && IsDemonym(seg.lower_words[1]) &&
                 !Places().count(seg.lower_words[1])) {
        continue;  // "South Korean", "North Korean"
      }
      if (n > 8) continue;  // a headline in title case, not a name
      segments.push_back(std::move(seg));
    }
    i = j + 1;
  }

  // A heading written in title case ("Russia Promises to expand its ties ...:",
  // "Moscow and Pyongyang Relations:") capitalises ordinary words. A run on a
  // heading line that ends in a word the text (or the title) also writes in lower
  // case loses that word, unless the whole run also appears outside headings.
  {
    auto is_heading = [&](uint32_t at) {
      size_t b = text.rfind('\n', at);
      b = b == std::string_view::npos ? 0 : b + 1;
      size_t e = text.find('\n', at);
      if (e == std::string_view::npos) e = text.size();
      while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r')) --e;
      if (e - b > 160 || e == b) return false;
      char last = text[e - 1];
      return last != '.' && last != '!' && last != '?' && last != '"' && last != ',' &&
             !(e >= 3 && text.substr(e - 3, 3) == "\xE2\x80\x9D");  // ”
    };
    std::unordered_set<std::string> lower_seen;
    for (size_t w = 0; w < words.size(); ++w)
      if (words[w].has_letter && !words[w].upper_initial && !words[w].all_upper)
        lower_seen.insert(lower[w]);
    for (const RawWord& w : ScanWords(title))
      if (w.has_letter && !w.upper_initial && !w.all_upper)
        lower_seen.insert(AsciiLower(title.substr(w.begin, w.end - w.begin)));
    std::vector<bool> heading(segments.size());
    std::unordered_set<std::string> body_keys;
    for (size_t q = 0; q < segments.size(); ++q) {
      heading[q] = is_heading(segments[q].begin);
      if (!heading[q])
        body_keys.insert(
            NameKey(text.substr(segments[q].begin, segments[q].end - segments[q].begin)));
    }
    const auto& org = OrgWords();
    const auto& place_words = PlaceWords();
    for (size_t q = 0; q < segments.size(); ++q) {
      Segment& seg = segments[q];
      if (!heading[q] || seg.after_title || seg.lower_words.size() < 2) continue;
      if (body_keys.count(NameKey(text.substr(seg.begin, seg.end - seg.begin)))) continue;
      while (seg.lower_words.size() >= 2) {
        const std::string& last = seg.lower_words.back();
        if (!lower_seen.count(last) || org.count(last) || place_words.count(last)) break;
        seg.lower_words.pop_back();
        seg.word_ends.pop_back();
        seg.end = seg.word_ends.back();
      }
      // What is left follows the single-word rule above.
      if (seg.lower_words.size() == 1 && seg.sentence_start && !mid_caps.count(seg.lower_words[0]))
        seg.lower_words.clear();
    }
    segments.erase(std::remove_if(segments.begin(), segments.end(),
                                  [](const Segment& s) { return s.lower_words.empty(); }),
                   segments.end());
  }

  // Group segments by key.
  std::unordered_map<std::string, int> by_key;
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> name_words;
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
      keys.push_back(key);
      name_words.push_back(seg.lower_words);
    } else {
      idx = it->second;
      if (seg.after_title && (*names)[idx].kind == "other") (*names)[idx].kind = "person";
    }
    (*names)[idx].count++;
    mentions->push_back({seg.begin, seg.end, idx, seg.after_title});
  }

  // Merge short mentions into the longer person name that contains them.
  std::vector<int> target(names->size());
  for (size_t a = 0; a < names->size(); ++a) {
    target[a] = static_cast<int>(a);
    const Name& na = (*names)[a];
    if (na.kind == "place" || na.kind == "org") continue;
    const auto& wa = name_words[a];
    int best = -1;
    for (size_t b = 0; b < names->size(); ++b) {
      if (b == a || (*names)[b].kind != "person") continue;
      const auto& wb = name_words[b];
      if (wb.size() <= wa.size()) continue;
      bool all = true;
      for (const auto& w : wa)
        if (std::find(wb.begin(), wb.end(), w) == wb.end()) all = false;
      if (!all) continue;
      if (best < 0 || (*names)[b].count > (*names)[best].count) best = static_cast<int>(b);
    }
    if (best >= 0) target[a] = best;
  }
  // Follow chains ("Kim" -> "Kim Jong" -> "Kim Jong Un"): targets always have more
  // words, so a chain ends.
  for (size_t a = 0; a < names->size(); ++a) {
    int t = target[a];
    while (target[t] != t) t = target[t];
    target[a] = t;
  }
  std::vector<Name> merged;
  std::vector<int> new_index(names->size(), -1);
  for (size_t a = 0; a < names->size(); ++a)
    if (target[a] == static_cast<int>(a)) {
      new_index[a] = static_cast<int>(merged.size());
      merged.push_back((*names)[a]);
    }
  for (size_t a = 0; a < names->size(); ++a)
    if (target[a] != static_cast<int>(a)) {
      Name& into = merged[new_index[target[a]]];
      into.count += (*names)[a].count;
      into.first = std::min(into.first, (*names)[a].first);
    }
  for (auto& m : *mentions) m.name = new_index[target[m.name]];
  *names = std::move(merged);
}

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
