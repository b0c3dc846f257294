/**
 * The switch feed: how the telephone switch (or, until one is connected, a script,
 * a demo or a test) tells the server which conversations exist. Holds the feed's JSON
 * representation of a conversation and the loading of fixture files; the HTTP API
 * over it lives in {@code transport.http}.
 *
 * <p>May import the domain, the store and Jackson; nothing of Jetty or the servlet API.
 */
package org.ccarm.feed;
