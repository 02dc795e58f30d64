package io.mote.transport.lwm2m.ota;

/**
 * Server-wide settings of LwM2M updates.
 *
 * @param packageUriBase  base of the Package URIs Mote serves ({@code coap://host:port}); empty: the profile's
 *                        {@code fwUpdateResource} / {@code swUpdateResource}, else the LwM2M server's address
 * @param advertisedHost  host put into Package URIs when no base is given (the LwM2M server's address as clients
 *                        reach it)
 * @param transferTimeoutMs how long a step of an update (the transfer, the download, the update itself) may go
 *                        without progress before it is retried or failed
 * @param retries         how often a transfer that broke off (timeout, connection lost) is tried again
 */
public record OtaSettings(String packageUriBase, String advertisedHost, long transferTimeoutMs, int retries) {

    public static final OtaSettings DEFAULT = new OtaSettings("", "", 300_000, 2);
}
