// Copyright storyline authors.
//
// Language detection with CLD2.
// clang-format off
#include <cstdio>  // first: compact_lang_det.h uses FILE without including it
// clang-format on

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <string>

#include "storyline/text.h"

namespace storyline {

std::string DetectLanguage(std::string_view text) {
  // CLD2 needs no more than a few kilobytes to decide; cap the work on long texts
  // (cut at a character boundary).
  constexpr size_t kMaxBytes = size_t{16} * 1024;
  size_t len = text.size();
  if (len > kMaxBytes) {
    len = kMaxBytes;
    while (len > 0 && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80) --len;
  }
  CLD2::Language lang3[3];
  int percent3[3];
  double score3[3];
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), static_cast<int>(len), /*is_plain_text=*/true, &hints, /*flags=*/0, lang3,
      percent3, score3, /*resultchunkvector=*/nullptr, &text_bytes, &reliable, &valid_prefix);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return "";
  std::string code = CLD2::LanguageCode(lang);
  // CLD2 writes "zh-Hant" and a few pre-1989 codes; answer plain ISO 639-1.
  size_t dash = code.find('-');
  if (dash != std::string::npos) code.resize(dash);
  if (code == "iw") return "he";
  if (code == "jw") return "jv";
  if (code == "in") return "id";
  if (code.size() != 2 || code == "xx") return "";  // CLD2 extended codes
  if (code == "un") return "";
  return code;
}

}  // namespace storyline
