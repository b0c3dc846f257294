/**
 * The websocket transport on Jetty's websocket API: one endpoint per connection
 * under {@code /<DOMAIN>/service/cc/arm/ws}, framed messages carrying the JSON form,
 * handed to the same dispatcher as HTTP.
 */
package org.ccarm.transport.ws;
