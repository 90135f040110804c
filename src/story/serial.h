// Copyright storyline authors.
//
// Byte writer/reader for the story engine's snapshot: fixed-width little-endian
// integers and floats, strings as a 64-bit length then bytes. The reader never
// reads past the end: every call returns false instead.
#ifndef STORYLINE_STORY_SERIAL_H_
#define STORYLINE_STORY_SERIAL_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "storyline/relate.h"

namespace storyline::story_internal {

class ByteWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void I64(int64_t v) { U64(static_cast<uint64_t>(v)); }
  void F64(double v) {
    uint64_t u;
    std::memcpy(&u, &v, 8);
    U64(u);
  }
  void F32(float v) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  void Str(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool U8(uint8_t* v) {
    if (pos_ + 1 > in_.size()) return false;
    *v = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }
  bool U64(uint64_t* v) {
    if (pos_ + 8 > in_.size()) return false;
    uint64_t x = 0;
    for (int i = 0; i < 8; ++i) {
      x |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += 8;
    *v = x;
    return true;
  }
  bool I64(int64_t* v) {
    uint64_t u;
    if (!U64(&u)) return false;
    *v = static_cast<int64_t>(u);
    return true;
  }
  bool F64(double* v) {
    uint64_t u;
    if (!U64(&u)) return false;
    std::memcpy(v, &u, 8);
    return true;
  }
  bool F32(float* v) {
    if (pos_ + 4 > in_.size()) return false;
    uint32_t x = 0;
    for (int i = 0; i < 4; ++i) {
      x |= static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += 4;
    std::memcpy(v, &x, 4);
    return true;
  }
  bool Str(std::string* s) {
    uint64_t n;
    if (!U64(&n) || n > in_.size() - pos_) return false;
    s->assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

  // Reads the fields in order, each by its type (int64_t: I64, uint64_t: U64,
  // double: F64, float: F32, uint8_t: U8, std::string: Str, Relation: Str of its
  // RelationName); false at the first that fails, the rest left unread.
  template <typename... T>
  bool Read(T*... v) {
    return (ReadOne(v) && ...);
  }

 private:
  bool ReadOne(uint8_t* v) { return U8(v); }
  bool ReadOne(uint64_t* v) { return U64(v); }
  bool ReadOne(int64_t* v) { return I64(v); }
  bool ReadOne(double* v) { return F64(v); }
  bool ReadOne(float* v) { return F32(v); }
  bool ReadOne(std::string* v) { return Str(v); }
  bool ReadOne(Relation* v) {
    std::string name;
    if (!Str(&name)) return false;
    std::optional<Relation> r = ParseRelation(name);
    if (r) *v = *r;
    return r.has_value();
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace storyline::story_internal

#endif  // STORYLINE_STORY_SERIAL_H_
