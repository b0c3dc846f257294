/**
 * The commands of the cc/arm API, each declared once ({@link org.ccarm.command.Command}):
 * its name (which names its schema, {@code xsd/<name>.xsd}), its typed arguments, what
 * it does, and whether the canonical fast path may read it. Routing, decoding, the
 * audit and the answers all follow from the declaration; every transport runs the same
 * command object, so a rule lives in one place.
 *
 * <p>May import the domain, the store interface and the protocol's plain types (what a
 * document says, the error reasons); nothing of HTTP, Jetty, XML parsing or JSON.
 */
package org.ccarm.command;
