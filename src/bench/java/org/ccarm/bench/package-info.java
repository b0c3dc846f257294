/**
 * Benchmarks, not tests: the servers and load generator that {@code bench/run}
 * starts as separate processes, and JMH microbenchmarks ({@code bench.jmh}). Compiled
 * with the tests so that they keep compiling; timings never decide a test.
 */
package org.ccarm.bench;
