/**
 * Small command-line clients for people trying the server out. They use only the
 * JDK, so they run from the server's jar on any machine with a Java runtime.
 */
package org.ccarm.tools;
