// Copyright storyline authors.
#include "storyline/extract.h"

namespace storyline {

void UseWarcDateIfUndated(const WarcRecord& record, ExtractedPage* page) {
  if (!page->published.empty() || record.warc_date.empty()) return;
  page->published = record.warc_date;
  page->published_ts = kNoTime;
}

}  // namespace storyline
