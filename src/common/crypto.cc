#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace phonebulk {
namespace {

std::string ToHex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

void FillRandom(unsigned char* out, size_t n) {
  // RAND_bytes only fails when the CSPRNG cannot be seeded; nothing safe can
  // continue from there.
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(),
             nullptr);
  return ToHex(digest.data(), len);
}

std::string RandomHex(size_t n) {
  std::string bytes(n, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(bytes.data()), n);
  return ToHex(reinterpret_cast<const unsigned char*>(bytes.data()), n);
}

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(bytes.data()), n);
  return bytes;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       mac.data(), &len);
  return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(data.data()),
                      static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Base64Decode(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  // '=' only as the last one or two characters ("xx==" or "xxx=").
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (padding == 1 && text.size() >= 2 && text[text.size() - 2] == '=') {
    ++padding;
  }
  for (size_t i = 0; i + padding < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '/') return false;
  }
  std::string bytes(text.size() / 4 * 3 + 1, '\0');
  // EVP_DecodeBlock keeps the bytes of the padding: remove them after.
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                      reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (n < 0) return false;
  bytes.resize(static_cast<size_t>(n) - padding);
  *out = std::move(bytes);
  return true;
}

std::string NewUuidV4() {
  std::array<unsigned char, 16> b{};
  FillRandom(b.data(), b.size());
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  std::string hex = ToHex(b.data(), b.size());
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
         "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace phonebulk
