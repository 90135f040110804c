// Copyright storyline authors.
//
// The one vocabulary of relations between two articles, used from dedup to the
// story engine, the store and every output. Spelled only at the edges (JSON, the
// store's SQL text, CLI text, Python dicts), always by RelationName.
#ifndef STORYLINE_RELATION_H_
#define STORYLINE_RELATION_H_

#include <optional>
#include <string_view>

namespace storyline {

enum class Relation {
  kDuplicate,      // the same text once normalised
  kNearDuplicate,  // light edits of the same text
  kRewrite,        // reworded but derived: shares quotes, facts and their order
  kSameStory,      // an independent report of the same event
  kRelated,        // the same topic, a different story
  kUnrelated,
  // Derived from no other article of its group: a story's original, or the article
  // dedup keeps for its cluster (the one the others are copies `of`).
  kOriginal,
};
// The relation's one spelling: "duplicate", "near-duplicate", "rewrite",
// "same-story", "related", "unrelated", "original".
const char* RelationName(Relation r);
// The relation RelationName spells `name`; nullopt for any other text.
std::optional<Relation> ParseRelation(std::string_view name);
// True for duplicate, near-duplicate and rewrite: one article is derived from the other.
inline bool IsDerived(Relation r) { return r <= Relation::kRewrite; }

}  // namespace storyline

#endif  // STORYLINE_RELATION_H_
