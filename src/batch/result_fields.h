#ifndef PHONEBULK_BATCH_RESULT_FIELDS_H_
#define PHONEBULK_BATCH_RESULT_FIELDS_H_

// The names of a phone's `metadata` fields, in the contract's order: the one
// list the server's CSV results and the bulk client's output columns share.
// Header-only so the client can use it without linking the server's code.

#include <array>
#include <string_view>

namespace phonebulk::batch {

inline constexpr std::array<std::string_view, 15> kMetadataFields = {
    "original_operator_name",
    "original_network_status",
    "original_home_network_identity",
    "original_country_prefix",
    "original_country_name",
    "original_country_iso",
    "operator_name",
    "network_status",
    "home_network_identity",
    "country_prefix",
    "country_name",
    "country_iso",
    "is_ported",
    "email_to_sms_address",
    "email_to_mms_address",
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_RESULT_FIELDS_H_
