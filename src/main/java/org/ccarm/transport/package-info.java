/**
 * Transports: the only packages that import Jetty and the servlet API. Each
 * translates its own framing to and from the {@code dispatch} layer and decides
 * nothing itself.
 */
package org.ccarm.transport;
