#include <stddef.h>
#include <stdint.h>
// libFuzzer's driver (in libclang_rt.fuzzer, linked by -sanitize=fuzzer): SwiftPM gives every
// executable its own main(), so the Swift main hands control to the fuzzer through this.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
