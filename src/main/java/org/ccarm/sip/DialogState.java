package org.ccarm.sip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * What another instance needs to hang a call up when the instance that carries it is
 * lost: for each leg's dialog its Call-ID, tags, parties, remote target, route set and the
 * server's last CSeq (RFC 3261 s12.2.1.1 builds a request in a dialog from exactly these).
 * Written once, when the call comes up, as JSON.
 *
 * <p>The owner's later re-INVITEs raise its CSeq without writing it here (a store write per
 * hold would cost every hold); a BYE built from this state jumps {@link #CSEQ_MARGIN}
 * ahead, more than any call's holds and releases, as a phone wants a higher CSeq than the
 * last it saw and nothing more.
 */
record DialogState(Side caller, Side operator) {

    static final long CSEQ_MARGIN = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One leg's dialog as the server saw it. */
    record Side(String callId, String localTag, String remoteTag, String local, String remote, String target,
               List<String> routes, long seq) {

        static Side of(Dialog dialog) {
            List<String> routes = new ArrayList<>();
            for (Iterator<?> it = dialog.getRouteSet(); it.hasNext(); ) {
                routes.add(((RouteHeader) it.next()).getAddress().toString());
            }
            return new Side(dialog.getCallId().getCallId(), dialog.getLocalTag(), dialog.getRemoteTag(),
                    dialog.getLocalParty().toString(), dialog.getRemoteParty().toString(),
                    dialog.getRemoteTarget().getURI().toString(), routes, dialog.getLocalSeqNumber());
        }

        ObjectNode json() {
            ObjectNode json = JSON.createObjectNode().put("call_id", callId).put("local_tag", localTag)
                    .put("remote_tag", remoteTag).put("local", local).put("remote", remote).put("target", target)
                    .put("seq", seq);
            ArrayNode list = json.putArray("routes");
            routes.forEach(list::add);
            return json;
        }

        static Side of(JsonNode json) {
            List<String> routes = new ArrayList<>();
            json.path("routes").forEach(route -> routes.add(route.asText()));
            return new Side(json.path("call_id").asText(), json.path("local_tag").asText(), json.path("remote_tag").asText(),
                    json.path("local").asText(), json.path("remote").asText(), json.path("target").asText(), routes,
                    json.path("seq").asLong());
        }

        /** Sends this dialog a BYE from this instance (its own Via); its answer does not matter. */
        void bye(SipMessages sip) throws ParseException, InvalidArgumentException, SipException {
            URI target = sip.addresses.createURI(this.target);
            String transport = target instanceof SipURI uri && uri.getTransportParam() != null ? uri.getTransportParam()
                    : "udp";
            ViaHeader via = sip.headers.createViaHeader(sip.host(), sip.port(), transport, null);
            Request bye = sip.messages.createRequest(target, Request.BYE, sip.headers.createCallIdHeader(callId),
                    sip.headers.createCSeqHeader(seq + CSEQ_MARGIN, Request.BYE),
                    sip.headers.createFromHeader(sip.addresses.createAddress(local), localTag),
                    sip.headers.createToHeader(sip.addresses.createAddress(remote), remoteTag), List.of(via),
                    sip.headers.createMaxForwardsHeader(70));
            for (String route : routes) {
                bye.addHeader(sip.headers.createRouteHeader(sip.addresses.createAddress(route)));
            }
            ClientTransaction transaction = sip.provider.getNewClientTransaction(bye);
            transaction.setApplicationData(SipMessages.Answers.IGNORED);
            transaction.sendRequest();
        }
    }

    /** The state of an answered call's two dialogs. */
    static DialogState of(Call call) {
        return new DialogState(Side.of(call.callerLeg.dialog()), Side.of(call.operatorLeg.dialog()));
    }

    String json() {
        ObjectNode json = JSON.createObjectNode();
        json.set("caller", caller.json());
        json.set("operator", operator.json());
        return json.toString();
    }

    static DialogState parse(String text) {
        try {
            JsonNode json = JSON.readTree(text);
            return new DialogState(Side.of(json.path("caller")), Side.of(json.path("operator")));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a call's dialogs: " + e.getOriginalMessage(), e);
        }
    }
}
