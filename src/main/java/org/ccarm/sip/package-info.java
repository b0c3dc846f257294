/**
 * SIP calls through the server (README, "Real calls over SIP"): the listener on UDP and TCP
 * ({@link org.ccarm.sip.SipServer}, on the JAIN-SIP reference implementation), the registrar
 * of the operators' phones, and the back-to-back user agent that carries each call as two
 * dialogs and turns holds into re-INVITEs of both legs. Conversations are recorded in the
 * store like any other; the commands reach the calls through
 * {@link org.ccarm.command.CarriedCalls}.
 */
package org.ccarm.sip;
