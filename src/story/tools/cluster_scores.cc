// Copyright storyline authors.
#include "story/tools/cluster_scores.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "storyline/relate.h"

namespace storyline::eval {

ClusterScores ScoreClusters(const std::vector<std::string>& gold,
                            const std::vector<int64_t>& pred) {
  ClusterScores s;
  const size_t n = std::min(gold.size(), pred.size());
  if (n == 0) return s;
  std::map<std::string, double> g;
  std::map<int64_t, double> p;
  std::map<std::pair<std::string, int64_t>, double> both;
  for (size_t i = 0; i < n; ++i) {
    g[gold[i]] += 1;
    p[pred[i]] += 1;
    both[{gold[i], pred[i]}] += 1;
  }
  s.clusters = p.size();
  double bp = 0, br = 0;
  for (size_t i = 0; i < n; ++i) {
    const double c = both[{gold[i], pred[i]}];
    bp += c / p[pred[i]];
    br += c / g[gold[i]];
  }
  s.bp = bp / static_cast<double>(n);
  s.br = br / static_cast<double>(n);
  s.bf = 2 * s.bp * s.br / (s.bp + s.br);
  double tp = 0, pp = 0, gp = 0;
  for (const auto& [k, c] : both) tp += c * (c - 1) / 2;
  for (const auto& [k, c] : p) pp += c * (c - 1) / 2;
  for (const auto& [k, c] : g) gp += c * (c - 1) / 2;
  s.pp = pp > 0 ? tp / pp : 1;
  s.pr = gp > 0 ? tp / gp : 1;
  s.pf = s.pp + s.pr > 0 ? 2 * s.pp * s.pr / (s.pp + s.pr) : 0;
  return s;
}

PairScores ScoreLabelledPairs(const std::vector<LabelledPair>& pairs,
                              const std::vector<int64_t>& pred) {
  PairScores s;
  for (const LabelledPair& x : pairs) {
    if (x.a >= pred.size() || x.b >= pred.size()) continue;
    const bool together = pred[x.a] == pred[x.b];
    s.together += together ? 1 : 0;
    s.same += x.same ? 1 : 0;
    s.both += together && x.same ? 1 : 0;
  }
  s.p = s.together > 0 ? static_cast<double>(s.both) / static_cast<double>(s.together) : 1;
  s.r = s.same > 0 ? static_cast<double>(s.both) / static_cast<double>(s.same) : 1;
  s.f = s.p + s.r > 0 ? 2 * s.p * s.r / (s.p + s.r) : 0;
  return s;
}

std::vector<std::vector<double>> TfIdfMatrix(const std::vector<Article>& docs) {
  std::vector<ArticleFeatures> f;
  TermStats stats(true);
  f.reserve(docs.size());
  for (const Article& d : docs) f.push_back(AnalyzeArticle(d));
  for (const auto& x : f) stats.Add(x);
  std::vector<std::vector<double>> m(docs.size(), std::vector<double>(docs.size(), 0));
  for (size_t i = 0; i < docs.size(); ++i) {
    for (size_t j = i + 1; j < docs.size(); ++j) m[i][j] = m[j][i] = TfIdfCosine(f[i], f[j], stats);
  }
  return m;
}

namespace {

// The state of the agglomeration: pair-similarity sums between clusters, sizes,
// and for each live cluster i its best partner j > i (first in index order).
struct Agglo {
  std::vector<std::vector<double>> s;
  std::vector<size_t> size;
  std::vector<bool> alive;
  std::vector<double> best;
  std::vector<size_t> arg;

  double Avg(size_t i, size_t j) const {
    return s[i][j] / (static_cast<double>(size[i]) * static_cast<double>(size[j]));
  }
  void Row(size_t i) {
    best[i] = -std::numeric_limits<double>::infinity();
    arg[i] = s.size();
    for (size_t j = i + 1; j < s.size(); ++j) {
      if (!alive[j]) continue;
      const double a = Avg(i, j);
      if (a > best[i]) {
        best[i] = a;
        arg[i] = j;
      }
    }
  }
  // Merges cluster bj into bi (bi < bj) and brings the affected best partners up
  // to date, exactly as a full rescan would find them.
  void Merge(size_t bi, size_t bj) {
    const size_t n = s.size();
    for (size_t k = 0; k < n; ++k) {
      if (!alive[k] || k == bi || k == bj) continue;
      s[bi][k] += s[bj][k];
      s[k][bi] = s[bi][k];
    }
    size[bi] += size[bj];
    alive[bj] = false;
    Row(bi);
    for (size_t k = 0; k < bj; ++k) {
      if (!alive[k] || k == bi) continue;
      if (arg[k] == bi || arg[k] == bj) {
        Row(k);
      } else if (k < bi) {
        const double a = Avg(k, bi);
        if (a > best[k] || (a == best[k] && bi < arg[k])) {
          best[k] = a;
          arg[k] = bi;
        }
      }
    }
  }
};

}  // namespace

std::vector<int64_t> Agglomerate(std::vector<std::vector<double>> sim, double threshold) {
  const size_t n = sim.size();
  Agglo g{std::move(sim), std::vector<size_t>(n, 1), std::vector<bool>(n, true),
          std::vector<double>(n), std::vector<size_t>(n)};
  std::vector<int64_t> label(n);
  std::iota(label.begin(), label.end(), int64_t{0});
  for (size_t i = 0; i < n; ++i) g.Row(i);
  for (;;) {
    double top = -1;
    size_t bi = n;
    for (size_t i = 0; i < n; ++i) {
      if (g.alive[i] && g.arg[i] < n && g.best[i] > top) {
        top = g.best[i];
        bi = i;
      }
    }
    if (bi == n || top < threshold) break;
    const size_t bj = g.arg[bi];
    g.Merge(bi, bj);
    for (size_t k = 0; k < n; ++k) {
      if (label[k] == static_cast<int64_t>(bj)) label[k] = static_cast<int64_t>(bi);
    }
  }
  return label;
}

std::string NoticeTicker(std::string_view title) {
  static const std::set<std::string, std::less<>> kWords = {
      "NET",    "QTR",      "QTLY",   "QUARTERLY", "DIVIDEND", "DIVIDENDS", "DIV", "DIVS",
      "PAYOUT", "EARNINGS", "PROFIT", "PROFITS",   "LOSS",     "LOSSES",    "SHR", "SHRS"};
  std::string ticker, rest;
  int groups = 0;
  size_t pos = 0;
  while (pos < title.size()) {
    const size_t open = title.find('<', pos);
    rest.append(title.substr(pos, open == std::string_view::npos ? open : open - pos));
    if (open == std::string_view::npos) break;
    const size_t close = title.find('>', open);
    if (close == std::string_view::npos) return "";
    ticker = std::string(title.substr(open + 1, close - open - 1));
    ++groups;
    rest += ' ';
    pos = close + 1;
  }
  if (groups != 1 || ticker.empty() || ticker.size() > 8 ||
      !std::isupper(static_cast<unsigned char>(ticker[0]))) {
    return "";
  }
  for (char c : ticker) {
    if (!std::isupper(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
      return "";
    }
  }
  bool notice = false;
  std::string word;
  for (size_t i = 0; i <= rest.size() && !notice; ++i) {
    const char c = i < rest.size() ? rest[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else {
      notice = kWords.count(word) > 0;
      word.clear();
    }
  }
  if (!notice) return "";
  return ticker.substr(0, ticker.find('.'));
}

NoticePurity ScoreNoticePurity(const std::vector<std::string>& tickers,
                               const std::vector<int64_t>& pred, size_t big) {
  NoticePurity out;
  const size_t n = std::min(tickers.size(), pred.size());
  std::map<int64_t, std::set<std::string>> held;
  std::map<int64_t, size_t> size;
  for (size_t i = 0; i < n; ++i) {
    size[pred[i]]++;
    if (!tickers[i].empty()) held[pred[i]].insert(tickers[i]);
  }
  for (size_t i = 0; i < n; ++i) {
    if (tickers[i].empty()) continue;
    ++out.notices;
    out.pure += held[pred[i]].size() == 1 ? 1 : 0;
    out.in_big += size[pred[i]] >= big ? 1 : 0;
  }
  return out;
}

}  // namespace storyline::eval
