/**
 * The call-control domain: conversations, holds, and the rules that guard their
 * transitions.
 *
 * <p>Everything here is plain Java. It may import nothing of HTTP, XML, JSON or Jetty
 * (an ArchUnit test enforces this), so that every transport and every store can
 * share the same rules.
 */
package org.ccarm.callcontrol;
