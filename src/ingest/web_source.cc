// Copyright storyline authors.
//
// .html/.htm pages and .warc/.warc.gz archives: the bytes go to src/extract
// (ExtractArticle, WarcReader); this file only maps pages to articles and
// failures to rejections.
#include "ingest/json_record.h"
#include "ingest/sources.h"
#include "ingest/utf8_repair.h"

#ifdef STORYLINE_INGEST_HAVE_EXTRACT
#include "storyline/extract.h"
#endif

namespace storyline::ingest {

#ifdef STORYLINE_INGEST_HAVE_EXTRACT
namespace {

constexpr size_t kSniffBytes = size_t{64} * 1024;
// WarcReader promises to end after damage; this bounds a reader that does not.
constexpr int kMaxConsecutiveBadRecords = 10000;

// Fills the content fields of *out from a page. Returns false when the page has
// no text.
bool FromPage(ExtractedPage page, ReaderContext* ctx, Article* out) {
  if (IsBlank(page.text)) return false;
  *out = Article();
  out->title = std::move(page.title);
  out->text = std::move(page.text);
  // Extraction decodes to UTF-8; make sure before anyone else relies on it.
  for (std::string* s : {&out->title, &out->text}) {
    std::string fixed;
    if (RepairUtf8(*s, &fixed) == Utf8Verdict::kRepaired) {
      s->swap(fixed);
      ++ctx->stats().utf8_repaired;
    }
  }
  if (ctx->options().repair_mojibake) {
    bool a = RepairMojibake(&out->title);
    bool b = RepairMojibake(&out->text);
    if (a || b) ++ctx->stats().mojibake_repaired;
  }
  out->url = std::move(page.url);
  out->source = std::move(page.site);
  out->author = std::move(page.author);
  out->lang = std::move(page.lang);
  out->published = std::move(page.published);
  out->published_ts = page.published_ts;
  return true;
}

void ParsePublished(ReaderContext* ctx, Article* a) {
  if (a->published.empty() || a->published_ts != kNoTime) return;
  std::optional<Timestamp> ts = ParseDateTime(a->published);
  if (ts) {
    a->published_ts = *ts;
  } else {
    ++ctx->stats().unparsed_dates;
  }
}

class HtmlSource final : public RecordSource {
 public:
  HtmlSource(const InputFile& in, ReaderContext* ctx) : in_(in), ctx_(ctx) {}

  Result<bool> Next(Article* out) override {
    if (done_) return false;
    done_ = true;
    std::string html;
    STORYLINE_RETURN_IF_ERROR(ReadWholeFile(in_.path, in_.size, &html, &consumed_));
    if (IsBlank(html)) {
      ctx_->Reject(in_.path, 0, "empty file", html);
      return false;
    }
    if (LooksBinary(std::string_view(html).substr(0, kSniffBytes))) {
      ctx_->Reject(in_.path, 0, "binary file (not a page)", html);
      return false;
    }
    ExtractOptions opt;
    opt.include_comments = ctx_->options().include_comments;
    Result<ExtractedPage> page = ExtractArticle(html, opt);
    if (!page.ok()) {
      ctx_->Reject(in_.path, 0, "unreadable page: " + page.status().message(), html);
      return false;
    }
    if (!FromPage(std::move(*page), ctx_, out)) {
      ctx_->Reject(in_.path, 0, "no article text found in the page", html);
      return false;
    }
    ParsePublished(ctx_, out);
    out->id = in_.id;
    out->origin_file = in_.path;
    out->origin_line = 0;
    return true;
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  const InputFile& in_;
  ReaderContext* ctx_;
  bool done_ = false;
  uint64_t consumed_ = 0;
};

class WarcSource final : public RecordSource {
 public:
  WarcSource(const InputFile& in, std::unique_ptr<WarcReader> warc, ReaderContext* ctx)
      : in_(in), warc_(std::move(warc)), ctx_(ctx) {}

  Result<bool> Next(Article* out) override {
    int bad_in_a_row = 0;
    while (!done_) {
      Result<bool> r = warc_->Next(&record_);
      if (!r.ok()) {
        if (r.status().code() == Status::Code::kIoError) {
          done_ = true;
          return Status::IoError(in_.path + ": " + r.status().message());
        }
        ctx_->Reject(in_.path, warc_->record_number(), r.status().message(), "");
        if (++bad_in_a_row >= kMaxConsecutiveBadRecords) done_ = true;
        continue;
      }
      if (!*r) break;
      bad_in_a_row = 0;
      any_ = true;
      ExtractOptions opt;
      opt.include_comments = ctx_->options().include_comments;
      Result<ExtractedPage> page =
          ExtractArticle(record_.body, opt, record_.content_type, record_.target_uri);
      if (!page.ok()) {
        ctx_->Reject(in_.path, record_.number, "unreadable page: " + page.status().message(),
                     record_.body);
        continue;
      }
      UseWarcDateIfUndated(record_, &*page);
      if (!FromPage(std::move(*page), ctx_, out)) {
        ctx_->Reject(in_.path, record_.number, "no article text found in the page", record_.body);
        continue;
      }
      // The URL the page was fetched from names the record.
      if (!record_.target_uri.empty()) out->url = record_.target_uri;
      ParsePublished(ctx_, out);
      out->id = out->url.empty() ? ContentId(out->title, out->text) : out->url;
      out->origin_file = in_.path;
      out->origin_line = record_.number;
      return true;
    }
    if (!done_ && !any_ && warc_->record_number() == 0) {
      ctx_->Reject(in_.path, 0, "empty file", "");
    }
    done_ = true;
    return false;
  }
  uint64_t consumed() const override { return warc_->bytes_read(); }

 private:
  const InputFile& in_;
  std::unique_ptr<WarcReader> warc_;
  ReaderContext* ctx_;
  WarcRecord record_;
  bool done_ = false;
  bool any_ = false;
};

}  // namespace

Result<std::unique_ptr<RecordSource>> OpenHtmlSource(const InputFile& in, ReaderContext* ctx) {
  return std::unique_ptr<RecordSource>(new HtmlSource(in, ctx));
}

Result<std::unique_ptr<RecordSource>> OpenWarcSource(const InputFile& in, ReaderContext* ctx) {
  Result<std::unique_ptr<WarcReader>> warc = WarcReader::Open(in.path);
  if (!warc.ok()) return warc.status();
  return std::unique_ptr<RecordSource>(new WarcSource(in, std::move(*warc), ctx));
}

#else  // built before src/extract existed

Result<std::unique_ptr<RecordSource>> OpenHtmlSource(const InputFile& in, ReaderContext*) {
  return Status::Unsupported(in.path + ": this build has no HTML extraction (src/extract)");
}

Result<std::unique_ptr<RecordSource>> OpenWarcSource(const InputFile& in, ReaderContext*) {
  return Status::Unsupported(in.path + ": this build has no WARC reader (src/extract)");
}

#endif

}  // namespace storyline::ingest
