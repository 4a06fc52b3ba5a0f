#ifndef CPN_PREFETCH_H
#define CPN_PREFETCH_H
// Swift has no prefetch intrinsic. The explorer's hash-table lookups are
// bound by memory latency; asking for the cache lines of a batch of lookups
// ahead of time lets their misses overlap instead of queueing.
static inline void cpn_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
