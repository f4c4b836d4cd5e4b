// FileJobs against a real SQLite store and a fake JobRunFn (the real one,
// client::RunSubmit against a started server, is tested end to end in
// tests/integration/file_jobs_test.cc): uploads and their refusals, start
// validation, another account's job, the per-job token's life, resume
// after a stop, failure, and the retention sweep on an injected clock.

#include "files/file_jobs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "common/crypto.h"
#include "store/store.h"

namespace phonebulk::files {
namespace {

namespace fs = std::filesystem;

template <typename F>
bool WaitFor(F condition) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

unsigned Mode(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

class FileJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("phonebulk-file-jobs-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    auto store = store::OpenStore("sqlite:" + (root_ / "db.sqlite").string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->Migrate().ok());
    account_ = store_->accounts().EnsureAccount("acme", std::nullopt)->id;
    other_ = store_->accounts().EnsureAccount("other", std::nullopt)->id;
    Open();
  }

  void TearDown() override {
    jobs_.reset();
    store_.reset();
    fs::remove_all(root_);
  }

  void Open() {
    jobs_.reset();
    FileJobsOptions options;
    options.dir = (root_ / "files").string();
    options.retention = absl::Hours(24);
    auto jobs = FileJobs::Open(options, store_->accounts(), clock_,
                               [this](const RunRequest& r) { return Run(r); });
    ASSERT_TRUE(jobs.ok()) << jobs.status();
    jobs_ = *std::move(jobs);
  }

  // The fake run: checks its token works, writes a result, or waits for
  // cancel when `block_` is set, or fails when `fail_` is set.
  absl::StatusOr<JobSummary> Run(const RunRequest& r) {
    ++runs_;
    last_token_ = r.token;
    auto token = store_->accounts().FindTokenByHash(Sha256Hex(r.token));
    token_ok_ = token.ok() && !token->disabled &&
                token->products == store::kProductPhoneBulk &&
                token->account_id == account_;
    r.on_progress(1, 2);
    if (block_) {
      while (!r.cancel->load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      return absl::CancelledError("cancelled");
    }
    if (fail_)
      return absl::ResourceExhaustedError("not enough credits: 1 left");
    std::ofstream(r.output) << "phone,valid\n1,yes\n";
    std::ofstream(r.report_path) << R"({"rows":1})";
    JobSummary s;
    s.rows = 1;
    s.phones = 2;
    s.credits = 2;
    return s;
  }

  std::string Upload(const std::string& content) {
    std::string path = jobs_->NewUploadPath();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  absl::StatusOr<JobView> AcceptCsv() {
    return jobs_->Accept(account_, "contacts.csv",
                         Upload("id,phone,country\n1,+44 20 7946 0018,GB\n"));
  }

  JobStatus StatusOf(const std::string& id) {
    auto view = jobs_->Get(account_, id);
    return view.ok() ? view->job.status : JobStatus::kUploaded;
  }

  fs::path root_;
  std::unique_ptr<store::Store> store_;
  int64_t account_ = 0;
  int64_t other_ = 0;
  FakeClock clock_;
  std::unique_ptr<FileJobs> jobs_;
  std::atomic<int> runs_{0};
  std::atomic<bool> block_{false};
  std::atomic<bool> fail_{false};
  std::atomic<bool> token_ok_{false};
  std::string last_token_;
};

TEST_F(FileJobsTest, AcceptKeepsTheUploadPrivatelyWithItsPreview) {
  auto view = AcceptCsv();
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->job.status, JobStatus::kUploaded);
  EXPECT_EQ(view->job.name, "contacts.csv");
  EXPECT_EQ(view->job.preview.suggested_phone_column, "phone");
  EXPECT_EQ(view->job.preview.suggested_country_column, "country");
  EXPECT_EQ(view->job.size_bytes, 39);
  const fs::path dir = root_ / "files" / view->job.id;
  EXPECT_EQ(Mode(root_ / "files"), 0700u);
  EXPECT_EQ(Mode(dir), 0700u);
  EXPECT_EQ(Mode(dir / "job.json"), 0600u);
  EXPECT_TRUE(fs::exists(dir / "upload.csv"));
  EXPECT_TRUE(fs::is_empty(root_ / "files" / "incoming"));
}

TEST_F(FileJobsTest, SecondOwnerOfTheDirectoryIsRefusedUntilTheFirstCloses) {
  FileJobsOptions options;
  options.dir = (root_ / "files").string();
  auto second = FileJobs::Open(options, store_->accounts(), clock_,
                               [this](const RunRequest& r) { return Run(r); });
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("--files-dir"), std::string::npos);
  jobs_.reset();
  auto third = FileJobs::Open(options, store_->accounts(), clock_,
                              [this](const RunRequest& r) { return Run(r); });
  EXPECT_TRUE(third.ok()) << third.status();
}

TEST_F(FileJobsTest, RefusedUploadLeavesNothing) {
  auto view = jobs_->Accept(account_, "x.csv", Upload(""));
  EXPECT_TRUE(absl::IsInvalidArgument(view.status()));
  EXPECT_TRUE(fs::is_empty(root_ / "files" / "incoming"));
  int dirs = 0;
  for (const auto& e : fs::directory_iterator(root_ / "files")) {
    if (e.is_directory() && e.path().filename() != "incoming") ++dirs;
  }
  EXPECT_EQ(dirs, 0);
  EXPECT_TRUE(jobs_->List(account_)->empty());
}

TEST_F(FileJobsTest, StartValidatesEachOptionByName) {
  auto view = AcceptCsv();
  ASSERT_TRUE(view.ok());
  const std::string id = view->job.id;
  struct Case {
    JobOptions options;
    std::string names;
  } cases[] = {
      {{"", "", "", ""}, "phone_column is required"},
      {{"tel", "", "", ""}, "phone_column 'tel'"},
      {{"phone", "land", "", ""}, "country_column 'land'"},
      {{"phone", "country", "GB", ""}, "not both"},
      {{"phone", "", "Atlantis", ""}, "default_country 'Atlantis'"},
      {{"phone", "", "", "FANCY"}, "output_format 'FANCY'"},
  };
  for (const Case& c : cases) {
    auto started = jobs_->Start(account_, id, c.options);
    ASSERT_TRUE(absl::IsInvalidArgument(started.status())) << c.names;
    EXPECT_NE(started.status().message().find(c.names), std::string::npos)
        << started.status();
  }
  EXPECT_EQ(StatusOf(id), JobStatus::kUploaded);
  auto started = jobs_->Start(account_, id, {"phone", "", "gb", "NATIONAL"});
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->job.status, JobStatus::kRunning);
  EXPECT_TRUE(started->job.token.empty());  // never shown
  EXPECT_TRUE(absl::IsFailedPrecondition(
      jobs_->Start(account_, id, {"phone", "", "", ""}).status()));
}

TEST_F(FileJobsTest, AnotherAccountsJobIsNotFound) {
  auto view = AcceptCsv();
  ASSERT_TRUE(view.ok());
  const std::string id = view->job.id;
  EXPECT_TRUE(absl::IsNotFound(jobs_->Get(other_, id).status()));
  EXPECT_TRUE(absl::IsNotFound(
      jobs_->Start(other_, id, {"phone", "", "", ""}).status()));
  EXPECT_TRUE(absl::IsNotFound(jobs_->ResultPath(other_, id).status()));
  EXPECT_TRUE(jobs_->List(other_)->empty());
  EXPECT_TRUE(
      absl::IsFailedPrecondition(jobs_->ResultPath(account_, id).status()));
}

TEST_F(FileJobsTest, ListIsNewestFirst) {
  auto a = AcceptCsv();
  clock_.Advance(absl::Seconds(1));
  auto b = AcceptCsv();
  ASSERT_TRUE(a.ok() && b.ok());
  auto list = jobs_->List(account_);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].job.id, b->job.id);
  EXPECT_EQ((*list)[1].job.id, a->job.id);
}

TEST_F(FileJobsTest, RunCompletesWithAJobTokenThatIsThenDisabled) {
  auto view = AcceptCsv();
  ASSERT_TRUE(view.ok());
  const std::string id = view->job.id;
  ASSERT_TRUE(jobs_->Start(account_, id, {"phone", "country", "", ""}).ok());
  jobs_->StartRunner("http://127.0.0.1:1");
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == JobStatus::kCompleted; }));
  EXPECT_TRUE(token_ok_);
  EXPECT_TRUE(last_token_.starts_with("pb_job_"));
  auto token = store_->accounts().FindTokenByHash(Sha256Hex(last_token_));
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(token->disabled);
  EXPECT_EQ(token->display_prefix, last_token_.substr(0, 14));
  auto done = jobs_->Get(account_, id);
  ASSERT_TRUE(done->job.summary.has_value());
  EXPECT_EQ(done->job.summary->credits, 2);
  EXPECT_EQ(done->report_json, R"({"rows":1})");
  EXPECT_EQ(done->rows_done, 2);
  auto path = jobs_->ResultPath(account_, id);
  ASSERT_TRUE(path.ok());
  EXPECT_TRUE(fs::exists(*path));
}

TEST_F(FileJobsTest, StoppedJobStaysRunningAndResumesWithItsToken) {
  auto view = AcceptCsv();
  ASSERT_TRUE(view.ok());
  const std::string id = view->job.id;
  ASSERT_TRUE(jobs_->Start(account_, id, {"phone", "", "", ""}).ok());
  block_ = true;
  jobs_->StartRunner("http://127.0.0.1:1");
  ASSERT_TRUE(WaitFor([&] { return runs_ == 1; }));
  ASSERT_TRUE(WaitFor([&] {
    auto v = jobs_->Get(account_, id);
    return v.ok() && v->rows_total == 2 && v->rows_done == 1;
  }));
  const std::string first_token = last_token_;
  jobs_->Stop();  // returns only once the run saw the cancel
  EXPECT_EQ(StatusOf(id), JobStatus::kRunning);
  block_ = false;
  Open();  // as serve does at its next start
  EXPECT_EQ(StatusOf(id), JobStatus::kRunning);
  jobs_->StartRunner("http://127.0.0.1:1");
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == JobStatus::kCompleted; }));
  EXPECT_EQ(runs_, 2);
  EXPECT_EQ(last_token_, first_token);
  EXPECT_TRUE(token_ok_);
}

TEST_F(FileJobsTest, FailedRunSaysWhyAndDisablesItsToken) {
  auto view = AcceptCsv();
  ASSERT_TRUE(view.ok());
  const std::string id = view->job.id;
  fail_ = true;
  ASSERT_TRUE(jobs_->Start(account_, id, {"phone", "", "", ""}).ok());
  jobs_->StartRunner("http://127.0.0.1:1");
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == JobStatus::kFailed; }));
  EXPECT_EQ(jobs_->Get(account_, id)->job.error, "not enough credits: 1 left");
  EXPECT_TRUE(
      store_->accounts().FindTokenByHash(Sha256Hex(last_token_))->disabled);
  EXPECT_TRUE(
      absl::IsFailedPrecondition(jobs_->ResultPath(account_, id).status()));
}

TEST_F(FileJobsTest, SweepDeletesOnlyJobsPastTheRetention) {
  auto old_done = AcceptCsv();
  auto fresh_upload = AcceptCsv();
  ASSERT_TRUE(old_done.ok() && fresh_upload.ok());
  ASSERT_TRUE(
      jobs_->Start(account_, old_done->job.id, {"phone", "", "", ""}).ok());
  jobs_->StartRunner("http://127.0.0.1:1");
  ASSERT_TRUE(WaitFor(
      [&] { return StatusOf(old_done->job.id) == JobStatus::kCompleted; }));
  auto old_upload = AcceptCsv();  // uploaded now, never started
  ASSERT_TRUE(old_upload.ok());
  block_ = true;
  auto running = AcceptCsv();
  ASSERT_TRUE(
      jobs_->Start(account_, running->job.id, {"phone", "", "", ""}).ok());
  ASSERT_TRUE(WaitFor([&] { return runs_ == 2; }));
  EXPECT_EQ(jobs_->Sweep(), 0);  // nothing is old yet
  clock_.Advance(absl::Hours(24) + absl::Seconds(1));
  EXPECT_EQ(jobs_->Sweep(), 3);  // the completed one and both uploads
  EXPECT_FALSE(fs::exists(root_ / "files" / old_done->job.id));
  EXPECT_FALSE(fs::exists(root_ / "files" / old_upload->job.id));
  EXPECT_TRUE(
      absl::IsNotFound(jobs_->Get(account_, old_done->job.id).status()));
  EXPECT_EQ(StatusOf(running->job.id), JobStatus::kRunning);
  EXPECT_TRUE(fs::exists(root_ / "files" / running->job.id));
}

}  // namespace
}  // namespace phonebulk::files
