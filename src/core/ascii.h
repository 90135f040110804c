// Copyright storyline authors.
//
// ASCII case mapping, independent of the C locale: only 'A'-'Z' change; every
// other byte, including every byte >= 0x80, is returned as it is. (The same
// result as std::tolower in the "C" locale, which storyline never leaves.)
#ifndef STORYLINE_SRC_CORE_ASCII_H_
#define STORYLINE_SRC_CORE_ASCII_H_

#include <string>
#include <string_view>

namespace storyline {

// '0'-'9' only, whatever the locale.
constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// 'A'-'Z' -> 'a'-'z'; any other byte unchanged.
constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}

// Lower-cases 'A'-'Z' in place; other bytes unchanged.
inline void AsciiLowerInPlace(std::string& s) {
  for (char& c : s) c = AsciiLower(c);
}

// A copy of `s` with 'A'-'Z' lower-cased; other bytes unchanged.
inline std::string AsciiLowerCopy(std::string_view s) {
  std::string out(s);
  AsciiLowerInPlace(out);
  return out;
}

}  // namespace storyline

#endif  // STORYLINE_SRC_CORE_ASCII_H_
