// StoreIngest: articles in, batches committed, the story engine checkpointed.
//
// Crash safety comes from SQLite: each batch (its articles, the stories they touched,
// their set-aside lines) is one transaction, so a kill -9 leaves the store as of the
// last committed batch. The engine's state is saved as a snapshot blob every
// `snapshot_every` articles together with the seq it covers; at Begin the snapshot
// is restored and the articles committed after it are replayed through the engine.
#include <chrono>
#include <unordered_set>

#include "store/evidence.h"
#include "store/store_impl.h"
#include "store/story_backend.h"
#include "storyline/outlet.h"
#include "storyline/store.h"
#include "storyline/text.h"

namespace storyline {

struct StoreIngest::Impl {
  Store* store = nullptr;
  Store::Impl* s = nullptr;
  StoreIngestOptions options;
  std::unique_ptr<StoryBackend> backend;
  BoilerplateFilter boilerplate;
  IngestCounts counts;
  std::function<void(const IngestCounts&)> on_commit;

  // Accepted, not yet through the engine (it takes them a chunk at a time, so the
  // analysis runs on all threads), then pending: through the engine, not committed.
  std::vector<StoredArticle> staged;
  std::vector<StoredArticle> pending;
  std::unordered_set<std::string> pending_ids;
  std::unordered_set<uint64_t> pending_hashes;
  Words words;  // TextContentHash's scratch
  std::chrono::steady_clock::time_point batch_start;
  int64_t last_seq = 0;      // the store's last seq as this ingest knows it
  int64_t snapshot_seq = 0;  // seq covered by the last saved snapshot

  // Restores the engine from the snapshot and replays what follows it.
  Status Restore() {
    auto t0 = std::chrono::steady_clock::now();
    backend = MakeStoryBackend(options.threads);
    auto state = s->LoadState(backend->StateName());
    if (!state.ok()) return state.status();
    snapshot_seq = 0;
    if (state->has_value()) {
      Status r = backend->Restore((*state)->second);
      if (r.ok()) {
        snapshot_seq = (*state)->first;
      } else {
        // An unreadable snapshot is rebuilt by replaying everything: slower, never wrong.
        backend = MakeStoryBackend(options.threads);
      }
    }
    counts.replayed = 0;
    STORYLINE_RETURN_IF_ERROR(s->ForEachArticleAfter(snapshot_seq, [&](StoredArticle& a) {
      ++counts.replayed;
      return backend->Add(&a);
    }));
    (void)backend->TakeChanges();  // already in the store
    auto ls = s->LastSeq();
    if (!ls.ok()) return ls.status();
    last_seq = *ls;
    auto n = s->ArticleCount();
    if (!n.ok()) return n.status();
    counts.store_articles = *n;
    counts.restore_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Status::Ok();
  }

  Result<AddOutcome> Add(const Article& article) {
    ++counts.offered;
    if (pending_ids.count(article.id)) {
      ++counts.same_id;
      return AddOutcome::kSameId;
    }
    auto has = s->HasId(article.id);
    if (!has.ok()) return has.status();
    if (*has) {
      ++counts.same_id;
      return AddOutcome::kSameId;
    }
    const uint64_t hash = TextContentHash(article.text, &words);
    auto same = SameContentSeen(hash);
    if (!same.ok()) return same.status();
    if (*same) {
      ++counts.same_content;
      return AddOutcome::kSameContent;
    }
    StoredArticle a;
    a.article = article;
    a.content_hash = hash;
    boilerplate.Observe(article);
    CleanedText cleaned = boilerplate.Clean(article);
    Outlet outlet = RecoverOutlet(article, cleaned);
    a.article.source = std::move(outlet.source);
    a.outlet_evidence = std::move(outlet.evidence);
    a.credit = std::move(outlet.credit);
    a.cleaned_text = std::move(cleaned.text);
    for (auto& l : cleaned.removed) {
      a.set_aside.push_back({l.line, l.begin, l.end, std::move(l.text), std::move(l.reason)});
    }
    if (pending.empty() && staged.empty()) batch_start = std::chrono::steady_clock::now();
    pending_ids.insert(a.article.id);
    pending_hashes.insert(hash);
    staged.push_back(std::move(a));
    ++counts.added;
    if (staged.size() >= kChunk) STORYLINE_RETURN_IF_ERROR(Process());
    if (pending.size() + staged.size() >= options.batch_articles ||
        std::chrono::steady_clock::now() - batch_start >=
            std::chrono::duration<double>(options.batch_seconds)) {
      STORYLINE_RETURN_IF_ERROR(Commit());
    }
    return AddOutcome::kAdded;
  }

  static constexpr size_t kChunk = 64;

  // Whether an article with this content hash is pending or stored (never for 0:
  // a text without words).
  Result<bool> SameContentSeen(uint64_t hash) {
    if (hash == 0) return false;
    if (pending_hashes.count(hash)) return true;
    auto other = s->IdWithHash(hash);
    if (!other.ok()) return other.status();
    return other->has_value();
  }

  // Runs the staged articles through the engine.
  Status Process() {
    if (staged.empty()) return Status::Ok();
    STORYLINE_RETURN_IF_ERROR(backend->AddAll(&staged, options.threads));
    for (auto& a : staged) pending.push_back(std::move(a));
    staged.clear();
    return Status::Ok();
  }

  // Another process committed to this store since we last did: reload the engine so
  // both writers' articles are in it, and run the pending ones through again.
  Status Resync() {
    std::vector<StoredArticle> again = std::move(pending);
    for (auto& a : staged) again.push_back(std::move(a));
    staged.clear();
    pending.clear();
    pending_ids.clear();
    pending_hashes.clear();
    counts.added -= again.size();
    STORYLINE_RETURN_IF_ERROR(Restore());
    for (StoredArticle& a : again) {
      auto has = s->HasId(a.article.id);
      if (!has.ok()) return has.status();
      if (*has) {
        ++counts.same_id;
        continue;
      }
      auto same = SameContentSeen(a.content_hash);
      if (!same.ok()) return same.status();
      if (*same) {
        ++counts.same_content;
        continue;
      }
      pending_ids.insert(a.article.id);
      pending_hashes.insert(a.content_hash);
      staged.push_back(std::move(a));
      ++counts.added;
    }
    return Process();
  }

  Status Commit() {
    STORYLINE_RETURN_IF_ERROR(Process());
    if (pending.empty()) return Status::Ok();
    sql::Txn txn(s->db.get());
    STORYLINE_RETURN_IF_ERROR(txn.Begin());
    auto ls = s->LastSeq();
    if (!ls.ok()) return ls.status();
    if (*ls != last_seq) {
      STORYLINE_RETURN_IF_ERROR(Resync());
      if (pending.empty()) return txn.Commit();
    }
    for (StoredArticle& a : pending) STORYLINE_RETURN_IF_ERROR(s->InsertArticle(&a));
    StoryChanges ch = backend->TakeChanges();
    for (auto& [from, into] : ch.merges) STORYLINE_RETURN_IF_ERROR(s->DeleteStory(from, into));
    for (auto& [topic, label] : ch.topics) STORYLINE_RETURN_IF_ERROR(s->WriteTopic(topic, label));
    for (int64_t id : ch.stories) {
      auto d = backend->Present(id);
      if (!d.ok()) {
        if (d.status().code() == Status::Code::kNotFound) continue;
        return d.status();
      }
      std::vector<StoryRelation> old_rel;
      std::vector<StoryPassage> old_pas;
      STORYLINE_RETURN_IF_ERROR(s->LoadEvidence(id, &old_rel, &old_pas));
      STORYLINE_RETURN_IF_ERROR(
          AddEvidence(&*d, old_rel, old_pas, [&](const std::string& aid) -> Result<Article> {
            auto a = store->GetArticle(aid);
            if (!a.ok()) return a.status();
            return std::move(a->article);
          }));
      STORYLINE_RETURN_IF_ERROR(s->WriteStory(*d));
    }
    STORYLINE_RETURN_IF_ERROR(txn.Commit());
    last_seq = pending.back().seq;
    counts.committed += pending.size();
    counts.store_articles += static_cast<int64_t>(pending.size());
    ++counts.batches;
    pending.clear();
    pending_ids.clear();
    pending_hashes.clear();
    if (on_commit) on_commit(counts);
    if (static_cast<size_t>(last_seq - snapshot_seq) >= options.snapshot_every) {
      STORYLINE_RETURN_IF_ERROR(SaveSnapshot());
    }
    return Status::Ok();
  }

  Status SaveSnapshot() {
    if (last_seq == snapshot_seq) return Status::Ok();
    auto blob = backend->Snapshot();
    if (!blob.ok()) return blob.status();
    sql::Txn txn(s->db.get());
    STORYLINE_RETURN_IF_ERROR(txn.Begin());
    auto ls = s->LastSeq();
    if (!ls.ok()) return ls.status();
    if (*ls != last_seq) return txn.Commit();  // another writer: its snapshot, not ours
    STORYLINE_RETURN_IF_ERROR(s->SaveState(backend->StateName(), last_seq, *blob));
    STORYLINE_RETURN_IF_ERROR(txn.Commit());
    snapshot_seq = last_seq;
    return Status::Ok();
  }
};

StoreIngest::StoreIngest(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StoreIngest::~StoreIngest() = default;

Result<std::unique_ptr<StoreIngest>> StoreIngest::Begin(Store* store, StoreIngestOptions options) {
  if (store->impl()->read_only) {
    return Status::InvalidArgument(store->path() + " is open read-only");
  }
  auto impl = std::make_unique<Impl>();
  impl->store = store;
  impl->s = store->impl();
  impl->options = options;
  if (impl->options.batch_articles == 0) impl->options.batch_articles = 1;
  STORYLINE_RETURN_IF_ERROR(impl->Restore());
  return std::unique_ptr<StoreIngest>(new StoreIngest(std::move(impl)));
}

Result<AddOutcome> StoreIngest::Add(const Article& article) { return impl_->Add(article); }
Status StoreIngest::Commit() { return impl_->Commit(); }
Status StoreIngest::Finish() {
  STORYLINE_RETURN_IF_ERROR(impl_->Commit());
  return impl_->SaveSnapshot();
}
const IngestCounts& StoreIngest::counts() const { return impl_->counts; }
void StoreIngest::set_on_commit(std::function<void(const IngestCounts&)> fn) {
  impl_->on_commit = std::move(fn);
}

}  // namespace storyline
