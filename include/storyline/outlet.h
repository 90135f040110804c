// Copyright storyline authors.
//
// The outlet that published an article and the wire agency it credits.
//
//   storyline::CleanedText cleaned = filter.Clean(article);
//   storyline::Outlet o = storyline::RecoverOutlet(article, cleaned);
//   // o.source "The NRI Nation", o.evidence "boilerplate", o.credit "Reuters"
#ifndef STORYLINE_OUTLET_H_
#define STORYLINE_OUTLET_H_

#include <string>
#include <string_view>

#include "storyline/article.h"
#include "storyline/text.h"

namespace storyline {

struct Outlet {
  std::string source;  // the outlet's name (or domain); empty when unknown
  // How `source` was found: "input" (the record's own field), "page metadata"
  // (og:site_name or JSON-LD publisher, which the .html and .warc readers put in
  // Article::source), "url" (the domain of Article::url) or "boilerplate" (a line
  // the boilerplate filter set aside names the site); empty when unknown.
  std::string evidence;
  // The wire agency the text credits in its dateline or credit line ("Reuters" for
  // "SEOUL (Reuters) - ..."); empty when none. An agency merely quoted in the
  // body ("according to Reuters", "KCNA said") is no credit.
  std::string credit;
};

// The outlet of `article`, in order of trust: its own `source` (an explicit
// source always stays the outlet), the domain of its URL, then the lines `cleaned`
// set aside (what BoilerplateFilter::Clean gave for this article): a site name at
// the end, "Subscribe to X", "(c) 2023 X", "contribute to X", a linked domain spelled
// as a name in the text ("Youth Diplomacy Forum" for youthdiplomacyforum.com), the
// site's own URL line as a domain. Never from a list of outlet names. The credit
// comes from a closed list of wire agencies (Reuters, AP, AFP, dpa, Xinhua, Yonhap,
// Kyodo, PTI, ANI, EFE, ANSA, UPI, Bloomberg). Thread-safe.
Outlet RecoverOutlet(const Article& article, const CleanedText& cleaned);

// RecoverOutlet with the lines a BoilerplateFilter that has learnt nothing sets
// aside (what `compare` shows for two files). Thread-safe.
Outlet OutletOf(const Article& article);

// The outlet of a page extracted from HTML (storyline/extract.h's ExtractedPage
// fields): `site` as "page metadata" when the page names one, else as OutletOf
// an article of that title, text and URL. Thread-safe.
Outlet PageOutlet(std::string_view title, std::string_view text, std::string_view url,
                  std::string_view site);

// The registrable-looking name of a URL's host: "https://www.mynrination.com/x"
// gives "mynrination.com", "http://news.bbc.co.uk/1" gives "bbc.co.uk". Without a
// public-suffix list: the last two labels, or three when the last is a two-letter
// country code after a short generic label (co, com, org, net, gov, ac, edu, ne,
// or). "" when `url` is not scheme://host with a dotted, non-numeric host.
std::string UrlOutlet(std::string_view url);

// The wire agency `text` credits (see Outlet::credit), or "".
std::string WireCredit(std::string_view text);

// {"source","outlet_evidence","credit"} (null for empty strings).
std::string OutletJson(const Outlet& outlet);

// `compare_json` (a JSON object, as CompareResultToJson writes it) with
// "outlets":{"a":OutletJson(OutletOf(a)),"b":...} added at its end; what
// `storyline compare --json` and the Python module's compare give.
std::string WithOutlets(std::string compare_json, const Article& a, const Article& b);

}  // namespace storyline

#endif  // STORYLINE_OUTLET_H_
