// Checks, errors and warnings for code that uses ember, spelled as libtorch's (TORCH_CHECK
// becomes EMBER_CHECK): the message is the remaining arguments printed one after another
// with operator<<, as ember::str makes it.
//   EMBER_CHECK(x.dim() == 2, "expected a matrix, got ", x.dim(), " dims");  // throws ember::Error
//   EMBER_CHECK_INDEX(i < n, "index ", i, " out of range");                  // ember::IndexError
//   EMBER_WARN("lr ", lr, " is large");  // to the warning handler (stderr unless replaced)
// AT_ERROR and AT_ASSERT, which the rename leaves alone, are defined too.
#pragma once
#include <sstream>
#include <string>

#include "ember/error.h"

namespace ember {

// The arguments printed one after another with operator<< (libtorch's c10::str).
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream out;
  (void)(out << ... << args);
  return out.str();
}

// A warning: its message and where it was raised.
class Warning {
 public:
  Warning(std::string message, const char* file, int line) : message_(std::move(message)), file_(file), line_(line) {}
  const std::string& msg() const noexcept { return message_; }
  const char* file() const noexcept { return file_; }
  int line() const noexcept { return line_; }

 private:
  std::string message_;
  const char* file_;
  int line_;
};

// Receives the warnings of EMBER_WARN. The default one prints "Warning: <message> (file:line)"
// to stderr.
class WarningHandler {
 public:
  virtual ~WarningHandler() = default;
  virtual void process(const Warning& warning);
};

// The calling thread's handler (nullptr: the default one), as libtorch's, which is per thread.
void set_warning_handler(WarningHandler* handler) noexcept;
WarningHandler* get_warning_handler() noexcept;

namespace detail {
[[noreturn]] void check_failed(const char* condition, std::string message, int kind);
void warn(std::string message, const char* file, int line);
enum CheckKind : int { kCheckError = 0, kCheckIndex, kCheckValue, kCheckType, kCheckInternal };
}  // namespace detail

}  // namespace ember

#define EMBER_CHECK_KIND_(kind, cond, ...)                                              \
  do {                                                                                  \
    if (!(cond)) ::ember::detail::check_failed(#cond, ::ember::str(__VA_ARGS__), kind); \
  } while (0)

// Throws ember::Error with the message (or "Expected <cond> to be true, but got false.").
#define EMBER_CHECK(cond, ...) EMBER_CHECK_KIND_(::ember::detail::kCheckError, cond, ##__VA_ARGS__)
#define EMBER_CHECK_INDEX(cond, ...) EMBER_CHECK_KIND_(::ember::detail::kCheckIndex, cond, ##__VA_ARGS__)
#define EMBER_CHECK_VALUE(cond, ...) EMBER_CHECK_KIND_(::ember::detail::kCheckValue, cond, ##__VA_ARGS__)
#define EMBER_CHECK_TYPE(cond, ...) EMBER_CHECK_KIND_(::ember::detail::kCheckType, cond, ##__VA_ARGS__)
// An invariant of the program, not an input check: the message says it is a bug.
#define EMBER_INTERNAL_ASSERT(cond, ...) \
  EMBER_CHECK_KIND_(::ember::detail::kCheckInternal, cond, __FILE__, ":", __LINE__, ": ", ##__VA_ARGS__)
#define EMBER_ERROR(...) ::ember::detail::check_failed("", ::ember::str(__VA_ARGS__), ::ember::detail::kCheckError)
#define EMBER_WARN(...) ::ember::detail::warn(::ember::str(__VA_ARGS__), __FILE__, __LINE__)
#define EMBER_WARN_ONCE(...)                     \
  do {                                           \
    static const bool ember_warned_once_ = [&] { \
      EMBER_WARN(__VA_ARGS__);                   \
      return true;                               \
    }();                                         \
    (void)ember_warned_once_;                    \
  } while (0)

#ifndef AT_ERROR
#define AT_ERROR(...) EMBER_ERROR(__VA_ARGS__)
#endif
#ifndef AT_ASSERT
#define AT_ASSERT(cond, ...) EMBER_INTERNAL_ASSERT(cond, ##__VA_ARGS__)
#endif
