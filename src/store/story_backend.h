// Copyright storyline authors.
//
// StoryBackend: what StoreIngest needs from the story engine, in the store's own
// types. story_backend.cc adapts the StoryEngine (storyline/story.h) to it, so the
// store's schema does not follow every change of the engine's structs.
#ifndef STORYLINE_STORE_STORY_BACKEND_H_
#define STORYLINE_STORE_STORY_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storyline/status.h"
#include "storyline/store.h"

namespace storyline {

// What changed since the last TakeChanges(): stories to rewrite, stories merged
// away (from, into), topics to (re)label.
struct StoryChanges {
  std::vector<int64_t> stories;
  std::vector<std::pair<int64_t, int64_t>> merges;
  std::vector<std::pair<int64_t, std::string>> topics;
};

class StoryBackend {
 public:
  virtual ~StoryBackend() = default;
  // Assigns one article (in arrival order): fills a->story, topic, relation, of, score.
  virtual Status Add(StoredArticle* a) = 0;
  // Assigns many (sorted stably by published inside the call), analysing them on
  // `threads` threads; the result does not depend on `threads`.
  virtual Status AddAll(std::vector<StoredArticle>* batch, int threads) = 0;
  virtual StoryChanges TakeChanges() = 0;
  // The story as it stands, in the store's types, without relations and passages
  // (StoreIngest compares the members itself). NotFound when unknown.
  virtual Result<StoryDetail> Present(int64_t story) = 0;
  // The engine's state (index and active stories), and its restoration.
  virtual Result<std::string> Snapshot() = 0;
  virtual Status Restore(std::string_view blob) = 0;
  // The name under which the snapshot is kept in engine_state: a new engine format
  // gets a new name, so an old blob is never fed to it (it rebuilds by replay).
  virtual std::string StateName() const = 0;
};

std::unique_ptr<StoryBackend> MakeStoryBackend(int threads);

// The store uses the story engine and relate's Compare when they are in the tree;
// STORYLINE_STORE_SOLO (a developer switch) forces a stand-in backend.
#if !defined(STORYLINE_STORE_SOLO) && __has_include("storyline/story.h")
#define STORYLINE_STORE_ENGINE 1
#else
#define STORYLINE_STORE_ENGINE 0
#endif

}  // namespace storyline

#endif  // STORYLINE_STORE_STORY_BACKEND_H_
