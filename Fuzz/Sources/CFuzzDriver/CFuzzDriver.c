// Declarations only (include/CFuzzDriver.h); the definition comes from libFuzzer.
