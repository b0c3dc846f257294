/**
 * The operations listener, on a port of its own (by default loopback only), so that
 * health and metrics never share the public listener: {@code /health/live},
 * {@code /health/ready}, {@code /metrics}. A small Jetty server with its own threads,
 * so it answers even when the public listener is saturated.
 */
package org.ccarm.transport.ops;
