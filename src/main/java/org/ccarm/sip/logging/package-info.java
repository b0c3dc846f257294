/** The SIP stack's loggers, adapted to SLF4J (so that log4j 1.x never comes in). */
package org.ccarm.sip.logging;
