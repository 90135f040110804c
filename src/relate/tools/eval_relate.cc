// Copyright storyline authors.
//
// The evaluation behind scripts/eval-relate:
//  - SemEval-2022 Task 8 (train sample): Pearson correlation of StorySimilarity
//    with minus the human Overall label, overall and per language pair, next to a
//    TF-IDF cosine baseline; the accuracy of the same-story / related / unrelated
//    thresholds; with --fit, a least-squares fit of the combination weights and
//    its 5-fold cross-validated Pearson (how the shipped weights were chosen).
//  - MRPC (train): accuracy and F1 of the sentence-level "same content" decision
//    (SentenceSimilarity >= kSameContentThreshold) against TF-IDF cosine.
// Texts are read through ArticleReader (so SemEval's mojibake is repaired the
// same way as everywhere else): the pairs are first written to a temporary JSONL.
//   eval_relate [--data DIR] [--fit] [--dump LANG-LANG]   (--dump: per-pair parts)
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/guarded_main.h"
#include "core/json_writer.h"
#include "storyline/ingest.h"
#include "storyline/relate.h"

namespace sl = storyline;

namespace {

struct Pair {
  std::string id_a, id_b, text_a, text_b, lang_a, lang_b;
  double label = 0;
};

bool ReadPairs(const std::string& path, std::vector<Pair>* out) {
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) return false;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream docs;
  if (parser.iterate_many(json).get(docs)) return false;
  for (auto doc : docs) {
    Pair p;
    std::string_view v;
    simdjson::ondemand::object o;
    if (doc.get_object().get(o)) continue;
    for (auto field : o) {
      std::string_view key;
      if (field.unescaped_key().get(key)) continue;
      auto val = field.value();
      if (key == "label") {
        double d;
        if (!val.get_double().get(d)) {
          p.label = d;
        } else {
          int64_t i;
          if (!val.get_int64().get(i)) p.label = double(i);
        }
      } else if (val.get_string().get(v) == simdjson::SUCCESS) {
        if (key == "id_a") {
          p.id_a = v;
        } else if (key == "id_b") {
          p.id_b = v;
        } else if (key == "text_a") {
          p.text_a = v;
        } else if (key == "text_b") {
          p.text_b = v;
        } else if (key == "lang_a") {
          p.lang_a = v;
        } else if (key == "lang_b") {
          p.lang_b = v;
        }
      } else {
        int64_t i;
        if (!val.get_int64().get(i)) {
          if (key == "id_a") p.id_a = std::to_string(i);
          if (key == "id_b") p.id_b = std::to_string(i);
        }
      }
    }
    out->push_back(std::move(p));
  }
  return true;
}

// Both sides of every pair as articles, through ArticleReader (mojibake repair).
bool ToArticles(const std::vector<Pair>& pairs, std::vector<sl::Article>* a,
                std::vector<sl::Article>* b) {
  std::string tmp = (std::filesystem::temp_directory_path() /
                     ("eval_relate_" + std::to_string(::getpid()) + ".jsonl"))
                        .string();
  {
    std::ofstream out(tmp);
    for (size_t i = 0; i < pairs.size(); ++i) {
      for (int side = 0; side < 2; ++side) {
        sl::JsonWriter w;
        w.BeginObject();
        w.Key("id");
        w.String(std::to_string(i) + (side ? "b" : "a"));
        w.Key("text");
        w.String(side ? pairs[i].text_b : pairs[i].text_a);
        w.Key("lang");
        w.String(side ? pairs[i].lang_b : pairs[i].lang_a);
        w.EndObject();
        out << w.str() << "\n";
      }
    }
  }
  sl::IngestOptions opt;
  auto r = sl::ReadAllArticles({tmp}, opt);
  std::filesystem::remove(tmp);
  if (!r.ok()) {
    std::cerr << r.status().ToString() << "\n";
    return false;
  }
  a->assign(pairs.size(), {});
  b->assign(pairs.size(), {});
  for (auto& art : *r) {
    size_t i = std::stoul(art.id);
    (art.id.back() == 'b' ? (*b)[i] : (*a)[i]) = std::move(art);
  }
  return true;
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  size_t n = x.size();
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

// Least squares by normal equations (tiny systems), with a small ridge.
std::vector<double> Fit(const std::vector<std::vector<double>>& X, const std::vector<double>& y) {
  size_t k = X.empty() ? 0 : X[0].size();
  std::vector<std::vector<double>> A(k, std::vector<double>(k + 1, 0));
  for (size_t r = 0; r < X.size(); ++r) {
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = 0; j < k; ++j) A[i][j] += X[r][i] * X[r][j];
      A[i][k] += X[r][i] * y[r];
    }
  }
  for (size_t i = 1; i < k; ++i) A[i][i] += 1e-3 * X.size();
  for (size_t c = 0; c < k; ++c) {
    size_t piv = c;
    for (size_t r = c + 1; r < k; ++r) {
      if (std::fabs(A[r][c]) > std::fabs(A[piv][c])) piv = r;
    }
    std::swap(A[c], A[piv]);
    if (std::fabs(A[c][c]) < 1e-12) continue;
    for (size_t r = 0; r < k; ++r) {
      if (r == c) continue;
      double f = A[r][c] / A[c][c];
      for (size_t j = c; j <= k; ++j) A[r][j] -= f * A[c][j];
    }
  }
  std::vector<double> w(k);
  for (size_t i = 0; i < k; ++i) w[i] = std::fabs(A[i][i]) > 1e-12 ? A[i][k] / A[i][i] : 0;
  return w;
}

// The shipped formula's inputs (similarity.cc): within a language the head
// cosine, across languages the rarer-token overlap (within a language it adds
// nothing the cosine has not; across languages the heads share too few words).
// With a dictionary (German-English), across languages: the translated cosine
// instead of the cosine and the lead of untranslated stems (their weights went
// negative next to it: the same shared names counted twice).
std::vector<double> Features(const sl::SimilarityParts& p) {
  if (p.cross_lingual && p.has_dictionary) {
    return {1.0, std::sqrt(p.chars), p.numbers, p.rare, p.translated};
  }
  std::vector<double> v = {
      1.0, std::sqrt(p.cosine), std::sqrt(p.lead), std::sqrt(p.chars), p.numbers, p.quotes};
  if (p.cross_lingual) {
    v.push_back(p.rare);
  } else {
    v.push_back(std::sqrt(p.head));
  }
  return v;
}

// The SemEval pairs analysed and scored against the corpus they make up.
struct SemEval {
  std::vector<Pair> pairs;
  std::vector<sl::ArticleFeatures> FA, FB;
  sl::TermStats stats;
  std::vector<sl::SimilarityParts> parts;
  std::vector<double> score, base, gold;               // storyline, TF-IDF cosine, minus the label
  std::map<std::string, std::vector<size_t>> by_lang;  // pair indices per language pair
};

// Reads, analyses and scores the pairs; false (having said so) when there are none.
bool LoadSemEval(const std::string& path, SemEval* s) {
  std::vector<Pair>& pairs = s->pairs;
  if (!ReadPairs(path, &pairs) || pairs.empty()) {
    std::cout << "semeval: " << path << " is missing or empty: skipped\n";
    return false;
  }
  std::vector<sl::Article> A, B;
  if (!ToArticles(pairs, &A, &B)) return false;
  s->FA.resize(pairs.size());
  s->FB.resize(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    s->FA[i] = sl::AnalyzeArticle(A[i]);
    s->FB[i] = sl::AnalyzeArticle(B[i]);
  }
  // The corpus at hand: every distinct article once.
  std::unordered_map<std::string, bool> seen;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (!seen[pairs[i].id_a]) {
      seen[pairs[i].id_a] = true;
      s->stats.Add(s->FA[i]);
    }
    if (!seen[pairs[i].id_b]) {
      seen[pairs[i].id_b] = true;
      s->stats.Add(s->FB[i]);
    }
  }
  s->parts.resize(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    s->parts[i] = sl::StorySimilarityParts(s->FA[i], s->FB[i], s->stats);
    s->score.push_back(s->parts[i].score);
    s->base.push_back(sl::TfIdfCosine(s->FA[i], s->FB[i], s->stats));
    s->gold.push_back(-pairs[i].label);
    s->by_lang[pairs[i].lang_a + "-" + pairs[i].lang_b].push_back(i);
  }
  return true;
}

// --dump: every part of each pair of a language pair ("all": of every pair).
void PrintDump(const SemEval& s, const std::string& dump) {
  for (size_t i = 0; i < s.pairs.size(); ++i) {
    const Pair& pr = s.pairs[i];
    if (dump != "all" && pr.lang_a + "-" + pr.lang_b != dump) continue;
    const sl::SimilarityParts& p = s.parts[i];
    std::printf(
        "dump %zu %s-%s label %.1f score %.3f base %.3f cos %.3f lead %.3f head %.3f chars %.3f "
        "names %.3f num %.3f q %.3f rare %.3f tr %.3f words %u/%u\n",
        i, pr.lang_a.c_str(), pr.lang_b.c_str(), pr.label, p.score, s.base[i], p.cosine, p.lead,
        p.head, p.chars, p.names, p.numbers, p.quotes, p.rare, p.translated, s.FA[i].content_words,
        s.FB[i].content_words);
  }
}

std::vector<size_t> AllIndices(size_t n) {
  std::vector<size_t> all(n);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

// One row of the Pearson table: storyline and baseline on the pairs `idx`, with
// the difference and its 95% interval from a paired bootstrap (1,000 resamples
// of the pairs, fixed seed): how much of a difference the sample size can tell
// apart from chance.
void PrintPearsonRow(const SemEval& run, const std::string& name, const std::vector<size_t>& idx) {
  std::vector<double> s, b, g;
  for (size_t i : idx) {
    s.push_back(run.score[i]);
    b.push_back(run.base[i]);
    g.push_back(run.gold[i]);
  }
  double ps = Pearson(s, g), pb = Pearson(b, g);
  std::mt19937_64 rng(20221);
  std::uniform_int_distribution<size_t> pick(0, idx.size() - 1);
  std::vector<double> diffs;
  std::vector<double> rs, rb, rg;
  for (int k = 0; k < 1000; ++k) {
    rs.clear();
    rb.clear();
    rg.clear();
    for (size_t j = 0; j < idx.size(); ++j) {
      size_t r = pick(rng);
      rs.push_back(s[r]);
      rb.push_back(b[r]);
      rg.push_back(g[r]);
    }
    diffs.push_back(Pearson(rs, rg) - Pearson(rb, rg));
  }
  std::sort(diffs.begin(), diffs.end());
  std::printf("  %-8s %6zu %12.3f %12.3f %+8.3f   [%+.3f, %+.3f]\n", name.c_str(), idx.size(), ps,
              pb, ps - pb, diffs[25], diffs[974]);
}

// Each part's own Pearson per language pair (where the evidence is).
void PrintPartPearsons(const SemEval& s) {
  const char* names[] = {"cosine",  "lead",   "head", "chars", "names",
                         "numbers", "quotes", "rare", "transl"};
  auto part = [&](size_t i, int k) {
    const sl::SimilarityParts& p = s.parts[i];
    double v[] = {p.cosine,  p.lead,   p.head, p.chars,     p.names,
                  p.numbers, p.quotes, p.rare, p.translated};
    return v[k];
  };
  std::printf("  parts:   ");
  for (const char* n : names) std::printf(" %8s", n);
  std::printf("\n");
  auto row = [&](const std::string& lang, const std::vector<size_t>& idx) {
    std::printf("  %-8s ", lang.c_str());
    for (int k = 0; k < 9; ++k) {
      std::vector<double> x, g;
      for (size_t i : idx) {
        x.push_back(part(i, k));
        g.push_back(s.gold[i]);
      }
      std::printf(" %8.3f", Pearson(x, g));
    }
    std::printf("\n");
  };
  row("overall", AllIndices(s.pairs.size()));
  for (const auto& [lang, idx] : s.by_lang) row(lang, idx);
}

// Relation thresholds: same story (label <= 2), related (<= 3), unrelated.
int LabelClass(double label) { return label <= 2.0 ? 0 : (label <= 3.0 ? 1 : 2); }

// The 3-way accuracy of the shipped thresholds and the best pair of thresholds.
void PrintThresholdAccuracy(const SemEval& s) {
  auto pred = [](double x, double ts, double tr) { return x >= ts ? 0 : (x >= tr ? 1 : 2); };
  auto acc_at = [&](double ts, double tr) {
    size_t ok = 0;
    for (size_t i = 0; i < s.pairs.size(); ++i) {
      ok += LabelClass(s.pairs[i].label) == pred(s.score[i], ts, tr);
    }
    return double(ok) / s.pairs.size();
  };
  double best = 0, bts = 0, btr = 0;
  for (double ts = 0.2; ts <= 0.9; ts += 0.02) {
    for (double tr = 0.02; tr < ts; tr += 0.02) {
      if (acc_at(ts, tr) > best) {
        best = acc_at(ts, tr);
        bts = ts;
        btr = tr;
      }
    }
  }
  std::printf(
      "  3-way (same-story <=2 / related <=3 / unrelated): accuracy %.3f at the shipped "
      "thresholds; best %.3f at same-story >= %.2f, related >= %.2f\n",
      acc_at(sl::kSameStoryThreshold, sl::kRelatedThreshold), best, bts, btr);
}

// The labels Compare gives (derived relations count as same story).
void PrintCompareLabels(const SemEval& s) {
  size_t ok = 0;
  std::map<std::string, size_t> hist;
  sl::CompareOptions co;
  co.stats = &s.stats;
  for (size_t i = 0; i < s.pairs.size(); ++i) {
    sl::CompareResult r = sl::Compare(s.FA[i], s.FB[i], co);
    ++hist[RelationName(r.relation)];
    int c = sl::IsDerived(r.relation) || r.relation == sl::Relation::kSameStory
                ? 0
                : (r.relation == sl::Relation::kRelated ? 1 : 2);
    ok += c == LabelClass(s.pairs[i].label);
  }
  std::printf("  Compare's relation labels, 3-way accuracy %.3f (", double(ok) / s.pairs.size());
  for (const auto& [k, v] : hist) std::printf(" %s %zu", k.c_str(), v);
  std::printf(" )\n");
}

// Which model scores a pair: same language, cross-lingual, cross-lingual with a dictionary.
int ModelGroup(const sl::SimilarityParts& p) {
  return !p.cross_lingual ? 0 : (p.has_dictionary ? 2 : 1);
}

// Fits the weights of one model's pairs and prints them with their 5-fold
// cross-validated Pearson; writes each pair's out-of-fold score, finished the
// way StorySimilarityParts finishes its combination, to oof.
void FitGroup(const SemEval& s, int group, std::vector<double>* oof) {
  const char* kGroups[] = {"same language", "cross-lingual", "cross-lingual, dictionary"};
  std::vector<std::vector<double>> X;
  std::vector<double> y;
  std::vector<size_t> idx;
  for (size_t i = 0; i < s.pairs.size(); ++i) {
    if (ModelGroup(s.parts[i]) == group) {
      X.push_back(Features(s.parts[i]));
      y.push_back((4.0 - s.pairs[i].label) / 3.0);
      idx.push_back(i);
    }
  }
  std::vector<double> w = Fit(X, y);
  if (X.empty()) return;
  std::printf("  fit (%s, %zu pairs): w =", kGroups[group], X.size());
  for (double v : w) std::printf(" %.3f", v);
  std::vector<double> cvp(X.size());
  for (int fold = 0; fold < 5; ++fold) {
    std::vector<std::vector<double>> Xt;
    std::vector<double> yt;
    for (size_t r = 0; r < X.size(); ++r) {
      if (int(r % 5) != fold) {
        Xt.push_back(X[r]);
        yt.push_back(y[r]);
      }
    }
    std::vector<double> wf = Fit(Xt, yt);
    for (size_t r = 0; r < X.size(); ++r) {
      if (int(r % 5) == fold) {
        double sc = 0;
        for (size_t k = 0; k < wf.size(); ++k) sc += wf[k] * X[r][k];
        cvp[r] = sc;
        size_t i = idx[r];
        double evidence =
            std::min(1.0, std::min(s.FA[i].content_words, s.FB[i].content_words) / 12.0);
        (*oof)[i] = s.FA[i].tokens.empty() || s.FB[i].tokens.empty()
                        ? 0.0
                        : std::clamp(sc, 0.0, 1.0) * s.parts[i].time * evidence;
      }
    }
  }
  std::printf("; 5-fold CV Pearson %.3f\n", Pearson(cvp, y));
}

// --fit: each model's fitted weights and CV Pearson, then the out-of-fold
// scores of both pooled: the CV figure to compare with the in-sample Pearson.
void PrintFit(const SemEval& s) {
  std::vector<double> oof(s.pairs.size(), 0.0);
  for (int group = 0; group < 3; ++group) FitGroup(s, group, &oof);
  std::printf("  5-fold CV, both models, pooled: overall %.3f;", Pearson(oof, s.gold));
  for (const auto& [lang, idx] : s.by_lang) {
    std::vector<double> x, g;
    for (size_t i : idx) {
      x.push_back(oof[i]);
      g.push_back(s.gold[i]);
    }
    std::printf(" %s %.3f", lang.c_str(), Pearson(x, g));
  }
  std::printf("\n");
}

void EvalSemEval(const std::string& path, bool fit, const std::string& dump) {
  SemEval s;
  if (!LoadSemEval(path, &s)) return;
  if (!dump.empty()) PrintDump(s, dump);
  std::printf("semeval2022-task8 train: %zu pairs, %zu distinct articles\n", s.pairs.size(),
              (size_t)s.stats.added());
  std::printf("  %-8s %6s %12s %12s %8s %17s\n", "pair", "n", "storyline", "tfidf-cos", "diff",
              "95% CI (bootstrap)");
  PrintPearsonRow(s, "overall", AllIndices(s.pairs.size()));
  for (const auto& [lang, idx] : s.by_lang) PrintPearsonRow(s, lang, idx);
  PrintPartPearsons(s);
  PrintThresholdAccuracy(s);
  PrintCompareLabels(s);
  if (fit) PrintFit(s);
}

void EvalMrpc(const std::string& path) {
  std::vector<Pair> pairs;
  if (!ReadPairs(path, &pairs) || pairs.empty()) {
    std::cout << "mrpc: " << path << " is missing or empty: skipped\n";
    return;
  }
  sl::TermStats stats;
  std::vector<sl::ArticleFeatures> FA(pairs.size()), FB(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    sl::Article a, b;
    a.text = pairs[i].text_a;
    a.lang = "en";
    b.text = pairs[i].text_b;
    b.lang = "en";
    FA[i] = sl::AnalyzeArticle(a);
    FB[i] = sl::AnalyzeArticle(b);
    stats.Add(FA[i]);
    stats.Add(FB[i]);
  }
  std::vector<double> ours(pairs.size()), base(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    ours[i] = sl::SentenceSimilarity(pairs[i].text_a, pairs[i].text_b, stats, "en");
    base[i] = sl::TfIdfCosine(FA[i], FB[i], stats);
  }
  auto metrics = [&](const std::vector<double>& s, double t, double* acc, double* f1) {
    size_t tp = 0, fp = 0, fn = 0, ok = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      bool p = s[i] >= t, g = pairs[i].label >= 0.5;
      ok += p == g;
      tp += p && g;
      fp += p && !g;
      fn += !p && g;
    }
    *acc = double(ok) / pairs.size();
    *f1 = tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0;
  };
  auto best = [&](const std::vector<double>& s, double* bt, double* bacc, double* bf1) {
    *bacc = 0;
    for (double t = 0.05; t < 0.95; t += 0.01) {
      double a, f;
      metrics(s, t, &a, &f);
      if (a > *bacc) {
        *bacc = a;
        *bf1 = f;
        *bt = t;
      }
    }
  };
  double a, f, t, ba, bf, bt;
  metrics(ours, sl::kSameContentThreshold, &a, &f);
  std::printf("mrpc train: %zu sentence pairs (%.1f%% paraphrases)\n", pairs.size(),
              100.0 * std::count_if(pairs.begin(), pairs.end(), [](const Pair& p) {
                return p.label >= 0.5;
              }) / pairs.size());
  std::printf("  storyline same-content (score >= %.2f): accuracy %.3f, F1 %.3f\n",
              sl::kSameContentThreshold, a, f);
  best(ours, &t, &ba, &bf);
  std::printf("  storyline, best threshold %.2f:          accuracy %.3f, F1 %.3f\n", t, ba, bf);
  best(base, &bt, &ba, &bf);
  std::printf("  tf-idf cosine baseline, best threshold %.2f: accuracy %.3f, F1 %.3f\n", bt, ba,
              bf);
}

}  // namespace

namespace {

int Run(int argc, char** argv) {
  std::string data = std::string(STORYLINE_SOURCE_DIR) + "/../shared/data";
  bool fit = false;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (arg == "--fit") {
      fit = true;
    } else if (arg == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else {
      std::cerr << "usage: eval_relate [--data DIR] [--fit] [--dump LANG-LANG]\n";
      return 1;
    }
  }
  if (!std::filesystem::exists(data)) {
    std::cout << "eval-relate: " << data << " is absent: skipped\n";
    return 0;
  }
  EvalSemEval(data + "/semeval2022-task8/train.jsonl", fit, dump);
  EvalMrpc(data + "/mrpc/train.jsonl");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return storyline::GuardedMain("eval_relate", Run, argc, argv); }
