/**
 * The commands of the cc/arm API, one small class each. Every transport (HTTP,
 * websocket) calls the same command object, so a rule lives in one place.
 *
 * <p>May import the domain ({@code callcontrol}) and the store interface; nothing
 * of HTTP, XML, JSON or Jetty.
 */
package org.ccarm.callcontrol.command;
