/**
 * The store shared by several server instances, on Redis through Lettuce: the one
 * package that knows Redis. The domain's rules stay in Java; Redis gives a
 * compare-and-set on each conversation's version (small Lua scripts, Redis 6.2 and
 * later), so the rules still live in one place.
 */
package org.ccarm.store.redis;
