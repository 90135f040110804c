// Copyright storyline authors.
//
// The evidence shown with a story: each member compared with the article it derives
// from (or the story's original), its scores and shared passages, from relate's
// Compare. Private to src/store.
#ifndef STORYLINE_STORE_EVIDENCE_H_
#define STORYLINE_STORE_EVIDENCE_H_

#include <functional>
#include <string>
#include <vector>

#include "storyline/article.h"
#include "storyline/status.h"
#include "storyline/store.h"

namespace storyline {

// Members compared per story at most (the first ones, the original's nearest kin).
inline constexpr size_t kMaxComparedMembers = 32;

// Fills d->relations and d->passages. Pairs already in `old_relations` (same a, b and
// relation) are reused with their passages instead of compared again. `load` gives
// a member's article (its raw text).
Status AddEvidence(StoryDetail* d, const std::vector<StoryRelation>& old_relations,
                   const std::vector<StoryPassage>& old_passages,
                   const std::function<Result<Article>(const std::string&)>& load);

}  // namespace storyline

#endif  // STORYLINE_STORE_EVIDENCE_H_
