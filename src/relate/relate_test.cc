// Copyright storyline authors.
//
// Relations on the seed articles (demo/) and on bad input.
#include "storyline/relate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "core/test_files.h"
#include "storyline/text.h"

namespace storyline {
namespace {

using ::testing::HasSubstr;

// Reads a seed as the .txt reader does (INTERFACE.md): the first non-empty line is
// the title, the text is the rest from its first non-blank line. Read here rather
// than through ArticleReader so these tests depend on relate alone.
Article Seed(const std::string& name) {
  std::string path = std::string(STORYLINE_SOURCE_DIR) + "/demo/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  Article a;
  a.id = name.substr(0, name.find('.'));
  size_t pos = 0;
  while (pos < all.size()) {
    size_t e = all.find('\n', pos);
    if (e == std::string::npos) e = all.size();
    std::string line = all.substr(pos, e - pos);
    pos = e + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    a.title = line;
    break;
  }
  while (pos < all.size() && (all[pos] == '\n' || all[pos] == ' ' || all[pos] == '\r')) ++pos;
  a.text = pos < all.size() ? all.substr(pos) : "";
  return a;
}

const Article& S(int i) {
  static const Article seeds[5] = {
      Seed("000_ccb038054484d1e6.txt"), Seed("001_c28f1e39ad1e51fe.txt"),
      Seed("002_fe51a37dbb415eaa.txt"), Seed("003_fc802517088b5e08.txt"),
      Seed("004_a62b8a648886d1d4.txt")};
  return seeds[i];
}

bool PassagesContain(const CompareResult& r, const std::string& words) {
  for (const SharedPassage& p : r.shared_passages) {
    if (p.text.find(words) != std::string::npos) return true;
  }
  return false;
}

TEST(Relations, NamesParseBackAndOnlyCopiesAreDerived) {
  for (Relation r :
       {Relation::kDuplicate, Relation::kNearDuplicate, Relation::kRewrite, Relation::kSameStory,
        Relation::kRelated, Relation::kUnrelated, Relation::kOriginal}) {
    EXPECT_EQ(ParseRelation(RelationName(r)), r) << RelationName(r);
    EXPECT_EQ(IsDerived(r),
              r == Relation::kDuplicate || r == Relation::kNearDuplicate || r == Relation::kRewrite)
        << RelationName(r);
  }
  EXPECT_STREQ(RelationName(Relation::kOriginal), "original");
  EXPECT_EQ(ParseRelation(""), std::nullopt);
  EXPECT_EQ(ParseRelation("kept"), std::nullopt);
  EXPECT_EQ(ParseRelation("Original"), std::nullopt);
}

TEST(CompareSeeds, RewriteOf002By001KeepsBothKcnaQuotes) {
  CompareResult r = Compare(S(2), S(1));
  EXPECT_EQ(r.relation, Relation::kRewrite) << r.reason;
  EXPECT_EQ(r.original, "a") << r.reason;
  EXPECT_TRUE(PassagesContain(r, "It is quite natural and normal for neighbouring countries"));
  EXPECT_TRUE(PassagesContain(r, "will continue to grow stronger"));
}

TEST(CompareSeeds, OriginalIsTheWireStoryWhicheverSideItIsOn) {
  CompareResult r = Compare(S(1), S(2));
  EXPECT_EQ(r.relation, Relation::kRewrite) << r.reason;
  EXPECT_EQ(r.original, "b") << r.reason;
}

// 000 paraphrases 002 throughout and adds a generic closing section: it carries
// much of 002's sentences in 002's order, so it is derived, and 002 (wire dateline
// and credit) is the original, whichever side it is given on.
TEST(CompareSeeds, HeavyRewrite000IsARewriteOf002) {
  CompareResult r = Compare(S(2), S(0));
  EXPECT_EQ(r.relation, Relation::kRewrite) << r.reason;
  EXPECT_EQ(r.original, "a") << r.reason;
  EXPECT_GE(r.scores.at("similarity"), 0.5);
  CompareResult back = Compare(S(0), S(2));
  EXPECT_EQ(back.relation, Relation::kRewrite) << back.reason;
  EXPECT_EQ(back.original, "b") << back.reason;
}

// The non-empty lines of a text.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    if (nl > start) out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string JoinLines(std::vector<std::string>::const_iterator b,
                      std::vector<std::string>::const_iterator e) {
  std::string out;
  for (auto it = b; it != e; ++it) out += *it + "\n";
  return out;
}

// The original named in r, by id.
std::string OriginalId(const CompareResult& r) { return r.original == "a" ? r.a : r.b; }

TEST(CompareOriginal, ACutCopyIsTheCopyWhenNoDateOrCreditDecides) {
  // 001 carries no dateline, credit or date: only containment can decide.
  Article full = S(1);
  full.id = "full";
  const std::vector<std::string> lines = Lines(full.text);
  ASSERT_GE(lines.size(), 10u);
  Article cut = full;
  cut.id = "cut";
  cut.text =
      JoinLines(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(lines.size() * 6 / 10));
  for (bool flip : {false, true}) {
    CompareResult r = flip ? Compare(cut, full) : Compare(full, cut);
    ASSERT_TRUE(IsDerived(r.relation)) << r.reason;
    EXPECT_EQ(OriginalId(r), "full") << r.reason;
    EXPECT_THAT(r.reason, HasSubstr("holds all of the other"));
  }
  // Cut from the middle too: every other line after the lead.
  std::vector<std::string> kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i < 2 || i % 3 != 0) kept.push_back(lines[i]);
  }
  cut.text = JoinLines(kept.begin(), kept.end());
  EXPECT_EQ(OriginalId(Compare(cut, full)), "full");
}

// The text of the BBC News article `id` (../shared/data), "" when absent. The
// escapes this file uses are undone; others become '?'.
std::string BbcText(const std::string& id) {
  std::ifstream in(testing_files::kSharedData + "/bbc-news/data.jsonl");
  const std::string head = "{\"id\": \"" + id + "\"";
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(head, 0) != 0) continue;
    size_t p = line.find("\"text\": \"");
    if (p == std::string::npos) return "";
    std::string out;
    for (p += 9; p < line.size() && line[p] != '"'; ++p) {
      if (line[p] != '\\' || p + 1 == line.size()) {
        out += line[p];
        continue;
      }
      const char c = line[++p];
      out += c == 'n' ? '\n' : (c == '"' || c == '\\' || c == '/') ? c : '?';
      if (c == 'u') p += 4;
    }
    return out;
  }
  return "";
}

TEST(CompareOriginal, ACopyThatOnlyAddsAForeignTailIsTheCopy) {
  const std::vector<std::string> other = Lines(BbcText("sport/034"));  // athletics
  if (other.size() < 4) GTEST_SKIP() << "../shared/data/bbc-news absent";
  Article source = S(1);
  source.id = "source";
  Article padded = source;
  padded.id = "padded";
  padded.text = source.text + "\n" + JoinLines(other.end() - 4, other.end());
  for (bool flip : {false, true}) {
    CompareResult r = flip ? Compare(padded, source) : Compare(source, padded);
    ASSERT_TRUE(IsDerived(r.relation)) << r.reason;
    EXPECT_EQ(OriginalId(r), "source") << r.reason;
    EXPECT_THAT(r.reason, HasSubstr("head or tail about something else"));
  }
}

TEST(CompareOriginal, ATailOnTheSameMatterReadsAsTheCutCopysContinuation) {
  // Without dates or credits, a text plus more of the same story reads as the full
  // article a shorter copy was cut from: 001 with 004's closing lines (the same
  // North Korea - Russia matter) is taken for the original.
  Article source = S(1);
  source.id = "source";
  const std::vector<std::string> other = Lines(S(4).text);
  Article longer = source;
  longer.id = "longer";
  longer.text = source.text + "\n" + JoinLines(other.end() - 4, other.end());
  CompareResult r = Compare(source, longer);
  ASSERT_TRUE(IsDerived(r.relation)) << r.reason;
  EXPECT_EQ(OriginalId(r), "longer") << r.reason;
  // A date decides over containment.
  source.published_ts = 1695600000;
  longer.published_ts = source.published_ts + 86400;
  r = Compare(source, longer);
  EXPECT_EQ(OriginalId(r), "source") << r.reason;
  EXPECT_THAT(r.reason, HasSubstr("published earlier"));
}

TEST(CompareSeeds, DifferentStoriesOnTheSameTopicAreRelated) {
  for (auto [x, y] : {std::pair{2, 3}, std::pair{2, 4}, std::pair{3, 4}}) {
    CompareResult r = Compare(S(x), S(y));
    EXPECT_EQ(r.relation, Relation::kRelated) << x << " vs " << y << ": " << r.reason;
    EXPECT_EQ(r.original, "");
  }
}

TEST(CompareSeeds, SharedQuotesCarryTheKcnaSpeaker) {
  CompareResult r = Compare(S(2), S(1));
  int kcna = 0;
  for (const SharedQuote& q : r.quotes) {
    if (q.text.size() > 40 && q.speaker.find("KCNA") != std::string::npos) ++kcna;
  }
  EXPECT_EQ(kcna, 2);
}

TEST(Quotes, SeedQuotesHaveSpeakers) {
  std::vector<Quote> q2 = ExtractQuotes(S(2).text);
  bool yoon = false, kcna_natural = false, kcna_stronger = false;
  for (const Quote& q : q2) {
    if (q.text == "a direct provocation.") yoon = q.speaker.find("Yoon") != std::string::npos;
    if (q.text.rfind("It is quite natural", 0) == 0) kcna_natural = q.speaker == "KCNA";
    if (q.text.find("grow stronger") != std::string::npos) kcna_stronger = q.speaker == "KCNA";
  }
  EXPECT_TRUE(yoon);
  EXPECT_TRUE(kcna_natural);
  EXPECT_TRUE(kcna_stronger);
  std::vector<Quote> q1 = ExtractQuotes(S(1).text);
  int kcna = 0;
  for (const Quote& q : q1) {
    if (!q.fragment() && q.speaker.find("KCNA") != std::string::npos) ++kcna;
  }
  EXPECT_EQ(kcna, 2);
}

TEST(Quotes, OffsetsPointAtTheQuotedWords) {
  const std::string& t = S(2).text;
  for (const Quote& q : ExtractQuotes(t)) {
    ASSERT_LE(q.end, t.size());
    EXPECT_EQ(t.substr(q.begin, q.end - q.begin), q.text);
  }
}

TEST(Quotes, CurlyNestedAndParagraphOpening) {
  std::string t =
      "He said: \xE2\x80\x9C"
      "We will not accept \xE2\x80\x98"
      "any\xE2\x80\x99 terms. Never.\n"
      "\xE2\x80\x9C"
      "And we will win,\xE2\x80\x9D the minister added.\n";
  std::vector<Quote> q = ExtractQuotes(t);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_THAT(q[0].text, HasSubstr("\xE2\x80\x98"
                                   "any\xE2\x80\x99 terms. Never."));
  EXPECT_THAT(q[0].text, HasSubstr("And we will win,"));
}

TEST(Quotes, UnbalancedMarkDoesNotSwallowTheText) {
  std::string t = "She called it \"absurd. Then she left.\nOfficials said \"no comment\" later.";
  std::vector<Quote> q = ExtractQuotes(t);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].text, "no comment");
  EXPECT_EQ(q[0].speaker, "Officials");
}

TEST(Quotes, AccordingToNamesTheSpeaker) {
  std::vector<Quote> q =
      ExtractQuotes("The deal is \"a historic step for both nations\", according to Reuters.");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].speaker, "Reuters");
}

TEST(Names, SeedNamesAndKinds) {
  std::vector<Name> names = ExtractNames(S(2).text);
  auto find = [&](const std::string& t) -> const Name* {
    for (const Name& n : names) {
      if (n.text == t) return &n;
    }
    return nullptr;
  };
  ASSERT_NE(find("Yoon Suk Yeol"), nullptr);
  EXPECT_EQ(find("Yoon Suk Yeol")->kind, NameKind::kPerson);
  EXPECT_GE(find("Yoon Suk Yeol")->count, 4u);  // "Yoon" counts under the full name
  ASSERT_NE(find("Kim Jong Un"), nullptr);
  ASSERT_NE(find("Vladimir Putin"), nullptr);
  EXPECT_EQ(find("Vladimir Putin")->kind, NameKind::kPerson);
  ASSERT_NE(find("KCNA"), nullptr);
  EXPECT_EQ(find("KCNA")->kind, NameKind::kOrganisation);
  ASSERT_NE(find("U.N. Security Council"), nullptr);
  EXPECT_EQ(find("U.N. Security Council")->kind, NameKind::kOrganisation);
  EXPECT_EQ(find("President"), nullptr);
}

// The seed commentary 003 names "the Cold War era": an era, not a person.
TEST(Names, EventsAndErasAreNotPeople) {
  std::vector<Name> names = ExtractNames(S(3).text);
  bool seen = false;
  for (const Name& n : names) {
    if (n.text.find("Cold War") == std::string::npos) continue;
    seen = true;
    EXPECT_NE(n.kind, NameKind::kPerson) << n.text;
  }
  EXPECT_TRUE(seen);
  for (const Name& n : ExtractNames("Officials met at the Paris Agreement talks. "
                                    "Then John Smith spoke about the Winter Olympics.")) {
    if (n.text == "John Smith") {
      EXPECT_EQ(n.kind, NameKind::kPerson);
    } else {
      EXPECT_NE(n.kind, NameKind::kPerson) << n.text;
    }
  }
}

// 004 writes "During Russia-Ukraine War Russian President Putin": the war is a name,
// "Russian" belongs to the title, and Putin is the person.
TEST(Names, NationalityBeforeATitleIsNotPartOfTheName) {
  std::vector<Name> names = ExtractNames(S(4).text);
  bool war = false, putin = false;
  for (const Name& n : names) {
    EXPECT_EQ(n.text.find("War Russian"), std::string::npos) << n.text;
    if (n.text == "Russia-Ukraine War" || n.text == "Russia Ukraine War") {
      war = true;  // one name, however the text hyphenates it
      EXPECT_NE(n.kind, NameKind::kPerson);
    }
    if (n.text.find("Putin") != std::string::npos) {
      putin = true;
      EXPECT_EQ(n.kind, NameKind::kPerson);
    }
  }
  EXPECT_TRUE(war);
  EXPECT_TRUE(putin);
}

// 004's subheadings are in title case ("Russia Promises to expand its ties ...:",
// "Moscow and Pyongyang Relations:"), and its body writes "Russian-backed": none of
// these is a name, while the people and places around them still are.
TEST(Names, TitleCaseHeadingsAndCompoundsAreNotNames) {
  ArticleFeatures f = AnalyzeArticle(S(4));
  bool putin = false, pyongyang = false, russia = false;
  for (const Name& n : f.names) {
    EXPECT_NE(n.text, "Russia Promises");
    EXPECT_NE(n.text, "Pyongyang Relations");
    EXPECT_NE(n.text, "Russian-backed");
    putin |= n.text == "Vladimir Putin";
    pyongyang |= n.text == "Pyongyang";
    russia |= n.text == "Russia";
  }
  EXPECT_TRUE(putin);
  EXPECT_TRUE(pyongyang);
  EXPECT_TRUE(russia);
}

TEST(Provenance, WireDatelineAndCreditMarkTheOriginal) {
  ProvenanceHint h = ExtractProvenance(S(2).text);
  EXPECT_TRUE(h.dateline);
  EXPECT_EQ(h.agency, "Reuters");
  EXPECT_TRUE(h.credit);
  ProvenanceHint h1 = ExtractProvenance(S(1).text);
  EXPECT_FALSE(h1.dateline);
  EXPECT_GT(h.originality, h1.originality);
}

TEST(FindOriginals, SeedStoryPointsAtTheWireStory) {
  std::vector<ArticleFeatures> f;
  f.reserve(5);
  for (int i = 0; i < 5; ++i) f.push_back(AnalyzeArticle(S(i)));
  std::vector<const ArticleFeatures*> p;
  p.reserve(f.size());
  for (const auto& x : f) p.push_back(&x);
  std::vector<Derivation> d = FindOriginals(p);
  EXPECT_EQ(d[2].of, -1);
  EXPECT_EQ(d[1].of, 2);
  EXPECT_EQ(d[3].of, -1);
  EXPECT_EQ(d[4].of, -1);
  if (d[0].of >= 0) {
    EXPECT_EQ(d[0].of, 2);
  }
}

Article Make(std::string id, std::string text) {
  Article a;
  a.id = std::move(id);
  a.text = std::move(text);
  return a;
}

TEST(CompareBadInput, EmptyArticleIsUnrelatedToAnything) {
  CompareResult r = Compare(Make("e", ""), S(2));
  EXPECT_EQ(r.relation, Relation::kUnrelated);
  EXPECT_TRUE(r.shared_passages.empty());
  EXPECT_EQ(Compare(Make("e", ""), Make("f", "")).relation, Relation::kUnrelated);
}

TEST(CompareBadInput, SingleWordGivesAnAnswer) {
  CompareResult r = Compare(Make("w", "Korea"), S(2));
  EXPECT_EQ(r.relation, Relation::kUnrelated);
  CompareResult same = Compare(Make("w", "Korea"), Make("v", "Korea"));
  EXPECT_EQ(same.relation, Relation::kDuplicate);
}

TEST(CompareBadInput, TenMegabyteArticleIsBoundedAndAnswered) {
  std::string big;
  const std::string& base = S(2).text;
  while (big.size() < (10u << 20)) big += base + "\n";
  CompareResult r = Compare(Make("big", big), S(2));
  EXPECT_NE(r.relation, Relation::kUnrelated);
}

TEST(CompareBadInput, UnbalancedQuotesAreNotQuotes) {
  std::string t(500, 'x');
  t = "\"" + std::string("Open quote never closed and more words here ") + t;
  ArticleFeatures f = AnalyzeArticle(Make("q", t));
  EXPECT_TRUE(f.quotes.empty());
}

TEST(Compare, IdenticalTextsAreDuplicates) {
  CompareResult r = Compare(S(2), S(2));
  EXPECT_EQ(r.relation, Relation::kDuplicate);
  EXPECT_FALSE(r.original.empty());
}

TEST(Compare, LightEditIsNearDuplicate) {
  Article b = S(2);
  b.id = "edited";
  size_t pos = b.text.find("slammed");
  b.text.replace(pos, 7, "criticised");
  pos = b.text.find("Any activities");
  b.text.replace(pos, 14, "All activities");
  CompareResult r = Compare(S(2), b);
  EXPECT_EQ(r.relation, Relation::kNearDuplicate) << r.reason;
}

TEST(Compare, JsonCarriesTheInterfaceFields) {
  std::string j = CompareResultToJson(Compare(S(2), S(1)));
  for (const char* k : {"\"a\":", "\"b\":", "\"relation\":\"rewrite\"", "\"original\":",
                        "\"scores\":{", "\"shared_passages\":[{\"a_start\":", "\"quotes\":["}) {
    EXPECT_THAT(j, HasSubstr(k));
  }
}

TEST(TermStats, BackgroundTableIsCompiledIn) {
  TermStats st;
  EXPECT_GT(st.background_terms(), 10000u);
  EXPECT_GT(st.documents(), 20000u);
  // "said" is in almost every wire story, "cosmodrome" in hardly any.
  EXPECT_LT(st.Idf(TermHash("said")), st.Idf(TermHash("cosmodrom")));
}

TEST(TermStats, AddingDocumentsLowersIdf) {
  TermStats st;
  // "yoon" is not in the 1987-2005 background; the seeds make it common.
  double before = st.Idf(TermHash("yoon"));
  st.Add(AnalyzeArticle(S(2)));
  st.Add(AnalyzeArticle(S(1)));
  EXPECT_LT(st.Idf(TermHash("yoon")), before);
  EXPECT_EQ(st.added(), 2u);
}

TEST(TermStats, ALanguagesCommonWordsWeighNothingOnceItsDocumentsAreCounted) {
  // Arabic has no stop-word list: "في" (in) is a content word to the analysis,
  // in every text. Once 20+ Arabic documents are counted it must weigh 0 there,
  // while a word of one document keeps a high weight.
  const char* kCities[] = {"القاهرة", "الرياض", "بيروت", "دمشق",    "بغداد",   "عمان",
                           "الدوحة",  "دبي",    "تونس",  "الجزائر", "الرباط",  "طرابلس",
                           "الخرطوم", "صنعاء",  "عدن",   "مسقط",    "المنامة", "الكويت",
                           "غزة",     "القدس",  "حلب",   "الموصل",  "البصرة",  "جدة"};
  TermStats st;
  Stemmer stem("ar");
  uint64_t fi = TermHash(std::string(stem.Stem("في")));
  double before = st.Idf(fi, "ar");
  for (const char* c : kCities) {
    Article a;
    a.lang = "ar";
    a.text = std::string("وصل الوفد في ") + c + " اليوم";
    st.Add(AnalyzeArticle(a));
  }
  uint64_t beirut = TermHash(std::string(stem.Stem("بيروت")));
  EXPECT_GT(before, 5.0);  // unknown to the English background
  EXPECT_EQ(st.Idf(fi, "ar"), 0.0);
  EXPECT_GT(st.Idf(beirut, "ar"), 2.0);
  EXPECT_GE(st.SmoothIdf(fi, "ar"), 1.0);  // the baseline's classic weight keeps +1
  // English keeps the background's smoothed weights.
  EXPECT_EQ(st.Idf(TermHash("said"), "en"), st.Idf(TermHash("said")));

  // The counts carry over whole through ExportCounts / ImportCounts (the story
  // engine's snapshot): the language's documents too, not only the terms.
  TermStats restored;
  restored.ImportCounts(st.ExportCounts());
  EXPECT_EQ(restored.added(), st.added());
  EXPECT_EQ(restored.Idf(fi, "ar"), 0.0);
  EXPECT_EQ(restored.Idf(beirut, "ar"), st.Idf(beirut, "ar"));
  EXPECT_EQ(restored.Idf(beirut), st.Idf(beirut));
  Article seed = S(2);
  restored.Add(AnalyzeArticle(seed));
  st.Add(AnalyzeArticle(seed));
  EXPECT_EQ(restored.Idf(TermHash("yoon")), st.Idf(TermHash("yoon")));
  EXPECT_EQ(restored.ExportCounts().corpus, st.ExportCounts().corpus);
}

TEST(Analyze, ArabicIndicDigitsAreNumbers) {
  Article a, b;
  a.lang = b.lang = "ar";
  a.text = "بلغ عدد الحالات ١٠٨١٠ حالة في عام ٢٠٢٠";
  b.text = "بلغ عدد الحالات 10810 حالة في عام 2020";
  ArticleFeatures fa = AnalyzeArticle(a), fb = AnalyzeArticle(b);
  EXPECT_EQ(fa.years, std::vector<int>{2020});
  EXPECT_EQ(fa.numbers, fb.numbers);
  EXPECT_EQ(fa.numbers.size(), 2u);
}

TEST(Analyze, ArabicSpellingVariantsShareCharacterGrams) {
  // Hamza on alef, taa marbuta and the article vary between outlets; the
  // character n-grams must not see two different words.
  Article a, b;
  a.lang = b.lang = "ar";
  a.text = "أعلنت الحكومة الإثيوبية";
  b.text = "اعلنت حكومة اثيوبيه";
  ArticleFeatures fa = AnalyzeArticle(a), fb = AnalyzeArticle(b);
  ASSERT_FALSE(fa.char_grams.empty());
  ASSERT_EQ(fa.char_grams.size(), fb.char_grams.size());
  for (size_t i = 0; i < fa.char_grams.size(); ++i) {
    EXPECT_EQ(fa.char_grams[i].term, fb.char_grams[i].term);
    EXPECT_EQ(fa.char_grams[i].count, fb.char_grams[i].count);
  }
}

TEST(Analyze, HeadIsTheTitleThenTheFirstContentWords) {
  ArticleFeatures f = AnalyzeArticle(S(2));
  uint32_t words = 0;
  for (const TermCount& t : f.head_terms) words += t.count;
  EXPECT_EQ(words, 10u);
  // The seed's title is "North Korea defends Russian cooperation".
  auto has = [&](const char* stem) {
    return std::any_of(f.head_terms.begin(), f.head_terms.end(),
                       [&](const TermCount& t) { return t.term == TermHash(stem); });
  };
  EXPECT_TRUE(has("defend"));
  EXPECT_TRUE(has("cooper"));
  EXPECT_FALSE(has("ammunit"));  // later in the text
}

TEST(Similarity, GermanEnglishPairIsTranslatedWhenTheDictionaryIsInstalled) {
  Article de, en, other;
  de.lang = "de";
  de.text =
      "Die Regierung will die Steuern für Unternehmen senken. Der Finanzminister "
      "kündigte am Montag an, die Steuer auf Gewinne zu verringern, um die Wirtschaft "
      "nach der Krise zu stärken.";
  en.lang = "en";
  en.text =
      "The government wants to cut taxes for companies. The finance minister "
      "announced on Monday that the tax on profits would be reduced to strengthen the "
      "economy after the crisis.";
  other.lang = "en";
  other.text =
      "The football club won the cup final on Saturday after a penalty shoot-out. "
      "The coach praised the goalkeeper, who saved two penalties in front of the fans.";
  TermStats st;
  ArticleFeatures fd = AnalyzeArticle(de), fe = AnalyzeArticle(en), fo = AnalyzeArticle(other);
  SimilarityParts same = StorySimilarityParts(fd, fe, st), diff = StorySimilarityParts(fd, fo, st);
  if (!same.has_dictionary) GTEST_SKIP() << "no German-English dictionary (Debian trans-de-en)";
  EXPECT_TRUE(same.cross_lingual);
  // A dictionary lists several senses per word, so even a translation scores
  // far from 1; what matters is the gap to an unrelated text.
  EXPECT_GT(same.translated, 0.15);
  EXPECT_LT(diff.translated, 0.05);
  EXPECT_GT(same.score, diff.score + 0.3);
  // Symmetric: either side may be the German one.
  EXPECT_DOUBLE_EQ(StorySimilarityParts(fe, fd, st).translated, same.translated);
}

TEST(Similarity, SymmetricAndBounded) {
  TermStats st;
  ArticleFeatures a = AnalyzeArticle(S(2)), b = AnalyzeArticle(S(4));
  double x = StorySimilarity(a, b, st), y = StorySimilarity(b, a, st);
  EXPECT_DOUBLE_EQ(x, y);
  EXPECT_GE(x, 0);
  EXPECT_LE(x, 1);
  EXPECT_GT(StorySimilarity(a, AnalyzeArticle(S(1)), st), x);
}

TEST(Similarity, SentenceParaphraseScoresAboveUnrelatedSentence) {
  TermStats st;
  double p = SentenceSimilarity(
      "Amrozi accused his brother, whom he called \"the witness\", of deliberately distorting his "
      "evidence.",
      "Referring to him as only \"the witness\", Amrozi accused his brother of deliberately "
      "distorting his evidence.",
      st);
  double u = SentenceSimilarity("Amrozi accused his brother of distorting his evidence.",
                                "Shares of the bank fell 3 percent in early trading.", st);
  EXPECT_GE(p, kSameContentThreshold);
  EXPECT_LT(u, kSameContentThreshold);
}

}  // namespace
}  // namespace storyline
