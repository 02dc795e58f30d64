package io.mote.transport.lwm2m.ota;

/** ThingsBoard's {@code fw_state} / {@code sw_state} values, in the order an update goes through them. */
public enum UpdateState {
    QUEUED, INITIATED, DOWNLOADING, DOWNLOADED, VERIFIED, UPDATING, UPDATED, FAILED;

    /** Whether an update in this state is over. */
    boolean done() {
        return this == UPDATED || this == FAILED;
    }
}
