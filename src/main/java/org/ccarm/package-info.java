/**
 * cc-arm-server: {@link org.ccarm.Main} reads the configuration and starts
 * {@link org.ccarm.CcArmServer}, the one factory that wires the domain, the store,
 * the protocol, the dispatcher and the transports together.
 */
package org.ccarm;
