#ifndef PHONEBULK_PHONE_PREFIX_TABLE_TESTING_H_
#define PHONEBULK_PHONE_PREFIX_TABLE_TESTING_H_

// Test helper for the tables read by PrefixTable (embedded_table.h): the
// operator and time-zone tests refuse malformed text the same way.

#include <span>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace phonebulk::phone {

// Expects Table::Parse to refuse every one of `texts` as InvalidArgument;
// stops at the first text it accepts.
template <typename Table>
void ExpectParseRejectsEach(std::span<const char* const> texts) {
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    auto table = Table::Parse(text);
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_PREFIX_TABLE_TESTING_H_
