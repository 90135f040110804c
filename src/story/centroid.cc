// Copyright storyline authors.
//
// The sparse sums a story keeps and its name tokens (engine_impl.h).
#include <cctype>

#include "core/ascii.h"
#include "story/engine_impl.h"

namespace storyline::engine_internal {

// Lower-cased word keys of a name ("Tony Thompson" -> {tony, thompson}).
std::vector<uint64_t> NameTokens(std::string_view name) {
  std::vector<uint64_t> out;
  char buf[64];  // a word lower-cased in place; longer words go through a string
  std::string long_word;
  size_t n = 0;
  auto flush = [&] {
    if (n > sizeof buf) {
      out.push_back(TermHash(long_word));
    } else if (n >= 2) {
      out.push_back(TermHash(std::string_view(buf, n)));
    }
    n = 0;
  };
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == ' ' || u == '-' || u == '.' || u == '\'' || u == '\n') {
      flush();
      continue;
    }
    char l = AsciiLower(c);
    if (n < sizeof buf) {
      buf[n] = l;
    } else {
      if (n == sizeof buf) long_word.assign(buf, n);
      long_word += l;
    }
    ++n;
  }
  flush();
  return out;
}

// m[k] += w for every (k, w) of v: present keys in place, new keys merged in from
// the back (no allocation beyond the vector's growth).
void AddInto(CentroidMap* m, const SparseVec& v) {
  if (v.empty()) return;
  SparseVec& c = *m;
  if (!StrictlySorted(v)) {  // not expected: the vectors are made sorted and unique
    for (const auto& [k, w] : v) {
      auto it = std::lower_bound(c.begin(), c.end(), k,
                                 [](const auto& e, uint64_t key) { return e.first < key; });
      if (it != c.end() && it->first == k) {
        it->second += w;
      } else {
        c.insert(it, {k, 0.0f + w});
      }
    }
    return;
  }
  size_t fresh = 0;
  size_t i = 0;
  for (const auto& [k, w] : v) {
    while (i < c.size() && c[i].first < k) ++i;
    if (i < c.size() && c[i].first == k) {
      c[i].second += w;
    } else {
      ++fresh;
    }
  }
  if (fresh == 0) return;
  size_t a = c.size(), b = v.size();
  c.resize(a + fresh);
  size_t out = c.size();
  while (b > 0) {
    const auto& e = v[b - 1];
    if (a > 0 && c[a - 1].first > e.first) {
      c[--out] = c[--a];
    } else if (a > 0 && c[a - 1].first == e.first) {
      c[--out] = c[--a];  // added above
      --b;
    } else {
      c[--out] = {e.first, 0.0f + e.second};
      --b;
    }
  }
}

// ++c[k] for every k of `keys` (sorted, unique): merged in from the back.
void CountTokens(TokenCounts* c, const std::vector<uint64_t>& keys) {
  size_t fresh = 0, i = 0;
  for (uint64_t k : keys) {
    while (i < c->size() && (*c)[i].first < k) ++i;
    if (i < c->size() && (*c)[i].first == k) {
      ++(*c)[i].second;
    } else {
      ++fresh;
    }
  }
  if (fresh == 0) return;
  size_t a = c->size(), b = keys.size();
  c->resize(a + fresh);
  size_t out = c->size();
  while (b > 0) {
    uint64_t k = keys[b - 1];
    if (a > 0 && (*c)[a - 1].first > k) {
      (*c)[--out] = (*c)[--a];
    } else if (a > 0 && (*c)[a - 1].first == k) {
      (*c)[--out] = (*c)[--a];
      --b;
    } else {
      (*c)[--out] = {k, 1};
      --b;
    }
  }
}

}  // namespace storyline::engine_internal
