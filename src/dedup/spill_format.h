// Copyright storyline authors.
//
// The record layouts of dedup's two spill files (internal to src/dedup). Both
// are written in input order by the signing pass.
//
// The signature spill, read at random by the decision pass (through a mapping,
// where records are used in place) and for the ids by the output pass:
//   u64 content hash | u64 text-spill offset | u32 set size | u32 id bytes |
//   u32 bands x band key | u32 x shingle set (sorted) | id | 0-7 bytes padding
// (records start at multiples of kSigAlign), or, for an article whose content
// hash an article of an earlier batch had (an exact copy: same words, so the
// same set and band keys), a copy record that points to that article's record:
//   u64 content hash | u64 text-spill offset | u32 kCopyRecord | u32 id bytes |
//   u32 input position of the record with the set | u32 0 | id | padding.
//
// The text spill, read from start to end by the output pass, which skips the
// records of duplicates:
//   u32 x kTextFields field sizes | id, title, text, url, source, published, lang
// so that KEPT lines are written for kept articles only. An exact copy that can
// never be kept (see Deduplicator::Spill) has no fields there: its range is empty.
#ifndef STORYLINE_DEDUP_SPILL_FORMAT_H_
#define STORYLINE_DEDUP_SPILL_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace storyline::dedup_internal {

// The fixed head of a signature record.
struct SpillHeader {
  uint64_t content;
  uint64_t text_offset;
  uint32_t shingles;
  uint32_t id_len;
};
static_assert(sizeof(SpillHeader) == 24);

// SpillHeader::shingles of a copy record.
constexpr uint32_t kCopyRecord = 0xFFFFFFFFu;
// Signature records start at multiples of this.
constexpr size_t kSigAlign = 8;
// Fields per article in the text spill: id, title, text, url, source, published, lang.
constexpr int kTextFields = 7;

}  // namespace storyline::dedup_internal

#endif  // STORYLINE_DEDUP_SPILL_FORMAT_H_
