package org.ccarm.sip;

import java.security.SecureRandom;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Making and sending the messages the server writes: answers, its own requests in a dialog
 * (re-INVITE, BYE, ACK), its Contact. Sending never waits for the network's answer: a
 * client transaction's answers come back through its {@link Answers}.
 */
final class SipMessages {

    private static final Logger LOG = LoggerFactory.getLogger(SipMessages.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, NOTIFY, MESSAGE";

    /** What a client transaction the server started does with its answers. */
    interface Answers {
        void answered(Response response, ClientTransaction transaction);

        /** No final answer came in the transaction's time (Timer B/F), or it could not be sent. */
        void timedOut();

        /** Answers nobody waits for (a BYE's). */
        Answers IGNORED = new Answers() {
            @Override
            public void answered(Response response, ClientTransaction transaction) {
                // nothing to do
            }

            @Override
            public void timedOut() {
                // nothing to do
            }
        };
    }

    final HeaderFactory headers;
    final MessageFactory messages;
    final AddressFactory addresses;
    final SipProvider provider;
    private final String host;
    private final int port;

    SipMessages(HeaderFactory headers, MessageFactory messages, AddressFactory addresses, SipProvider provider, String host,
                int port) {
        this.headers = headers;
        this.messages = messages;
        this.addresses = addresses;
        this.provider = provider;
        this.host = host;
        this.port = port;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** A random tag (From/To) or id: 16 lowercase hexadecimal digits. */
    static String randomHex() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    ContactHeader contact() {
        try {
            return headers.createContactHeader(addresses.createAddress("<sip:ccarm@" + hostPort() + ">"));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    ContentTypeHeader sdpType() {
        try {
            return headers.createContentTypeHeader("application", "sdp");
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    void setSdp(Message message, Sdp sdp) {
        try {
            message.setContent(sdp.bytes(), sdpType());
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The answer {@code code} to {@code request}, with the To tag of its dialog when one is given. */
    Response response(Request request, int code, String toTag) {
        try {
            Response response = messages.createResponse(code, request);
            if (toTag != null && code > 100) {
                ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
                if (to.getTag() == null) {
                    to.setTag(toTag);
                }
            }
            return response;
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers on a server transaction; a transaction gone (the peer gave up, a reset connection) is not an error. */
    void respond(ServerTransaction transaction, Response response) {
        try {
            transaction.sendResponse(response);
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("an answer could not be sent: {}", e.toString());
        }
    }

    void respond(ServerTransaction transaction, int code, String toTag, Consumer<Response> extra) {
        Response response = response(transaction.getRequest(), code, toTag);
        extra.accept(response);
        respond(transaction, response);
    }

    void respond(ServerTransaction transaction, int code) {
        respond(transaction, code, null, response -> { });
    }

    /** Answers without a transaction (a request refused before the server takes it on: an untrusted source). */
    void respondStateless(Request request, int code) {
        try {
            provider.sendResponse(messages.createResponse(code, request));
        } catch (ParseException | SipException | RuntimeException e) {
            LOG.debug("a stateless answer could not be sent: {}", e.toString());
        }
    }

    void retryAfter(Response response, int seconds) {
        try {
            response.addHeader(headers.createRetryAfterHeader(seconds));
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request of {@code method} in {@code dialog}; its answers go to {@code answers}. False when the dialog is gone. */
    boolean sendInDialog(Dialog dialog, String method, Sdp sdp, Answers answers) {
        try {
            Request request = dialog.createRequest(method);
            if (method.equals(Request.INVITE)) {
                request.setHeader(contact());
            }
            if (sdp != null) {
                setSdp(request, sdp);
            }
            return sendInDialog(dialog, request, answers);
        } catch (SipException | RuntimeException e) {
            LOG.debug("a {} could not be sent in its dialog: {}", method, e.toString());
            return false;
        }
    }

    boolean sendInDialog(Dialog dialog, Request request, Answers answers) {
        try {
            ClientTransaction transaction = provider.getNewClientTransaction(request);
            transaction.setApplicationData(answers);
            dialog.sendRequest(transaction);
            return true;
        } catch (SipException | RuntimeException e) {
            LOG.debug("a {} could not be sent in its dialog: {}", request.getMethod(), e.toString());
            return false;
        }
    }

    /** ACKs a 2xx answer to an INVITE, with {@code sdp} when the ACK carries the answer (a late offer). */
    void ack(Dialog dialog, Response response, Sdp sdp) {
        try {
            long cseq = ((javax.sip.header.CSeqHeader) response.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
            Request ack = dialog.createAck(cseq);
            if (sdp != null) {
                setSdp(ack, sdp);
            }
            dialog.sendAck(ack);
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("an ACK could not be sent: {}", e.toString());
        }
    }

    /** Hangs a dialog up; its answer does not matter. */
    void bye(Dialog dialog) {
        if (dialog != null) {
            sendInDialog(dialog, Request.BYE, null, Answers.IGNORED);
        }
    }
}
