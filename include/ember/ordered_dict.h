// OrderedDict: a map that keeps insertion order, as libtorch's torch::OrderedDict. Modules
// return their named parameters, buffers and children in one; items have key() and value()
// (and, being std::pairs, .first, .second and structured bindings).
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ember/error.h"

namespace ember {

namespace detail {
inline std::string ordered_dict_key_text(const std::string& key) { return "'" + key + "'"; }
template <typename K>
std::string ordered_dict_key_text(const K&) {
  return "the key";
}
}  // namespace detail

template <typename Key, typename Value>
class OrderedDict {
 public:
  class Item : public std::pair<Key, Value> {
   public:
    Item(Key key, Value value) : std::pair<Key, Value>(std::move(key), std::move(value)) {}
    const Key& key() const noexcept { return this->first; }
    Value& value() noexcept { return this->second; }
    const Value& value() const noexcept { return this->second; }
    const std::pair<Key, Value>& pair() const noexcept { return *this; }
    Value& operator*() { return this->second; }
    const Value& operator*() const { return this->second; }
    Value* operator->() { return &this->second; }
    const Value* operator->() const { return &this->second; }
  };

  using key_type = Key;
  using mapped_type = Value;
  using Iterator = typename std::vector<Item>::iterator;
  using ConstIterator = typename std::vector<Item>::const_iterator;

  // key_description names the keys in errors: "Parameter 'w' is not defined".
  explicit OrderedDict(std::string key_description = "Key") : key_description_(std::move(key_description)) {}
  OrderedDict(std::initializer_list<Item> items) : OrderedDict() {
    reserve(items.size());
    for (const auto& item : items) insert(item.key(), item.value());
  }

  const std::string& key_description() const noexcept { return key_description_; }

  Iterator begin() { return items_.begin(); }
  ConstIterator begin() const { return items_.begin(); }
  Iterator end() { return items_.end(); }
  ConstIterator end() const { return items_.end(); }

  Item& front() { return checked_at(0, "front"); }
  const Item& front() const { return const_cast<OrderedDict*>(this)->checked_at(0, "front"); }
  Item& back() { return checked_at(items_.size() - 1, "back"); }
  const Item& back() const { return const_cast<OrderedDict*>(this)->checked_at(items_.size() - 1, "back"); }

  // By position (an Item) or by key (its value; ValueError when absent).
  Item& operator[](size_t index) { return checked_at(index, "operator[]"); }
  const Item& operator[](size_t index) const { return const_cast<OrderedDict*>(this)->checked_at(index, "operator[]"); }
  Value& operator[](const Key& key) {
    if (Value* value = find(key)) return *value;
    throw ValueError(key_description_ + " " + detail::ordered_dict_key_text(key) + " is not defined");
  }
  const Value& operator[](const Key& key) const { return (*const_cast<OrderedDict*>(this))[key]; }

  Value* find(const Key& key) noexcept {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value* find(const Key& key) const noexcept { return const_cast<OrderedDict*>(this)->find(key); }
  bool contains(const Key& key) const noexcept { return index_.count(key) != 0; }

  // Adds a new key (ValueError if it is already there) and returns its value.
  template <typename K, typename V>
  Value& insert(K&& key, V&& value) {
    if (contains(key))
      throw ValueError(key_description_ + " " + detail::ordered_dict_key_text(Key(key)) + " already defined");
    index_.emplace(key, items_.size());
    items_.emplace_back(Key(std::forward<K>(key)), Value(std::forward<V>(value)));
    return items_.back().value();
  }
  Value& insert(Key key, Value&& value) { return insert<Key, Value>(std::move(key), std::move(value)); }

  // Inserts every item of other (each key must be new).
  void update(OrderedDict&& other) {
    reserve(size() + other.size());
    for (auto& item : other) insert(std::move(item.first), std::move(item.second));
  }
  void update(const OrderedDict& other) {
    reserve(size() + other.size());
    for (const auto& item : other) insert(item.key(), item.value());
  }

  // Removes key, keeping the order of the rest; ValueError when absent.
  void erase(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) throw ValueError("Key " + detail::ordered_dict_key_text(key) + " doesn't exist");
    size_t position = it->second;
    index_.erase(it);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(position));
    for (auto& entry : index_)
      if (entry.second > position) --entry.second;
  }
  void clear() {
    index_.clear();
    items_.clear();
  }
  void reserve(size_t n) {
    index_.reserve(n);
    items_.reserve(n);
  }

  const std::vector<Item>& items() const noexcept { return items_; }
  std::vector<Key> keys() const {
    std::vector<Key> out;
    out.reserve(size());
    for (const auto& item : items_) out.push_back(item.key());
    return out;
  }
  std::vector<Value> values() const {
    std::vector<Value> out;
    out.reserve(size());
    for (const auto& item : items_) out.push_back(item.value());
    return out;
  }
  std::vector<std::pair<Key, Value>> pairs() const {
    std::vector<std::pair<Key, Value>> out;
    out.reserve(size());
    for (const auto& item : items_) out.push_back(item.pair());
    return out;
  }

  size_t size() const noexcept { return items_.size(); }
  bool is_empty() const noexcept { return items_.empty(); }

 private:
  Item& checked_at(size_t index, const char* what) {
    if (index >= items_.size())
      throw IndexError("OrderedDict::" + std::string(what) + ": index " + std::to_string(index) +
                       " is out of range for " + std::to_string(items_.size()) + " items");
    return items_[index];
  }

  std::unordered_map<Key, size_t> index_;
  std::vector<Item> items_;
  std::string key_description_;
};

}  // namespace ember
