package io.mote.cluster.bus;

/**
 * One message on the bus: what it is ({@code op}), the request it answers or expects an answer to
 * ({@code corr}, 0 for none), the node topic to answer on ({@code replyTo}, null for none), the node that
 * sent it, and its body ({@link io.mote.cluster.codec.Out}). All but the body travel as Kafka headers.
 */
public record Envelope(String op, long corr, String replyTo, String from, byte[] body) {
}
