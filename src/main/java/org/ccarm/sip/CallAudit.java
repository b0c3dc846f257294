package org.ccarm.sip;

import javax.sip.header.CallIdHeader;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;
import org.ccarm.callcontrol.ConversationKey;

/** The audit lines of what calls do ({@code transport=sip}; the request id is the caller's Call-ID). */
final class CallAudit {

    private final AuditLog audit;

    CallAudit(AuditLog audit) {
        this.audit = audit;
    }

    /** A lost instance's call ended by this one: {@code outcome=owner_lost}, the request id naming the lost owner. */
    void lost(ConversationKey key, String owner, long version, long seq, long start) {
        audit.record(new AuditEntry("sip", key.domain(), "sip_owner_lost", key.conversationId(), version, seq, null,
                "owner_lost", 200, (System.nanoTime() - start) / 1_000, owner, null));
    }

    void line(Call call, String cmd, long version, long seq, String operator, String outcome, int status, long start) {
        String callId = ((CallIdHeader) call.callerInvite.getRequest().getHeader(CallIdHeader.NAME)).getCallId();
        audit.record(new AuditEntry("sip", call.domain, cmd, call.key.conversationId(), version, seq, operator, outcome,
                status, (System.nanoTime() - start) / 1_000, callId, null));
    }
}
