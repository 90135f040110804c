// Copyright storyline authors.
//
// The word lists of name extraction and the classification of a name by its
// words (names_internal.h). No gazetteer beyond a few hundred common places:
// the point is overlap between articles, not a complete tagger.
#include <cctype>
#include <string>
#include <unordered_set>

#include "core/ascii.h"
#include "relate/names_internal.h"

namespace storyline {
namespace relate_internal {

const WordSet& FunctionWords() {
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

const WordSet& DateWords() {
  static const std::unordered_set<std::string_view> k = {
      "monday",   "tuesday",  "wednesday", "thursday", "friday", "saturday", "sunday", "january",
      "february", "march",    "april",     "may",      "june",   "july",     "august", "september",
      "october",  "november", "december",  "jan",      "feb",    "mar",      "apr",    "jun",
      "jul",      "aug",      "sep",       "sept",     "oct",    "nov",      "dec"};
  return k;
}

const WordSet& Titles() {
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

const WordSet& Connectors() {
  static const std::unordered_set<std::string_view> k = {
      "of",  "de", "del", "della", "di", "da", "van", "von", "der", "den", "bin",
      "ibn", "al", "el",  "la",    "le", "du", "des", "y",   "for", "and"};
  return k;
}

const WordSet& OrgWords() {
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

const WordSet& PlaceWords() {
  static const std::unordered_set<std::string_view> k = {
      "city",     "region",     "province",  "island", "islands",   "peninsula", "river",
      "sea",      "ocean",      "mountains", "mount",  "lake",      "valley",    "bay",
      "strait",   "cosmodrome", "airport",   "street", "county",    "district",  "square",
      "coast",    "desert",     "border",    "oblast", "territory", "state",     "states",
      "republic", "kingdom",    "emirates",  "gulf",   "port",      "station",   "base",
      "village",  "town",       "capital",   "avenue", "road",      "park",      "bridge"};
  return k;
}

const WordSet& Places() {
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

const WordSet& PlaceAcronyms() {
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

std::string NameKey(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '.') continue;
    // "Russia-Ukraine War" and "Russia Ukraine War" are one name.
    r.push_back(c == '-' ? ' ' : AsciiLower(static_cast<char>(c)));
  }
  return r;
}

NameKind Classify(const Segment& seg) {
  const auto& org = OrgWords();
  const auto& places = Places();
  const auto& place_words = PlaceWords();
  size_t n = seg.lower_words.size();
  for (const auto& w : seg.lower_words) {
    if (org.count(w)) return NameKind::kOrganisation;
  }
  if (n == 1 && PlaceAcronyms().count(seg.lower_words[0])) return NameKind::kPlace;
  for (const auto& w : seg.lower_words) {
    if (place_words.count(w) && n > 1) return NameKind::kPlace;
  }
  static const std::unordered_set<std::string_view> compass = {
      "north",   "south",   "east",    "west",  "northern", "southern",
      "eastern", "western", "central", "upper", "lower",    "greater"};
  if (places.count(seg.lower_words.back()) &&
      (n == 1 || compass.count(seg.lower_words[0]) || n <= 3)) {
    return NameKind::kPlace;
  }
  if (seg.after_title) return NameKind::kPerson;
  if (seg.acronym) return NameKind::kOrganisation;
  // Events, eras and documents ("Cold War", "Winter Olympics", "Paris Agreement")
  // are named like people; their last word gives them away.
  static const std::unordered_set<std::string_view> event_words = {
      "war",        "wars",         "games",         "olympics",  "cup",       "summit",
      "crisis",     "championship", "championships", "election",  "elections", "revolution",
      "agreement",  "treaty",       "accord",        "accords",   "act",       "festival",
      "conference", "forum",        "pandemic",      "era",       "doctrine",  "declaration",
      "protocol",   "initiative",   "program",       "programme", "plan"};
  if (n >= 2 && event_words.count(seg.lower_words.back())) return NameKind::kName;
  if (n >= 2 && n <= 4) return NameKind::kPerson;
  return NameKind::kName;
}

}  // namespace relate_internal
}  // namespace storyline
