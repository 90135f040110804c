// Copyright storyline authors.
#include "extract/jsonld.h"

#include <unicode/utf8.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "extract/metadata.h"

namespace storyline::internal {
namespace {

void AppendUtf8(std::string* out, uint32_t cp) {
  // ICU's encoder; cp is a scalar value the caller decoded (surrogate pairs joined).
  char buf[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(buf, n, cp);
  out->append(buf, static_cast<size_t>(n));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The code point of a numeric reference ("#8211", "#x00E4"); false when it is
// malformed or not a Unicode scalar value.
bool NumericReference(std::string_view ref, uint32_t* out) {
  const bool hex = ref[1] == 'x' || ref[1] == 'X';
  bool ok = ref.size() > (hex ? 2u : 1u);
  uint32_t cp = 0;
  for (char c : ref.substr(hex ? 2 : 1)) {
    int v = IsDigit(c)                                        ? c - '0'
            : (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10
                                                              : -1;
    if (v < 0 || cp > 0x10FFFF) {
      ok = false;
      break;
    }
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
  }
  *out = cp;
  return ok && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

// The code point of a reference between '&' and ';' ("amp", "#8211"); false
// when it names none.
bool DecodeReference(std::string_view ref, uint32_t* cp) {
  if (ref.size() >= 2 && ref[0] == '#') return NumericReference(ref, cp);
  static constexpr std::pair<std::string_view, uint32_t> kNamed[] = {
      {"amp", '&'},   {"quot", '"'},     {"apos", '\''},    {"lt", '<'},       {"gt", '>'},
      {"nbsp", 0xA0}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}};
  for (const auto& [name, value] : kNamed) {
    if (ref == name) {
      *cp = value;
      return true;
    }
  }
  return false;
}

std::string JsonString(simdjson::dom::element e) {
  std::string_view sv;
  if (e.get_string().get(sv) == simdjson::SUCCESS) return CollapseWhitespace(DecodeEntities(sv));
  return "";
}

// The name(s) in an author value: a string, {"name":...}, or an array of either.
std::string AuthorNames(simdjson::dom::element e) {
  std::string out;
  auto add = [&](const std::string& name) {
    if (name.empty() || name.find("http") == 0) return;
    if (out.find(name) != std::string::npos) return;
    if (!out.empty()) out += "; ";
    out += name;
  };
  auto one = [&](simdjson::dom::element x) {
    if (x.is_string()) {
      add(JsonString(x));
    } else if (x.is_object()) {
      simdjson::dom::element n;
      if (x["name"].get(n) == simdjson::SUCCESS) {
        if (n.is_string()) add(JsonString(n));
      }
    }
  };
  if (e.is_array()) {
    for (simdjson::dom::element x : e.get_array()) one(x);
  } else {
    one(e);
  }
  return out;
}

bool IsArticleType(simdjson::dom::element obj) {
  simdjson::dom::element t;
  if (obj["@type"].get(t) != simdjson::SUCCESS) return false;
  auto check = [](std::string_view s) {
    return s.find("Article") != std::string_view::npos || s == "BlogPosting" || s == "Report" ||
           s == "LiveBlogPosting" || s == "Review" || s == "WebPage" || s == "ItemPage" ||
           s == "Posting" || s == "SocialMediaPosting";
  };
  std::string_view sv;
  if (t.get_string().get(sv) == simdjson::SUCCESS) return check(sv);
  if (t.is_array()) {
    for (simdjson::dom::element x : t.get_array()) {
      if (x.get_string().get(sv) == simdjson::SUCCESS && check(sv)) return true;
    }
  }
  return false;
}

// The title, author and dates of an article object. A WebPage/ItemPage (`page`)
// only fills what is still empty; an article replaces it.
void ReadArticleFacts(simdjson::dom::object obj, bool page, JsonLdMeta* m) {
  simdjson::dom::element v;
  if (m->title.empty() || !page) {
    if (obj["headline"].get(v) == simdjson::SUCCESS) {
      std::string t = JsonString(v);
      if (!t.empty() && (m->title.empty() || !page)) m->title = t;
    } else if (m->title.empty() && obj["name"].get(v) == simdjson::SUCCESS && !page) {
      m->title = JsonString(v);
    }
  }
  if (obj["author"].get(v) == simdjson::SUCCESS) {
    std::string a = AuthorNames(v);
    if (!a.empty() && (m->author.empty() || !page)) m->author = a;
  }
  if (obj["datePublished"].get(v) == simdjson::SUCCESS) {
    std::string d = JsonString(v);
    if (!d.empty() && (m->published.empty() || !page)) m->published = d;
  } else if (obj["dateCreated"].get(v) == simdjson::SUCCESS && m->published.empty()) {
    m->published = JsonString(v);
  }
}

// The body, modification date, language and publisher of an article object:
// the first one stated wins.
void ReadArticleExtras(simdjson::dom::object obj, JsonLdMeta* m) {
  simdjson::dom::element v;
  if (obj["articleBody"].get(v) == simdjson::SUCCESS && m->body.empty()) {
    std::string_view b;
    if (v.get_string().get(b) == simdjson::SUCCESS) m->body = std::string(b);
  }
  if (obj["dateModified"].get(v) == simdjson::SUCCESS && m->modified.empty()) {
    m->modified = JsonString(v);
  }
  if (obj["inLanguage"].get(v) == simdjson::SUCCESS && m->lang.empty()) {
    m->lang = JsonString(v);
  }
  if (obj["publisher"].get(v) == simdjson::SUCCESS && m->site.empty()) {
    simdjson::dom::element n;
    if (v.is_object() && v["name"].get(n) == simdjson::SUCCESS) m->site = JsonString(n);
  }
}

// One object of the walk: an article (or page) or an organisation/site.
void ReadObject(simdjson::dom::element e, JsonLdMeta* m) {
  simdjson::dom::object obj = e.get_object();
  const bool article = IsArticleType(e);
  std::string_view type;
  if (obj["@type"].get_string().get(type) != simdjson::SUCCESS) type = {};
  if (article) {
    const bool page = type == "WebPage" || type == "ItemPage";
    if (!page || !m->found_article) {
      if (!page) m->found_article = true;
      ReadArticleFacts(obj, page, m);
      ReadArticleExtras(obj, m);
    }
  } else if ((type == "Organization" || type == "NewsMediaOrganization" || type == "WebSite") &&
             m->site.empty()) {
    simdjson::dom::element v;
    if (obj["name"].get(v) == simdjson::SUCCESS) m->site = JsonString(v);
  }
}

}  // namespace

std::string DecodeEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const size_t semi = s.find(';', i + 1);
    uint32_t cp = 0;
    if (semi == std::string_view::npos || semi - i > 10 ||
        !DecodeReference(s.substr(i + 1, semi - i - 1), &cp)) {
      out.push_back('&');
      continue;
    }
    AppendUtf8(&out, cp);
    i = semi;
  }
  return out;
}

void ReadJsonLd(std::string_view json, simdjson::dom::parser* parser, JsonLdMeta* m) {
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser->parse(padded).get(root) != simdjson::SUCCESS) return;
  // Iterative walk over objects and arrays.
  std::vector<simdjson::dom::element> stack{root};
  size_t visited = 0;
  while (!stack.empty() && ++visited < 10000) {
    simdjson::dom::element e = stack.back();
    stack.pop_back();
    if (e.is_array()) {
      auto arr = e.get_array();
      std::vector<simdjson::dom::element> items(arr.begin(), arr.end());
      for (auto it = items.rbegin(); it != items.rend(); ++it) stack.push_back(*it);
      continue;
    }
    if (!e.is_object()) continue;
    ReadObject(e, m);
    for (auto field : e.get_object()) {
      if (field.value.is_object() || field.value.is_array()) {
        if (field.key == "author" || field.key == "publisher") continue;
        stack.push_back(field.value);
      }
    }
  }
}

}  // namespace storyline::internal
