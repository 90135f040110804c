// Copyright storyline authors.
//
// The inverted index of the story engine: stories and topics posted under their
// heaviest terms and names, and the candidates an article's query finds there.
#include <algorithm>

#include "story/engine_impl.h"

namespace storyline {

using engine_internal::TopN;
using story_internal::SparseVec;

void StoryEngine::Impl::Post(std::unordered_map<uint64_t, std::vector<int64_t>>* idx, uint64_t key,
                             int64_t id, size_t cap, std::vector<uint64_t>* posted) {
  std::vector<int64_t>& list = (*idx)[key];
  auto it = std::find(list.begin(), list.end(), id);
  if (it != list.end()) {
    list.erase(it);  // move to the recent end
  } else {
    // `posted` holds each key once, sorted: an id pushed out of a capped list and
    // posted again under the same key must not list it twice (it grew with the
    // stream for long-lived topics).
    auto p = std::lower_bound(posted->begin(), posted->end(), key);
    if (p == posted->end() || *p != key) posted->insert(p, key);
  }
  list.push_back(id);
  if (list.size() > cap) list.erase(list.begin());
}

void StoryEngine::Impl::Unpost(std::unordered_map<uint64_t, std::vector<int64_t>>* idx,
                               const std::vector<uint64_t>& keys, int64_t id) {
  for (uint64_t k : keys) {
    auto it = idx->find(k);
    if (it == idx->end()) continue;
    auto& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), id), list.end());
    if (list.empty()) idx->erase(it);
  }
}

StoryEngine::Impl::Query StoryEngine::Impl::MakeQuery(const SparseVec& tv, const SparseVec& nv,
                                                      bool topic) const {
  Query q;
  TopN(tv, NTerms(topic), &q.terms);
  TopN(nv, NNames(topic), &q.names);
  return q;
}

std::vector<uint64_t> StoryEngine::Impl::QueryKeys(const Query& q) {
  std::vector<uint64_t> keys;
  keys.reserve(q.terms.size() + q.names.size());
  for (const auto& [k, w] : q.terms) keys.push_back(k);
  for (const auto& [k, w] : q.names) keys.push_back(k);
  return keys;
}

std::vector<uint64_t> StoryEngine::Impl::QueryKeys(const SparseVec& tv, const SparseVec& nv,
                                                   bool topic) const {
  return QueryKeys(MakeQuery(tv, nv, topic));
}

std::vector<int64_t> StoryEngine::Impl::Candidates(
    const std::unordered_map<uint64_t, std::vector<int64_t>>& idx, const Query& q) {
  size_t most = 0;  // hits at most
  lists_buf_.clear();
  auto find = [&](const SparseVec& top) {
    for (const auto& [k, w] : top) {
      auto it = idx.find(k);
      if (it == idx.end()) continue;
      lists_buf_.emplace_back(&it->second, w);
      most += it->second.size();
    }
  };
  find(q.terms);
  find(q.names);
  order_buf_.clear();
  if (most > 0) {
    size_t cap = 16;
    while (cap < 2 * most) cap *= 2;
    if (table_.size() < cap) {
      table_.assign(cap, HitCell{});
      gen_ = 0;
    }
    const size_t mask = cap - 1;  // the first `cap` cells: a small working set
    if (++gen_ == 0) {            // wrapped: every cell looks fresh again
      std::fill(table_.begin(), table_.end(), HitCell{});
      gen_ = 1;
    }
    // Each id's hits summed in its cell (in the order of the lists, then of the
    // ids in each list); cells_buf_ lists the cells in first-hit order.
    HitCell* const table = table_.data();
    const uint32_t gen = gen_;
    cells_buf_.clear();
    for (const auto& [list, w] : lists_buf_) {
      for (int64_t id : *list) {
        size_t h =
            static_cast<size_t>((static_cast<uint64_t>(id) * 0x9e3779b97f4a7c15ULL) >> 20) & mask;
        while (table[h].gen == gen && table[h].id != id) h = (h + 1) & mask;
        HitCell& c = table[h];
        if (c.gen != gen) {
          c.id = id;
          c.gen = gen;
          c.sum = 0.0;
          cells_buf_.push_back(static_cast<uint32_t>(h));
        }
        c.sum += w;
      }
    }
    order_buf_.reserve(cells_buf_.size());
    for (uint32_t h : cells_buf_) order_buf_.emplace_back(table[h].sum, table[h].id);
  }
  auto better = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const size_t n = std::min(order_buf_.size(), opt.max_candidates);
  std::partial_sort(order_buf_.begin(), order_buf_.begin() + n, order_buf_.end(), better);
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = order_buf_[i].second;
  return out;
}

std::vector<int64_t> StoryEngine::Impl::Candidates(
    const std::unordered_map<uint64_t, std::vector<int64_t>>& idx, const SparseVec& tv,
    const SparseVec& nv, bool topic) {
  return Candidates(idx, MakeQuery(tv, nv, topic));
}

}  // namespace storyline
