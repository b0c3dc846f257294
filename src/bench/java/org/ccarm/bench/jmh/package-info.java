/**
 * JMH microbenchmarks of the paths a request takes inside the server: reading and
 * validating an {@code in} document, writing an {@code out} document, and the
 * store's hold/release transition. Run with {@code bench/run --jmh}.
 */
package org.ccarm.bench.jmh;
