// Copyright storyline authors.
#include "ingest/json_record.h"

#include <cinttypes>
#include <cstdio>

#include "core/ascii.h"
#include "core/hash.h"
#include "ingest/line_reader.h"
#include "ingest/utf8_repair.h"

namespace storyline::ingest {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void AppendCollapsed(std::string_view s, std::string* out) {
  bool pending_space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out->empty() && out->back() != '\n') out->push_back(' ');
    pending_space = false;
    out->push_back(c);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "\uXXXX" escape starting at s[i] (the backslash), or -1.
int EscapedUnit(std::string_view s, size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    int h = HexValue(s[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Replaces "\uD8xx" escapes that are not half of a surrogate pair with
// "\uFFFD" (simdjson, rightly, refuses them). Returns false when there are none.
bool FixLoneSurrogates(std::string_view in, std::string* out) {
  out->clear();
  bool changed = false;
  size_t copied = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') continue;
    int u = EscapedUnit(in, i);
    if (u < 0) {
      ++i;  // skip the escaped character (it may be a backslash)
      continue;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      int low = EscapedUnit(in, i + 6);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        i += 11;
        continue;
      }
    } else if (!(u >= 0xDC00 && u <= 0xDFFF)) {
      i += 5;
      continue;
    }
    out->append(in.substr(copied, i - copied));
    out->append("\\ufffd");
    copied = i + 6;
    i += 5;
    changed = true;
  }
  if (changed) out->append(in.substr(copied));
  return changed;
}

// Copies `line` to *out with every integer literal too wide for 64 bits (20 digits
// or more, outside strings) written as a string of its digits, so that such an
// id keeps its literal text. False when there is none.
bool QuoteWideIntegers(std::string_view line, std::string* out) {
  out->clear();
  bool in_string = false, changed = false;
  for (size_t i = 0; i < line.size();) {
    const char c = line[i];
    if (in_string) {
      out->push_back(c);
      if (c == '\\' && i + 1 < line.size()) {
        out->push_back(line[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      ++i;
      continue;
    }
    if (c == '"') in_string = true;
    const bool starts_number =
        (c == '-' && i + 1 < line.size() && IsAsciiDigit(line[i + 1])) || IsAsciiDigit(c);
    if (!starts_number) {
      out->push_back(c);
      ++i;
      continue;
    }
    size_t end = i + (c == '-' ? 1 : 0);
    while (end < line.size() && IsAsciiDigit(line[end])) ++end;
    const bool integer =
        end == line.size() || (line[end] != '.' && line[end] != 'e' && line[end] != 'E');
    const size_t digits = end - i - (c == '-' ? 1 : 0);
    if (integer && digits >= 20) {
      out->push_back('"');
      out->append(line.substr(i, end - i));
      out->push_back('"');
      changed = true;
    } else {
      out->append(line.substr(i, end - i));
    }
    i = end;
  }
  return changed;
}

enum class FieldKind { kString, kNull, kNumber, kOther };

// The value of a scalar field as text: strings as they are, numbers in JSON form.
FieldKind ScalarText(simdjson::dom::element v, std::string_view* sv, std::string* num) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING:
      *sv = v.get_string().value_unsafe();
      return FieldKind::kString;
    case simdjson::dom::element_type::NULL_VALUE:
      return FieldKind::kNull;
    case simdjson::dom::element_type::INT64:
      *num = std::to_string(v.get_int64().value_unsafe());
      *sv = *num;
      return FieldKind::kNumber;
    case simdjson::dom::element_type::UINT64:
      *num = std::to_string(v.get_uint64().value_unsafe());
      *sv = *num;
      return FieldKind::kNumber;
    case simdjson::dom::element_type::DOUBLE:
      *num = simdjson::minify(v);
      *sv = *num;
      return FieldKind::kNumber;
    default:
      return FieldKind::kOther;
  }
}

// The fields of a record that make an Article, as read from its document.
// The views point into the document or into the *_num strings here, so a
// RecordFields is read in place and never copied.
struct RecordFields {
  std::string_view id, title, text, url, source, published, date, lang, author;
  std::string id_num, pub_num, date_num, tmp;
  bool has_text = false, text_not_string = false, has_published = false, has_date = false;
  FieldKind pub_kind = FieldKind::kNull, date_kind = FieldKind::kNull;
  RecordFields() = default;
  RecordFields(const RecordFields&) = delete;
  RecordFields& operator=(const RecordFields&) = delete;
};

// Sets *out to the field's value when it is a string.
void ReadStringField(simdjson::dom::element v, std::string* tmp, std::string_view* out) {
  std::string_view sv;
  if (ScalarText(v, &sv, tmp) == FieldKind::kString) *out = sv;
}

// A field that gives a date, as a string or a number: its kind, and its text
// when it is one of those.
void ReadDateField(simdjson::dom::element v, std::string* num, FieldKind* kind,
                   std::string_view* out, bool* has) {
  std::string_view sv;
  *kind = ScalarText(v, &sv, num);
  if (*kind == FieldKind::kString || *kind == FieldKind::kNumber) {
    *out = sv;
    *has = true;
  }
}

void ReadTextField(simdjson::dom::element v, RecordFields* f) {
  std::string_view sv;
  FieldKind k = ScalarText(v, &sv, &f->tmp);
  if (k == FieldKind::kString) {
    f->text = sv;
    f->has_text = true;
  } else if (k != FieldKind::kNull) {
    f->text_not_string = true;
  }
}

// Reads the field `key` into *f when the options map it to an Article field.
// `date_fallback`: "date" stands for the published field.
void ReadField(std::string_view key, simdjson::dom::element v, const IngestOptions& o,
               bool date_fallback, RecordFields* f) {
  if (key == o.text_field) {
    ReadTextField(v, f);
  } else if (key == o.id_field) {
    std::string_view sv;
    if (ScalarText(v, &sv, &f->id_num) != FieldKind::kOther) f->id = sv;
  } else if (key == o.title_field) {
    ReadStringField(v, &f->tmp, &f->title);
  } else if (key == o.url_field) {
    ReadStringField(v, &f->tmp, &f->url);
  } else if (key == o.source_field) {
    ReadStringField(v, &f->tmp, &f->source);
  } else if (key == o.published_field) {
    ReadDateField(v, &f->pub_num, &f->pub_kind, &f->published, &f->has_published);
  } else if (date_fallback && key == "date") {
    ReadDateField(v, &f->date_num, &f->date_kind, &f->date, &f->has_date);
  } else if (key == o.lang_field) {
    ReadStringField(v, &f->tmp, &f->lang);
  } else if (key == "author") {
    ReadStringField(v, &f->tmp, &f->author);
  }
}

// Why a record with these fields is rejected, or "" when it is not.
std::string Rejection(const RecordFields& f, const IngestOptions& o) {
  if (f.text_not_string) return "field '" + o.text_field + "' is not a string";
  if (!f.has_text) return "missing text (no field '" + o.text_field + "')";
  if (IsBlank(f.text)) return "empty text";
  return "";
}

// Sets out->published and out->published_ts from the field's text and kind;
// r->unparsed_date when a string is not understood.
void SetPublished(std::string_view published, FieldKind kind, Article* out, RecordOutcome* r) {
  out->published_ts = kNoTime;
  if (published.empty()) {
    out->published.clear();
  } else if (kind == FieldKind::kNumber) {
    // Seconds since the epoch; milliseconds when implausibly large for seconds.
    double v = std::strtod(std::string(published).c_str(), nullptr);
    if (v > 1e11) v /= 1000;
    out->published_ts = static_cast<Timestamp>(v);
    out->published = FormatTimestamp(out->published_ts);
  } else {
    out->published.assign(published);
    std::optional<Timestamp> ts = ParseDateTime(published);
    if (ts) {
      out->published_ts = *ts;
    } else {
      r->unparsed_date = true;
    }
  }
}

// Fills the content fields of *out from an accepted record's fields.
void FillArticle(const RecordFields& f, const IngestOptions& options, Article* out,
                 RecordOutcome* r) {
  out->title.assign(f.title);
  out->text.assign(f.text);
  if (options.repair_mojibake) {
    bool a = RepairMojibake(&out->title);
    bool b = RepairMojibake(&out->text);
    r->mojibake_repaired = a || b;
  }
  if (!f.id.empty()) {
    out->id.assign(f.id);
  } else {
    out->id = ContentId(out->title, out->text);
  }
  out->url.assign(f.url);
  out->source.assign(f.source);
  out->lang.assign(f.lang);
  out->author.assign(f.author);
  SetPublished(f.published, f.pub_kind, out, r);
}

}  // namespace

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

std::string ContentId(std::string_view title, std::string_view text) {
  std::string norm;
  norm.reserve(title.size() + text.size() + 1);
  AppendCollapsed(title, &norm);
  norm.push_back('\n');
  AppendCollapsed(text, &norm);
  char buf[20];
  std::snprintf(buf, sizeof buf, "h%016" PRIx64, Hash64(norm, kContentSeed));
  return buf;
}

JsonRecordParser::JsonRecordParser(const IngestOptions& options)
    : options_(options), date_fallback_(options.published_field != "date") {}

RecordOutcome JsonRecordParser::Parse(std::string_view line, Article* out) {
  Failure failure = Failure::kNone;
  RecordOutcome r = ParseDocument(line.data(), line.size(), out, &failure);
  if (failure == Failure::kInvalidUtf8) {
    // Repair the bytes (JSON syntax is ASCII, so it survives) and parse again.
    Utf8Verdict v = RepairUtf8(line, &scratch_);
    if (v == Utf8Verdict::kUnrepairable) {
      r.reason = "invalid UTF-8 that cannot be repaired (mostly not text)";
      return r;
    }
    std::string fixed;
    if (FixLoneSurrogates(scratch_, &fixed)) scratch_.swap(fixed);
    scratch_.reserve(scratch_.size() + kLinePadding);
    r = ParseDocument(scratch_.data(), scratch_.size(), out, &failure);
    r.utf8_repaired = r.accepted;
    return r;
  }
  // An integer wider than 64 bits stops simdjson: it is read as its literal text.
  if (failure == Failure::kSyntax && QuoteWideIntegers(line, &scratch_)) {
    scratch_.reserve(scratch_.size() + kLinePadding);
    RecordOutcome again = ParseDocument(scratch_.data(), scratch_.size(), out, &failure);
    if (again.accepted) return again;
  }
  // A lone surrogate escape ("\ud83d" cut from its pair) stops simdjson.
  if (failure == Failure::kSyntax && FixLoneSurrogates(line, &scratch_)) {
    scratch_.reserve(scratch_.size() + kLinePadding);
    RecordOutcome again = ParseDocument(scratch_.data(), scratch_.size(), out, &failure);
    if (again.accepted) {
      again.utf8_repaired = true;
      return again;
    }
  }
  return r;
}

RecordOutcome JsonRecordParser::ParseDocument(const char* data, size_t len, Article* out,
                                              Failure* failure) {
  RecordOutcome r;
  *failure = Failure::kContent;
  simdjson::dom::element doc;
  simdjson::error_code err = parser_.parse(data, len, /*realloc_if_needed=*/false).get(doc);
  if (err == simdjson::UTF8_ERROR) {
    *failure = Failure::kInvalidUtf8;
    r.reason = "invalid UTF-8";
    return r;
  }
  if (err) {
    *failure = Failure::kSyntax;
    r.reason = std::string("unparsable JSON: ") + simdjson::error_message(err);
    return r;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    r.reason = "not a JSON object";
    return r;
  }
  RecordFields f;
  for (auto field : obj) ReadField(field.key, field.value, options_, date_fallback_, &f);
  r.reason = Rejection(f, options_);
  if (!r.reason.empty()) return r;
  if (!f.has_published && f.has_date) {
    f.published = f.date;
    f.pub_kind = f.date_kind;
  }
  FillArticle(f, options_, out, &r);
  r.accepted = true;
  *failure = Failure::kNone;
  return r;
}

}  // namespace storyline::ingest
