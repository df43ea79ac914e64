// Native anchor for bench/twofish.bench.ts: Crypto++'s Twofish (CBC and CTR through Crypto++'s
// own mode classes), timed on the same key, IV and data as the TypeScript benchmark.
//
// Usage: twofish_bench <cbc-enc|cbc-dec|ctr|keysetup|digest> <bytes> <min_ms>
//        twofish_bench serve      (reads such commands from stdin, one per line; answers each)
//   cbc-enc/cbc-dec/ctr: prints "<bytes> <wall ms> <cpu ms>" for as many whole runs as fit in
//     min_ms of wall time (at least one), after a warm-up run;
//   keysetup: prints "<keys> <wall ms> <cpu ms>" for 128-bit key setups;
//   digest: prints the SHA-256 (hex) of the CBC-enc, CBC-dec and CTR outputs, one per line, so
//     the benchmark can check all implementations agree before timing.
// "cpu ms" is this process's CPU time (CLOCK_PROCESS_CPUTIME_ID), which the benchmark reports
// beside wall time because the shared machine's load makes wall time noisy.
// Data: key byte i = (29 i + 1) mod 256, IV byte i = (7 i + 3) mod 256, data = xorshift32
// words (seed 0x12345678) stored little-endian; the same as bench/twofish.bench.ts.
// Build (bench/twofish.bench.ts does this itself when g++ and the headers are present):
//   g++ -O2 -o bench/native/build/twofish_bench bench/native/twofish_bench.cpp -lcryptopp
#if __has_include(<cryptopp/twofish.h>)
#include <cryptopp/filters.h>
#include <cryptopp/hex.h>
#include <cryptopp/modes.h>
#include <cryptopp/sha.h>
#include <cryptopp/twofish.h>
#else
#include <crypto++/filters.h>
#include <crypto++/hex.h>
#include <crypto++/modes.h>
#include <crypto++/sha.h>
#include <crypto++/twofish.h>
#endif
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

using namespace CryptoPP;
using Clock = std::chrono::steady_clock;

static std::vector<uint8_t> makeData(size_t n) {
  std::vector<uint8_t> d(n);
  uint32_t x = 0x12345678u;
  for (size_t i = 0; i + 4 <= n; i += 4) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    d[i] = x & 255;
    d[i + 1] = (x >> 8) & 255;
    d[i + 2] = (x >> 16) & 255;
    d[i + 3] = (x >> 24) & 255;
  }
  return d;
}

static std::string sha256Hex(const uint8_t* p, size_t n) {
  SHA256 h;
  uint8_t out[32];
  h.CalculateDigest(out, p, n);
  char buf[65];
  for (int i = 0; i < 32; i++) snprintf(buf + 2 * i, 3, "%02x", out[i]);
  return std::string(buf, 64);
}

static double cpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint8_t key[16], iv[16];

struct Buffers {
  size_t n = 0;
  std::vector<uint8_t> data, out, ct;
};

static Buffers& buffersFor(size_t n) {
  static Buffers b;
  if (b.n != n) {
    b.n = n;
    b.data = makeData(n);
    b.out.assign(n, 0);
    b.ct.assign(n, 0);
    CBC_Mode<Twofish>::Encryption e(key, 16, iv);
    e.ProcessData(b.ct.data(), b.data.data(), n);
  }
  return b;
}

// One command; returns false on an unknown mode.
static bool command(const std::string& mode, size_t n, double minMs) {
  static CBC_Mode<Twofish>::Encryption cbcEnc(key, 16, iv);
  static CBC_Mode<Twofish>::Decryption cbcDec(key, 16, iv);
  static CTR_Mode<Twofish>::Encryption ctr(key, 16, iv);
  if (mode == "digest") {
    Buffers& b = buffersFor(n);
    cbcEnc.Resynchronize(iv);
    cbcEnc.ProcessData(b.out.data(), b.data.data(), n);
    printf("%s\n", sha256Hex(b.out.data(), n).c_str());
    cbcDec.Resynchronize(iv);
    cbcDec.ProcessData(b.out.data(), b.ct.data(), n);
    printf("%s\n", sha256Hex(b.out.data(), n).c_str());
    ctr.Resynchronize(iv);
    ctr.ProcessData(b.out.data(), b.data.data(), n);
    printf("%s\n", sha256Hex(b.out.data(), n).c_str());
    return true;
  }
  if (mode == "keysetup") {
    static Twofish::Encryption e;
    uint8_t k[16];
    memcpy(k, key, 16);
    long keys = 0;
    auto t0 = Clock::now();
    double c0 = cpuMs(), ms = 0;
    do {
      for (int i = 0; i < 1000; i++) {
        k[i & 15] ^= 1;
        e.SetKey(k, 16);
      }
      keys += 1000;
      ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    } while (ms < minMs);
    uint8_t blk[16] = {0};
    e.ProcessBlock(blk);  // keep the key setups observable
    printf("%ld %.4f %.4f %d\n", keys, ms, cpuMs() - c0, blk[0] & 0);
    return true;
  }
  if (mode != "cbc-enc" && mode != "cbc-dec" && mode != "ctr") return false;
  Buffers& b = buffersFor(n);
  auto once = [&]() {
    if (mode == "cbc-enc") {
      cbcEnc.Resynchronize(iv);
      cbcEnc.ProcessData(b.out.data(), b.data.data(), n);
    } else if (mode == "cbc-dec") {
      cbcDec.Resynchronize(iv);
      cbcDec.ProcessData(b.out.data(), b.ct.data(), n);
    } else {
      ctr.Resynchronize(iv);
      ctr.ProcessData(b.out.data(), b.data.data(), n);
    }
  };
  once();  // warm caches and branch predictors
  long reps = 0;
  auto t0 = Clock::now();
  double c0 = cpuMs(), ms = 0;
  do {
    once();
    reps++;
    ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  } while (ms < minMs);
  printf("%.0f %.4f %.4f\n", (double)n * reps, ms, cpuMs() - c0);
  return true;
}

int main(int argc, char** argv) {
  for (int i = 0; i < 16; i++) {
    key[i] = (29 * i + 1) & 255;
    iv[i] = (7 * i + 3) & 255;
  }
  if (argc == 2 && std::string(argv[1]) == "serve") {
    char mode[32];
    size_t n;
    double minMs;
    while (scanf("%31s %zu %lf", mode, &n, &minMs) == 3) {
      if (!command(mode, n, minMs)) printf("error\n");
      fflush(stdout);
    }
    return 0;
  }
  if (argc < 4) {
    fprintf(stderr, "usage: %s <cbc-enc|cbc-dec|ctr|keysetup|digest> <bytes> <min_ms> | serve\n", argv[0]);
    return 2;
  }
  return command(argv[1], strtoull(argv[2], nullptr, 10), atof(argv[3])) ? 0 : 2;
}
