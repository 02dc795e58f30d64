package io.mote.transport.lwm2m.rpc;

/** A request that cannot be valid: answered with {@code result} and the message, nothing sent to the client. */
public final class Refused extends RuntimeException {

    private final String result;

    public Refused(String result, String message) {
        super(message, null, false, false);
        this.result = result;
    }

    public static Refused badRequest(String message) {
        return new Refused("BAD_REQUEST", message);
    }

    public String result() {
        return result;
    }
}
