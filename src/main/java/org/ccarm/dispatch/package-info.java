/**
 * The one way into the API for every transport: resolve the domain and command,
 * decode the {@code in} document, run the command, map its result to an answer, and
 * write the audit line. Transports only translate their own framing to and from it.
 *
 * <p>May import the command layer and the protocol; nothing of Jetty, the servlet API or
 * the store.
 */
package org.ccarm.dispatch;
