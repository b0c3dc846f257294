-- The same POST for every request: the vendor's example. Used for the rows that
-- answer a canned document (bare Jetty, WireMock).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/xml"
wrk.body = '<in><request><call_unhold conversation_id="0647e098a4b48b05"/></request></in>'
