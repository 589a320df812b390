// Shape: a small vector of int64_t used for sizes and strides. Up to kInline entries live
// inside the object, so making a tensor of ordinary rank allocates nothing for its layout.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <vector>

namespace ember {

class Shape {
 public:
  static constexpr size_t kInline = 6;

  Shape() = default;
  Shape(std::initializer_list<int64_t> values) { assign(values.begin(), values.size()); }
  Shape(const std::vector<int64_t>& values) { assign(values.data(), values.size()); }  // NOLINT
  Shape(const int64_t* data, size_t n) { assign(data, n); }
  // One size, as libtorch's IntArrayRef takes one: randn(3), x.view(-1), x.expand(6).
  /* implicit */ Shape(int64_t size) { assign(&size, 1); }
  // n entries of value. Shape(n) with a size_t n is n zeros; with an int literal it is
  // ambiguous: write Shape{3} for the one-entry shape.
  explicit Shape(size_t n, int64_t value = 0) {
    resize(n);
    for (size_t i = 0; i < n; ++i) data_[i] = value;
  }
  Shape(const Shape& o) { assign(o.data_, o.size_); }
  Shape(Shape&& o) noexcept { move_from(o); }
  Shape& operator=(const Shape& o) {
    if (this != &o) assign(o.data_, o.size_);
    return *this;
  }
  Shape& operator=(Shape&& o) noexcept {
    if (this != &o) {
      release();
      move_from(o);
    }
    return *this;
  }
  ~Shape() { release(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t* data() { return data_; }
  const int64_t* data() const { return data_; }
  int64_t& operator[](size_t i) { return data_[i]; }
  int64_t operator[](size_t i) const { return data_[i]; }
  int64_t* begin() { return data_; }
  int64_t* end() { return data_ + size_; }
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }
  int64_t back() const { return data_[size_ - 1]; }
  int64_t front() const { return data_[0]; }

  void resize(size_t n, int64_t fill = 0) {
    if (n > capacity_) grow(n);
    for (size_t i = size_; i < n; ++i) data_[i] = fill;
    size_ = n;
  }
  void push_back(int64_t v) {
    resize(size_ + 1);
    data_[size_ - 1] = v;
  }
  void insert(size_t pos, int64_t v);
  void erase(size_t pos);
  void pop_back() { --size_; }
  void clear() { size_ = 0; }

  // Product of all entries (1 for an empty shape). Throws on int64 overflow.
  int64_t numel() const;
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }
  std::string str() const;  // "[2, 3]"

  bool operator==(const Shape& o) const;
  bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  void assign(const int64_t* src, size_t n) {
    if (n > capacity_) grow(n);
    for (size_t i = 0; i < n; ++i) data_[i] = src[i];
    size_ = n;
  }
  void grow(size_t n);
  void release() {
    if (data_ != inline_) delete[] data_;
    data_ = inline_;
    capacity_ = kInline;
  }
  void move_from(Shape& o) {
    if (o.data_ == o.inline_) {
      for (size_t i = 0; i < o.size_; ++i) inline_[i] = o.inline_[i];
      data_ = inline_;
      capacity_ = kInline;
    } else {
      data_ = o.data_;
      capacity_ = o.capacity_;
      o.data_ = o.inline_;
      o.capacity_ = kInline;
    }
    size_ = o.size_;
    o.size_ = 0;
  }

  int64_t inline_[kInline];  // only [0, size_) is meaningful
  int64_t* data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = kInline;
};

std::ostream& operator<<(std::ostream& os, const Shape& s);

}  // namespace ember
