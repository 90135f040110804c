// dedup_eval: quality figures for storyline dedup (scripts/eval-dedup runs it).
//
//   dedup_eval pairs DATA.jsonl [EXACT_GROUPS.jsonl] [--threshold T] [--jaccard-only]
//     Reference: every pair at or above the threshold, found by brute force with an
//     inverted index (shingle -> articles) over the same shingle sets. Prints pair
//     recall and precision of the dedup clusters and of the LSH candidates, and
//     whether every exact-duplicate group ended in one cluster.
//   dedup_eval planted DATA.jsonl... [--originals N]
//     Copies of real articles with planted edits (1% and 3% of words replaced,
//     truncation to 70-90%, boilerplate lines added); prints, by kind, the share of
//     copies that joined their original's cluster.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "storyline/dedup.h"
#include "storyline/ingest.h"
#include "storyline/lsh.h"
#include "storyline/minhash.h"
#include "storyline/text.h"

using namespace storyline;

namespace {

std::vector<Article> Load(const std::vector<std::string>& paths) {
  IngestOptions io;
  Result<std::vector<Article>> r = ReadAllArticles(paths, io);
  if (!r.ok()) {
    std::fprintf(stderr, "dedup_eval: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

// The shingle set dedup compares: boilerplate lines out, tokenised, 5-word shingles.
std::vector<uint64_t> ShingleSetOf(const Article& a, const BoilerplateFilter& f, int k) {
  CleanedText c = f.Clean(a);
  Words w;
  Tokenize(c.removed.empty() ? std::string_view(a.text) : std::string_view(c.text), &w);
  std::vector<std::string_view> v;
  for (size_t i = 0; i < w.size(); ++i) v.push_back(w.word(i));
  std::vector<uint64_t> s;
  HashShingles(v, k, &s);
  SortUnique(&s);
  return s;
}

int Pairs(const std::vector<std::string>& args) {
  std::string data, groups;
  DedupOptions opt;
  opt.keep = KeepPolicy::kFirst;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--threshold")
      opt.threshold = std::atof(args[++i].c_str());
    else if (args[i] == "--jaccard-only")
      opt.use_containment = false;
    else if (args[i] == "--lsh")
      opt.lsh_similarity = std::atof(args[++i].c_str());
    else if (data.empty())
      data = args[i];
    else
      groups = args[i];
  }
  std::vector<Article> a = Load({data});
  const size_t n = a.size();
  BoilerplateFilter filter;
  std::vector<std::vector<uint64_t>> sets(n);
  for (size_t i = 0; i < n; ++i) sets[i] = ShingleSetOf(a[i], filter, opt.shingle_size);

  // Reference, by brute force over an inverted index.
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  for (size_t i = 0; i < n; ++i)
    for (uint64_t s : sets[i]) postings[s].push_back(static_cast<uint32_t>(i));
  std::set<std::pair<uint32_t, uint32_t>> ref;
  std::vector<uint32_t> count(n, 0), touched;
  for (size_t i = 0; i < n; ++i) {
    touched.clear();
    for (uint64_t s : sets[i])
      for (uint32_t j : postings[s])
        if (j > i && count[j]++ == 0) touched.push_back(j);
    for (uint32_t j : touched) {
      if (DedupSimilarity(count[j], sets[i].size(), sets[j].size(), opt) >= opt.threshold)
        ref.insert({static_cast<uint32_t>(i), j});
      count[j] = 0;
    }
  }

  Result<DedupResult> r = DedupArticles(a, opt);
  if (!r.ok()) {
    std::fprintf(stderr, "dedup_eval: %s\n", r.status().ToString().c_str());
    return 1;
  }
  std::vector<uint64_t> cluster(n);
  std::map<uint64_t, std::vector<uint32_t>> members;
  for (size_t i = 0; i < n; ++i) {
    cluster[i] = r->records[i].cluster;
    members[cluster[i]].push_back(static_cast<uint32_t>(i));
  }
  // Pairs the clusters imply, and how many of them the reference holds.
  size_t sys_pairs = 0, sys_true = 0;
  for (auto& [c, m] : members)
    for (size_t x = 0; x < m.size(); ++x)
      for (size_t y = x + 1; y < m.size(); ++y) {
        ++sys_pairs;
        sys_true += ref.count({m[x], m[y]});
      }
  size_t ref_same = 0, ref_cand = 0;
  MinHasher hasher(opt.num_hashes);
  const LshParams p = r->stats.lsh;
  std::vector<std::vector<uint32_t>> keys(n, std::vector<uint32_t>(p.bands));
  for (size_t i = 0; i < n; ++i) BandKeys(hasher.Sign(sets[i]), p, keys[i].data());
  for (auto [i, j] : ref) {
    ref_same += cluster[i] == cluster[j];
    bool share = false;
    for (int b = 0; b < p.bands && !share; ++b) share = keys[i][b] == keys[j][b];
    ref_cand += share;
  }
  std::printf("%s (%zu articles), threshold %.2f, %s\n", data.c_str(), n, opt.threshold,
              opt.use_containment ? "similarity = max(jaccard, containment)" : "jaccard only");
  std::printf("  LSH %d bands x %d rows; candidates verified %llu\n", p.bands, p.rows,
              static_cast<unsigned long long>(r->stats.candidates));
  std::printf("  exact duplicates %llu, near duplicates %llu, kept %llu\n",
              static_cast<unsigned long long>(r->stats.exact_duplicates),
              static_cast<unsigned long long>(r->stats.near_duplicates),
              static_cast<unsigned long long>(r->stats.kept));
  std::printf("  reference pairs at or above threshold: %zu\n", ref.size());
  std::printf("  LSH candidate recall of reference pairs: %.4f (%zu/%zu)\n",
              ref.empty() ? 1.0 : double(ref_cand) / ref.size(), ref_cand, ref.size());
  std::printf("  pair recall (reference pairs in one cluster): %.4f (%zu/%zu)\n",
              ref.empty() ? 1.0 : double(ref_same) / ref.size(), ref_same, ref.size());
  std::printf("  pair precision (same-cluster pairs in the reference): %.4f (%zu/%zu)\n",
              sys_pairs ? double(sys_true) / sys_pairs : 1.0, sys_true, sys_pairs);
  size_t member_ok = 0, member_n = 0;
  for (size_t i = 0; i < n; ++i) {
    if (r->records[i].kept()) continue;
    ++member_n;
    uint32_t k = static_cast<uint32_t>(r->records[i].of_seq);
    member_ok +=
        ref.count({std::min<uint32_t>(i, k), std::max<uint32_t>(i, k)}) || sets[i] == sets[k];
  }
  std::printf("  member-to-kept precision: %.4f (%zu/%zu)\n",
              member_n ? double(member_ok) / member_n : 1.0, member_ok, member_n);
  if (!groups.empty()) {
    std::unordered_map<std::string, uint32_t> by_id;
    for (size_t i = 0; i < n; ++i) by_id[a[i].id] = static_cast<uint32_t>(i);
    std::ifstream in(groups);
    std::string line;
    size_t total = 0, found = 0, missing_ids = 0;
    while (std::getline(in, line)) {
      std::vector<std::string> ids;
      for (size_t q = line.find('"'); q != std::string::npos; q = line.find('"', q + 1)) {
        size_t e = line.find('"', q + 1);
        ids.push_back(line.substr(q + 1, e - q - 1));
        q = e;
      }
      if (ids.empty()) continue;
      ++total;
      bool ok = true;
      std::set<uint64_t> cs;
      for (auto& id : ids) {
        auto it = by_id.find(id);
        if (it == by_id.end()) {
          ++missing_ids;
          ok = false;
          continue;
        }
        cs.insert(cluster[it->second]);
      }
      found += ok && cs.size() == 1;
    }
    std::printf("  exact-duplicate groups in one cluster: %zu/%zu%s\n", found, total,
                missing_ids ? " (some ids not read: rejected records)" : "");
  }
  return 0;
}

std::vector<std::string> Pieces(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    cur += c;
    if (c == ' ' || c == '\n') {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

const char* kBoiler[] = {
    "Subscribe to our newsletter for the latest news.",
    "Share this article on Facebook and Twitter",
    "Read More: https://example.com/world/latest",
    "(Read Also: Markets rally as investors weigh new data)",
    "Leave a Reply",
    "Photo credit: Reuters",
};

int Planted(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  size_t originals = 3000;
  double threshold = DedupOptions().threshold;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--originals")
      originals = std::atoi(args[++i].c_str());
    else if (args[i] == "--threshold")
      threshold = std::atof(args[++i].c_str());
    else
      paths.push_back(args[i]);
  }
  std::vector<Article> all = Load(paths);
  std::mt19937_64 rng(2024);
  std::shuffle(all.begin(), all.end(), rng);
  std::vector<Article> a;
  for (const Article& x : all) {
    if (a.size() >= originals) break;
    if (Pieces(x.text).size() >= 40) a.push_back(x);  // enough words to edit
  }
  const size_t n0 = a.size();
  const char* kinds[] = {"edit-1%", "edit-3%", "truncate-70-90%", "boilerplate-added"};
  std::vector<std::pair<size_t, int>> copies;  // (original, kind)
  for (size_t i = 0; i < n0; ++i) {
    for (int k = 0; k < 4; ++k) {
      Article c = a[i];
      c.id += std::string("#") + kinds[k];
      auto p = Pieces(c.text);
      std::string t;
      if (k <= 1) {
        const double rate = k == 0 ? 0.01 : 0.03;
        size_t edits = std::max<size_t>(1, static_cast<size_t>(p.size() * rate + 0.5));
        for (size_t e = 0; e < edits; ++e)
          p[rng() % p.size()] = "qz" + std::to_string(rng() % 999999) + " ";
        for (auto& s : p) t += s;
      } else if (k == 2) {
        const double keep = 0.7 + 0.2 * std::uniform_real_distribution<double>(0, 1)(rng);
        for (size_t j = 0; j < p.size() * keep; ++j) t += p[j];
      } else {
        t = std::string(kBoiler[rng() % 6]) + "\n" + c.text + "\n" + kBoiler[rng() % 6] + "\n" +
            kBoiler[rng() % 6] + "\n";
      }
      c.text = t;
      copies.push_back({a.size(), k});
      a.push_back(c);
      copies.back().first = i;
    }
  }
  // A feed carries the original first and the copies later: copies are dated an
  // hour after their original and come after the originals, shuffled.
  for (size_t c = 0; c < copies.size(); ++c) {
    Article& x = a[n0 + c];
    if (x.published_ts != kNoTime) {
      x.published_ts += 3600;
      x.published = FormatTimestamp(x.published_ts);
    }
  }
  std::vector<size_t> perm(a.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  std::shuffle(perm.begin() + n0, perm.end(), rng);
  std::vector<Article> shuffled;
  std::vector<size_t> pos(a.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    pos[perm[i]] = i;
    shuffled.push_back(a[perm[i]]);
  }
  DedupOptions opt;
  opt.threshold = threshold;
  Result<DedupResult> r = DedupArticles(shuffled, opt);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  size_t ok[4] = {}, tot[4] = {}, below[4] = {};
  BoilerplateFilter filter;
  for (size_t c = 0; c < copies.size(); ++c) {
    const size_t copy_idx = n0 + c, orig = copies[c].first;
    const int k = copies[c].second;
    ++tot[k];
    const bool joined = r->records[pos[copy_idx]].cluster == r->records[pos[orig]].cluster;
    ok[k] += joined;
    if (!joined) {
      auto x = ShingleSetOf(a[copy_idx], filter, opt.shingle_size);
      auto y = ShingleSetOf(a[orig], filter, opt.shingle_size);
      SetOverlap o = CompareSets(x, y);
      below[k] += DedupSimilarity(o.intersection, o.size_a, o.size_b, opt) < opt.threshold;
    }
  }
  std::printf("planted copies of %zu real articles (%zu articles in all), threshold %.2f:\n", n0,
              a.size(), opt.threshold);
  size_t all_ok = 0, all_n = 0;
  for (int k = 0; k < 4; ++k) {
    std::printf(
        "  %-18s joined the original's cluster: %.4f (%zu/%zu); of the others, "
        "%zu are below the threshold\n",
        kinds[k], double(ok[k]) / tot[k], ok[k], tot[k], below[k]);
    all_ok += ok[k];
    all_n += tot[k];
  }
  std::printf("  %-18s %.4f (%zu/%zu)\n", "all copies", double(all_ok) / all_n, all_ok, all_n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: dedup_eval pairs DATA.jsonl [GROUPS.jsonl] [--threshold T] [--jaccard-only]\n"
        "       dedup_eval planted DATA.jsonl... [--originals N]\n");
    return 1;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  if (std::strcmp(argv[1], "pairs") == 0) return Pairs(args);
  if (std::strcmp(argv[1], "planted") == 0) return Planted(args);
  std::fprintf(stderr, "dedup_eval: unknown mode %s\n", argv[1]);
  return 1;
}
