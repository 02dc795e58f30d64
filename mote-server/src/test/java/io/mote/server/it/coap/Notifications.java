package io.mote.server.it.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;

/** Collects the notifications of an observation, for tests to take one at a time. */
final class Notifications implements CoapHandler {

    final BlockingQueue<CoapResponse> responses = new LinkedBlockingQueue<>();

    @Override
    public void onLoad(CoapResponse response) {
        responses.add(response);
    }

    @Override
    public void onError() {
    }

    /** The next notification, failing the test when none comes within 20 s. */
    CoapResponse next() throws InterruptedException {
        CoapResponse r = responses.poll(20, TimeUnit.SECONDS);
        assertThat(r).as("a notification").isNotNull();
        return r;
    }
}
