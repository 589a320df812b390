// Layout on its own: the view algebra of src/core/layout.h, without tensors or storage.
#include <gtest/gtest.h>

#include "core/layout.h"
#include "ember/error.h"

using namespace ember;

namespace {

// Element offsets of every position, in row-major order.
std::vector<int64_t> offsets(const Layout& l) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < l.numel(); ++i) out.push_back(l.offset_of(i));
  return out;
}

TEST(Layout, ContiguousStrides) {
  EXPECT_EQ(contiguous_strides({2, 3, 4}), (Shape{12, 4, 1}));
  EXPECT_EQ(contiguous_strides({}), Shape{});
  EXPECT_EQ(contiguous_strides({0, 3}), (Shape{3, 1}));
  EXPECT_THROW(contiguous_strides({int64_t(1) << 40, int64_t(1) << 40}), ShapeError);
  EXPECT_TRUE(Layout::contiguous({2, 3}).is_contiguous());
  EXPECT_TRUE(Layout({2, 1, 3}, {3, 99, 1}).is_contiguous());  // size-1 strides do not matter
  EXPECT_TRUE(Layout({0, 3}, {7, 5}).is_contiguous());         // nothing to lay out
  EXPECT_FALSE(Layout({2, 3}, {1, 2}).is_contiguous());
}

TEST(Layout, SliceSelectNarrow) {
  Layout l = Layout::contiguous({3, 4}, 5);
  Layout s = l.slice(1, 1, 4, 2);  // columns 1, 3
  EXPECT_EQ(s, Layout({3, 2}, {4, 2}, 6));
  EXPECT_EQ(offsets(s), (std::vector<int64_t>{6, 8, 10, 12, 14, 16}));
  EXPECT_EQ(l.slice(0, 2, 2), Layout({0, 4}, {4, 1}, 13));
  Layout r = l.select(0, 2);
  EXPECT_EQ(r, Layout({4}, {1}, 13));
  EXPECT_EQ(l.select(1, 3), Layout({3}, {4}, 8));
}

TEST(Layout, TransposePermuteSqueeze) {
  Layout l = Layout::contiguous({2, 3, 4});
  EXPECT_EQ(l.transpose(0, 2), Layout({4, 3, 2}, {1, 4, 12}));
  EXPECT_EQ(l.permute({1, 2, 0}), Layout({3, 4, 2}, {4, 1, 12}));
  EXPECT_EQ(offsets(Layout::contiguous({2, 3}).transpose(0, 1)), (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));
  Layout u = l.unsqueeze(1);
  EXPECT_EQ(u, Layout({2, 1, 3, 4}, {12, 12, 4, 1}));
  EXPECT_EQ(l.unsqueeze(3), Layout({2, 3, 4, 1}, {12, 4, 1, 1}));
  EXPECT_EQ(u.squeeze(1), l);
  EXPECT_EQ(u.squeeze(0), u);  // not size 1: unchanged
  EXPECT_EQ(Layout({1, 3, 1}, {9, 1, 1}).squeeze(), Layout({3}, {1}));
}

TEST(Layout, Expand) {
  Layout l({3, 1}, {1, 1}, 2);
  EXPECT_EQ(l.expand({2, 3, 4}), Layout({2, 3, 4}, {0, 1, 0}, 2));
  EXPECT_EQ(l.expand({-1, 5}), Layout({3, 5}, {1, 0}, 2));
  EXPECT_EQ(offsets(Layout({}, {}, 7).expand({2})), (std::vector<int64_t>{7, 7}));
}

TEST(Layout, View) {
  Layout c = Layout::contiguous({2, 6});
  EXPECT_EQ(*c.view({3, 4}), Layout({3, 4}, {4, 1}));
  EXPECT_EQ(*c.view({2, 2, 3}), Layout({2, 2, 3}, {6, 3, 1}));
  // A transposed matrix cannot be flattened without a copy, but its dims can be split.
  Layout t = c.transpose(0, 1);  // (6, 2) strides (1, 6)
  EXPECT_FALSE(t.view({12}).has_value());
  EXPECT_EQ(*t.view({3, 2, 2}), Layout({3, 2, 2}, {2, 1, 6}));
  // Column slices: each row stays a contiguous run, rows are not adjacent.
  Layout s = Layout::contiguous({4, 8}).slice(1, 0, 4);
  EXPECT_EQ(*s.view({4, 2, 2}), Layout({4, 2, 2}, {8, 2, 1}));
  EXPECT_FALSE(s.view({16}).has_value());
  EXPECT_EQ(*Layout({}, {}, 3).view({1, 1}), Layout({1, 1}, {1, 1}, 3));
  EXPECT_EQ(*Layout({0, 5}, {5, 1}).view({5, 0}), Layout({5, 0}, {1, 1}));
}

TEST(Layout, UnfoldExtentOffsets) {
  Layout l = Layout::contiguous({7});
  Layout w = l.unfold(0, 3, 2);  // windows [0..2], [2..4], [4..6]
  EXPECT_EQ(w, Layout({3, 3}, {2, 1}));
  EXPECT_EQ(offsets(w), (std::vector<int64_t>{0, 1, 2, 2, 3, 4, 4, 5, 6}));
  EXPECT_EQ(Layout({}, {}, 4).unfold(0, 1, 1), Layout({1}, {1}, 4));
  EXPECT_EQ(*Layout({2, 3}, {3, 1}, 1).extent(), 7);
  EXPECT_EQ(*Layout({}, {}, 4).extent(), 5);
  EXPECT_EQ(*Layout({0, 3}, {3, 1}, 4).extent(), 4);
  EXPECT_FALSE(Layout({4}, {INT64_MAX / 2}, 0).extent().has_value());
  EXPECT_EQ(Layout({2, 2}, {0, 1}, 3).offset_of(3), 4);
}

}  // namespace
