// Copyright storyline authors.
//
// File helpers shared by the tests (never linked into the library): read and write
// whole files, and a fresh folder per test. Tests only; they may use GoogleTest.
#ifndef STORYLINE_CORE_TEST_FILES_H_
#define STORYLINE_CORE_TEST_FILES_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace storyline::testing_files {

// The project root (tests run there) and the shared data folder beside it.
inline const std::string kRoot = STORYLINE_SOURCE_DIR;
inline const std::string kDemo = kRoot + "/demo";
inline const std::string kSharedData = kRoot + "/../shared/data";

// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `bytes` to `path`, creating its parent folders.
inline void WriteFile(const std::string& path, std::string_view bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// An empty folder of the running test's own, under GoogleTest's temp dir:
// <tmp>/<prefix>_<suite>_<test>, emptied first.
inline std::string TestDir(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir =
      ::testing::TempDir() + "/" + prefix + "_" + info->test_suite_name() + "_" + info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace storyline::testing_files

#endif  // STORYLINE_CORE_TEST_FILES_H_
