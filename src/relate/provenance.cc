// Copyright storyline authors.
//
// The marks an article carries about where it comes from: a wire dateline
// ("SEOUL (Reuters) -"), a wire credit ("(Reporting by ...; Editing by ...)"), a
// byline, and attributions to another outlet ("according to Reuters", "as
// reported by"). Only the first and last few KB are read: that is where they are.
#include <algorithm>
#include <cctype>
#include <string>

#include "storyline/relate.h"

namespace storyline {
namespace {

constexpr const char* kAgencies[] = {"Reuters",
                                     "AP",
                                     "AFP",
                                     "Bloomberg",
                                     "dpa",
                                     "DPA",
                                     "Xinhua",
                                     "UPI",
                                     "PTI",
                                     "ANI",
                                     "IANS",
                                     "EFE",
                                     "ANSA",
                                     "Yonhap",
                                     "Kyodo",
                                     "TASS",
                                     "Interfax",
                                     "RIA",
                                     "Anadolu",
                                     "AA",
                                     "APA",
                                     "Associated Press",
                                     "Agence France-Presse",
                                     "KNA",
                                     "epd",
                                     "Europa Press",
                                     "PAP",
                                     "CTK",
                                     "BNS",
                                     "Bernama",
                                     "Antara",
                                     "CNA",
                                     "WAM",
                                     "SPA",
                                     "IRNA",
                                     "KUNA",
                                     "MENA"};

std::string_view Head(std::string_view t, size_t n) { return t.substr(0, std::min(n, t.size())); }
std::string_view Tail(std::string_view t, size_t n) {
  return t.size() <= n ? t : t.substr(t.size() - n);
}

// "SEOUL (Reuters) -", "WASHINGTON, Sept 25 (AP) —", "PARIS (AFP) -": an upper-case
// place at the start of a line, then the agency in parentheses, then a dash.
bool FindDateline(std::string_view head, std::string* agency) {
  for (const char* ag : kAgencies) {
    std::string pat = std::string("(") + ag + ")";
    size_t pos = 0;
    while ((pos = head.find(pat, pos)) != std::string_view::npos) {
      size_t line_start = head.rfind('\n', pos);
      line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
      std::string_view before = head.substr(line_start, pos - line_start);
      std::string_view after = head.substr(pos + pat.size(), 8);
      bool dash = after.find('-') != std::string_view::npos ||
                  after.find("\xE2\x80\x94") != std::string_view::npos ||
                  after.find("\xE2\x80\x93") != std::string_view::npos;
      // the place: at least two upper-case letters before the parenthesis
      int upper = 0, lower = 0;
      for (char c : before.substr(0, std::min<size_t>(before.size(), 20))) {
        if (std::isupper(static_cast<unsigned char>(c))) ++upper;
        if (std::islower(static_cast<unsigned char>(c))) ++lower;
      }
      if (dash && before.size() <= 60 && upper >= 2 && upper > lower) {
        *agency = ag;
        return true;
      }
      // "(AP) —" opening a paragraph without a place still credits the wire
      if (dash && before.find_first_not_of(" \t") == std::string_view::npos) {
        *agency = ag;
        return true;
      }
      pos += pat.size();
    }
  }
  return false;
}

// Wire credits ("Reporting by", "Editing by") in the head or the tail; without a
// dateline agency, a "(Reuters)" or "/AFP" sign-off in the tail names the agency.
void FindCredit(std::string_view head, std::string_view tail, ProvenanceHint* h) {
  static constexpr const char* kCredits[] = {"Reporting by", "Writing by",
                                             "Editing by",   "Additional reporting by",
                                             "Compiled by",  "Reporting and writing by"};
  for (const char* c : kCredits) {
    if (tail.find(c) != std::string_view::npos || head.find(c) != std::string_view::npos) {
      h->credit = true;
    }
  }
  if (!h->agency.empty()) return;
  for (const char* ag : kAgencies) {
    std::string a1 = std::string("(") + ag + ")";
    std::string a2 = std::string("/") + ag;
    if (tail.find(a1) != std::string_view::npos || tail.find(a2) != std::string_view::npos) {
      h->agency = ag;
      h->credit = true;
      return;
    }
  }
}

// Byline: "By Jane Doe" on a line of its own among the first 8 lines; empty
// when none.
std::string FindByline(std::string_view head) {
  size_t pos = 0;
  int lines = 0;
  while (pos < head.size() && lines < 8) {
    size_t e = head.find('\n', pos);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(pos, e - pos);
    if (line.size() > 4 && line.size() < 80 &&
        (line.substr(0, 3) == "By " || line.substr(0, 3) == "BY ")) {
      return std::string(line.substr(3));
    }
    pos = e + 1;
    ++lines;
  }
  return "";
}

// Attribution to another outlet: the marks of a derived article.
bool HasAttribution(std::string_view text) {
  static constexpr const char* kAttrib[] = {
      "according to Reuters", "according to AP",      "according to AFP", "as reported by",
      "first reported by",    "originally published", "told Reuters",     "Reuters reported",
      "AFP reported",         "AP reported",          "via Reuters",      "Source:",
      "report by Reuters",    "(Read Also",           "Read More:",       "Read also"};
  if (text.size() >= (1u << 22)) return false;
  for (const char* a : kAttrib) {
    if (text.find(a) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

ProvenanceHint ExtractProvenance(std::string_view text, std::string_view author) {
  ProvenanceHint h;
  std::string_view head = Head(text, 3000);
  std::string_view tail = Tail(text, 1500);
  h.dateline = FindDateline(head, &h.agency);
  FindCredit(head, tail, &h);
  h.byline = FindByline(head);
  if (h.byline.empty()) h.byline = std::string(author);
  h.attribution = HasAttribution(text);

  double o = 0.5;
  if (h.dateline) o += 0.25;
  if (h.credit) o += 0.15;
  if (!h.byline.empty()) o += 0.05;
  if (h.attribution && !h.dateline) o -= 0.15;
  h.originality = std::clamp(o, 0.0, 1.0);
  return h;
}

}  // namespace storyline
