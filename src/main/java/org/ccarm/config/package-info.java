/**
 * The server's configuration: a properties file (by default
 * {@code config/server.properties}) with environment variables layered on top.
 * Plain Java; nothing here starts anything.
 */
package org.ccarm.config;
