/**
 * The HTTP transport on embedded Jetty: the route table ({@link org.ccarm.transport.http.HttpRoutes}),
 * the command servlets, the switch feed's JSON API, and the error handler that makes
 * even Jetty's own refusals answer an {@code out} document.
 */
package org.ccarm.transport.http;
