export { canonicalJson } from '@switchboard/kit';
export { type CacheKeyParts, cacheKey, schemaVersion } from './keys.js';
export { createMemoryCache, type MemoryCacheOptions } from './memory.js';
export { createRedisCache, DEFAULT_REDIS_PREFIX, type RedisCacheOptions } from './redis.js';
export type * from './types.js';
