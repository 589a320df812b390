// EMBER_HD marks functions that both backends compile: plain inline functions for g++, host and
// device functions for nvcc.
#pragma once

#ifdef __CUDACC__
#define EMBER_HD __host__ __device__
#else
#define EMBER_HD
#endif
