package io.mote.core.rpc;

import java.util.UUID;

/** How a server-side RPC call ended, as far as its caller waits for it. */
public sealed interface RpcOutcome {

    /** The device answered a two-way call; {@code body} is its response text. */
    record Response(String body) implements RpcOutcome {
    }

    /** A one-way call reached the device. */
    record Delivered() implements RpcOutcome {
    }

    /** A persistent call was stored; its progress is read with its id. */
    record Persisted(UUID rpcId) implements RpcOutcome {
    }

    /**
     * No answer (or no delivery) within the timeout; {@code message} says which: the device was offline, did
     * not answer, or its transport gave up waiting for it.
     */
    record Timeout(String message) implements RpcOutcome {
    }
}
