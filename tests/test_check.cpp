// The public checks and warnings (ember/check.h), libtorch's TORCH_CHECK family renamed:
// messages made by ember::str, the error type of each variant, the default message, internal
// asserts naming their place, and the per-thread warning handler.
#include <ember/ember.h>

#include <string>
#include <thread>
#include <vector>

#include "helpers.h"

namespace {

struct Collecting : ember::WarningHandler {
  void process(const ember::Warning& warning) override { messages.push_back(warning.msg()); }
  std::vector<std::string> messages;
};

// Installs a handler for the scope of a test.
struct HandlerScope {
  explicit HandlerScope(ember::WarningHandler* handler) : previous(ember::get_warning_handler()) {
    ember::set_warning_handler(handler);
  }
  ~HandlerScope() { ember::set_warning_handler(previous); }
  ember::WarningHandler* previous;
};

int checked_twice(int x) {
  EMBER_CHECK(x > 0, "x must be positive, got ", x);
  EMBER_CHECK(x < 10);
  return x;
}

TEST(Check, MessagesAndTypes) {
  EXPECT_EQ(ember::str("a", 1, ' ', 2.5, ember::Shape({2, 3})), "a1 2.5[2, 3]");
  EXPECT_EQ(ember::str(), "");
  EXPECT_EQ(checked_twice(3), 3);
  EXPECT_THROW_MSG(checked_twice(-4), ember::Error, "x must be positive, got -4");
  EXPECT_THROW_MSG(checked_twice(12), ember::Error, "Expected x < 10 to be true, but got false.");
  EXPECT_THROW_MSG(EMBER_CHECK_INDEX(false, "index ", 7), ember::IndexError, "index 7");
  EXPECT_THROW_MSG(EMBER_CHECK_VALUE(1 == 2, "bad"), ember::ValueError, "bad");
  EXPECT_THROW_MSG(EMBER_CHECK_TYPE(false, ember::kFloat64), ember::TypeError, "Double");  // operator<< of a DType
  EXPECT_THROW_MSG(EMBER_ERROR("gave up after ", 3, " tries"), ember::Error, "gave up after 3 tries");
  EXPECT_THROW_MSG(AT_ERROR("at error"), ember::Error, "at error");
  EXPECT_THROW_MSG(EMBER_INTERNAL_ASSERT(1 + 1 == 3, "arithmetic"), ember::Error,
                   "internal assert failed: 1 + 1 == 3 at ");
  EXPECT_THROW_MSG(EMBER_INTERNAL_ASSERT(1 + 1 == 3, "arithmetic"), ember::Error, "test_check.cpp:");
  EXPECT_THROW_MSG(AT_ASSERT(false), ember::Error, "(a bug: please report it)");
  try {
    AT_ASSERT(false);
  } catch (const ember::Error& e) {
    EXPECT_EQ(std::string(e.what()).find(": (a bug"), std::string::npos) << e.what();
  }
  // The condition is evaluated once, and the message only when it fails.
  int evaluations = 0, messages = 0;
  auto message = [&] {
    ++messages;
    return "m";
  };
  EMBER_CHECK(++evaluations == 1, message());
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(messages, 0);
}

TEST(Check, WarningsGoToTheThreadsHandler) {
  Collecting collect;
  HandlerScope scope(&collect);
  EMBER_WARN("lr ", 0.5, " is large");
  for (int i = 0; i < 3; ++i) EMBER_WARN_ONCE("once ", i);
  EXPECT_EQ(collect.messages, std::vector<std::string>({"lr 0.5 is large", "once 0"}));
  // Another thread has its own handler: the default one (stderr), not this one.
  std::thread([] { EXPECT_EQ(ember::get_warning_handler(), nullptr); }).join();
  testing::internal::CaptureStderr();
  ember::set_warning_handler(nullptr);
  EMBER_WARN("to stderr");
  const std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_NE(printed.find("Warning: to stderr (" __FILE__ ":"), std::string::npos) << printed;
}

}  // namespace
