#include "api/body_formats.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <msgpack.hpp>
#include <pugixml.hpp>
#include <string>

#include "batch/json_fields.h"
#include "common/name_table.h"
#include "common/strings.h"

namespace phonebulk::api {
namespace {

constexpr auto kMediaTypes = MakeNameTable<BodyFormat>({
    {BodyFormat::kJson, "application/json"},
    {BodyFormat::kXml, "application/xml"},
    {BodyFormat::kMsgpack, "application/x-msgpack"},
});

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// A request is an object holding at most an object of lists; anything
// deeper is a mistake or an attack, refused before it costs anything.
constexpr int kMaxDepth = 8;
// Far more members or items than any request has (a list of countries is
// the longest); keeps a MessagePack header from reserving memory for
// billions of elements it never sends.
constexpr size_t kMaxItems = 1000;

bool Contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// An element name as it may appear in a message: printable and short.
std::string ElementName(std::string_view name) {
  return "<" + batch::json_fields::Echo(name, 40) + ">";
}

// Text a field may hold: UTF-8 (the JSON parser's own rule) without NUL,
// which would end the string early in code that sees C strings.
absl::Status CheckText(std::string_view text, std::string_view where) {
  if (batch::json_fields::CountCodePoints(text) < 0) {
    return absl::InvalidArgumentError(std::string(where) +
                                      ": not valid UTF-8; send UTF-8 text");
  }
  if (text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(std::string(where) +
                                      ": contains a NUL character");
  }
  return absl::OkStatus();
}

Value JsonString(std::string_view text, Allocator& a) {
  // msgpack-cxx gives an empty str a null pointer, which RapidJSON refuses
  // (found by msgpack_request_fuzz).
  if (text.empty()) return Value("", 0, a);
  return Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), a);
}

// --------------------------------------------------------------- XML in

bool IsNamespaceDeclaration(std::string_view name) {
  return name == "xmlns" || name.starts_with("xmlns:");
}

// A leaf's text typed by `shape` (see XmlShape).
Value XmlLeaf(std::string_view name, std::string_view text,
              const XmlShape& shape, Allocator& a) {
  if (Contains(shape.objects, name) && TrimAscii(text).empty()) {
    return Value(rapidjson::kObjectType);
  }
  if (Contains(shape.booleans, name)) {
    std::string_view t = TrimAscii(text);
    if (t == "true") return Value(true);
    if (t == "false") return Value(false);
  }
  if (Contains(shape.integers, name)) {
    if (std::optional<int64_t> n = ParseInt(TrimAscii(text))) {
      return Value(static_cast<int64_t>(*n));
    }
  }
  return JsonString(text, a);
}

absl::Status XmlElement(const pugi::xml_node& node, const XmlShape& shape,
                        int depth, Allocator& a, Value* out);

// The members of `node`'s child elements, repeated list elements gathered
// into one array in order.
absl::Status XmlChildren(const pugi::xml_node& node, const XmlShape& shape,
                         int depth, Allocator& a, Value* object) {
  object->SetObject();
  size_t count = 0;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (++count > kMaxItems) {
      return absl::InvalidArgumentError(
          "XML element " + ElementName(node.name()) + ": too many elements");
    }
    std::string_view name = child.name();
    Value value;
    absl::Status status = XmlElement(child, shape, depth + 1, a, &value);
    if (!status.ok()) return status;
    if (Contains(shape.lists, name)) {
      auto it = object->FindMember(JsonString(name, a));
      if (it != object->MemberEnd() && it->value.IsArray()) {
        it->value.PushBack(value, a);
        continue;
      }
      Value list(rapidjson::kArrayType);
      list.PushBack(value, a);
      object->AddMember(JsonString(name, a), list, a);
      continue;
    }
    // A repeated field stays repeated, so the request parser says so.
    object->AddMember(JsonString(name, a), value, a);
  }
  return absl::OkStatus();
}

absl::Status XmlElement(const pugi::xml_node& node, const XmlShape& shape,
                        int depth, Allocator& a, Value* out) {
  const std::string where = "XML element " + ElementName(node.name());
  absl::Status status = CheckText(node.name(), "an XML element name");
  if (!status.ok()) return status;
  if (depth > kMaxDepth) {
    return absl::InvalidArgumentError(where + ": nested too deeply");
  }
  for (const pugi::xml_attribute& attr : node.attributes()) {
    if (depth == 0 && IsNamespaceDeclaration(attr.name())) continue;
    return absl::InvalidArgumentError(
        where + ": attributes are not used; send each field as an element");
  }
  bool has_elements = false;
  std::string text;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_element) {
      has_elements = true;
    } else if (child.type() == pugi::node_pcdata ||
               child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  if (has_elements) {
    if (!TrimAscii(text).empty()) {
      return absl::InvalidArgumentError(
          where + ": holds both text and elements; use one or the other");
    }
    return XmlChildren(node, shape, depth, a, out);
  }
  status = CheckText(text, where);
  if (!status.ok()) return status;
  *out = XmlLeaf(node.name(), text, shape, a);
  return absl::OkStatus();
}

// --------------------------------------------------------- MessagePack in

absl::Status MsgpackValue(const msgpack::object& o, int depth, Allocator& a,
                          Value* out) {
  if (depth > kMaxDepth) {
    return absl::InvalidArgumentError(
        "the MessagePack body is nested too deeply");
  }
  switch (o.type) {
    case msgpack::type::NIL:
      out->SetNull();
      return absl::OkStatus();
    case msgpack::type::BOOLEAN:
      out->SetBool(o.via.boolean);
      return absl::OkStatus();
    case msgpack::type::POSITIVE_INTEGER:
      out->SetUint64(o.via.u64);
      return absl::OkStatus();
    case msgpack::type::NEGATIVE_INTEGER:
      out->SetInt64(o.via.i64);
      return absl::OkStatus();
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      // The JSON body cannot carry them either; no field takes a fraction.
      if (!std::isfinite(o.via.f64)) {
        return absl::InvalidArgumentError(
            "the MessagePack body holds NaN or an infinity; no field takes "
            "one");
      }
      out->SetDouble(o.via.f64);
      return absl::OkStatus();
    case msgpack::type::STR: {
      std::string_view text(o.via.str.ptr, o.via.str.size);
      absl::Status status = CheckText(text, "a MessagePack string");
      if (!status.ok()) return status;
      *out = JsonString(text, a);
      return absl::OkStatus();
    }
    case msgpack::type::ARRAY: {
      out->SetArray();
      for (uint32_t i = 0; i < o.via.array.size; ++i) {
        Value item;
        absl::Status status =
            MsgpackValue(o.via.array.ptr[i], depth + 1, a, &item);
        if (!status.ok()) return status;
        out->PushBack(item, a);
      }
      return absl::OkStatus();
    }
    case msgpack::type::MAP: {
      out->SetObject();
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        const msgpack::object_kv& kv = o.via.map.ptr[i];
        if (kv.key.type != msgpack::type::STR) {
          return absl::InvalidArgumentError(
              "a MessagePack map key is not a string; use the JSON body's "
              "field names as str keys");
        }
        std::string_view key(kv.key.via.str.ptr, kv.key.via.str.size);
        absl::Status status = CheckText(key, "a MessagePack map key");
        if (!status.ok()) return status;
        Value value;
        status = MsgpackValue(kv.val, depth + 1, a, &value);
        if (!status.ok()) return status;
        out->AddMember(JsonString(key, a), value, a);
      }
      return absl::OkStatus();
    }
    case msgpack::type::BIN:
    case msgpack::type::EXT:
      break;
  }
  return absl::InvalidArgumentError(
      "the MessagePack body holds a bin or ext value; send text as str");
}

// ------------------------------------------------------------- XML out

// XML 1.0 cannot carry C0 controls other than tab, LF and CR, not even as
// character references; our answers echo the caller's number, which JSON
// may have carried with any of them.
std::string XmlSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += "\xEF\xBF\xBD";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ScalarText(const Value& v) {
  if (v.IsString()) return XmlSafe({v.GetString(), v.GetStringLength()});
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return std::to_string(v.GetDouble());
  return "";  // null: an empty element
}

void AppendXml(pugi::xml_node parent, std::string_view name, const Value& v) {
  if (v.IsArray()) {
    for (const Value& item : v.GetArray()) AppendXml(parent, name, item);
    return;
  }
  pugi::xml_node node = parent.append_child(std::string(name).c_str());
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      AppendXml(node, {m.name.GetString(), m.name.GetStringLength()}, m.value);
    }
    return;
  }
  std::string text = ScalarText(v);
  if (!text.empty()) node.text().set(text.c_str());
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

// ----------------------------------------------------- MessagePack out

void PackJson(msgpack::packer<msgpack::sbuffer>& pk, const Value& v) {
  if (v.IsObject()) {
    pk.pack_map(v.MemberCount());
    for (const auto& m : v.GetObject()) {
      pk.pack_str(m.name.GetStringLength());
      pk.pack_str_body(m.name.GetString(), m.name.GetStringLength());
      PackJson(pk, m.value);
    }
  } else if (v.IsArray()) {
    pk.pack_array(v.Size());
    for (const Value& item : v.GetArray()) PackJson(pk, item);
  } else if (v.IsString()) {
    pk.pack_str(v.GetStringLength());
    pk.pack_str_body(v.GetString(), v.GetStringLength());
  } else if (v.IsBool()) {
    v.GetBool() ? pk.pack_true() : pk.pack_false();
  } else if (v.IsInt64()) {
    pk.pack_int64(v.GetInt64());
  } else if (v.IsUint64()) {
    pk.pack_uint64(v.GetUint64());
  } else if (v.IsDouble()) {
    pk.pack_double(v.GetDouble());
  } else {
    pk.pack_nil();
  }
}

}  // namespace

std::string_view MediaTypeOf(BodyFormat format) {
  return kMediaTypes.NameOf(format, "application/json");
}

bool HasUtf8OrNoCharset(std::string_view content_type) {
  std::vector<std::string_view> parts = Split(content_type, ';');
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view param = TrimAscii(parts[i]);
    size_t eq = param.find('=');
    if (!EqualsIgnoreCase(TrimAscii(param.substr(0, eq)), "charset")) continue;
    std::string_view value =
        eq == std::string_view::npos ? "" : TrimAscii(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!EqualsIgnoreCase(value, "utf-8")) return false;
  }
  return true;
}

std::optional<BodyFormat> BodyFormatOfContentType(
    std::string_view content_type) {
  if (!HasUtf8OrNoCharset(content_type)) return std::nullopt;
  std::string_view type =
      TrimAscii(content_type.substr(0, content_type.find(';')));
  return kMediaTypes.ValueOf(type, [](std::string_view a, std::string_view b) {
    return EqualsIgnoreCase(a, b);
  });
}

std::optional<BodyFormat> AnswerFormatFor(std::string_view accept) {
  if (TrimAscii(accept).empty()) return BodyFormat::kJson;
  for (std::string_view range : Split(accept, ',')) {
    std::string_view type = TrimAscii(range.substr(0, range.find(';')));
    if (type == "*/*" || EqualsIgnoreCase(type, "application/*")) {
      return BodyFormat::kJson;
    }
    if (std::optional<BodyFormat> f = BodyFormatOfContentType(type)) return f;
  }
  return std::nullopt;
}

absl::Status XmlToJson(std::string_view body, std::string_view root,
                       const XmlShape& shape, rapidjson::Document* out) {
  if (TrimAscii(body).empty()) {
    return absl::InvalidArgumentError(
        "the request body is empty; send <" + std::string(root) +
        "><number>...</number></" + std::string(root) + ">");
  }
  // pugixml keeps values as C strings: a NUL would silently cut a field.
  if (body.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "the XML body contains a NUL byte; send UTF-8 XML text");
  }
  pugi::xml_document doc;
  // Forced UTF-8, as every other body here; the default options neither
  // load DTDs nor expand entities beyond XML's five, so no entity bomb.
  pugi::xml_parse_result parsed = doc.load_buffer(
      body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return absl::InvalidArgumentError(
        std::string("the request body is not well-formed XML: ") +
        parsed.description() + " at byte " + std::to_string(parsed.offset));
  }
  pugi::xml_node element;
  int roots = 0;
  for (const pugi::xml_node& child : doc.children()) {
    if (child.type() == pugi::node_element) {
      element = child;
      ++roots;
    }
  }
  if (roots != 1 || root != element.name()) {
    return absl::InvalidArgumentError(
        "the XML body must be one <" + std::string(root) + "> element, got " +
        (roots == 0  ? std::string("none")
         : roots > 1 ? std::to_string(roots) + " root elements"
                     : ElementName(element.name())));
  }
  Value object;
  absl::Status status =
      XmlElement(element, shape, 0, out->GetAllocator(), &object);
  if (!status.ok()) return status;
  if (!object.IsObject()) object.SetObject();  // <request/> or bare text
  static_cast<Value&>(*out).Swap(object);
  return absl::OkStatus();
}

absl::Status MsgpackToJson(std::string_view body, rapidjson::Document* out) {
  if (body.empty()) {
    return absl::InvalidArgumentError(
        "the request body is empty; send a MessagePack map with a 'number' "
        "string");
  }
  const size_t items = std::min(body.size(), kMaxItems);
  const msgpack::unpack_limit limit(items, items, body.size(), body.size(),
                                    body.size(), kMaxDepth);
  msgpack::object_handle handle;
  size_t offset = 0;
  try {
    handle = msgpack::unpack(body.data(), body.size(), offset, nullptr, nullptr,
                             limit);
  } catch (const msgpack::insufficient_bytes&) {
    return absl::InvalidArgumentError(
        "the MessagePack body ends in the middle of a value");
  } catch (const msgpack::depth_size_overflow&) {
    return absl::InvalidArgumentError(
        "the MessagePack body is nested too deeply");
  } catch (const msgpack::size_overflow&) {
    return absl::InvalidArgumentError(
        "the MessagePack body holds an array or map far larger than a "
        "request needs");
  } catch (const std::exception&) {
    // parse_error and anything else the decoder reports: not MessagePack.
    return absl::InvalidArgumentError(
        "the request body is not valid MessagePack");
  }
  if (offset != body.size()) {
    return absl::InvalidArgumentError(
        "the MessagePack body holds more than one value; send one map");
  }
  Value value;
  absl::Status status =
      MsgpackValue(handle.get(), 0, out->GetAllocator(), &value);
  if (!status.ok()) return status;
  static_cast<Value&>(*out).Swap(value);
  return absl::OkStatus();
}

std::string JsonToXml(const rapidjson::Value& doc, std::string_view root) {
  pugi::xml_document xml;
  pugi::xml_node decl = xml.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  AppendXml(xml, root, doc);
  StringWriter writer;
  xml.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(writer.out);
}

std::string JsonToMsgpack(const rapidjson::Value& doc) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(&buffer);
  PackJson(packer, doc);
  return std::string(buffer.data(), buffer.size());
}

}  // namespace phonebulk::api
