#ifndef PHONEBULK_API_BODY_FORMATS_H_
#define PHONEBULK_API_BODY_FORMATS_H_

// XML and MessagePack bodies of the real-time endpoint, as the provider's
// specification documents them beside JSON. Both are translated to and from
// a RapidJSON value, so a request in any format meets the one JSON request
// parser (batch/validate_request.h) with its rules and sentences, and an
// answer in any format is the very document the JSON answer is.
//
// Parsing is done by libraries (pugixml, msgpack-cxx), never by hand; what
// is here only maps their trees onto JSON's. Every function takes untrusted
// bytes and fails with InvalidArgument and a sentence a person can act on;
// none throws. Stateless; thread-safe.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "rapidjson/document.h"

namespace phonebulk::api {

enum class BodyFormat { kJson, kXml, kMsgpack };

// "application/json", "application/xml" or "application/x-msgpack".
std::string_view MediaTypeOf(BodyFormat format);

// True when `content_type` has no charset parameter or charset=utf-8 (any
// case, quoted or not): bodies are decoded as UTF-8 only (RFC 8259 §8.1), so
// a body declared latin1 would be misread. Other parameters are ignored.
bool HasUtf8OrNoCharset(std::string_view content_type);

// The format a Content-Type names; nullopt for any other type, for none, and
// for a charset other than utf-8 (see HasUtf8OrNoCharset).
std::optional<BodyFormat> BodyFormatOfContentType(
    std::string_view content_type);

// The format to answer in for an Accept header: the first listed media
// range that one of the three formats matches, in the order the client
// listed them (q values are not weighed); application/*, */* and no header
// at all mean JSON. nullopt when nothing listed matches.
std::optional<BodyFormat> AnswerFormatFor(std::string_view accept);

// How leaf elements of an XML request are typed. XML text carries no types,
// so the JSON body's field names say which leaves are booleans
// ("true"/"false"), which whole numbers, which objects even when empty, and
// which may repeat to form a list. Any other leaf is a string. A leaf that
// does not read as its type stays a string, so the request parser names
// the field and the type it expected.
struct XmlShape {
  std::span<const std::string_view> booleans;
  std::span<const std::string_view> integers;
  std::span<const std::string_view> objects;
  std::span<const std::string_view> lists;
};

// Parses an XML request `body` whose root element is `root` into `*out`, a
// JSON object with one member per child element; nested elements become
// nested objects, repeated `shape.lists` elements one array. Refuses a body
// that is not well-formed XML, another root, attributes (other than xmlns
// declarations), text beside child elements, invalid UTF-8 and NUL
// characters, and nesting deeper than a request can have.
absl::Status XmlToJson(std::string_view body, std::string_view root,
                       const XmlShape& shape, rapidjson::Document* out);

// Parses a MessagePack request `body` (exactly one value, nothing after it)
// into `*out`, type for type: map to object (keys must be strings), array,
// str, integer, float, bool, nil. Refuses bin and ext values, invalid UTF-8,
// NUL characters, and sizes or nesting far beyond any request.
absl::Status MsgpackToJson(std::string_view body, rapidjson::Document* out);

// `doc` (an object) as XML under `root`: one element per member (member
// names must be XML names, as every field name of our answers is), nested
// objects as nested elements, an array as its elements repeated under the
// member's name, booleans and numbers as their JSON text. Characters XML
// cannot carry (C0 controls other than tab, LF, CR) become U+FFFD.
std::string JsonToXml(const rapidjson::Value& doc, std::string_view root);

// `doc` as MessagePack with the same keys and types.
std::string JsonToMsgpack(const rapidjson::Value& doc);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_BODY_FORMATS_H_
