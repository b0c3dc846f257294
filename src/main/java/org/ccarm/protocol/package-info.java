/**
 * The cc/arm wire protocol, independent of any transport: the stable error reasons
 * and their statuses, the answer a command gives, and the one mapper from an answer
 * to the vendor's {@code out} document. Sub-packages read and write that document as
 * XML ({@code protocol.xml}) and hold the generic element tree ({@code protocol.tree}).
 *
 * <p>Owns JAXB (and, for the JSON form, Jackson). May import the command layer's
 * request type; nothing of Jetty or the servlet API.
 */
package org.ccarm.protocol;
