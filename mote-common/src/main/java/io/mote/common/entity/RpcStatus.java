package io.mote.common.entity;

/** The life of a persistent RPC, as ThingsBoard names its states. */
public enum RpcStatus {
    QUEUED, SENT, DELIVERED, SUCCESSFUL, TIMEOUT, EXPIRED, FAILED;

    public boolean isFinal() {
        return this == SUCCESSFUL || this == TIMEOUT || this == EXPIRED || this == FAILED;
    }
}
