package io.mote.transport.snmp;

/**
 * {@code mote.transport.snmp.*}.
 *
 * @param bindAddress     address the request socket and the trap listener bind to (empty = every interface)
 * @param trapPort        the trap and inform listener (0 = a free port; negative = no listener)
 * @param workerThreads   threads that decode answers and traps
 * @param maxInflight     requests sent and not yet answered or timed out, at most; a poll due past it is skipped
 * @param maxOidsPerRequest variable bindings in one GET at most (halved for an agent answering tooBig)
 */
public record SnmpTransportSettings(String bindAddress, int trapPort, int workerThreads, int maxInflight,
                                    int maxOidsPerRequest) {
}
