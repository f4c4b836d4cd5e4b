#ifndef PHONEBULK_COMMON_CRYPTO_H_
#define PHONEBULK_COMMON_CRYPTO_H_

#include <string>
#include <string_view>

namespace phonebulk {

// Lower-case hex SHA-256 of `data` (OpenSSL libcrypto).
std::string Sha256Hex(std::string_view data);

// `n` bytes from OpenSSL's CSPRNG, hex-encoded (2n characters).
std::string RandomHex(size_t n);

// A random (version 4) UUID in its canonical lower-case form.
std::string NewUuidV4();

// True when `text` is a canonical UUID (8-4-4-4-12 hex digits, any case).
bool IsUuid(std::string_view text);

// `n` bytes from OpenSSL's CSPRNG.
std::string RandomBytes(size_t n);

// HMAC-SHA256 of `data` under `key` (raw 32 bytes).
std::string HmacSha256(std::string_view key, std::string_view data);

// Standard base64 (RFC 4648 section 4, with '=' padding).
std::string Base64Encode(std::string_view data);
// The bytes of standard base64 `text` (padding required, no whitespace);
// false when `text` is not such base64.
bool Base64Decode(std::string_view text, std::string* out);

// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace phonebulk

#endif  // PHONEBULK_COMMON_CRYPTO_H_
