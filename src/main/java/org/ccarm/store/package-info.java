/**
 * Where conversations live: the {@link org.ccarm.store.ConversationStore} interface
 * and its implementations.
 *
 * <p>The interface offers atomic conditional transitions, never read-modify-write by
 * the caller, so that a store shared by several server instances can implement it
 * with its own atomic primitive. May import the domain; nothing of HTTP, XML, JSON
 * or Jetty.
 */
package org.ccarm.store;
