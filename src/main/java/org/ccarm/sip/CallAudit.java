package org.ccarm.sip;

import javax.sip.header.CallIdHeader;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;

/** The audit lines of what calls do ({@code transport=sip}; the request id is the caller's Call-ID). */
final class CallAudit {

    private final AuditLog audit;

    CallAudit(AuditLog audit) {
        this.audit = audit;
    }

    void line(Call call, String cmd, long version, long seq, String operator, String outcome, int status, long start) {
        String callId = ((CallIdHeader) call.callerInvite.getRequest().getHeader(CallIdHeader.NAME)).getCallId();
        audit.record(new AuditEntry("sip", call.domain, cmd, call.key.conversationId(), version, seq, operator, outcome,
                status, (System.nanoTime() - start) / 1_000, callId, null));
    }
}
