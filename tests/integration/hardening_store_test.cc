// Issue 10, "storage that cannot vanish quietly" and "idempotent create":
// one test per finding, named after it. Each starts the real server on a
// database inside its own directory (DIR/data/pb.db), so that the directory
// can be removed, the file replaced or the disk filled under it.
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The mode bits of `path` (-1 if it cannot be stat'ed).
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

// A server on DIR/data/pb.db, created by its first start (--create).
class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(StartServer()); }
  void TearDown() override {
    if (server_ && server_->running()) server_->Kill();
    if (HasFailure() && server_) {
      std::fprintf(stderr, "[test] server stderr:\n%s\n",
                   server_->StderrText().c_str());
    }
  }

  // Where the database lives; a subclass may mount something there first.
  virtual std::string DataDir() const { return tmp_.path() + "/data"; }

  bool StartServer() {
    db_path_ = DataDir() + "/pb.db";
    db_url_ = "sqlite:" + db_path_;
    server_ = std::make_unique<ServerProcess>(
        db_url_, tmp_.path(),
        std::vector<std::string>{"--workers", "1", "--io-threads", "2"});
    std::string error;
    bool ok = server_->Start(&error);
    EXPECT_TRUE(ok) << error;
    return ok;
  }

  std::string Token(const std::string& account) {
    CommandResult r = RunCli({"token", "create", "--db", db_url_, "--account",
                              account, "--credits", "1000", "--products",
                              "phone-bulk", "--rate-limit", "100000"});
    EXPECT_EQ(r.exit_code, 0) << r.Evidence();
    return r.LastLine();
  }

  HttpResponse Get(const std::string& target, const std::string& token = "") {
    HttpRequest r;
    r.target = target;
    if (!token.empty()) r.headers.emplace_back("Auth-Token", token);
    return HttpSend(server_->port(), r);
  }

  HttpResponse Create(const std::string& token, const std::string& body,
                      const Headers& extra = {}) {
    HttpRequest r;
    r.method = "POST";
    r.target = kBatches;
    r.headers = {{"Auth-Token", token}, {"Content-Type", "application/json"}};
    r.headers.insert(r.headers.end(), extra.begin(), extra.end());
    r.body = body;
    return HttpSend(server_->port(), r);
  }

  HttpResponse Start(const std::string& token, const std::string& id) {
    HttpRequest r;
    r.method = "POST";
    r.target = BatchPath(id) + "/start";
    r.headers = {{"Auth-Token", token}};
    return HttpSend(server_->port(), r);
  }

  static std::string BatchId(const HttpResponse& r) {
    Json j = r.JsonBody();
    if (!j.is_object() || !j["result"].is_object()) return "";
    return j["result"].value("batch_id", "");
  }

  // Polls /readyz until it answers `status` (≤ 10 s, the issue's bound).
  HttpResponse WaitForReadyz(int status) {
    HttpResponse last;
    WaitUntil(
        [&] {
          last = Get("/readyz");
          return last.status == status;
        },
        seconds(10), milliseconds(100));
    return last;
  }

  // True once the server's log holds an error-level storage line.
  bool LoggedStorageError() {
    return WaitUntil(
        [&] {
          const std::string log = server_->StdoutText() + server_->StderrText();
          return log.find("level=error event=storage_unhealthy") !=
                 std::string::npos;
        },
        seconds(10), milliseconds(100));
  }

  static constexpr char kBody[] =
      R"({"phones":[{"number":"+447700900123"},{"number":"+447700900124"}]})";

  TempDir tmp_;
  std::string db_path_;
  std::string db_url_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(StorageTest, DatabaseDirectoryRemovedTurnsReadyz503) {
  const std::string token = Token("acme");
  HttpResponse before = Create(token, kBody);
  ASSERT_EQ(before.status, 200) << before.Evidence();
  const std::string id = BatchId(before);
  ASSERT_EQ(Get("/readyz").status, 200);

  fs::remove_all(DataDir());

  HttpResponse ready = WaitForReadyz(503);
  EXPECT_TRUE(IsErrorResponse(ready, 503, "/readyz"));
  EXPECT_NE(ready.body.find("deleted or replaced"), std::string::npos)
      << ready.Evidence();
  EXPECT_TRUE(IsErrorResponse(Create(token, kBody), 503, kBatches));
  EXPECT_TRUE(IsErrorResponse(Start(token, id), 503, BatchPath(id) + "/start"));
  EXPECT_TRUE(LoggedStorageError()) << server_->StderrText();
  EXPECT_FALSE(fs::exists(DataDir())) << "the server recreated the directory";
  EXPECT_FALSE(fs::exists(db_path_)) << "the server recreated the database";

  // A restart does not quietly start over on an empty database either.
  server_->Stop(seconds(10));
  std::string error;
  EXPECT_FALSE(server_->Start(&error, seconds(10)));
  EXPECT_NE(error.find("--create"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(db_path_));
}

TEST_F(StorageTest, DatabaseFileReplacedIsNoticed) {
  const std::string token = Token("acme");
  ASSERT_EQ(Create(token, kBody).status, 200);
  ASSERT_EQ(Get("/readyz").status, 200);

  // Another file (here: a copy, so even the same bytes) takes the name.
  const std::string other = DataDir() + "/other.db";
  fs::copy_file(db_path_, other);
  fs::rename(other, db_path_);
  const auto size_after_replace = fs::file_size(db_path_);

  HttpResponse ready = WaitForReadyz(503);
  EXPECT_TRUE(IsErrorResponse(ready, 503, "/readyz"));
  EXPECT_TRUE(IsErrorResponse(Create(token, kBody), 503, kBatches));
  EXPECT_TRUE(LoggedStorageError()) << server_->StderrText();
  // Losing the file is final, and nothing is written into the newcomer.
  EXPECT_EQ(Get("/readyz").status, 503);
  EXPECT_EQ(fs::file_size(db_path_), size_after_replace);
}

// A full disk: the database on a 4 MiB tmpfs of our own (a private mount
// namespace, so nothing outside this test process sees it), then a filler
// file takes the rest. Works as root, which chmod-based tests do not.
class FullDiskTest : public StorageTest {
 protected:
  void SetUp() override {
    mount_point_ = tmp_.path() + "/small";
    fs::create_directories(mount_point_);
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a small tmpfs here (needs CAP_SYS_ADMIN): "
                   << std::strerror(errno);
    }
    mounted_ = true;
    StorageTest::SetUp();
  }
  void TearDown() override {
    StorageTest::TearDown();
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  std::string DataDir() const override { return mount_point_ + "/data"; }

  std::string mount_point_;
  bool mounted_ = false;
};

TEST_F(FullDiskTest, DiskFullTurnsReadyz503AndRecovers) {
  const std::string token = Token("acme");
  ASSERT_EQ(Create(token, kBody).status, 200);
  ASSERT_EQ(Get("/readyz").status, 200);

  const std::string filler = mount_point_ + "/filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), block.size())) {
    }
  }
  HttpResponse ready = WaitForReadyz(503);
  EXPECT_TRUE(IsErrorResponse(ready, 503, "/readyz"));
  EXPECT_NE(ready.body.find("full"), std::string::npos) << ready.Evidence();
  EXPECT_TRUE(LoggedStorageError()) << server_->StderrText();
  HttpResponse create = Create(token, kBody);
  EXPECT_EQ(create.status, 503) << create.Evidence();

  // Space is not identity: freeing it makes the server ready again.
  fs::remove(filler);
  HttpResponse again = WaitForReadyz(200);
  EXPECT_EQ(again.status, 200) << again.Evidence();
  EXPECT_EQ(Create(token, kBody).status, 200);
}

TEST(AdminCommands, AdminCommandsRefuseAMissingDatabase) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/missing";
  const std::string db = "sqlite:" + dir + "/pb.db";
  const std::string ported = tmp.path() + "/ported.csv";
  std::ofstream(ported) << "number,operator_name,mccmnc,ported_date\n"
                           "447400000001,O2,23410,2019-08-21\n";
  const std::vector<std::vector<std::string>> commands = {
      {"token", "create", "--db", db, "--account", "acme"},
      {"token", "list", "--db", db},
      {"token", "disable", "--db", db, "pbk_nothing"},
      {"account", "list", "--db", db},
      {"account", "show", "--db", db, "acme"},
      {"account", "credit", "--db", db, "acme", "--add", "5"},
      {"porting", "lookup", "--db", db, "+447700900123"},
      {"porting", "import", "--db", db, ported},
  };
  for (const auto& args : commands) {
    CommandResult r = RunCli(args);
    EXPECT_NE(r.exit_code, 0) << r.Evidence();
    EXPECT_NE(r.err.find("no database exists"), std::string::npos)
        << r.Evidence();
    EXPECT_NE(r.err.find("--create"), std::string::npos) << r.Evidence();
    EXPECT_FALSE(fs::exists(dir)) << "created by: " << r.command_line;
  }
  CommandResult created =
      RunCli({"token", "create", "--db", db, "--account", "acme", "--create"});
  EXPECT_EQ(created.exit_code, 0) << created.Evidence();
  EXPECT_TRUE(fs::exists(dir + "/pb.db"));
  CommandResult list = RunCli({"account", "list", "--db", db});
  EXPECT_EQ(list.exit_code, 0) << list.Evidence();
  EXPECT_NE(list.out.find("acme"), std::string::npos) << list.Evidence();
}

TEST_F(StorageTest, DatabaseFilesAre0600) {
  // Some writes, so that the -wal and -shm files exist.
  const std::string token = Token("acme");
  ASSERT_EQ(Create(token, kBody).status, 200);
  EXPECT_EQ(ModeOf(DataDir()), 0700);
  EXPECT_EQ(ModeOf(db_path_), 0600);
  int companions = 0;
  for (const char* suffix : {"-wal", "-shm"}) {
    if (!fs::exists(db_path_ + suffix)) continue;
    ++companions;
    EXPECT_EQ(ModeOf(db_path_ + suffix), 0600) << suffix;
  }
  EXPECT_GT(companions, 0) << "no -wal/-shm file to check (not WAL mode?)";

  // The admin CLI's --create gives the same modes.
  TempDir other;
  CommandResult r =
      RunCli({"account", "list", "--db",
              "sqlite:" + other.path() + "/a/b/pb.db", "--create"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_EQ(ModeOf(other.path() + "/a"), 0700);
  EXPECT_EQ(ModeOf(other.path() + "/a/b"), 0700);
  EXPECT_EQ(ModeOf(other.path() + "/a/b/pb.db"), 0600);
}

TEST_F(StorageTest, IdempotencyKeyReplaysTheFirstBatch) {
  const std::string token = Token("acme");
  const Headers key = {{"Idempotency-Key", "order-42"}};
  HttpResponse first = Create(token, kBody, key);
  ASSERT_EQ(first.status, 200) << first.Evidence();
  EXPECT_FALSE(first.HasHeader("Idempotent-Replayed")) << first.Evidence();
  const std::string id = BatchId(first);
  ASSERT_TRUE(IsUuidV4(id)) << first.Evidence();

  HttpResponse again = Create(token, kBody, key);
  ASSERT_EQ(again.status, 200) << again.Evidence();
  EXPECT_EQ(BatchId(again), id);
  EXPECT_EQ(again.Header("Idempotent-Replayed").value_or(""), "true");

  HttpResponse other_body =
      Create(token, R"({"phones":[{"number":"+447700900999"}]})", key);
  EXPECT_EQ(other_body.status, 422) << other_body.Evidence();
  EXPECT_TRUE(IsErrorResponse(
      Create(token, kBody, {{"Idempotency-Key", std::string(256, 'k')}}), 400,
      kBatches));
  EXPECT_TRUE(IsErrorResponse(
      Create(token, kBody, {{"Idempotency-Key", "tab\there"}}), 400, kBatches));

  // Another key is another batch; without a key, every create is new.
  EXPECT_NE(BatchId(Create(token, kBody, {{"Idempotency-Key", "order-43"}})),
            id);
  HttpResponse list = Get(kBatches, token);
  ASSERT_EQ(list.status, 200) << list.Evidence();
  EXPECT_EQ(list.JsonBody()["result"]["batches"].size(), 2u) << list.body;
}

// kill -9 between the store and the answer: the server is armed (test-only
// PHONEBULK_TEST_CRASH_AFTER_CREATE) to SIGKILL itself right after the
// create commits, so the client never learns the id; the replay after a
// restart must give that batch and store no second one.
TEST_F(StorageTest, IdempotencyKeyReplaysTheFirstBatchAfterKill9) {
  const std::string token = Token("acme");
  server_->Kill();
  ::setenv("PHONEBULK_TEST_CRASH_AFTER_CREATE", "1", 1);
  std::string error;
  const bool started = server_->Start(&error);
  ::unsetenv("PHONEBULK_TEST_CRASH_AFTER_CREATE");
  ASSERT_TRUE(started) << error;

  const Headers key = {{"Idempotency-Key", "lost-answer-1"}};
  HttpResponse lost = Create(token, kBody, key);
  EXPECT_EQ(lost.status, 0) << "the armed server answered:" << lost.Evidence();
  std::optional<int> status = server_->WaitExit(seconds(10));
  ASSERT_TRUE(status.has_value()) << "the armed server did not die";
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);

  ASSERT_TRUE(server_->Start(&error)) << error;  // not armed any more
  HttpResponse list = Get(kBatches, token);
  ASSERT_EQ(list.status, 200) << list.Evidence();
  Json batches = list.JsonBody()["result"]["batches"];
  ASSERT_EQ(batches.size(), 1u) << "the create was not stored:" << list.body;
  const std::string stored_id = batches[0].value("batch_id", "");

  HttpResponse replay = Create(token, kBody, key);
  ASSERT_EQ(replay.status, 200) << replay.Evidence();
  EXPECT_EQ(BatchId(replay), stored_id);
  EXPECT_EQ(replay.Header("Idempotent-Replayed").value_or(""), "true");
  list = Get(kBatches, token);
  EXPECT_EQ(list.JsonBody()["result"]["batches"].size(), 1u) << list.body;
}

}  // namespace
}  // namespace phonebulk::it
