// Where a tensor's memory lives: the CPU or one CUDA device.
#pragma once
#include <cstdint>
#include <string>

namespace ember {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
constexpr int kNumDeviceTypes = 2;

class Device {
 public:
  Device(DeviceType type, int index = -1);                 // NOLINT: implicit like PyTorch
  Device(const std::string& spec);                         // NOLINT: "cpu", "cuda", "cuda:1"
  Device(const char* spec) : Device(std::string(spec)) {}  // NOLINT

  DeviceType type() const { return type_; }
  // -1 means "the current device" for CUDA; CPU is always -1.
  int index() const { return index_; }
  bool is_cpu() const { return type_ == DeviceType::CPU; }
  bool is_cuda() const { return type_ == DeviceType::CUDA; }
  std::string str() const;

  bool operator==(const Device& o) const { return type_ == o.type_ && normalized_index() == o.normalized_index(); }
  bool operator!=(const Device& o) const { return !(*this == o); }

 private:
  int normalized_index() const { return type_ == DeviceType::CUDA && index_ < 0 ? 0 : index_; }
  DeviceType type_;
  int index_;
};

constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;

namespace cuda {
bool is_available();
int device_count();
void synchronize();

// The CUDA caching allocator's statistics for one device (-1: the current one), in bytes:
// memory in tensors, memory held from the driver (tensors plus cache), and the peak of the
// former since the last reset. All zero in a build or on a machine without CUDA.
int64_t memory_allocated(int device = -1);
int64_t memory_reserved(int device = -1);
int64_t max_memory_allocated(int device = -1);
void reset_peak_memory_stats(int device = -1);
// Returns the cached, unused memory of every device to the driver.
void empty_cache();

// Whether float32 matrix products on CUDA may use TF32 tensor cores (10-bit mantissa inputs,
// float32 accumulation): off by default, like PyTorch's torch.backends.cuda.matmul.allow_tf32.
void set_allow_tf32(bool allow);
bool allow_tf32();
}  // namespace cuda

namespace memory {
// Storages alive right now, on any device, and their bytes (for leak checks in tests).
int64_t live_storages();
int64_t live_storage_bytes();
}  // namespace memory

// Threads used by CPU kernels (and by OpenBLAS, which is told the same number).
void set_num_threads(int n);
int get_num_threads();

}  // namespace ember
