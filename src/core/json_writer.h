// Copyright storyline authors.
//
// JsonWriter: appends compact JSON to a string. simdjson only parses, so output is
// written here; it is a few dozen lines of escaping, not a JSON library.
// Not thread-safe; one writer per output line is the usual use.
#ifndef STORYLINE_CORE_JSON_WRITER_H_
#define STORYLINE_CORE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace storyline {

// Appends `s` as a JSON string literal (quotes included): '"', '\\' and the bytes
// below 0x20 escaped (\n \r \t \b \f by name, the others as \u00xx with lowercase
// hex), every other byte as it is. Invalid UTF-8 is not checked here: callers
// pass text the ingest stage has already repaired.
void AppendJsonString(std::string* out, std::string_view s);

// A small streaming builder: Key()/value calls must alternate inside objects.
//   JsonWriter w; w.BeginObject(); w.Key("id"); w.String("a"); w.EndObject();
class JsonWriter {
 public:
  void BeginObject() {
    Sep();
    out_ += '{';
    first_ = true;
  }
  void EndObject() {
    out_ += '}';
    first_ = false;
  }
  void BeginArray() {
    Sep();
    out_ += '[';
    first_ = true;
  }
  void EndArray() {
    out_ += ']';
    first_ = false;
  }
  void Key(std::string_view k) {
    Sep();
    AppendJsonString(&out_, k);
    out_ += ':';
    first_ = true;
  }
  void String(std::string_view s) {
    Sep();
    AppendJsonString(&out_, s);
  }
  void Int(int64_t v) {
    Sep();
    out_ += std::to_string(v);
  }
  void Double(double v);
  void Bool(bool v) {
    Sep();
    out_ += v ? "true" : "false";
  }
  void Null() {
    Sep();
    out_ += "null";
  }
  // A string, or null when empty.
  void StringOrNull(std::string_view s) {
    if (s.empty()) {
      Null();
    } else {
      String(s);
    }
  }
  // Inserts already-serialised JSON as one value.
  void Raw(std::string_view json) {
    Sep();
    out_ += json;
  }

  const std::string& str() const { return out_; }
  std::string Take() {
    first_ = true;
    return std::move(out_);
  }
  void Clear() {
    out_.clear();
    first_ = true;
  }

 private:
  void Sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace storyline

#endif  // STORYLINE_CORE_JSON_WRITER_H_
