// Copyright storyline authors.
//
// Splits inside the pass: a story whose members form two events gives up the
// group without its original to a new story.
#include <algorithm>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::AddInto;
using engine_internal::Cap;
using engine_internal::Member;

namespace {

// Average-link clustering of n items over their pairwise probabilities p (n x n,
// symmetric): the closest two groups join while their average link is at least
// `threshold`, unless (gap > 0) both have min_group items or more and each is far
// more alike inside than with the other (two look-alike events score high
// across, but less than within).
class AverageLink {
 public:
  AverageLink(std::vector<double> p, size_t n)
      : n_(n),
        groups_(n),
        sum_(std::move(p)),
        alive_(n, true),
        within_(n, 0),
        rv_(n, -1),
        rj_(n, n) {
    for (size_t a = 0; a < n_; ++a) groups_[a] = {a};
    for (size_t i = 0; i < n_; ++i) Rescan(i);
  }

  void Run(double threshold, double gap, size_t min_group) {
    for (;;) {
      size_t bi = 0, bj = 0;
      const double best = ClosestPair(&bi, &bj);
      if (best < threshold) break;
      if (gap > 0 && groups_[bi].size() >= min_group && groups_[bj].size() >= min_group &&
          best < std::min(WithinAvg(bi), WithinAvg(bj)) - gap) {
        break;
      }
      Join(bi, bj);
    }
  }

  // The groups left (positions 0..n-1), each in order of joining.
  std::vector<std::vector<size_t>> Groups() const {
    std::vector<std::vector<size_t>> out;
    for (size_t g = 0; g < n_; ++g) {
      if (alive_[g]) out.push_back(groups_[g]);
    }
    return out;
  }

 private:
  double WithinAvg(size_t g) const {
    const double s = static_cast<double>(groups_[g].size());
    return s > 1 ? within_[g] / (s * (s - 1) / 2) : 1.0;
  }
  double AvgOf(size_t i, size_t j) const {
    return sum_[i * n_ + j] / (static_cast<double>(groups_[i].size()) * groups_[j].size());
  }
  // Each row's best pair: the first alive j > i of the highest average above -1
  // (rj = n: none). The closest pair is the first row's best of the highest
  // value: the first pair (i, j) of that value in scan order, as a scan of all
  // pairs finds; after a join only the rows it touched are looked at again.
  void Rescan(size_t i) {
    rv_[i] = -1;
    rj_[i] = n_;
    for (size_t j = i + 1; j < n_; ++j) {
      if (!alive_[j]) continue;
      const double avg = AvgOf(i, j);
      if (avg > rv_[i]) {
        rv_[i] = avg;
        rj_[i] = j;
      }
    }
  }
  double ClosestPair(size_t* bi, size_t* bj) const {
    double best = -1;
    for (size_t i = 0; i < n_; ++i) {
      if (!alive_[i] || rj_[i] == n_) continue;
      if (rv_[i] > best) {
        best = rv_[i];
        *bi = i;
        *bj = rj_[i];
      }
    }
    return best;
  }
  // Group bj joins bi (bi < bj).
  void Join(size_t bi, size_t bj) {
    within_[bi] += within_[bj] + sum_[bi * n_ + bj];
    for (size_t k = 0; k < n_; ++k) {
      if (!alive_[k] || k == bi || k == bj) continue;
      sum_[bi * n_ + k] += sum_[bj * n_ + k];
      sum_[k * n_ + bi] = sum_[bi * n_ + k];
    }
    groups_[bi].insert(groups_[bi].end(), groups_[bj].begin(), groups_[bj].end());
    alive_[bj] = false;
    // Row bi changed throughout; rows before bi changed at bi and lost bj; rows
    // between lost bj; rows after bj are untouched.
    Rescan(bi);
    for (size_t k = 0; k < bj; ++k) {
      if (!alive_[k] || k == bi) continue;
      if (rj_[k] == bj || (k < bi && rj_[k] == bi)) {
        Rescan(k);
      } else if (k < bi) {
        const double avg = AvgOf(k, bi);
        if (avg > rv_[k] || (avg == rv_[k] && avg > -1 && bi < rj_[k])) {
          rv_[k] = avg;
          rj_[k] = bi;
        }
      }
    }
  }

  size_t n_;
  std::vector<std::vector<size_t>> groups_;
  std::vector<double> sum_;  // sums of pair probabilities between groups
  std::vector<bool> alive_;
  std::vector<double> within_;  // sums of the pair probabilities inside each group
  std::vector<double> rv_;
  std::vector<size_t> rj_;
};

}  // namespace

std::vector<size_t> StoryEngine::Impl::SplitExamined(const Story& s) const {
  std::vector<size_t> idx;
  for (size_t i = s.members.size(); i-- > 0 && idx.size() < opt.split_members;) {
    if (s.members[i].doc && i != s.original) idx.push_back(i);
  }
  if (s.members[s.original].doc) idx.push_back(s.original);
  std::sort(idx.begin(), idx.end());
  return idx;
}

std::vector<double> StoryEngine::Impl::SplitProbabilities(Story* s,
                                                          const std::vector<size_t>& idx) {
  const size_t n = idx.size();
  std::vector<double> p(n * n, 1.0);
  std::vector<std::pair<uint64_t, float>> kept;
  for (size_t b = 1; b < n; ++b) {
    Member& y = s->members[idx[b]];
    kept.clear();
    // y.pe lists the members of the last check in their order, which is kept:
    // the search goes on from the last entry found (wrapping round), so each
    // lookup is mostly one step.
    size_t cur = 0;
    const size_t npe = y.pe.size();
    for (size_t a = 0; a < b; ++a) {
      const Member& x = s->members[idx[a]];
      double pr = -1;
      for (size_t t = 0; t < npe; ++t) {
        const size_t u = cur + t < npe ? cur + t : cur + t - npe;
        if (y.pe[u].first == x.seq) {
          pr = y.pe[u].second;
          cur = u + 1 < npe ? u + 1 : 0;
          break;
        }
      }
      if (pr < 0) {
        const double tc = PairDot(x, y, kTermVec), nc = PairDot(x, y, kNameVec),
                     mc = PairDot(x, y, kNumberVec), lc = PairDot(x, y, kLeadVec);
        story_internal::SpecificConflict c = story_internal::CompareSpecifics(
            story_internal::EvidenceOf(*x.doc), story_internal::EvidenceOf(*y.doc));
        pr = static_cast<float>(story_internal::SameEventProbability(tc, nc, mc, lc, c));
        ++st.split_pairs;
      }
      kept.emplace_back(x.seq, static_cast<float>(pr));
      p[a * n + b] = p[b * n + a] = pr;
    }
    y.pe.swap(kept);
  }
  return p;
}

std::vector<std::vector<size_t>> StoryEngine::Impl::LeavingGroups(
    const Story& s, const std::vector<size_t>& idx,
    const std::vector<std::vector<size_t>>& groups) const {
  const size_t orig_pos =
      static_cast<size_t>(std::find(idx.begin(), idx.end(), s.original) - idx.begin());
  std::vector<std::vector<size_t>> leaving;  // member indices, ascending
  for (const std::vector<size_t>& g : groups) {
    if (g.size() < opt.split_min_group) continue;
    if (std::find(g.begin(), g.end(), orig_pos) != g.end()) continue;
    std::vector<size_t> mi;
    mi.reserve(g.size());
    for (size_t a : g) mi.push_back(idx[a]);
    std::sort(mi.begin(), mi.end());
    leaving.push_back(std::move(mi));
  }
  // Oldest group first (new ids in order of their first member).
  std::sort(leaving.begin(), leaving.end());
  return leaving;
}

std::vector<std::vector<Member>> StoryEngine::Impl::TakeLeaving(
    Story* s, const std::vector<std::vector<size_t>>& leaving) {
  std::vector<bool> moving(s->members.size(), false);
  for (const auto& g : leaving) {
    for (size_t i : g) moving[i] = true;
  }
  std::vector<std::vector<Member>> out(leaving.size());
  for (size_t g = 0; g < leaving.size(); ++g) {
    for (size_t i : leaving[g]) out[g].push_back(std::move(s->members[i]));
  }
  // The story keeps the rest; its sums are rebuilt from them.
  std::vector<Member> keep;
  const std::string orig_id = s->members[s->original].id;
  for (size_t i = 0; i < s->members.size(); ++i) {
    if (!moving[i]) keep.push_back(std::move(s->members[i]));
  }
  s->members = std::move(keep);
  RebuildStory(s, orig_id);
  return out;
}

int64_t StoryEngine::Impl::OpenSplitStory(Story* s, std::vector<Member> group,
                                          const std::string& by) {
  Story t;
  t.id = next_story++;
  ++st.stories;
  ++st.splits;
  auto [it, ok] = stories.emplace(t.id, std::move(t));
  Story* tp = &it->second;
  tp->last_feed = clock;
  by_time.insert({clock, tp->id});
  s->split_from.push_back(tp->id);
  tp->split_from.push_back(s->id);
  for (size_t k = 0; k < group.size(); ++k) {
    Member& m = group[k];
    if (m.id != by) {  // the arriving article itself is reported in its new story
      MoveRecord rec{m.id, s->id, tp->id, by};
      moves.push_back(rec);
      changed_moves.push_back(rec);
    }
    if (k == 0) {
      m.relation = Relation::kOriginal;
      m.of.clear();
      briefs[tp->id].title = m.doc ? m.doc->meta.title : "";
    } else {
      // `of` named the old story's original: now one story among others.
      m.relation = Relation::kSameStory;
      m.of.clear();
    }
    AddMember(tp, std::move(m));
  }
  AssignTopic(tp);
  return tp->id;
}

std::vector<int64_t> StoryEngine::Impl::MaybeSplit(Story* s, const std::string& by) {
  std::vector<int64_t> made;
  const std::vector<size_t> idx = SplitExamined(*s);  // member indices, oldest first
  const size_t n = idx.size();
  if (n < 2 * opt.split_min_group || n < 3) return made;
  ++st.split_checks;
  AverageLink link(SplitProbabilities(s, idx), n);
  link.Run(opt.split_threshold, opt.split_gap, opt.split_min_group);
  const std::vector<std::vector<size_t>> leaving = LeavingGroups(*s, idx, link.Groups());
  if (leaving.empty()) return made;
  for (std::vector<Member>& g : TakeLeaving(s, leaving)) {
    made.push_back(OpenSplitStory(s, std::move(g), by));
  }
  for (int64_t a : made) {
    for (int64_t b : made) {
      if (a != b) stories.at(a).split_from.push_back(b);
    }
  }
  Touch(s);
  return made;
}

bool StoryEngine::Impl::SplitApart(const Story& a, const Story& b) const {
  for (int64_t x : a.split_from) {
    if (Resolve(x) == b.id) return true;
  }
  for (int64_t x : b.split_from) {
    if (Resolve(x) == a.id) return true;
  }
  return false;
}

void StoryEngine::Impl::RebuildStory(Story* s, const std::string& orig_id) {
  s->centroid.clear();
  s->names.clear();
  s->numbers.clear();
  s->salient.clear();
  s->name_tokens.clear();
  s->main_names.clear();
  s->date_min = s->date_max = kNoTime;
  s->live = 0;
  s->drop_from = 0;
  s->original = 0;
  for (size_t i = 0; i < s->members.size(); ++i) {
    const Member& m = s->members[i];
    if (m.id == orig_id) s->original = i;
    AddInto(&s->centroid, m.tv);
    AddInto(&s->names, m.nv);
    AddInto(&s->numbers, m.numv);
    AddInto(&s->salient, m.sv);
    Cap(&s->salient, opt.centroid_terms / 2);
    // Capped as they grow, as joins do (Refresh): sums over many members stay small.
    Cap(&s->centroid, opt.centroid_terms);
    Cap(&s->names, opt.centroid_terms / 2);
    Cap(&s->numbers, opt.centroid_terms / 2);
    AddNameTokens(s, m);
    if (m.time != kNoTime && m.date_confidence >= 0.3) {
      s->date_min = s->date_min == kNoTime ? m.time : std::min(s->date_min, m.time);
      s->date_max = s->date_max == kNoTime ? m.time : std::max(s->date_max, m.time);
    }
    s->live += m.doc != nullptr;
  }
  Refresh(s);
  briefs[s->id].first_seen = s->date_min;
}

}  // namespace storyline
