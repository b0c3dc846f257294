/**
 * What the server counts and times, for Prometheus: the one package that knows
 * Micrometer (transports only hand it numbers). Label values are bounded by what the
 * server serves, so no client can grow the number of series: a domain not served is
 * {@code other}, a command not implemented is {@code unknown}.
 */
package org.ccarm.metrics;
