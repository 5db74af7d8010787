/* The floor of JNA itself: empty functions the benchmark calls through a
 * JNA direct mapping, so the SDK's per-call cost is read against what JNA
 * costs with no Rust and no uniffi behind it. */
#include <stdint.h>

void imw_noop(void) {}

int32_t imw_identity_i32(int32_t x) { return x; }
