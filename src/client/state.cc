#include "client/state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string Fnv1aHex(const std::string& data) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(h));
  return buf;
}

std::string StateToJson(const RunState& s) {
  Json j;
  j["version"] = s.version;
  j["input_size"] = s.input_size;
  j["input_head_hash"] = s.input_head_hash;
  j["options"] = s.options;
  j["reference_prefix"] = s.reference_prefix;
  j["batches"] = Json::array();
  for (const BatchState& b : s.batches) {
    Json jb = {{"index", b.index},          {"first_row", b.first_row},
               {"end_row", b.end_row},      {"phones", b.phones},
               {"batch_id", b.batch_id},    {"started", b.started},
               {"saved", b.saved},          {"credits", b.credits},
               {"statistics", b.statistics}};
    j["batches"].push_back(std::move(jb));
  }
  return j.dump(1) + "\n";
}

absl::StatusOr<RunState> StateFromJson(const std::string& text) {
  try {
    Json j = Json::parse(text);
    RunState s;
    s.version = j.at("version").get<int>();
    if (s.version != 1) {
      return absl::InvalidArgumentError("unknown state version");
    }
    s.input_size = j.at("input_size").get<int64_t>();
    s.input_head_hash = j.at("input_head_hash").get<std::string>();
    s.options = j.at("options").get<std::string>();
    s.reference_prefix = j.at("reference_prefix").get<std::string>();
    for (const Json& jb : j.at("batches")) {
      BatchState b;
      b.index = jb.at("index").get<int>();
      b.first_row = jb.at("first_row").get<int64_t>();
      b.end_row = jb.at("end_row").get<int64_t>();
      b.phones = jb.at("phones").get<int64_t>();
      b.batch_id = jb.at("batch_id").get<std::string>();
      b.started = jb.at("started").get<bool>();
      b.saved = jb.at("saved").get<bool>();
      b.credits = jb.at("credits").get<int64_t>();
      b.statistics = jb.at("statistics").get<std::map<std::string, int64_t>>();
      s.batches.push_back(std::move(b));
    }
    return s;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(std::string("malformed state file: ") +
                                      e.what());
  }
}

DurableFileWriter::~DurableFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink((path_ + ".tmp").c_str());
}

absl::Status DurableFileWriter::Append(std::string_view data) {
  const std::string tmp = path_ + ".tmp";
  if (fd_ < 0) {
    fd_ = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return absl::UnavailableError(Errno("cannot create " + tmp));
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(Errno("cannot write " + tmp));
    }
    off += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status DurableFileWriter::Commit() {
  absl::Status s = Append("");  // creates the file if nothing was appended
  if (!s.ok()) return s;
  const std::string tmp = path_ + ".tmp";
  const int fd = std::exchange(fd_, -1);
  const bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) {
    return absl::UnavailableError(Errno("cannot sync " + tmp));
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    return absl::UnavailableError(Errno("cannot rename to " + path_));
  }
  committed_ = true;
  // The rename itself is durable only once the directory is synced.
  int dfd = ::open(DirOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return absl::OkStatus();
}

absl::Status WriteFileDurably(const std::string& path,
                              const std::string& data) {
  DurableFileWriter file(path);
  absl::Status s = file.Append(data);
  if (!s.ok()) return s;
  return file.Commit();
}

absl::Status SaveState(const std::string& path, const RunState& s) {
  return WriteFileDurably(path, StateToJson(s));
}

absl::StatusOr<RunState> LoadState(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("no state file at " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return StateFromJson(ss.str());
}

absl::Status FingerprintFile(const std::string& path, int64_t* size,
                             std::string* head_hash) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(Errno("cannot stat " + path));
  }
  *size = st.st_size;
  std::ifstream in(path, std::ios::binary);
  std::string head(1 << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  *head_hash = Fnv1aHex(head);
  return absl::OkStatus();
}

}  // namespace phonebulk::client
