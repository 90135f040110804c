// Copyright storyline authors.
//
// Output: the paragraphs of the chosen ranges in reading order, without link
// lists, the headline, short label or credit lines, trailing headings and
// short lines at either end.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.h"
#include "extract/extractor.h"

namespace storyline::internal {
namespace {

// Bare labels, matched as the whole line (lower-cased, without trailing " :.").
constexpr std::string_view kLabels[] = {"advertisement",
                                        "anzeige",
                                        "werbung",
                                        "publicidad",
                                        "publicité",
                                        "kontakt",
                                        "contact",
                                        "inhaltsverzeichnis",
                                        "table of contents",
                                        "contents",
                                        "weitere informationen",
                                        "more information",
                                        "explore further",
                                        "externer inhalt",
                                        "aktualisiert",
                                        "updated",
                                        "veja também",
                                        "read also",
                                        "read more",
                                        "lesen sie auch",
                                        "mehr zum thema",
                                        "quellen",
                                        "quellenangaben",
                                        "sources",
                                        "titelbild",
                                        "beitragsbild",
                                        "header image",
                                        "featured image",
                                        "lea también",
                                        "leia também",
                                        "lire aussi",
                                        "à lire aussi",
                                        "schon gelesen?",
                                        "zobacz także",
                                        "zobacz też",
                                        "czytaj także",
                                        "czytaj też",
                                        "zum weiterlesen",
                                        "weiterlesen",
                                        "lust auf mehr?",
                                        "bild anzeigen",
                                        "permalink",
                                        "permalien",
                                        "zusatzinformationen",
                                        "release date",
                                        "veröffentlichung",
                                        "credit",
                                        "istock.com",
                                        "see also",
                                        "siehe auch",
                                        "related articles",
                                        "related posts",
                                        "ähnliche artikel",
                                        "das könnte sie auch interessieren",
                                        "you may also like",
                                        "also read",
                                        "más información",
                                        "ver también",
                                        "leggi anche",
                                        "vedi anche"};
// Credits and prompts, matched as the line's start.
constexpr std::string_view kCreditStarts[] = {"foto:",
                                              "fotos:",
                                              "photo:",
                                              "photos:",
                                              "bild:",
                                              "bilder:",
                                              "image:",
                                              "images:",
                                              "titelbild:",
                                              "beitragsbild:",
                                              "bildquelle:",
                                              "bildnachweis:",
                                              "abbildung:",
                                              "credit:",
                                              "photo credit",
                                              "aktualisiert am",
                                              "aktualisiert:",
                                              "updated on",
                                              "last updated",
                                              "zuletzt aktualisiert",
                                              "quelle:",
                                              "source:",
                                              "war der artikel",
                                              "was this article",
                                              "pour lire la suite",
                                              "subscribe now",
                                              "vorschau auf den nächsten",
                                              "join our newsletter",
                                              "sign up for our newsletter",
                                              "melden sie sich",
                                              "abonnieren sie"};
// Photo agency credits, matched as the line's end.
constexpr std::string_view kCreditEnds[] = {"getty images", ", photo",    " / afp", "/ afp",
                                            " / dpa",       " / reuters", "/ap"};
}  // namespace

bool IsLabelLine(std::string_view text) {
  std::string low = AsciiLowerCopy(text);
  while (!low.empty() && (low.back() == ' ' || low.back() == ':' || low.back() == '.')) {
    low.pop_back();
  }
  size_t b = 0;
  while (b < low.size() && low[b] == ' ') ++b;
  std::string_view l(low.data() + b, low.size() - b);
  for (std::string_view k : kLabels) {
    if (l == k) return true;
  }
  for (std::string_view k : kCreditStarts) {
    if (l.substr(0, k.size()) == k) return true;
  }
  for (std::string_view k : kCreditEnds) {
    if (l.size() >= k.size() && l.substr(l.size() - k.size()) == k) return true;
  }
  return l.rfind("afp / ", 0) == 0 || l.rfind("dpa / ", 0) == 0 || l.rfind("reuters / ", 0) == 0;
}

std::string Extractor::Emit(const Ranges& ranges) {
  std::vector<const Para*> kept;
  size_t r = 0;
  for (const Para& p : paras_) {
    if (p.block < 0) continue;
    while (r < ranges.size() && p.block >= ranges[r].second) ++r;
    if (r >= ranges.size()) break;
    if (p.block < ranges[r].first) continue;
    double ld = p.chars > 0 ? static_cast<double>(p.link_chars) / p.chars : 0;
    if (ld > kMaxLinkDensity) continue;
    if (p.tag == GUMBO_TAG_LI && ld > kMaxListLinkDensity) continue;
    // The headline is metadata (the title), not body text.
    if (p.tag == GUMBO_TAG_H1) continue;
    if (p.chars <= kLabelMaxChars && IsLabelLine(p.text)) continue;
    kept.push_back(&p);
  }
  // Drop trailing headings that introduce nothing, and short trailing lines
  // (share prompts, "comments closed", source credits).
  while (!kept.empty() && (IsHeading(kept.back()->tag) || kept.back()->chars < kShortTail)) {
    kept.pop_back();
  }
  size_t lead = 0;
  while (lead < kept.size() && !IsHeading(kept[lead]->tag) && kept[lead]->chars < kShortHead) {
    ++lead;
  }
  if (lead < kept.size()) kept.erase(kept.begin(), kept.begin() + static_cast<long>(lead));
  std::string out;
  for (const Para* p : kept) {
    if (!out.empty()) out.push_back('\n');
    out += p->text;
  }
  return out;
}

}  // namespace storyline::internal
