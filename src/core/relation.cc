// Copyright storyline authors.
#include "storyline/relation.h"

namespace storyline {

const char* RelationName(Relation r) {
  switch (r) {
    case Relation::kDuplicate:
      return "duplicate";
    case Relation::kNearDuplicate:
      return "near-duplicate";
    case Relation::kRewrite:
      return "rewrite";
    case Relation::kSameStory:
      return "same-story";
    case Relation::kRelated:
      return "related";
    case Relation::kUnrelated:
      return "unrelated";
    case Relation::kOriginal:
      return "original";
  }
  return "unrelated";
}

std::optional<Relation> ParseRelation(std::string_view name) {
  for (Relation r :
       {Relation::kDuplicate, Relation::kNearDuplicate, Relation::kRewrite, Relation::kSameStory,
        Relation::kRelated, Relation::kUnrelated, Relation::kOriginal}) {
    if (name == RelationName(r)) return r;
  }
  return std::nullopt;
}

}  // namespace storyline
