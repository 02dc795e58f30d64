package io.mote.transport.lwm2m.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RpcCallTest {

    @Test
    void aRequestWaitsForTheClientUntilJustBeforeItsRpcExpires() {
        long now = 1_000_000;
        // no expiration known: the transport's own timeout
        assertThat(RpcCall.requestTimeout(0, 10_000, now)).isEqualTo(10_000);
        // a 30 s RPC: nearly 30 s, the margin left for the answer to reach the caller
        assertThat(RpcCall.requestTimeout(now + 30_000, 10_000, now)).isEqualTo(28_000);
        // a short RPC never shortens the transport's timeout (the core's expiry ends the call first)
        assertThat(RpcCall.requestTimeout(now + 5_000, 10_000, now)).isEqualTo(10_000);
        // a persistent RPC expiring in a day: bounded
        assertThat(RpcCall.requestTimeout(now + 86_400_000, 10_000, now)).isEqualTo(RpcCall.MAX_REQUEST_TIMEOUT_MS);
    }
}
