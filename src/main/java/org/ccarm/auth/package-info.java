/**
 * Operators, their passwords and sessions: who may act, and as whom. The directory of
 * operators and the sessions live in an {@link org.ccarm.auth.AuthStore} (in memory,
 * or shared through Redis, so every instance accepts a session and a logout on one is a
 * logout on all). Passwords are kept only as Argon2id hashes, made on a bounded pool of
 * their own so that hashing never takes the request threads of other clients.
 *
 * <p>Plain Java and password4j; nothing of HTTP, XML or Jetty.
 */
package org.ccarm.auth;
