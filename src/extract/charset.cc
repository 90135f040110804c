// Copyright storyline authors.
#include "extract/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include "core/ascii.h"

namespace storyline::internal {
namespace {

// The label after "charset=" at `pos` in `s` (quotes and spaces stripped).
std::string LabelAt(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '"' || s[pos] == '\'')) ++pos;
  size_t end = pos;
  while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '-' ||
                            s[end] == '_' || s[end] == ':' || s[end] == '.')) {
    ++end;
  }
  return std::string(s.substr(pos, end - pos));
}

std::string BomCharset(std::string_view b) {
  if (b.size() >= 3 && b.compare(0, 3, "\xEF\xBB\xBF") == 0) return "utf-8";
  if (b.size() >= 2 && b.compare(0, 2, "\xFF\xFE") == 0) return "utf-16le";
  if (b.size() >= 2 && b.compare(0, 2, "\xFE\xFF") == 0) return "utf-16be";
  return "";
}

// <meta charset=...> or <meta http-equiv content="...; charset=..."> in the prefix.
std::string MetaCharset(std::string_view bytes) {
  std::string head = AsciiLowerCopy(bytes.substr(0, 8192));
  size_t p = 0;
  while ((p = head.find("<meta", p)) != std::string::npos) {
    size_t end = head.find('>', p);
    if (end == std::string::npos) end = head.size();
    std::string_view tag(head.data() + p, end - p);
    size_t c = tag.find("charset");
    if (c != std::string_view::npos) {
      size_t q = c + 7;
      while (q < tag.size() && tag[q] == ' ') ++q;
      if (q < tag.size() && tag[q] == '=') {
        std::string label = LabelAt(tag, q + 1);
        if (!label.empty()) return label;
      }
    }
    p = end;
  }
  return "";
}

// Web labels whose converter is not the one browsers use (WHATWG Encoding),
// sorted by label.
struct Alias {
  std::string_view label, icu;
  constexpr bool operator<(const Alias& o) const { return label < o.label; }
};
constexpr Alias kAliases[] = {{"ascii", "windows-1252"},
                              {"cp1252", "windows-1252"},
                              {"euc-kr", "windows-949"},
                              {"gb2312", "gb18030"},
                              {"gbk", "gb18030"},
                              {"iso-8859-1", "windows-1252"},
                              {"iso-8859-11", "windows-874"},
                              {"iso-8859-9", "windows-1254"},
                              {"iso8859-1", "windows-1252"},
                              {"iso_8859-1", "windows-1252"},
                              {"ks_c_5601-1987", "windows-949"},
                              {"latin-1", "windows-1252"},
                              {"latin1", "windows-1252"},
                              {"latin5", "windows-1254"},
                              {"ms_kanji", "windows-31j"},
                              {"shift-jis", "windows-31j"},
                              {"shift_jis", "windows-31j"},
                              {"sjis", "windows-31j"},
                              {"tis-620", "windows-874"},
                              {"unicode", "utf-16le"},
                              {"us-ascii", "windows-1252"},
                              {"utf-16", "utf-16le"},
                              {"utf8", "utf-8"},
                              {"windows-31j", "windows-31j"},
                              {"x-cp1252", "windows-1252"},
                              {"x-gbk", "gb18030"},
                              {"x-sjis", "windows-31j"}};
static_assert(std::is_sorted(std::begin(kAliases), std::end(kAliases)));

// Maps web labels to the converter browsers actually use (WHATWG Encoding);
// other labels are returned as they are.
std::string IcuName(std::string label) {
  const Alias key{label, {}};
  const Alias* it = std::lower_bound(std::begin(kAliases), std::end(kAliases), key);
  if (it != std::end(kAliases) && it->label == label) return std::string(it->icu);
  return label;
}

bool Convert(std::string_view bytes, const std::string& from, std::string* out) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(from.c_str(), &err);
  if (U_FAILURE(err) || conv == nullptr) return false;
  std::unique_ptr<UConverter, void (*)(UConverter*)> guard(conv, ucnv_close);
  UConverter* utf8 = ucnv_open("UTF-8", &err);
  if (U_FAILURE(err)) return false;
  std::unique_ptr<UConverter, void (*)(UConverter*)> guard8(utf8, ucnv_close);
  out->clear();
  out->resize(bytes.size() * 3 + 16);
  char* target = out->data();
  const char* source = bytes.data();
  UChar pivot[1024];
  UChar* ps = pivot;
  UChar* pt = pivot;
  ucnv_convertEx(utf8, conv, &target, out->data() + out->size(), &source,
                 bytes.data() + bytes.size(), pivot, &ps, &pt, pivot + 1024, true, true, &err);
  if (U_FAILURE(err)) return false;
  out->resize(static_cast<size_t>(target - out->data()));
  return true;
}

std::string Detect(std::string_view bytes) {
  UErrorCode err = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&err);
  if (U_FAILURE(err)) return "";
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> guard(det, ucsdet_close);
  // The detector looks at a bounded sample; markup is filtered out.
  std::string_view sample = bytes.substr(0, size_t{64} * 1024);
  ucsdet_setText(det, sample.data(), static_cast<int32_t>(sample.size()), &err);
  ucsdet_enableInputFilter(det, true);
  const UCharsetMatch* m = ucsdet_detect(det, &err);
  if (U_FAILURE(err) || m == nullptr) return "";
  const char* name = ucsdet_getName(m, &err);
  if (U_FAILURE(err) || name == nullptr) return "";
  return AsciiLowerCopy(name);
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Fast path over ASCII, 8 bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p >= end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

std::string DeclaredCharset(std::string_view bytes, std::string_view content_type) {
  std::string bom = BomCharset(bytes);
  if (!bom.empty()) return bom;
  std::string ct = AsciiLowerCopy(content_type);
  size_t c = ct.find("charset=");
  if (c != std::string::npos) {
    std::string label = LabelAt(ct, c + 8);
    if (!label.empty()) return label;
  }
  return MetaCharset(bytes);
}

std::string DecodeToUtf8(std::string_view bytes, std::string_view content_type,
                         std::string* charset) {
  std::string bom = BomCharset(bytes);
  std::string label = IcuName(DeclaredCharset(bytes, content_type));
  if (bom == "utf-8") bytes.remove_prefix(3);
  std::string out;
  auto done = [&](const std::string& used) {
    if (charset != nullptr) *charset = used;
    return out;
  };
  if (label.empty() || label == "utf-8") {
    if (IsValidUtf8(bytes)) {
      out.assign(bytes);
      return done("utf-8");
    }
  }
  if (!label.empty() && label != "utf-8" && Convert(bytes, label, &out)) return done(label);
  // Undeclared (or mis-declared) and not UTF-8: ask the detector.
  std::string detected = IcuName(Detect(bytes));
  if (detected == "iso-8859-1") detected = "windows-1252";
  if (!detected.empty() && detected != "utf-8" && Convert(bytes, detected, &out)) {
    return done(detected);
  }
  // Repair as UTF-8 (invalid sequences become U+FFFD).
  if (Convert(bytes, "utf-8", &out)) return done("utf-8");
  out.assign(bytes);
  return done("utf-8");
}

}  // namespace storyline::internal
