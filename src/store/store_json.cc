// Copyright storyline authors.
//
// The store's JSON: the `stories --json` and `show --json` objects (INTERFACE.md),
// the article object of the API, and the string arrays kept in stories.sources and
// stories.summary.
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "store/store_impl.h"
#include "storyline/store.h"

namespace storyline {
namespace {

// Appends code point cp as UTF-8.
void AppendUtf8(std::string* out, unsigned cp) {
  std::string& cur = *out;
  if (cp < 0x80) {
    cur += static_cast<char>(cp);
  } else if (cp < 0x800) {
    cur += static_cast<char>(0xC0 | (cp >> 6));
    cur += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    cur += static_cast<char>(0xE0 | (cp >> 12));
    cur += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    cur += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    cur += static_cast<char>(0xF0 | (cp >> 18));
    cur += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    cur += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    cur += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void TimeOrNull(JsonWriter* w, Timestamp t) {
  if (t == kNoTime) {
    w->Null();
  } else {
    w->String(FormatTimestamp(t));
  }
}

void WriteHeaderFields(JsonWriter* w, const StoryHeader& h, bool detail) {
  w->Key("story");
  w->Int(h.story);
  w->Key("title");
  w->String(h.title);
  w->Key("topic");
  if (h.topic >= 0) {
    w->Int(h.topic);
  } else {
    w->Null();
  }
  w->Key("topic_label");
  w->String(h.topic_label);
  w->Key("original");
  w->StringOrNull(h.original);
  w->Key("first_seen");
  TimeOrNull(w, h.first_seen);
  w->Key("last_seen");
  TimeOrNull(w, h.last_seen);
  w->Key("sources");
  w->BeginArray();
  for (const auto& s : h.sources) w->String(s);
  w->EndArray();
  w->Key("members");
  w->BeginArray();
  for (const StoryMember& m : h.members) {
    w->BeginObject();
    w->Key("id");
    w->String(m.id);
    w->Key("relation");
    w->String(RelationName(m.relation));
    w->Key("of");
    w->StringOrNull(m.of);
    w->Key("score");
    w->Double(m.score);
    w->Key("title");
    w->String(m.title);
    w->Key("source");
    w->StringOrNull(m.source);
    w->Key("outlet_evidence");
    w->StringOrNull(m.outlet_evidence);
    w->Key("credit");
    w->StringOrNull(m.credit);
    w->Key("published");
    TimeOrNull(w, m.published);
    if (detail) {
      w->Key("url");
      w->StringOrNull(m.url);
      w->Key("date_evidence");
      w->StringOrNull(m.date_evidence);
    }
    w->EndObject();
  }
  w->EndArray();
}

void WriteRelations(JsonWriter* w, const std::vector<StoryRelation>& relations) {
  w->Key("relations");
  w->BeginArray();
  for (const auto& r : relations) {
    w->BeginObject();
    w->Key("a");
    w->String(r.a);
    w->Key("b");
    w->String(r.b);
    w->Key("relation");
    w->String(RelationName(r.relation));
    w->Key("score");
    w->Double(r.score);
    w->Key("scores");
    w->Raw(r.scores_json.empty() ? "{}" : r.scores_json);
    w->EndObject();
  }
  w->EndArray();
}

void WritePassages(JsonWriter* w, const std::vector<StoryPassage>& passages) {
  w->Key("shared_passages");
  w->BeginArray();
  for (const auto& p : passages) {
    w->BeginObject();
    w->Key("a");
    w->String(p.a);
    w->Key("b");
    w->String(p.b);
    w->Key("a_start");
    w->Int(p.a_start);
    w->Key("a_end");
    w->Int(p.a_end);
    w->Key("b_start");
    w->Int(p.b_start);
    w->Key("b_end");
    w->Int(p.b_end);
    w->Key("text");
    w->String(p.text);
    w->EndObject();
  }
  w->EndArray();
}

void WriteQuotes(JsonWriter* w, const std::vector<StoryQuote>& quotes) {
  w->Key("quotes");
  w->BeginArray();
  for (const auto& q : quotes) {
    w->BeginObject();
    w->Key("id");
    w->String(q.article_id);
    w->Key("text");
    w->String(q.text);
    w->Key("speaker");
    w->StringOrNull(q.speaker);
    w->Key("start");
    w->Int(q.start);
    w->Key("end");
    w->Int(q.end);
    w->Key("shared_by");
    w->Int(q.shared_by);
    w->EndObject();
  }
  w->EndArray();
}

// "key_names" (each with its kind) and "key_terms".
void WriteKeyTerms(JsonWriter* w, const StoryDetail& d) {
  w->Key("key_names");
  w->BeginArray();
  for (const auto& t : d.key_names) {
    w->BeginObject();
    w->Key("name");
    w->String(t.term);
    w->Key("kind");
    w->String(t.kind);
    w->Key("weight");
    w->Double(t.weight);
    w->EndObject();
  }
  w->EndArray();
  w->Key("key_terms");
  w->BeginArray();
  for (const auto& t : d.key_terms) {
    w->BeginObject();
    w->Key("term");
    w->String(t.term);
    w->Key("weight");
    w->Double(t.weight);
    w->EndObject();
  }
  w->EndArray();
}

void WriteTimeline(JsonWriter* w, const std::vector<TimelinePoint>& timeline) {
  w->Key("timeline");
  w->BeginArray();
  for (const auto& p : timeline) {
    w->BeginObject();
    w->Key("date");
    TimeOrNull(w, p.time);
    w->Key("kind");
    w->String(p.kind);
    if (p.kind == "member") {
      w->Key("id");
      w->String(p.article_id);
      w->Key("relation");
      w->String(RelationName(p.relation));
    } else {
      w->Key("story");
      w->Int(p.story);
    }
    w->Key("label");
    w->String(p.label);
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

std::vector<std::string> ParseStringArray(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '"') {
      ++i;
      continue;
    }
    std::string cur;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        char c = s[++i];
        switch (c) {
          case 'n':
            cur += '\n';
            break;
          case 't':
            cur += '\t';
            break;
          case 'r':
            cur += '\r';
            break;
          case 'b':
            cur += '\b';
            break;
          case 'f':
            cur += '\f';
            break;
          case 'u': {
            if (i + 4 < s.size()) {
              unsigned cp = std::stoul(std::string(s.substr(i + 1, 4)), nullptr, 16);
              i += 4;
              if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() && s[i + 1] == '\\' &&
                  s[i + 2] == 'u') {
                unsigned lo = std::stoul(std::string(s.substr(i + 3, 4)), nullptr, 16);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
              }
              AppendUtf8(&cur, cp);
            }
            break;
          }
          default:
            cur += c;
        }
        ++i;
      } else {
        cur += s[i++];
      }
    }
    ++i;
    out.push_back(std::move(cur));
  }
  return out;
}

std::string StringArrayJson(const std::vector<std::string>& v) {
  JsonWriter w;
  w.BeginArray();
  for (const auto& s : v) w.String(s);
  w.EndArray();
  return w.Take();
}

std::string StoryHeaderJson(const StoryHeader& h) {
  JsonWriter w;
  w.BeginObject();
  WriteHeaderFields(&w, h, false);
  w.EndObject();
  return w.Take();
}

std::string StoryDetailJson(const StoryDetail& d) {
  JsonWriter w;
  w.BeginObject();
  WriteHeaderFields(&w, d.header, true);
  WriteRelations(&w, d.relations);
  WritePassages(&w, d.passages);
  WriteQuotes(&w, d.quotes);
  WriteKeyTerms(&w, d);
  w.Key("summary");
  w.BeginArray();
  for (const auto& s : d.summary) w.String(s);
  w.EndArray();
  WriteTimeline(&w, d.timeline);
  w.Key("merged_from");
  w.BeginArray();
  for (int64_t m : d.merged_from) w.Int(m);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string StoredArticleJson(const StoredArticle& a) {
  JsonWriter w;
  const Article& ar = a.article;
  w.BeginObject();
  w.Key("id");
  w.String(ar.id);
  w.Key("seq");
  w.Int(a.seq);
  w.Key("title");
  w.String(ar.title);
  w.Key("url");
  w.StringOrNull(ar.url);
  w.Key("source");
  w.StringOrNull(ar.source);
  w.Key("outlet_evidence");
  w.StringOrNull(a.outlet_evidence);
  w.Key("credit");
  w.StringOrNull(a.credit);
  w.Key("published");
  w.StringOrNull(ar.published);
  w.Key("lang");
  w.StringOrNull(ar.lang);
  w.Key("author");
  w.StringOrNull(ar.author);
  w.Key("story");
  if (a.story >= 0) {
    w.Int(a.story);
  } else {
    w.Null();
  }
  w.Key("topic");
  if (a.topic >= 0) {
    w.Int(a.topic);
  } else {
    w.Null();
  }
  w.Key("relation");
  w.StringOrNull(a.relation ? RelationName(*a.relation) : "");
  w.Key("of");
  w.StringOrNull(a.of);
  w.Key("text");
  w.String(ar.text);
  w.Key("cleaned_text");
  w.String(a.cleaned_text);
  w.Key("set_aside");
  w.BeginArray();
  for (const auto& l : a.set_aside) {
    w.BeginObject();
    w.Key("line");
    w.Int(l.line);
    w.Key("begin");
    w.Int(l.begin);
    w.Key("end");
    w.Int(l.end);
    w.Key("text");
    w.String(l.text);
    w.Key("reason");
    w.String(l.reason);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace storyline
