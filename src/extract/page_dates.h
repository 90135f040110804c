// Copyright storyline authors.
//
// Dates as web pages write them, for the page metadata (extract/metadata.h):
// in attribute values, visible text and URLs, in the languages of
// docs/extract.md "Metadata". Built on the date module's primitives
// (include/storyline/dates.h). Only years 1990..2035 are taken as dates.
#ifndef STORYLINE_EXTRACT_PAGE_DATES_H_
#define STORYLINE_EXTRACT_PAGE_DATES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "storyline/dates.h"

namespace storyline::internal {

// The first date in free text or an attribute value: ISO ("2023-09-25", with or
// without time), "25.09.2023", "09/25/2023", "25. September 2023", "September 25,
// 2023", "25 Sep 2023", month names in English, German, French, Spanish, Italian,
// Dutch, Polish, Portuguese, Russian and Ukrainian. A slashed date whose first two
// numbers could both be the month is read in `order`. Returns the normalised ISO
// string ("YYYY-MM-DD", or the ISO date-time when one was given and parses) or ""
// when none is found.
std::string FindDate(std::string_view text, DateOrder order);

// The "YYYY-MM-DD" of the first `limit` dates FindDate would find one after the
// other in `text`, in text order.
std::vector<std::string> FindAllDates(std::string_view text, size_t limit, DateOrder order);

// The date that starts exactly at s[start] (start < s.size()), as FindDate
// returns it; "" when none starts there.
std::string DateAt(std::string_view s, size_t start, DateOrder order);

// A date in a URL path (/2023/09/25/, /2023-09-25-, /2020/oct/02/, /29-10-2021),
// "" when none.
std::string DateFromUrl(std::string_view url);

// An ASCII letter or any byte of a multi-byte UTF-8 character: the bytes of a word.
bool IsLetterByte(char c);

}  // namespace storyline::internal

#endif  // STORYLINE_EXTRACT_PAGE_DATES_H_
